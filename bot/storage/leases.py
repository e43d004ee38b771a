"""Named leases: one holder at a time for work that must not run twice at once (the scheduler).

A lease is a row ``(name, holder, expires_at)``. Taking it is one portable upsert (the same SQL
on both engines): it succeeds when nobody holds the name, when the holder's lease ran out, or
when the taker already holds it (a renewal). A holder that dies simply stops renewing; the
lease passes on once it expires. Holder ids name a process run (:func:`holder_id`), so a
restarted process is a new holder.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta

from bot.storage.db import Connection, iso

_TAKE = (
    "INSERT INTO leases(name, holder, expires_at) VALUES (?, ?, ?) "
    "ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
)


def holder_id() -> str:
    """A holder id unique to this run of this process: ``host:pid:random`` (the random part
    because a restarted process may get its predecessor's pid, in a container for one)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


async def take(
    conn: Connection,
    name: str,
    holder: str,
    now: datetime,
    duration: timedelta,
    *,
    force: bool = False,
) -> bool:
    """Take or renew the lease ``name`` for ``duration`` from ``now``; False when another holder's
    lease is still running (then nothing changes).

    ``force`` takes it whoever holds it: for a process that knows the holder is dead (on an
    engine where one process at a time is the rule, its own predecessor).
    """
    condition = "" if force else " WHERE leases.expires_at < ? OR leases.holder = excluded.holder"
    params: tuple[str, ...] = (name, holder, iso(now + duration))
    if not force:
        params += (iso(now),)
    # No row comes back when the WHERE of DO UPDATE refused: someone else holds the lease.
    rows = list(await conn.execute_fetchall(f"{_TAKE}{condition} RETURNING holder", params))
    return bool(rows) and rows[0][0] == holder


async def give_up(conn: Connection, name: str, holder: str) -> None:
    """Drop the lease if ``holder`` has it, so another process may take it at once."""
    await conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))
