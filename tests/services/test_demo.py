"""``hoagiai demo seed``: a realistic, deterministic demo province written only to an empty database."""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli_demo import add_demo_commands, run_demo_command
from bot.config import Settings
from bot.domain.enums import CaseOutcome, PersonStatus, Role
from bot.domain.phone import normalize_vn_mobile
from bot.domain.units import PRE2025_DISTRICTS
from bot.runtime import open_app
from bot.services.console_identity import console_user_for
from bot.services.demo import WIPED_TABLES, DemoRefused, DemoSummary, RefusalReason, seed_demo
from bot.storage.db import Row
from bot.texts import cases as tc
from bot.texts import demo as td
from bot.texts import register as tr
from tests.databases import ServerDatabases, Where, open_database, referenced_tables, table_names
from tests.flows.support import Chat, Clock

NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
_CODE = re.compile(r"^HG-(\d{4})-(\d{5})$")


def _seed_file(where: Where, rng_seed: int = 7, now: datetime = NOW) -> tuple[DemoSummary, float]:
    async def run() -> tuple[DemoSummary, float]:
        async with open_database(where) as db:
            started = time.perf_counter()
            summary = await seed_demo(db, now, rng_seed=rng_seed)
            return summary, time.perf_counter() - started

    return asyncio.run(run())


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, server_databases: ServerDatabases | None
) -> Iterator[tuple[Where, DemoSummary, float]]:
    """One demo province the read-only tests share (a database of the module's own on PostgreSQL)."""
    where: Where
    if server_databases is None:
        where = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
        summary, seconds = _seed_file(where)
        yield where, summary, seconds
        return
    where = server_databases.create()
    try:
        summary, seconds = _seed_file(where)
        yield where, summary, seconds
    finally:
        server_databases.drop(where)


@pytest.fixture
def db_place(tmp_path: Path, database_url: str | None) -> Where:
    """This test's own database: the file the settings would name, or the test's database."""
    return database_url or tmp_path / "db.sqlite3"


async def _rows(where: Where, sql: str, *params: Any) -> list[Row]:
    async with open_database(where) as db:
        return await db.fetchall(sql, params)


async def _one(where: Where, sql: str, *params: Any) -> int:
    rows = await _rows(where, sql, *params)
    return int(rows[0][0])


def test_seeding_is_fast(seeded: tuple[Where, DemoSummary, float]) -> None:
    assert seeded[2] < 5.0


async def test_the_province_is_complete(seeded: tuple[Where, DemoSummary, float]) -> None:
    path, summary, _ = seeded
    assert summary.communes == 65
    teams = await _rows(path, "SELECT id, commune_code, confirmed FROM teams")
    per_commune = Counter(row["commune_code"] for row in teams if row["confirmed"])
    assert len(per_commune) == 65
    assert set(per_commune.values()) <= {4, 5, 6}
    assert len(set(per_commune.values())) > 1
    officers = await _rows(
        path, "SELECT commune_code FROM people WHERE role = 'commune_officer' AND status = 'active'"
    )
    assert sorted(row["commune_code"] for row in officers) == sorted(per_commune)
    assert (
        await _one(path, "SELECT COUNT(*) FROM people WHERE role = 'province_officer' AND status = 'active'")
        == 2
    )
    assert await _one(path, "SELECT COUNT(*) FROM people WHERE role = 'admin'") == 1
    assert summary.teams == len(teams)
    assert (summary.commune_officers, summary.province_officers, summary.admins) == (65, 2, 1)


async def test_every_team_has_four_to_seven_mediators_and_one_leader(
    seeded: tuple[Where, DemoSummary, float],
) -> None:
    path, _, _ = seeded
    rows = await _rows(
        path,
        "SELECT t.id, p.role, p.status FROM teams t JOIN people p ON p.team_id = t.id "
        "WHERE t.confirmed = 1 AND p.status <> 'pending'",
    )
    members: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        members[row["id"]].append(row)
    assert len(members) == await _one(path, "SELECT COUNT(*) FROM teams WHERE confirmed = 1")
    for team in members.values():
        assert 4 <= len(team) <= 7
        leaders = [m for m in team if m["role"] == Role.TEAM_LEADER]
        assert len(leaders) == 1 and leaders[0]["status"] == PersonStatus.ACTIVE
        assert all(m["role"] in (Role.MEDIATOR, Role.TEAM_LEADER) for m in team)


async def test_names_phones_and_composition_are_realistic(seeded: tuple[Where, DemoSummary, float]) -> None:
    path, summary, _ = seeded
    people = await _rows(path, "SELECT full_name, sex, ethnic_minority, phone FROM people")
    phones = [row["phone"] for row in people]
    assert len(set(phones)) == len(phones)
    assert all(normalize_vn_mobile(phone) == phone for phone in phones)
    surnames = Counter(row["full_name"].split()[0] for row in people)
    minority = sum(n for name, n in surnames.items() if name in td.MINORITY_SURNAMES)
    assert minority / len(people) > 0.6  # mostly Tày and Nùng families
    assert all(len(row["full_name"].split()) == 3 for row in people)
    sexes = Counter(row["sex"] for row in people)
    assert 0.3 < sexes["female"] / len(people) < 0.6
    assert 0.6 < sum(row["ethnic_minority"] for row in people) / len(people) < 0.95
    # Most teams meet Art. 12, a few do not.
    assert 0.75 < summary.compliant_teams / summary.teams < 0.97


async def test_recognition_training_and_support(seeded: tuple[Where, DemoSummary, float]) -> None:
    path, summary, _ = seeded
    mediators = await _rows(
        path,
        "SELECT recognised_on, trained_on FROM people "
        "WHERE role IN ('mediator', 'team_leader') AND status = 'active'",
    )
    assert summary.mediators == len(mediators)
    assert all(row["recognised_on"] and row["recognised_on"] < TODAY.isoformat() for row in mediators)
    trained = [row for row in mediators if row["trained_on"]]
    assert all(row["recognised_on"] <= row["trained_on"] < TODAY.isoformat() for row in trained)
    assert 0.72 < len(trained) / len(mediators) < 0.88
    assert summary.trained == len(trained)
    # Some recently recognised mediators (the 6-month training window).
    recent = (TODAY - timedelta(days=200)).isoformat()
    assert any(row["recognised_on"] >= recent for row in mediators)
    # Legal supporters: active people with a supporter type, on ≥10% of teams.
    supporters = await _rows(
        path,
        "SELECT DISTINCT p.legal_supporter, p.status FROM legal_support ls "
        "JOIN people p ON p.id = ls.person_id",
    )
    assert supporters and all(row["legal_supporter"] and row["status"] == "active" for row in supporters)
    assert summary.supported_teams / summary.teams >= 0.10
    # Trainers: at least one per 100 teams.
    assert summary.trainers >= summary.teams / 100 + 1
    assert summary.pending > 0 and summary.left > 0


async def test_pilot_and_model_communes(seeded: tuple[Where, DemoSummary, float]) -> None:
    path, summary, _ = seeded
    pilots = await _rows(path, "SELECT former_districts FROM communes WHERE is_pilot = 1")
    districts = {row["former_districts"].split(";")[0].strip() for row in pilots}
    assert districts == set(PRE2025_DISTRICTS) - {"TP Lạng Sơn"}
    assert summary.pilot_communes == len(pilots) == 10
    assert summary.model_communes >= 4  # ≥5% of 65


async def test_cases_have_a_realistic_mix(seeded: tuple[Where, DemoSummary, float]) -> None:
    path, summary, _ = seeded
    cases = await _rows(path, "SELECT * FROM cases")
    assert 300 <= len(cases) <= 600
    assert summary.cases == len(cases)
    outcomes = Counter(row["outcome"] for row in cases)
    assert dict(outcomes) == summary.outcomes
    share = {outcome: outcomes[outcome] / len(cases) for outcome in CaseOutcome}
    assert 0.65 < share[CaseOutcome.THANH] < 0.85
    assert 0.08 < share[CaseOutcome.KHONG_THANH] < 0.22
    assert 0.03 < share[CaseOutcome.DANG_HOA_GIAI] < 0.12
    assert 0.005 < share[CaseOutcome.NGOAI_PHAM_VI] < 0.07
    fields = Counter(row["field"] for row in cases)
    assert len(fields) == 6
    assert fields.most_common(1)[0][0] == "dat_dai"
    two_years_ago = (TODAY - timedelta(days=731)).isoformat()
    for row in cases:
        assert two_years_ago <= row["received_on"] <= TODAY.isoformat()
        if row["outcome"] in ("thanh", "khong_thanh"):
            assert row["received_on"] <= row["outcome_on"] <= TODAY.isoformat()
        else:
            assert row["outcome_on"] is None
        if row["outcome"] == "ngoai_pham_vi":
            assert row["out_of_scope_reason"] and row["parties_count"] is None
        else:
            assert row["out_of_scope_reason"] is None and row["parties_count"] >= 2
        if row["outcome"] == "khong_thanh":
            assert row["next_step"]
        assert row["summary"] in td.SUMMARIES[row["field"]]


async def test_cases_belong_to_their_reporters_team(seeded: tuple[Where, DemoSummary, float]) -> None:
    path, _, _ = seeded
    rows = await _rows(
        path,
        "SELECT c.team_id, c.commune_code, p.team_id AS reporter_team, p.role, "
        "t.commune_code AS team_commune FROM cases c JOIN people p ON p.id = c.reported_by "
        "JOIN teams t ON t.id = c.team_id",
    )
    assert rows
    for row in rows:
        assert row["team_id"] == row["reporter_team"]
        assert row["commune_code"] == row["team_commune"]
        assert row["role"] in (Role.MEDIATOR, Role.TEAM_LEADER)


async def test_case_codes_follow_the_order_of_reporting(seeded: tuple[Where, DemoSummary, float]) -> None:
    path, _, _ = seeded
    cases = await _rows(path, "SELECT code, created_at FROM cases ORDER BY created_at, id")
    by_year: dict[int, list[int]] = defaultdict(list)
    for row in cases:
        match = _CODE.match(row["code"])
        assert match is not None, row["code"]
        year = int(match.group(1))
        assert year == datetime.fromisoformat(row["created_at"]).year
        by_year[year].append(int(match.group(2)))
    for numbers in by_year.values():
        assert numbers == list(range(1, len(numbers) + 1))
    counters = await _rows(path, "SELECT year, last FROM case_counters")
    assert {row["year"]: row["last"] for row in counters} == {y: len(n) for y, n in by_year.items()}


async def test_audit_trail(seeded: tuple[Where, DemoSummary, float]) -> None:
    path, summary, _ = seeded
    events = await _rows(
        path,
        "SELECT e.*, c.code, c.created_at AS case_created FROM case_events e "
        "JOIN cases c ON c.id = e.case_id ORDER BY e.id",
    )
    assert summary.events == len(events)
    first: dict[int, Row] = {}
    for event in events:
        first.setdefault(event["case_id"], event)
        assert event["at"] >= event["case_created"]
        assert datetime.fromisoformat(event["at"]) <= NOW
    assert len(first) == summary.cases
    assert all(e["kind"] == "created" and e["new_value"] == e["code"] for e in first.values())
    changed = [e for e in events if e["kind"] == "changed"]
    assert any(
        (e["field"], e["old_value"], e["new_value"]) == ("outcome", "dang_hoa_giai", "thanh") for e in changed
    )
    assert any(e["field"] == "outcome_on" and e["old_value"] is None for e in changed)
    notes = [e for e in events if e["kind"] == "note"]
    assert notes and all(e["new_value"] in td.NOTES for e in notes)
    # A concluded case's row agrees with its last audited outcome.
    for event in changed:
        if event["field"] == "outcome":
            current = await _rows(path, "SELECT outcome FROM cases WHERE id = ?", event["case_id"])
            assert current[0]["outcome"] == event["new_value"]


async def test_the_database_is_sound(seeded: tuple[Where, DemoSummary, float]) -> None:
    async with open_database(seeded[0]) as db:
        assert await db.integrity_check() == []


async def test_a_database_with_data_is_refused(db_place: Where) -> None:
    path = db_place
    first, _ = await asyncio.to_thread(_seed_file, path)
    async with open_database(path) as db:
        with pytest.raises(DemoRefused) as refused:
            await seed_demo(db, NOW, rng_seed=7)
    assert refused.value.reason == RefusalReason.NOT_EMPTY
    assert refused.value.people > 0 and refused.value.cases == first.cases
    assert await _one(path, "SELECT COUNT(*) FROM cases") == first.cases


async def test_one_registered_person_is_enough_to_refuse(db_place: Where) -> None:
    path = db_place
    async with open_database(path) as db:
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO people(full_name, role, status, phone, created_at, updated_at) "
                "VALUES ('Trần Thị Lan', 'admin', 'active', '+84912345678', 'x', 'x')"
            )
        with pytest.raises(DemoRefused):
            await seed_demo(db, NOW)
    assert await _one(path, "SELECT COUNT(*) FROM teams") == 0


async def test_force_replaces_the_demo_instead_of_adding_to_it(db_place: Where) -> None:
    path = db_place
    first, _ = await asyncio.to_thread(_seed_file, path)
    # Someone tried the bot on the console in between.
    async with open_database(path) as db:
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO identities(channel, external_id, chat_id, person_id, created_at) "
                "VALUES ('console', 'u', 'u', 5, 'x')"
            )
        again = await seed_demo(db, NOW, force=True, rng_seed=7)
    assert again.wiped and not first.wiped
    # Ids restart in the emptied tables: the same demo again, nothing doubled.
    assert again == replace(first, wiped=True)
    assert await _one(path, "SELECT COUNT(*) FROM identities") == 0
    people = await _one(path, "SELECT COUNT(*) FROM people")
    assert people == first.mediators + first.pending + first.left + 65 + 2 + 1


async def test_force_never_wipes_a_live_database(db_place: Where) -> None:
    path = db_place
    first, _ = await asyncio.to_thread(_seed_file, path)
    async with open_database(path) as db:
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO identities(channel, external_id, chat_id, person_id, created_at) "
                "VALUES ('telegram', '123', '123', 5, 'x')"
            )
        with pytest.raises(DemoRefused) as refused:
            await seed_demo(db, NOW, force=True)
    assert refused.value.reason == RefusalReason.LIVE_DATA and refused.value.identities == 1
    assert await _one(path, "SELECT COUNT(*) FROM cases") == first.cases


async def test_same_seed_same_database_other_seed_other_database(
    new_database: Callable[[str], Where],
) -> None:
    dumps = []
    for name, rng_seed in (("a", 11), ("b", 11), ("c", 12)):
        path = new_database(f"{name}.sqlite3")
        await asyncio.to_thread(_seed_file, path, rng_seed)
        people = await _rows(path, "SELECT * FROM people ORDER BY id")
        cases = await _rows(path, "SELECT * FROM cases ORDER BY id")
        teams = await _rows(path, "SELECT * FROM teams ORDER BY id")
        dumps.append([tuple(row) for row in (*people, *cases, *teams)])
    assert dumps[0] == dumps[1]
    assert dumps[0] != dumps[2]


async def test_chat_as_mediator_works_after_seeding(tmp_path: Path, db_place: Where) -> None:
    summary, _ = await asyncio.to_thread(_seed_file, db_place)
    # On PostgreSQL the settings read this test's database from DATABASE_URL, as db_place.
    settings = Settings(data_dir=tmp_path, database_path=tmp_path / "db.sqlite3", _env_file=None)  # type: ignore[call-arg]
    clock = Clock(NOW)
    async with open_app(settings, load_kb=False, clock=clock) as app:
        user = await console_user_for(app, "mediator")
        assert user == f"console-person-{summary.showcase_mediator}"
        mediator = Chat(app, user)
        reply = await mediator("/vuviec")
        assert reply.startswith(tc.PICK_CASE)
        assert "1. ⏳ HG-2026-" in reply  # an open case first
        reply = await mediator("/baocao")
        assert tc.ASK_RECEIVED in reply
        # The first commune officer has registrations waiting, one of them for a new thôn.
        officer = Chat(app, await console_user_for(app, "commune_officer"))
        reply = await officer("/duyet")
        assert reply.startswith(tr.PICK_PENDING.format(n=3))
        reply = await officer("/to")
        assert "Thôn Khuổi Mới" not in reply  # proposed, nobody approved yet: not a team
        for role in ("team_leader", "province_officer", "admin"):
            assert await console_user_for(app, role)


async def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_demo_commands(parser.add_subparsers(dest="demo_command", required=True))
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]

    assert await run_demo_command(parser.parse_args(["seed", "--seed", "3"]), settings) == 0
    out = capsys.readouterr().out
    assert "65 xã/phường" in out and td.TRY_IT in out

    assert await run_demo_command(parser.parse_args(["seed"]), settings) == 1
    err = capsys.readouterr().err
    assert err.startswith(td.REFUSED_NOT_EMPTY.split("{")[0])

    assert await run_demo_command(parser.parse_args(["seed", "--force"]), settings) == 0
    out = capsys.readouterr().out
    assert td.WIPED in out


async def test_force_empties_every_table_that_refers_to_demo_rows(db_place: Where) -> None:
    async with open_database(db_place) as db:
        referring = set()
        for table in await table_names(db):
            if await referenced_tables(db, table) & set(WIPED_TABLES):
                referring.add(table)
        assert referring <= set(WIPED_TABLES)
        # Children are emptied before their parents.
        order = {table: i for i, table in enumerate(WIPED_TABLES)}
        for table in WIPED_TABLES:
            for parent in await referenced_tables(db, table):
                if parent in order and parent != table:
                    assert order[table] < order[parent], (table, parent)
