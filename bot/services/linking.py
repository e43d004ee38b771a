"""Linking a person's chats across channels with a short one-time code.

The person asks for a code on a channel where they are known; typed on the other channel within
:data:`CODE_LIFETIME`, it attaches that chat's identity to the same person. Never a second
person: an identity already belonging to someone else is refused, and so is a code that is
unknown, expired or used.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from bot.storage.db import Connection, iso, query_one
from bot.storage.people import link_identity

CODE_LIFETIME = timedelta(minutes=15)
# No 0/O or 1/I: the code is read off one phone and typed on another.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class LinkRefusal(StrEnum):
    """Why a code did not link."""

    UNKNOWN = "unknown"  # no such code, or already used
    EXPIRED = "expired"
    OTHER_PERSON = "other_person"  # this chat already belongs to someone else


async def new_code(conn: Connection, person_id: int, now: datetime) -> str:
    """A fresh code for ``person_id`` (earlier unused codes of theirs stop working)."""
    await conn.execute(
        "UPDATE link_codes SET used_at = ? WHERE person_id = ? AND used_at IS NULL", (iso(now), person_id)
    )
    while True:
        code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
        cur = await conn.execute(
            "INSERT INTO link_codes(code, person_id, created_at, expires_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(code) DO NOTHING",
            (code, person_id, iso(now), iso(now + CODE_LIFETIME)),
        )
        if cur.rowcount:
            return code


def normalise(code: str) -> str:
    """The code as stored: upper case, spaces and dashes removed."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


async def redeem(
    conn: Connection, code: str, channel: str, external_id: str, now: datetime
) -> int | LinkRefusal:
    """Attach the identity ``(channel, external_id)`` to the code's person; their id, or why not."""
    row = await query_one(
        conn, "SELECT person_id, expires_at, used_at FROM link_codes WHERE code = ?", (normalise(code),)
    )
    if row is None or row["used_at"] is not None:
        return LinkRefusal.UNKNOWN
    if row["expires_at"] < iso(now):
        return LinkRefusal.EXPIRED
    person_id = int(row["person_id"])
    owner = await query_one(
        conn, "SELECT person_id FROM identities WHERE channel = ? AND external_id = ?", (channel, external_id)
    )
    if owner is not None and owner["person_id"] is not None and int(owner["person_id"]) != person_id:
        return LinkRefusal.OTHER_PERSON
    await link_identity(conn, channel, external_id, person_id)
    await conn.execute("UPDATE link_codes SET used_at = ? WHERE code = ?", (iso(now), normalise(code)))
    return person_id
