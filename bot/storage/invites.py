"""One-time invite codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.enums import Role
from bot.storage.db import Connection, iso


@dataclass(frozen=True, slots=True)
class Invite:
    """A one-time code that registers its user directly in a role (no approval needed)."""

    code: str
    role: Role
    commune_code: str | None
    expires_at: datetime


async def insert_invite(
    conn: Connection, invite: Invite, created_by: int | None, now: datetime
) -> None:
    """Store a new invite code."""
    await conn.execute(
        "INSERT INTO invites(code, role, commune_code, created_by, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (invite.code, invite.role.value, invite.commune_code, created_by, iso(now), iso(invite.expires_at)),
    )


async def unused_invite(conn: Connection, code: str) -> Invite | None:
    """The invite with this code if it has not been used (expiry is the caller's rule)."""
    async with conn.execute(
        "SELECT code, role, commune_code, expires_at FROM invites WHERE code = ? AND used_by IS NULL", (code,)
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return Invite(
        row["code"], Role(row["role"]), row["commune_code"], datetime.fromisoformat(row["expires_at"])
    )


async def use_invite(conn: Connection, code: str, person_id: int, now: datetime) -> bool:
    """Mark the code used by ``person_id``; False when somebody used it first."""
    cur = await conn.execute(
        "UPDATE invites SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL",
        (person_id, iso(now), code),
    )
    return cur.rowcount == 1
