"""``hoagiai db copy --to postgresql://…``: the demo province moved to PostgreSQL, verified, and
refused whenever the copy could not be exact (docs/postgres-plan.md §5)."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot import cli
from bot.storage import cases as case_repo
from bot.storage import copy as db_copy
from bot.storage import people as people_repo
from bot.storage.copy import ChecksumMismatch, CopyRefused, Refusal, canonical_row, copy_database
from bot.storage.db import Connection, SqliteDatabase, bundled_migrations
from bot.storage.engines.postgres import PostgresDatabase
from tests.postgres.conftest import with_database

NOW = datetime(2026, 3, 11, 8, 0, tzinfo=UTC)


async def _counts(conn: Connection, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        rows = list(await conn.execute_fetchall(f"SELECT COUNT(*) FROM {table}"))
        counts[table] = int(rows[0][0])
    return counts


async def _sqlite_tables(path: Path) -> list[str]:
    async with SqliteDatabase(path) as db:
        rows = await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name <> 'schema_migrations' ORDER BY name"
        )
    return [str(r[0]) for r in rows]


# ---------------------------------------------------------------------------- no server needed


def test_canonical_rows_tell_types_and_boundaries_apart() -> None:
    rows = [(1, "a"), ("1", "a"), (None, "a"), ("", "a"), ("a", "bc"), ("ab", "c"), (1.0, "a"), (True, "a")]
    encoded = [canonical_row(r) for r in rows]
    # True is stored as 1 by both engines: the same bytes, on purpose; everything else differs.
    assert encoded[-1] == encoded[0]
    assert len(set(encoded[:-1])) == len(rows) - 1
    assert canonical_row(("Đặng Thị Ánh", None, 7)) == canonical_row(["Đặng Thị Ánh", None, 7])


async def test_tables_come_in_foreign_key_order(demo_file: Path) -> None:
    async with db_copy._source_snapshot(demo_file) as src:
        shapes = db_copy.foreign_key_order(await db_copy.source_tables(src))
    position = {s.name: i for i, s in enumerate(shapes)}
    assert "schema_migrations" not in position
    for shape in shapes:
        assert all(position[parent] < position[shape.name] for parent in shape.parents), shape.name
    people = next(s for s in shapes if s.name == "people")
    assert people.self_references == ["approved_by"]
    assert (
        position["communes"]
        < position["teams"]
        < position["people"]
        < position["cases"]
        < position["case_events"]
    )


def test_a_foreign_key_cycle_is_reported() -> None:
    a = db_copy.TableShape("a", ["id"], ["id"], parents={"b"})
    b = db_copy.TableShape("b", ["id"], ["id"], parents={"a"})
    with pytest.raises(ValueError, match="cycle among: a, b"):
        db_copy.foreign_key_order([a, b])


async def test_refused_when_the_source_lacks_a_migration(tmp_path: Path) -> None:
    source = tmp_path / "old.sqlite3"
    db = SqliteDatabase(source)
    await db.open(migrate=False)
    await db.migrate(bundled_migrations()[:-1])
    await db.close()
    # Refused before any connection: the URL names no server at all.
    with pytest.raises(CopyRefused) as refused:
        await copy_database(source, "postgresql://nobody@127.0.0.1:9/none")
    assert refused.value.reason is Refusal.SOURCE_NOT_MIGRATED
    assert refused.value.detail == str(bundled_migrations()[-1].version)


async def test_refused_without_a_source_file_or_a_postgres_url(tmp_path: Path, demo_file: Path) -> None:
    with pytest.raises(CopyRefused) as refused:
        await copy_database(tmp_path / "absent.sqlite3", "postgresql://nobody@127.0.0.1:9/none")
    assert refused.value.reason is Refusal.SOURCE_MISSING
    with pytest.raises(CopyRefused) as refused:
        await copy_database(demo_file, "mysql://root:pw@db/x")
    assert refused.value.reason is Refusal.NOT_POSTGRES
    assert "pw" not in refused.value.detail


# ---------------------------------------------------------------------------- on a server


async def test_the_demo_moves_to_postgres_and_the_bot_reads_it(demo_file: Path, pg_schema_url: str) -> None:
    checks = await copy_database(demo_file, pg_schema_url)
    tables = await _sqlite_tables(demo_file)
    assert sorted(c.table for c in checks) == tables
    assert all(c.ok for c in checks)

    async with SqliteDatabase(demo_file) as lite, PostgresDatabase(pg_schema_url) as pg:
        lite_counts = await _counts(lite.reader, tables)
        assert await _counts(pg.reader, tables) == lite_counts
        assert {c.table: c.target_rows for c in checks} == lite_counts
        assert lite_counts["people"] > 1000 and lite_counts["cases"] > 300

        # The same people and cases, read by the repositories through each engine.
        ids = [int(r[0]) for r in await lite.fetchall("SELECT id FROM people ORDER BY id")]
        for person_id in [ids[0], ids[len(ids) // 2], ids[-1]]:
            assert await people_repo.get_person(pg.reader, person_id) == await people_repo.get_person(
                lite.reader, person_id
            )
        approved = await lite.fetchone("SELECT id, approved_by FROM people WHERE approved_by IS NOT NULL")
        assert approved is not None
        # The self-reference was filled in the second pass.
        copied = await pg.fetchone("SELECT approved_by FROM people WHERE id = ?", (approved[0],))
        assert copied is not None and copied[0] == approved[1]
        linked = "SELECT count(*) FROM people WHERE approved_by IS NOT NULL"
        assert tuple(await pg.fetchone(linked) or ()) == tuple(await lite.fetchone(linked) or ()) != (0,)
        case_ids = [int(r[0]) for r in await lite.fetchall("SELECT id FROM cases ORDER BY id")]
        for case_id in case_ids[:3] + case_ids[-3:]:
            assert await case_repo.get_case(pg.reader, case_id) == await case_repo.get_case(
                lite.reader, case_id
            )
            assert await case_repo.events(pg.reader, case_id) == await case_repo.events(lite.reader, case_id)

        # The identity sequences were moved past the copied ids.
        team = await pg.fetchone("SELECT id, commune_code FROM teams ORDER BY id LIMIT 1")
        assert team is not None
        async with pg.transaction() as tx:
            new_person = await people_repo.insert_person(
                tx,
                NOW,
                full_name="Người Mới",
                role="mediator",
                status="active",
                commune_code=team["commune_code"],
                team_id=team["id"],
            )
            await case_repo.add_event(tx, case_ids[-1], None, NOW, "note", None, None, "sau khi chép")
        assert new_person == ids[-1] + 1
        lite_event = await lite.fetchone("SELECT max(id) FROM case_events")
        pg_event = await pg.fetchone("SELECT max(id) FROM case_events")
        assert lite_event is not None and pg_event is not None
        assert pg_event[0] == lite_event[0] + 1


async def test_refused_on_a_target_with_any_row(demo_file: Path, pg_schema_url: str) -> None:
    async with PostgresDatabase(pg_schema_url) as pg, pg.transaction() as tx:
        await tx.execute(
            "INSERT INTO kb_unanswered(at, question, decision) VALUES (?, ?, ?)",
            (NOW.isoformat(), "hoi thu", "none"),
        )
    with pytest.raises(CopyRefused) as refused:
        await copy_database(demo_file, pg_schema_url)
    assert refused.value.reason is Refusal.TARGET_NOT_EMPTY
    assert refused.value.detail == "kb_unanswered"
    async with PostgresDatabase(pg_schema_url) as pg:
        assert await _counts(pg.reader, ["people", "cases", "kb_unanswered"]) == {
            "people": 0,
            "cases": 0,
            "kb_unanswered": 1,
        }


async def test_a_checksum_mismatch_rolls_everything_back(
    demo_file: Path, pg_schema_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    honest = db_copy.target_checksum

    async def corrupted(conn: Any, shape: db_copy.TableShape) -> tuple[int, str]:
        rows, digest = await honest(conn, shape)
        return (rows, "0" * 64) if shape.name == "cases" else (rows, digest)

    monkeypatch.setattr(db_copy, "target_checksum", corrupted)
    with pytest.raises(ChecksumMismatch) as mismatch:
        await copy_database(demo_file, pg_schema_url)
    assert [c.table for c in mismatch.value.checks if not c.ok] == ["cases"]
    tables = await _sqlite_tables(demo_file)
    async with PostgresDatabase(pg_schema_url) as pg:
        assert set((await _counts(pg.reader, tables)).values()) == {0}
    # The rolled-back target is as good as new: the honest copy goes through.
    monkeypatch.setattr(db_copy, "target_checksum", honest)
    assert all(c.ok for c in await copy_database(demo_file, pg_schema_url))


def test_the_command_prints_every_table_and_never_the_password(
    demo_file: Path,
    pg_schema_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "hoagiai.sqlite3"
    shutil.copyfile(demo_file, source)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(source))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    # The test server trusts local connections, so any password is accepted and must not show.
    url = pg_schema_url.replace("postgresql://hoagiai@", "postgresql://hoagiai:Mat-Khau-42@", 1)
    assert "Mat-Khau-42" in url

    assert cli.main(["db", "copy", "--to", url]) == 0
    out, err = capsys.readouterr()
    assert "Mat-Khau-42" not in out + err
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line.endswith(" OK")}
    with sqlite3.connect(source) as lite:
        people = lite.execute("SELECT count(*) FROM people").fetchone()[0]
        tables = lite.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
    assert lines["people"][1] == str(people)
    assert len(lines) == tables - 1  # all but schema_migrations

    assert cli.main(["db", "copy", "--to", url]) == 2
    out, err = capsys.readouterr()
    assert "đã có dữ liệu" in err and "Mat-Khau-42" not in out + err

    # The same deployment now on PostgreSQL: check, migrate and backup go through its engine.
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(["db", "check"]) == 0
    assert cli.main(["db", "migrate"]) == 0
    out, _ = capsys.readouterr()
    assert "toàn vẹn: tốt" in out and "migration: —" in out
    assert cli.main(["db", "backup", str(tmp_path / "x.dump")]) == 2
    out, err = capsys.readouterr()
    assert out.startswith("pg_dump -Fc -f ") and "127.0.0.1" in out
    assert "pg_dump" in err and "Mat-Khau-42" not in out + err
    assert not (tmp_path / "x.dump").exists()


async def test_the_target_refuses_a_value_of_the_wrong_type(
    demo_file: Path, pg_schema_url: str, tmp_path: Path
) -> None:
    # SQLite keeps a non-numeric text in an INTEGER column; PostgreSQL does not: the copy stops
    # naming the table, and nothing stays behind.
    source = tmp_path / "odd.sqlite3"
    shutil.copyfile(demo_file, source)
    async with SqliteDatabase(source) as lite, lite.transaction() as tx:
        await tx.execute("UPDATE people SET legal_background = 'x' WHERE id = (SELECT min(id) FROM people)")
    with pytest.raises(db_copy.CopyFailed) as failed:
        await copy_database(source, pg_schema_url)
    assert failed.value.table == "people"
    conn = await asyncpg.connect(pg_schema_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM people") == 0
    finally:
        await conn.close()


async def test_refused_on_a_target_sorting_by_language_rules(demo_file: Path, pg_url: str) -> None:
    admin = await asyncpg.connect(pg_url)
    name = f"t_copy_icu_{uuid.uuid4().hex[:8]}"
    try:
        if admin.get_server_version().major < 15:
            pytest.skip("ICU databases need PostgreSQL 15")
        try:
            await admin.execute(
                f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'und'"
            )
        except asyncpg.PostgresError as exc:
            pytest.skip(f"cannot create an ICU database: {exc}")
        with pytest.raises(CopyRefused) as refused:
            await copy_database(demo_file, with_database(pg_url, name))
        assert refused.value.reason is Refusal.COLLATION
        assert "LC_COLLATE 'C.UTF-8'" in refused.value.detail
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name}")
        await admin.close()


async def test_writes_during_the_copy_are_not_seen(
    demo_file: Path, pg_schema_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bot still writing while the copy runs: every table comes from the instant the copy began.
    source = tmp_path / "live.sqlite3"
    shutil.copyfile(demo_file, source)
    linked = "SELECT count(*) FROM people WHERE approved_by IS NOT NULL"
    with sqlite3.connect(source) as lite:
        approved_before = lite.execute(linked).fetchone()[0]
    streamed = db_copy._source_rows

    def write_now() -> None:
        with sqlite3.connect(source) as lite:
            lite.execute(
                "INSERT INTO kb_unanswered(at, question, decision) VALUES (?, ?, ?)",
                ("2026-03-11T08:00:00", "moi", "none"),
            )
            lite.execute("UPDATE people SET approved_by = NULL")

    def streaming(src: Any, shape: db_copy.TableShape, digest: Any, counter: list[int]) -> Any:
        if shape.name == "communes":  # early in the order; kb_unanswered and people come later
            write_now()
        return streamed(src, shape, digest, counter)

    monkeypatch.setattr(db_copy, "_source_rows", streaming)
    checks = await copy_database(source, pg_schema_url)
    assert all(c.ok for c in checks)
    with sqlite3.connect(source) as lite:
        assert lite.execute(linked).fetchone()[0] == 0
        assert lite.execute("SELECT count(*) FROM kb_unanswered").fetchone()[0] == 1
    conn = await asyncpg.connect(pg_schema_url)
    try:
        assert await conn.fetchval(linked) == approved_before > 0
        assert await conn.fetchval("SELECT count(*) FROM kb_unanswered") == 0
    finally:
        await conn.close()
