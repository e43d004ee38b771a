"""What the reminder rules read from the database, and the ledger of reminders already queued.

Reads take the :class:`Database` (committed data, reader connection) so a scheduler run never
holds the write lock while it looks for work; only :func:`log` writes, inside the transaction
that queues the reminder's outbox rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.enums import CaseOrigin, CaseOutcome, PersonStatus, Role, Sex
from bot.storage.db import Connection, Database, Row, iso

# SQLite's default limit on host parameters is 999 in old builds: stay well below it.
_BATCH = 500
_MEDIATOR_ROLES = (Role.MEDIATOR.value, Role.TEAM_LEADER.value)


def _chunks(items: Sequence[Any], size: int = _BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(items: Sequence[Any]) -> str:
    return ", ".join("?" for _ in items)


# ---------------------------------------------------------------------------- the ledger


async def logged(db: Database, keys: Sequence[str]) -> set[str]:
    """The keys among ``keys`` that were queued before."""
    found: set[str] = set()
    for chunk in _chunks(list(dict.fromkeys(keys))):
        rows = await db.fetchall(
            f"SELECT dedupe_key FROM reminder_log WHERE dedupe_key IN ({_marks(chunk)})", list(chunk)
        )
        found.update(row["dedupe_key"] for row in rows)
    return found


async def log(conn: Connection, key: str, rule: str, person_id: int, now: datetime) -> None:
    """Record that the reminder ``key`` was queued (in the transaction that queued it)."""
    await conn.execute(
        "INSERT INTO reminder_log(dedupe_key, rule, person_id, at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(dedupe_key) DO NOTHING",
        (key, rule, person_id, iso(now)),
    )


# ---------------------------------------------------------------------------- people


_REACHABLE = "EXISTS (SELECT 1 FROM identities i WHERE i.person_id = p.id AND i.unreachable = 0)"


async def reachable_active(db: Database, person_ids: Iterable[int]) -> set[int]:
    """The active people among ``person_ids`` who have a chat the bot can write to."""
    ids = sorted(set(person_ids))
    found: set[int] = set()
    for chunk in _chunks(ids):
        rows = await db.fetchall(
            f"SELECT p.id FROM people p WHERE p.id IN ({_marks(chunk)}) AND p.status = ? AND {_REACHABLE}",
            [*chunk, PersonStatus.ACTIVE.value],
        )
        found.update(int(row["id"]) for row in rows)
    return found


async def team_leaders(db: Database, team_ids: Iterable[int]) -> dict[int, list[int]]:
    """Active team leaders per team id."""
    ids = sorted(set(team_ids))
    leaders: dict[int, list[int]] = {}
    for chunk in _chunks(ids):
        rows = await db.fetchall(
            f"SELECT id, team_id FROM people WHERE team_id IN ({_marks(chunk)}) AND role = ? AND status = ? "
            "ORDER BY id",
            [*chunk, Role.TEAM_LEADER.value, PersonStatus.ACTIVE.value],
        )
        for row in rows:
            leaders.setdefault(int(row["team_id"]), []).append(int(row["id"]))
    return leaders


@dataclass(frozen=True, slots=True)
class Officer:
    """An active officer who can be reached, with their commune (None for province officers)."""

    id: int
    commune_code: str | None


async def reachable_officers(db: Database, role: Role) -> list[Officer]:
    """Active officers of a role with at least one reachable chat (commune officers need a commune)."""
    sql = f"SELECT p.id, p.commune_code FROM people p WHERE p.role = ? AND p.status = ? AND {_REACHABLE}"
    if role == Role.COMMUNE_OFFICER:
        sql += " AND p.commune_code IS NOT NULL"
    rows = await db.fetchall(sql + " ORDER BY p.id", (role.value, PersonStatus.ACTIVE.value))
    return [Officer(int(row["id"]), row["commune_code"]) for row in rows]


# ---------------------------------------------------------------------------- cases


@dataclass(frozen=True, slots=True)
class CaseDue:
    """The facts of a case a reminder needs."""

    id: int
    code: str
    team_id: int
    commune_code: str
    reported_by: int
    received_on: date
    field: str
    outcome_on: date | None
    updated_at: str  # as stored: part of the stale reminder's key
    created_at: str


_CASE_COLUMNS = (
    "id, code, team_id, commune_code, reported_by, received_on, field, outcome_on, updated_at, created_at"
)


def _case(row: Row) -> CaseDue:
    return CaseDue(
        id=row["id"],
        code=row["code"],
        team_id=row["team_id"],
        commune_code=row["commune_code"],
        reported_by=row["reported_by"],
        received_on=date.fromisoformat(row["received_on"]),
        field=row["field"],
        outcome_on=date.fromisoformat(row["outcome_on"]) if row["outcome_on"] else None,
        updated_at=row["updated_at"],
        created_at=row["created_at"],
    )


async def stale_cases(db: Database, changed_before: datetime) -> list[CaseDue]:
    """Cases still in mediation whose last change is older than ``changed_before``."""
    rows = await db.fetchall(
        f"SELECT {_CASE_COLUMNS} FROM cases WHERE outcome = ? AND updated_at < ? ORDER BY id",
        (CaseOutcome.DANG_HOA_GIAI.value, iso(changed_before)),
    )
    return [_case(row) for row in rows]


async def unstarted_assigned(db: Database, received_from: date, received_to: date) -> list[CaseDue]:
    """Assigned cases received in ``received_from..received_to``, still in mediation and never
    changed since they were recorded: the audit trail holds nothing but their creation."""
    rows = await db.fetchall(
        f"SELECT {_CASE_COLUMNS} FROM cases c WHERE outcome = ? AND origin = ? "
        "AND received_on >= ? AND received_on <= ? "
        "AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind <> 'created') "
        "ORDER BY id",
        (
            CaseOutcome.DANG_HOA_GIAI.value,
            CaseOrigin.ASSIGNED.value,
            received_from.isoformat(),
            received_to.isoformat(),
        ),
    )
    return [_case(row) for row in rows]


async def court_recognition_wanted(db: Database, agreed_from: date) -> list[CaseDue]:
    """Successful cases whose parties want court recognition, agreed on or after ``agreed_from``."""
    rows = await db.fetchall(
        f"SELECT {_CASE_COLUMNS} FROM cases WHERE outcome = ? AND wants_court_recognition = 1 "
        "AND outcome_on IS NOT NULL AND outcome_on >= ? ORDER BY id",
        (CaseOutcome.THANH.value, agreed_from.isoformat()),
    )
    return [_case(row) for row in rows]


# ---------------------------------------------------------------------------- teams and mediators


@dataclass(frozen=True, slots=True)
class MemberRow:
    """An active member of a confirmed team (``sex`` None when not recorded)."""

    team_id: int
    sex: Sex | None
    ethnic_minority: bool | None
    is_leader: bool


@dataclass(frozen=True, slots=True)
class TeamRow:
    """A confirmed team with the Art. 12 ethnic-area flag of its commune."""

    id: int
    name: str
    commune_code: str
    ethnic_area: bool


async def confirmed_teams(db: Database, commune_code: str) -> tuple[list[TeamRow], list[MemberRow]]:
    """A commune's confirmed teams and their active members."""
    teams = await db.fetchall(
        "SELECT t.id, t.name, t.commune_code, c.is_ethnic_area FROM teams t "
        "JOIN communes c ON c.code = t.commune_code WHERE t.commune_code = ? AND t.confirmed = 1 "
        "ORDER BY t.name, t.id",
        (commune_code,),
    )
    members = await db.fetchall(
        "SELECT p.team_id, p.sex, p.ethnic_minority, p.role FROM people p JOIN teams t ON t.id = p.team_id "
        "WHERE t.commune_code = ? AND t.confirmed = 1 AND p.status = ? "
        f"AND p.role IN ({_marks(_MEDIATOR_ROLES)})",
        (commune_code, PersonStatus.ACTIVE.value, *_MEDIATOR_ROLES),
    )
    return (
        [TeamRow(row["id"], row["name"], row["commune_code"], bool(row["is_ethnic_area"])) for row in teams],
        [
            MemberRow(
                team_id=row["team_id"],
                sex=Sex(row["sex"]) if row["sex"] in (Sex.MALE.value, Sex.FEMALE.value) else None,
                ethnic_minority=None if row["ethnic_minority"] is None else bool(row["ethnic_minority"]),
                is_leader=row["role"] == Role.TEAM_LEADER.value,
            )
            for row in members
        ],
    )


@dataclass(frozen=True, slots=True)
class UntrainedRow:
    """A mediator with no recorded training."""

    id: int
    full_name: str
    recognised_on: date


async def untrained_recognised_by(db: Database, commune_code: str, recognised_by: date) -> list[UntrainedRow]:
    """Active mediators of a commune recognised on or before ``recognised_by`` and never trained."""
    rows = await db.fetchall(
        "SELECT id, full_name, recognised_on FROM people WHERE commune_code = ? AND status = ? "
        f"AND role IN ({_marks(_MEDIATOR_ROLES)}) AND trained_on IS NULL AND recognised_on IS NOT NULL "
        "AND recognised_on <= ? ORDER BY recognised_on, full_name",
        (commune_code, PersonStatus.ACTIVE.value, *_MEDIATOR_ROLES, recognised_by.isoformat()),
    )
    return [
        UntrainedRow(row["id"], row["full_name"], date.fromisoformat(row["recognised_on"])) for row in rows
    ]


# ---------------------------------------------------------------------------- communes


@dataclass(frozen=True, slots=True)
class CommuneActivity:
    """A commune's cases received in a date range and whether any mediator of it is active."""

    code: str
    cases: int
    has_mediators: bool


async def commune_activity(db: Database, first: date, last: date) -> list[CommuneActivity]:
    """Every commune with its cases received in ``first..last`` (two grouped queries)."""
    communes = await db.fetchall("SELECT code FROM communes ORDER BY code")
    cases = await db.fetchall(
        "SELECT commune_code, COUNT(*) AS n FROM cases WHERE received_on >= ? AND received_on <= ? "
        "GROUP BY commune_code",
        (first.isoformat(), last.isoformat()),
    )
    staffed = await db.fetchall(
        f"SELECT DISTINCT commune_code FROM people WHERE status = ? AND role IN ({_marks(_MEDIATOR_ROLES)}) "
        "AND commune_code IS NOT NULL",
        (PersonStatus.ACTIVE.value, *_MEDIATOR_ROLES),
    )
    counted = {row["commune_code"]: int(row["n"]) for row in cases}
    with_mediators = {row["commune_code"] for row in staffed}
    return [
        CommuneActivity(row["code"], counted.get(row["code"], 0), row["code"] in with_mediators)
        for row in communes
    ]
