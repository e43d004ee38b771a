"""Cases (vụ việc), their human-friendly codes and the audit trail of every change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.storage.db import Connection, Row, insert_returning_id, iso, query_one

CASE_COLUMNS = (
    "id, code, team_id, commune_code, reported_by, received_on, origin, field, summary, out_of_scope_reason, "
    "parties_count, vulnerable_involved, outcome, outcome_on, written_agreement, wants_court_recognition, "
    "next_step, legal_support, created_at, updated_at"
)
# Fields a user may change after the report; anything else is fixed once saved.
EDITABLE = frozenset(
    {
        "received_on",
        "origin",
        "field",
        "summary",
        "out_of_scope_reason",
        "parties_count",
        "vulnerable_involved",
        "outcome",
        "outcome_on",
        "written_agreement",
        "wants_court_recognition",
        "next_step",
        "legal_support",
    }
)


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A stored case, as plain values (dates as ISO strings, flags as 0/1/None)."""

    id: int
    code: str
    team_id: int
    commune_code: str
    reported_by: int
    received_on: date
    origin: str
    field: str
    summary: str
    out_of_scope_reason: str | None
    parties_count: int | None
    vulnerable_involved: bool | None
    outcome: str
    outcome_on: date | None
    written_agreement: bool | None
    wants_court_recognition: bool | None
    next_step: str | None
    legal_support: str | None
    updated_at: datetime


def _flag(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def case_from_row(row: Row) -> CaseRow:
    """Build a :class:`CaseRow` from a row selected with :data:`CASE_COLUMNS`."""
    return CaseRow(
        id=row["id"],
        code=row["code"],
        team_id=row["team_id"],
        commune_code=row["commune_code"],
        reported_by=row["reported_by"],
        received_on=date.fromisoformat(row["received_on"]),
        origin=row["origin"],
        field=row["field"],
        summary=row["summary"],
        out_of_scope_reason=row["out_of_scope_reason"],
        parties_count=row["parties_count"],
        vulnerable_involved=_flag(row["vulnerable_involved"]),
        outcome=row["outcome"],
        outcome_on=date.fromisoformat(row["outcome_on"]) if row["outcome_on"] else None,
        written_agreement=_flag(row["written_agreement"]),
        wants_court_recognition=_flag(row["wants_court_recognition"]),
        next_step=row["next_step"],
        legal_support=row["legal_support"],
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


async def next_code(conn: Connection, year: int) -> str:
    """Allocate the next case code of the year, e.g. ``HG-2026-00123`` (inside the caller's transaction)."""
    # One statement on both engines: the upsert's row lock serialises concurrent allocators on
    # PostgreSQL, and the number rolls back with the case, so codes stay gapless (a sequence would not).
    row = await query_one(
        conn,
        "INSERT INTO case_counters(year, last) VALUES (?, 1) "
        "ON CONFLICT(year) DO UPDATE SET last = case_counters.last + 1 RETURNING last",
        (year,),
    )
    assert row is not None
    return f"HG-{year}-{int(row['last']):05d}"


async def by_draft_key(conn: Connection, draft_key: str) -> CaseRow | None:
    """The case saved from this draft, if it was saved already (makes confirm idempotent)."""
    async with conn.execute(f"SELECT {CASE_COLUMNS} FROM cases WHERE draft_key = ?", (draft_key,)) as cur:
        row = await cur.fetchone()
    return case_from_row(row) if row else None


async def insert_case(conn: Connection, now: datetime, values: dict[str, Any]) -> int:
    """Insert a case with the given column values and its "created" audit row; returns the id."""
    values = {**values, "created_at": iso(now), "updated_at": iso(now)}
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    case_id = await insert_returning_id(
        conn, f"INSERT INTO cases({columns}) VALUES ({marks})", tuple(values.values())
    )
    await add_event(conn, case_id, values["reported_by"], now, "created", None, None, values["code"])
    return case_id


async def get_case(conn: Connection, case_id: int) -> CaseRow | None:
    """One case by id."""
    async with conn.execute(f"SELECT {CASE_COLUMNS} FROM cases WHERE id = ?", (case_id,)) as cur:
        row = await cur.fetchone()
    return case_from_row(row) if row else None


async def list_cases(
    conn: Connection,
    *,
    team_id: int | None = None,
    commune_code: str | None = None,
    limit: int = 20,
) -> list[CaseRow]:
    """A team's or a commune's cases: open ones first, then the most recent."""
    where, params = (
        ("team_id = ?", (team_id,)) if team_id is not None else ("commune_code = ?", (commune_code,))
    )
    async with conn.execute(
        f"SELECT {CASE_COLUMNS} FROM cases WHERE {where} "
        "ORDER BY CASE WHEN outcome = 'dang_hoa_giai' THEN 0 ELSE 1 END, received_on DESC, id DESC LIMIT ?",
        (*params, limit),
    ) as cur:
        return [case_from_row(r) for r in await cur.fetchall()]


async def update_fields(
    conn: Connection, case: CaseRow, person_id: int, changes: dict[str, Any], now: datetime
) -> list[str]:
    """Apply changes to a case, writing one audit row per field that really changed."""
    current = await _raw(conn, case.id)
    changed = []
    for field, new in changes.items():
        if field not in EDITABLE:
            raise ValueError(f"field {field} is not editable")
        old = current[field]
        if _text(old) == _text(new):
            continue
        await conn.execute(f"UPDATE cases SET {field} = ? WHERE id = ?", (new, case.id))
        await add_event(conn, case.id, person_id, now, "changed", field, _text(old), _text(new))
        changed.append(field)
    if changed:
        await conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (iso(now), case.id))
    return changed


async def _raw(conn: Connection, case_id: int) -> Row:
    async with conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)) as cur:
        row = await cur.fetchone()
    assert row is not None
    return row


def _text(value: object) -> str | None:
    return None if value is None else str(value)


async def add_event(
    conn: Connection,
    case_id: int,
    person_id: int | None,
    now: datetime,
    kind: str,
    field: str | None,
    old: str | None,
    new: str | None,
) -> None:
    """Append to the case's audit trail (who, when, what, old → new)."""
    await conn.execute(
        "INSERT INTO case_events(case_id, person_id, at, kind, field, old_value, new_value) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (case_id, person_id, iso(now), kind, field, old, new),
    )
    if kind == "note":
        await conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (iso(now), case_id))


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One audit row."""

    at: datetime
    person_id: int | None
    kind: str
    field: str | None
    old_value: str | None
    new_value: str | None


async def events(conn: Connection, case_id: int) -> list[CaseEvent]:
    """The case's audit trail, oldest first."""
    async with conn.execute(
        "SELECT at, person_id, kind, field, old_value, new_value FROM case_events "
        "WHERE case_id = ? ORDER BY id",
        (case_id,),
    ) as cur:
        rows = await cur.fetchall()
    return [
        CaseEvent(
            datetime.fromisoformat(r["at"]),
            r["person_id"],
            r["kind"],
            r["field"],
            r["old_value"],
            r["new_value"],
        )
        for r in rows
    ]
