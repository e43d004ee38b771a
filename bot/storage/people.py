"""People and their channel identities."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from bot.domain.enums import PersonStatus, Role, Sex
from bot.domain.people import Person
from bot.storage.db import Connection, Row, insert_returning_id, iso, query_one

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


async def get_person(conn: Connection, person_id: int) -> Person | None:
    """Fetch one person by id."""
    async with conn.execute(f"SELECT {PERSON_COLUMNS} FROM people WHERE id = ?", (person_id,)) as cur:
        row = await cur.fetchone()
    return person_from_row(row) if row else None


_IDENTITY_AND_PERSON = (
    "SELECT i.chat_id AS identity_chat, i.unreachable AS identity_unreachable, "
    f"{', '.join('p.' + c.strip() for c in PERSON_COLUMNS.split(','))} "
    "FROM identities i LEFT JOIN people p ON p.id = i.person_id "
    "WHERE i.channel = ? AND i.external_id = ?"
)


async def resolve_identity(
    conn: Connection, channel: str, external_id: str, chat_id: str, display_name: str, now: datetime
) -> Person | None:
    """The person behind a sender, creating or refreshing the identity row only when needed.

    One read per message in the common case; a write only on first contact, a changed chat id,
    or a return after the bot was blocked.
    """
    row = await query_one(conn, _IDENTITY_AND_PERSON, (channel, external_id))
    if row is None or row["identity_chat"] != chat_id or row["identity_unreachable"]:
        await touch_identity(conn, channel, external_id, chat_id, display_name, now)
    return person_from_row(row) if row is not None and row["id"] is not None else None


async def touch_identity(
    conn: Connection, channel: str, external_id: str, chat_id: str, display_name: str, now: datetime
) -> None:
    """Create the identity row on first contact; keep its chat id current (a 403 is lifted on return)."""
    await conn.execute(
        "INSERT INTO identities(channel, external_id, chat_id, display_name, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(channel, external_id) DO UPDATE SET "
        "chat_id = excluded.chat_id, unreachable = 0",
        (channel, external_id, chat_id, display_name[:100], iso(now)),
    )


async def link_identity(conn: Connection, channel: str, external_id: str, person_id: int) -> None:
    """Attach a channel identity to a person."""
    await conn.execute(
        "UPDATE identities SET person_id = ? WHERE channel = ? AND external_id = ?",
        (person_id, channel, external_id),
    )


async def insert_person(conn: Connection, now: datetime, **fields: Any) -> int:
    """Insert a person with the given column values; returns the new id."""
    fields.setdefault("created_at", iso(now))
    fields.setdefault("updated_at", iso(now))
    columns = ", ".join(fields)
    marks = ", ".join("?" for _ in fields)
    return await insert_returning_id(
        conn, f"INSERT INTO people({columns}) VALUES ({marks})", tuple(fields.values())
    )


async def phone_taken(conn: Connection, phone: str) -> bool:
    """True when somebody already has this phone number."""
    async with conn.execute("SELECT 1 FROM people WHERE phone = ?", (phone,)) as cur:
        return await cur.fetchone() is not None


async def active_with_roles(
    conn: Connection, roles: Iterable[Role], commune_code: str | None = None
) -> list[int]:
    """Ids of active people having one of ``roles`` (in one commune when given)."""
    wanted = [role.value for role in roles]
    sql = f"SELECT id FROM people WHERE status = ? AND role IN ({', '.join('?' for _ in wanted)})"
    params: list[object] = [PersonStatus.ACTIVE.value, *wanted]
    if commune_code is not None:
        sql += " AND commune_code = ?"
        params.append(commune_code)
    async with conn.execute(sql + " ORDER BY id", params) as cur:
        return [int(row["id"]) for row in await cur.fetchall()]


async def people_with_status(conn: Connection, status: PersonStatus) -> list[Person]:
    """Everyone in a status, oldest registration first."""
    async with conn.execute(
        f"SELECT {PERSON_COLUMNS} FROM people WHERE status = ? ORDER BY id", (status.value,)
    ) as cur:
        return [person_from_row(row) for row in await cur.fetchall()]


async def team_members(conn: Connection, team_id: int) -> list[Person]:
    """Active and pending members of a team (people who left or were rejected are not members)."""
    async with conn.execute(
        f"SELECT {PERSON_COLUMNS} FROM people WHERE team_id = ? AND status IN (?, ?) ORDER BY full_name",
        (team_id, PersonStatus.ACTIVE.value, PersonStatus.PENDING.value),
    ) as cur:
        return [person_from_row(row) for row in await cur.fetchall()]


async def set_status(
    conn: Connection,
    person_id: int,
    status: PersonStatus,
    now: datetime,
    reason: str | None = None,
    approved_by: int | None = None,
) -> None:
    """Change a person's status (approval, rejection, leaving), with the reason when there is one."""
    await conn.execute(
        "UPDATE people SET status = ?, status_reason = ?, approved_by = COALESCE(?, approved_by), "
        "updated_at = ? WHERE id = ?",
        (status.value, reason or None, approved_by, iso(now), person_id),
    )


async def set_team(conn: Connection, person_id: int, team_id: int, now: datetime) -> None:
    """Move a person to another team."""
    await conn.execute(
        "UPDATE people SET team_id = ?, updated_at = ? WHERE id = ?", (team_id, iso(now), person_id)
    )


async def update_contact(
    conn: Connection, person_id: int, now: datetime, full_name: str | None, phone: str | None
) -> None:
    """Correct a person's name and/or phone (None keeps the stored value)."""
    await conn.execute(
        "UPDATE people SET full_name = COALESCE(?, full_name), phone = COALESCE(?, phone), updated_at = ? "
        "WHERE id = ?",
        (full_name, phone, iso(now), person_id),
    )


async def set_ethnic_minority(conn: Connection, person_id: int, now: datetime, value: bool | None) -> None:
    """A person's own answer about ethnicity (None: they prefer not to say; sensitive data)."""
    await conn.execute(
        "UPDATE people SET ethnic_minority = ?, updated_at = ? WHERE id = ?",
        (None if value is None else int(value), iso(now), person_id),
    )
