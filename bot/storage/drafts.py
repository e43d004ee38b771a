"""Cancelled drafts: a flow the user cancelled or dropped, kept for a while to be restored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.storage.db import Connection, iso, query_one

# How long a cancelled draft can be restored from the menu.
KEEP_FOR = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Draft:
    """A cancelled flow at the step where it was left."""

    flow: str
    step: str
    data: dict[str, Any]
    history: list[str]
    title: str
    cancelled_at: datetime

    def snapshot(self) -> dict[str, Any]:
        """The form the engine restores from (the same as a flow the menu suspended)."""
        return {
            "flow": self.flow,
            "step": self.step,
            "data": self.data,
            "history": self.history,
            "title": self.title,
        }


async def keep(
    conn: Connection, channel: str, chat_id: str, snapshot: dict[str, Any], now: datetime
) -> None:
    """Keep ``snapshot`` (flow, step, data, history, title) as this chat's draft of that flow,
    replacing an older one."""
    await conn.execute(
        "INSERT INTO cancelled_drafts(channel, chat_id, flow, step, data, history, title, cancelled_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(channel, chat_id, flow) DO UPDATE SET "
        "step = excluded.step, data = excluded.data, history = excluded.history, title = excluded.title, "
        "cancelled_at = excluded.cancelled_at, expires_at = excluded.expires_at",
        (
            channel,
            chat_id,
            snapshot["flow"],
            snapshot["step"],
            json.dumps(snapshot["data"], ensure_ascii=False),
            json.dumps(snapshot["history"]),
            snapshot["title"],
            iso(now),
            iso(now + KEEP_FOR),
        ),
    )


async def active(conn: Connection, channel: str, chat_id: str, now: datetime) -> list[Draft]:
    """This chat's drafts that can still be restored, newest first."""
    rows = await conn.execute_fetchall(
        "SELECT flow, step, data, history, title, cancelled_at FROM cancelled_drafts "
        "WHERE channel = ? AND chat_id = ? AND expires_at > ? ORDER BY cancelled_at DESC",
        (channel, chat_id, iso(now)),
    )
    return [_draft(row) for row in rows]


async def take(
    conn: Connection, channel: str, chat_id: str, flow: str, now: datetime
) -> Draft | None:
    """Remove and return this chat's draft of ``flow`` (None when there is none or it expired)."""
    row = await query_one(
        conn,
        "SELECT flow, step, data, history, title, cancelled_at FROM cancelled_drafts "
        "WHERE channel = ? AND chat_id = ? AND flow = ? AND expires_at > ?",
        (channel, chat_id, flow, iso(now)),
    )
    await conn.execute(
        "DELETE FROM cancelled_drafts WHERE channel = ? AND chat_id = ? AND flow = ?",
        (channel, chat_id, flow),
    )
    return _draft(row) if row is not None else None


async def forget_chat(conn: Connection, channel: str, chat_id: str) -> None:
    """Drop every draft of a chat (the person left)."""
    await conn.execute("DELETE FROM cancelled_drafts WHERE channel = ? AND chat_id = ?", (channel, chat_id))


async def purge_expired(conn: Connection, now: datetime) -> int:
    """Delete drafts past their restore window; returns how many."""
    cur = await conn.execute("DELETE FROM cancelled_drafts WHERE expires_at <= ?", (iso(now),))
    return cur.rowcount


def _draft(row: Any) -> Draft:
    return Draft(
        flow=row["flow"],
        step=row["step"],
        data=json.loads(row["data"]),
        history=json.loads(row["history"]),
        title=row["title"],
        cancelled_at=datetime.fromisoformat(row["cancelled_at"]),
    )
