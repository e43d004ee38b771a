"""Synthetic communes, teams, people and cases written with plain SQL (tests and the bench).

Two ways in: :class:`Synth` inserts one row at a time with readable defaults (hand-built test
worlds whose answers are worked out by hand), and :func:`populate` bulk-loads a province-sized
random data set (65 communes, thousands of teams, 100,000 cases) for the benchmark.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.domain.enums import CaseField, CaseOutcome
from bot.domain.vntext import fold
from bot.storage.db import Database, insert_returning_id, iso

CREATED = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Synth:
    """Row-by-row inserts with defaults; every method returns the new row's key."""

    db: Database
    _case_no: int = field(default=0, init=False)

    async def _insert(self, table: str, values: dict[str, Any], *, has_id: bool = True) -> int:
        """Insert one row; its generated id (0 for a table keyed otherwise)."""
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        sql = f"INSERT INTO {table}({columns}) VALUES ({marks})"
        async with self.db.transaction() as tx:
            if not has_id:
                await tx.execute(sql, tuple(values.values()))
                return 0
            return await insert_returning_id(tx, sql, tuple(values.values()))

    async def commune(
        self,
        code: str,
        name: str,
        *,
        unit_type: str = "xã",
        pilot: bool = False,
        ethnic_area: bool = True,
        model: bool = False,
    ) -> str:
        """A commune; returns its code."""
        await self._insert(
            "communes",
            {
                "code": code,
                "name": name,
                "name_folded": fold(name),
                "unit_type": unit_type,
                "is_pilot": int(pilot),
                "is_ethnic_area": int(ethnic_area),
                "is_model": int(model),
            },
            has_id=False,
        )
        return code

    async def team(self, commune_code: str, name: str, *, confirmed: bool = True) -> int:
        """A mediation team; returns its id."""
        return await self._insert(
            "teams",
            {
                "commune_code": commune_code,
                "name": name,
                "name_folded": fold(name),
                "confirmed": int(confirmed),
                "created_at": iso(CREATED),
            },
        )

    async def person(
        self,
        name: str,
        *,
        role: str = "mediator",
        status: str = "active",
        team_id: int | None = None,
        commune_code: str | None = None,
        sex: str | None = None,
        ethnic_minority: bool | None = None,
        legal_background: bool = False,
        recognised_on: str | None = None,
        trained_on: str | None = None,
        is_trainer: bool = False,
        legal_supporter: str | None = None,
    ) -> int:
        """A person; returns their id."""
        return await self._insert(
            "people",
            {
                "full_name": name,
                "role": role,
                "status": status,
                "team_id": team_id,
                "commune_code": commune_code,
                "sex": sex,
                "ethnic_minority": None if ethnic_minority is None else int(ethnic_minority),
                "legal_background": int(legal_background),
                "recognised_on": recognised_on,
                "trained_on": trained_on,
                "is_trainer": int(is_trainer),
                "legal_supporter": legal_supporter,
                "created_at": iso(CREATED),
                "updated_at": iso(CREATED),
            },
        )

    async def legal_support(self, person_id: int, team_id: int) -> None:
        """Record that a legal professional supports a team."""
        await self._insert("legal_support", {"person_id": person_id, "team_id": team_id}, has_id=False)

    async def case(
        self,
        team_id: int,
        received_on: str,
        outcome: str,
        field: str = CaseField.DAT_DAI.value,
        *,
        reported_by: int,
        summary: str = "Tranh chấp lối đi chung giữa hai hộ",
        parties_count: int | None = 2,
        outcome_on: str | None = None,
        **extra: Any,
    ) -> int:
        """A case of a team (its commune is the team's); returns its id."""
        row = await self.db.fetchone("SELECT commune_code FROM teams WHERE id = ?", (team_id,))
        assert row is not None, f"no team {team_id}"
        self._case_no += 1
        code = f"HG-{received_on[:4]}-{self._case_no:05d}"
        values = {
            "code": code,
            "draft_key": f"synth-{self._case_no}",
            "team_id": team_id,
            "commune_code": row["commune_code"],
            "reported_by": reported_by,
            "received_on": received_on,
            "origin": "parties_requested",
            "field": field,
            "summary": summary,
            "parties_count": parties_count,
            "outcome": outcome,
            "outcome_on": outcome_on,
            "created_at": iso(CREATED),
            "updated_at": iso(CREATED),
            **extra,
        }
        return await self._insert("cases", values)


# --------------------------------------------------------------------------- bulk (bench)

_OUTCOME_WEIGHTS = (
    (CaseOutcome.THANH, 0.70),
    (CaseOutcome.KHONG_THANH, 0.18),
    (CaseOutcome.DANG_HOA_GIAI, 0.09),
    (CaseOutcome.NGOAI_PHAM_VI, 0.03),
)


@dataclass(frozen=True, slots=True)
class Population:
    """What :func:`populate` created."""

    communes: int
    teams: int
    people: int
    cases: int


async def populate(
    db: Database,
    *,
    communes: int = 65,
    teams_per_commune: int = 35,
    members_per_team: int = 6,
    cases: int = 100_000,
    first_day: date = date(2024, 1, 1),
    days: int = 3 * 365,
    seed: int = 115,
    commune_names: list[str] | None = None,
) -> Population:
    """Bulk-load a random province: communes (a few pilot, most in ethnic areas), confirmed
    teams, active mediators with mixed sex/ethnicity/training, legal support for about 12% of
    teams, a handful of trainers, and ``cases`` cases spread over ``days`` days.
    """
    rng = random.Random(seed)
    created = iso(CREATED)
    commune_rows = []
    for i in range(communes):
        name = commune_names[i] if commune_names and i < len(commune_names) else f"Thử {i + 1:02d}"
        commune_rows.append(
            (f"{i + 1:05d}", name, fold(name), "xã", int(i % 7 == 0), int(i % 5 != 0), int(i % 20 == 0))
        )
    team_rows = []
    team_commune: list[str] = []
    for code, *_ in commune_rows:
        for t in range(teams_per_commune):
            team_rows.append((len(team_rows) + 1, code, f"thôn {t + 1}", f"thon {t + 1}", 1, created))
            team_commune.append(code)
    people_rows = []
    support_rows = []
    for team_id in range(1, len(team_rows) + 1):
        for m in range(members_per_team):
            recognised = first_day + timedelta(days=rng.randrange(days))
            trained = recognised + timedelta(days=rng.randrange(400)) if rng.random() < 0.75 else None
            people_rows.append(
                (
                    len(people_rows) + 1,
                    f"Hòa giải viên {team_id}-{m + 1}",
                    "team_leader" if m == 0 else "mediator",
                    "active",
                    team_id,
                    team_commune[team_id - 1],
                    "female" if rng.random() < 0.4 else "male",
                    int(rng.random() < 0.7),
                    int(rng.random() < 0.1),
                    recognised.isoformat(),
                    trained.isoformat() if trained else None,
                    int(rng.random() < 0.004),
                    created,
                    created,
                )
            )
        if rng.random() < 0.12:
            support_rows.append((len(people_rows), team_id))
    case_rows = []
    outcomes = [o.value for o, _ in _OUTCOME_WEIGHTS]
    weights = [w for _, w in _OUTCOME_WEIGHTS]
    fields = [f.value for f in CaseField]
    for n in range(cases):
        team_id = rng.randrange(1, len(team_rows) + 1)
        received = first_day + timedelta(days=rng.randrange(days))
        outcome = rng.choices(outcomes, weights)[0]
        reporter = (team_id - 1) * members_per_team + 1
        case_rows.append(
            (
                f"HG-{received.year}-{n + 1:06d}",
                f"bulk-{n + 1}",
                team_id,
                team_commune[team_id - 1],
                reporter,
                received.isoformat(),
                "parties_requested",
                rng.choice(fields),
                "Vụ việc tổng hợp để đo hiệu năng",
                rng.randrange(2, 5),
                outcome,
                created,
                created,
            )
        )
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO communes(code, name, name_folded, unit_type, is_pilot, is_ethnic_area, is_model) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            commune_rows,
        )
        await tx.executemany(
            "INSERT INTO teams(id, commune_code, name, name_folded, confirmed, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            team_rows,
        )
        await tx.executemany(
            "INSERT INTO people(id, full_name, role, status, team_id, commune_code, sex, ethnic_minority, "
            "legal_background, recognised_on, trained_on, is_trainer, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            people_rows,
        )
        await tx.executemany("INSERT INTO legal_support(person_id, team_id) VALUES (?, ?)", support_rows)
        await tx.executemany(
            "INSERT INTO cases(code, draft_key, team_id, commune_code, reported_by, received_on, origin, "
            "field, summary, parties_count, outcome, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            case_rows,
        )
    return Population(len(commune_rows), len(team_rows), len(people_rows), len(case_rows))
