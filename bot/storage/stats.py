"""What the statistics of Kế hoạch 115 read: grouped case tallies, rosters, casebooks.

Every function reads committed data through the :class:`Database` (reader connection) and is
confined to an :class:`Area`. Scope resolution, permissions and the counting rules live in
``bot/services/stats.py``; this module only says how to fetch.

The SQL text is tuned to the indexes of migration 0003 (``cases_unit_tally``,
``cases_month_tally``) and timed by ``bench/stats_bench.py``: SQLite's planner choices are
sensitive to small rewrites, so change a statement only with the benchmark at hand.

Bulk reads (members, casebook, days) return the rows themselves, as the service walks them
once in a hot loop; dates in them are ISO text, which compares correctly as strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.enums import PersonStatus
from bot.domain.people import MEDIATOR_ROLES
from bot.storage.db import Database, Row

_MEMBER_ROLES = tuple(sorted(r.value for r in MEDIATOR_ROLES))


@dataclass(frozen=True, slots=True)
class Area:
    """Which cases and teams a query covers: one team, one commune, the pilot communes (``pilot``),
    or the whole province when nothing is set."""

    team_id: int | None = None
    commune_code: str | None = None
    pilot: bool = False

    def __post_init__(self) -> None:
        if (self.team_id is not None) + (self.commune_code is not None) + self.pilot > 1:
            raise ValueError("an area is one team, one commune, the pilot communes or the province")


@dataclass(frozen=True, slots=True)
class ScopeCommune:
    """A commune as a statistics scope names it."""

    code: str
    name: str
    unit_type: str
    is_pilot: bool


@dataclass(frozen=True, slots=True)
class ScopeTeam:
    """A team and its commune, as a statistics scope names them."""

    id: int
    name: str
    commune_code: str
    commune_name: str
    unit_type: str
    is_pilot: bool


@dataclass(frozen=True, slots=True)
class CommuneUnit:
    """A commune as a row of a per-commune table, with its flags."""

    code: str
    name: str
    unit_type: str
    is_pilot: bool
    is_ethnic_area: bool
    is_model: bool


@dataclass(frozen=True, slots=True)
class TeamUnit:
    """A team as a row of a per-team table, with its commune's flags."""

    id: int
    name: str
    commune_code: str
    is_pilot: bool
    is_ethnic_area: bool
    is_model: bool


# Outcome, field and number of cases of one group.
CaseGroup = tuple[str, str | None, int]


def _case_filter(area: Area) -> tuple[str, list[Any]]:
    """WHERE fragment on ``cases c`` for an area (portable SQL)."""
    if area.team_id is not None:
        return "c.team_id = ?", [area.team_id]
    if area.commune_code is not None:
        return "c.commune_code = ?", [area.commune_code]
    if area.pilot:
        return "c.commune_code IN (SELECT code FROM communes WHERE is_pilot = 1)", []
    return "1 = 1", []


def _team_filter(area: Area) -> tuple[str, list[Any]]:
    """WHERE fragment on ``teams t``: confirmed teams of the area (a team area takes its team as is)."""
    if area.team_id is not None:
        return "t.id = ?", [area.team_id]
    if area.commune_code is not None:
        return "t.confirmed = 1 AND t.commune_code = ?", [area.commune_code]
    if area.pilot:
        return "t.confirmed = 1 AND t.commune_code IN (SELECT code FROM communes WHERE is_pilot = 1)", []
    return "t.confirmed = 1", []


# --------------------------------------------------------------------------- names of scopes


async def scope_commune(db: Database, code: str) -> ScopeCommune | None:
    """The commune with this code, or None."""
    row = await db.fetchone("SELECT code, name, unit_type, is_pilot FROM communes WHERE code = ?", (code,))
    if row is None:
        return None
    return ScopeCommune(row["code"], row["name"], row["unit_type"], bool(row["is_pilot"]))


async def scope_team(db: Database, team_id: int) -> ScopeTeam | None:
    """The team with this id and its commune, or None."""
    row = await db.fetchone(
        "SELECT t.id, t.name, t.commune_code, c.name AS commune, c.unit_type, c.is_pilot "
        "FROM teams t JOIN communes c ON c.code = t.commune_code WHERE t.id = ?",
        (team_id,),
    )
    if row is None:
        return None
    return ScopeTeam(
        row["id"], row["name"], row["commune_code"], row["commune"], row["unit_type"], bool(row["is_pilot"])
    )


# --------------------------------------------------------------------------- rows of tables


async def communes(db: Database, *, pilot_only: bool = False) -> list[CommuneUnit]:
    """Every commune (or only the pilot ones), by name."""
    where = " WHERE is_pilot = 1" if pilot_only else ""
    rows = await db.fetchall(
        "SELECT code, name, unit_type, is_pilot, is_ethnic_area, is_model FROM communes"
        f"{where} ORDER BY name, code"
    )
    return [
        CommuneUnit(
            code=row["code"],
            name=row["name"],
            unit_type=row["unit_type"],
            is_pilot=bool(row["is_pilot"]),
            is_ethnic_area=bool(row["is_ethnic_area"]),
            is_model=bool(row["is_model"]),
        )
        for row in rows
    ]


def _team_unit(row: Row) -> TeamUnit:
    return TeamUnit(
        id=row["id"],
        name=row["name"],
        commune_code=row["commune_code"],
        is_pilot=bool(row["is_pilot"]),
        is_ethnic_area=bool(row["is_ethnic_area"]),
        is_model=bool(row["is_model"]),
    )


async def commune_teams(db: Database, commune_code: str) -> list[TeamUnit]:
    """Every team of a commune, confirmed or not, by name."""
    rows = await db.fetchall(
        "SELECT t.id, t.name, t.commune_code, c.is_pilot, c.is_ethnic_area, c.is_model "
        "FROM teams t JOIN communes c ON c.code = t.commune_code WHERE t.commune_code = ? "
        "ORDER BY t.name, t.id",
        (commune_code,),
    )
    return [_team_unit(row) for row in rows]


async def team_unit(db: Database, team_id: int) -> TeamUnit | None:
    """The team with this id, or None."""
    row = await db.fetchone(
        "SELECT t.id, t.name, t.commune_code, c.is_pilot, c.is_ethnic_area, c.is_model "
        "FROM teams t JOIN communes c ON c.code = t.commune_code WHERE t.id = ?",
        (team_id,),
    )
    return None if row is None else _team_unit(row)


# --------------------------------------------------------------------------- cases


async def case_groups(
    db: Database, area: Area, start: date, end: date, *, by_commune: bool
) -> dict[str, list[CaseGroup]]:
    """Cases received in ``start..end`` grouped by outcome and field, per unit: per commune code
    when ``by_commune``, else per team id as text. Units without such a case are left out.

    The date test sits inside the aggregate rather than in WHERE: the planner then reads the
    ``cases_unit_tally`` index in group order instead of range-scanning by date and sorting —
    15 ms rather than 75 ms over 100,000 cases, and immune to what ANALYZE statistics suggest.
    Groups with no case in the period come back with 0 and are dropped.
    """
    where, params = _case_filter(area)
    unit = "c.commune_code" if by_commune else "c.team_id"
    rows = await db.fetchall(
        f"SELECT {unit} AS unit, c.outcome, c.field, "
        "SUM(CASE WHEN c.received_on >= ? AND c.received_on <= ? THEN 1 ELSE 0 END) AS n "
        f"FROM cases c WHERE {where} GROUP BY {unit}, c.outcome, c.field",
        [start.isoformat(), end.isoformat(), *params],
    )
    groups: dict[str, list[CaseGroup]] = {}
    for row in rows:
        if row["n"]:
            groups.setdefault(str(row["unit"]), []).append((row["outcome"], row["field"], row["n"]))
    return groups


async def daily_outcomes(db: Database, area: Area, start: date, end: date) -> list[Row]:
    """Cases received in ``start..end`` per day and outcome: rows of ``day`` (ISO), ``outcome``, ``n``.

    Grouping by day rather than by month lets the ``cases_month_tally`` index serve the groups
    in order, with no sort.
    """
    where, params = _case_filter(area)
    return await db.fetchall(
        "SELECT c.received_on AS day, c.outcome, COUNT(*) AS n FROM cases c "
        f"WHERE c.received_on >= ? AND c.received_on <= ? AND {where} "
        "GROUP BY c.received_on, c.outcome",
        [start.isoformat(), end.isoformat(), *params],
    )


async def casebook_rows(db: Database, area: Area, start: date, end: date) -> list[Row]:
    """Cases received in ``start..end`` with their mediator, team and commune, ordered as the
    casebooks print them: by commune name, team name, team, date received.

    Columns: the case's ``code``, ``team_id``, ``received_on``, ``parties_count``, ``field``,
    ``summary``, ``outcome``, ``outcome_on``, ``out_of_scope_reason``, ``next_step``,
    ``written_agreement``, ``wants_court_recognition``, ``legal_support``,
    ``vulnerable_involved``; ``mediator`` (the reporter's full name); ``team`` (its name),
    ``commune_code``; ``commune`` (its name), ``unit_type``, ``is_pilot``.
    """
    where, params = _case_filter(area)
    return await db.fetchall(
        "SELECT c.code, c.team_id, c.received_on, c.parties_count, c.field, c.summary, c.outcome, "
        "c.outcome_on, c.out_of_scope_reason, c.next_step, c.written_agreement, "
        "c.wants_court_recognition, c.legal_support, c.vulnerable_involved, p.full_name AS mediator, "
        "t.name AS team, t.commune_code, cm.name AS commune, cm.unit_type, cm.is_pilot "
        "FROM cases c JOIN people p ON p.id = c.reported_by JOIN teams t ON t.id = c.team_id "
        "JOIN communes cm ON cm.code = t.commune_code "
        f"WHERE c.received_on >= ? AND c.received_on <= ? AND {where} "
        "ORDER BY cm.name, t.name, c.team_id, c.received_on, c.id",
        [start.isoformat(), end.isoformat(), *params],
    )


# --------------------------------------------------------------------------- staffing


async def team_communes(db: Database, area: Area) -> dict[int, str]:
    """The commune code of every confirmed team of the area (a team area: its team, confirmed or not)."""
    where, params = _team_filter(area)
    rows = await db.fetchall(f"SELECT t.id, t.commune_code FROM teams t WHERE {where}", params)
    return {row["id"]: row["commune_code"] for row in rows}


async def active_members(db: Database, area: Area) -> list[Row]:
    """Active mediators and team leaders of the area's teams (as :func:`team_communes` picks them).

    Rows unpack in this order: ``team_id``, ``role``, ``sex``, ``ethnic_minority`` (0, 1 or
    None), ``legal_background``, ``recognised_on`` and ``trained_on`` (ISO text or None).
    """
    where, params = _team_filter(area)
    marks = ", ".join("?" for _ in _MEMBER_ROLES)
    return await db.fetchall(
        "SELECT p.team_id, p.role, p.sex, p.ethnic_minority, p.legal_background, p.recognised_on, "
        "p.trained_on FROM people p JOIN teams t ON t.id = p.team_id "
        f"WHERE p.status = ? AND p.role IN ({marks}) AND {where}",
        [PersonStatus.ACTIVE.value, *_MEMBER_ROLES, *params],
    )


async def supported_teams(db: Database, area: Area) -> set[int]:
    """The area's teams (as :func:`team_communes` picks them) with an active legal supporter."""
    where, params = _team_filter(area)
    rows = await db.fetchall(
        "SELECT DISTINCT ls.team_id FROM legal_support ls JOIN people p ON p.id = ls.person_id "
        f"JOIN teams t ON t.id = ls.team_id WHERE p.status = ? AND {where}",
        [PersonStatus.ACTIVE.value, *params],
    )
    return {row["team_id"] for row in rows}


async def active_trainers(db: Database) -> int:
    """How many active people of the province are trainers (tập huấn viên)."""
    row = await db.fetchone(
        "SELECT COUNT(*) AS n FROM people WHERE is_trainer = 1 AND status = ?",
        (PersonStatus.ACTIVE.value,),
    )
    return int(row["n"]) if row else 0
