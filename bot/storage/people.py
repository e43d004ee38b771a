"""People and their channel identities."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.domain.enums import PersonStatus, Role, Sex
from bot.domain.people import Person
from bot.storage.db import Row, iso

PERSON_COLUMNS = (
    "id, full_name, role, status, sex, ethnic_minority, legal_background, phone, commune_code, "
    "team_id, recognised_on, trained_on, is_trainer, legal_supporter"
)


def _opt_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _opt_bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def person_from_row(row: Row) -> Person:
    """Build a :class:`Person` from a row selected with :data:`PERSON_COLUMNS`."""
    return Person(
        id=row["id"],
        full_name=row["full_name"],
        role=Role(row["role"]),
        status=PersonStatus(row["status"]),
        sex=Sex(row["sex"]) if row["sex"] else None,
        ethnic_minority=_opt_bool(row["ethnic_minority"]),
        legal_background=bool(row["legal_background"]),
        phone=row["phone"],
        commune_code=row["commune_code"],
        team_id=row["team_id"],
        recognised_on=_opt_date(row["recognised_on"]),
        trained_on=_opt_date(row["trained_on"]),
        is_trainer=bool(row["is_trainer"]),
        legal_supporter=row["legal_supporter"],
    )


async def get_person(conn: aiosqlite.Connection, person_id: int) -> Person | None:
    """Fetch one person by id."""
    async with conn.execute(f"SELECT {PERSON_COLUMNS} FROM people WHERE id = ?", (person_id,)) as cur:
        row = await cur.fetchone()
    return person_from_row(row) if row else None


async def person_for_identity(conn: aiosqlite.Connection, channel: str, external_id: str) -> Person | None:
    """The person linked to a channel identity, if any."""
    async with conn.execute(
        f"SELECT {', '.join('p.' + c.strip() for c in PERSON_COLUMNS.split(','))} "
        "FROM identities i JOIN people p ON p.id = i.person_id "
        "WHERE i.channel = ? AND i.external_id = ?",
        (channel, external_id),
    ) as cur:
        row = await cur.fetchone()
    return person_from_row(row) if row else None


async def touch_identity(
    conn: aiosqlite.Connection, channel: str, external_id: str, chat_id: str, display_name: str, now: datetime
) -> None:
    """Create the identity row on first contact; keep its chat id current (a 403 is lifted on return)."""
    await conn.execute(
        "INSERT INTO identities(channel, external_id, chat_id, display_name, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(channel, external_id) DO UPDATE SET "
        "chat_id = excluded.chat_id, unreachable = 0",
        (channel, external_id, chat_id, display_name[:100], iso(now)),
    )


async def link_identity(conn: aiosqlite.Connection, channel: str, external_id: str, person_id: int) -> None:
    """Attach a channel identity to a person."""
    await conn.execute(
        "UPDATE identities SET person_id = ? WHERE channel = ? AND external_id = ?",
        (person_id, channel, external_id),
    )


async def insert_person(conn: aiosqlite.Connection, now: datetime, **fields: Any) -> int:
    """Insert a person with the given column values; returns the new id."""
    fields.setdefault("created_at", iso(now))
    fields.setdefault("updated_at", iso(now))
    columns = ", ".join(fields)
    marks = ", ".join("?" for _ in fields)
    cur = await conn.execute(f"INSERT INTO people({columns}) VALUES ({marks})", tuple(fields.values()))
    if cur.lastrowid is None:
        raise RuntimeError("insert returned no id")
    return cur.lastrowid
