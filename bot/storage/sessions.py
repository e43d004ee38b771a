"""Conversation state per chat and durable de-duplication of inbound messages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.storage.db import Connection, iso, query_one


@dataclass(slots=True)
class Session:
    """The active flow of one chat: where it is and what has been answered so far."""

    channel: str
    chat_id: str
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    paused: bool = False
    updated_at: datetime | None = None


async def load_session(conn: Connection, channel: str, chat_id: str) -> Session | None:
    """Return the chat's active session, if any."""
    row = await query_one(
        conn,
        "SELECT flow, step, data, history, paused, updated_at FROM sessions "
        "WHERE channel = ? AND chat_id = ?",
        (channel, chat_id),
    )
    if row is None:
        return None
    return Session(
        channel=channel,
        chat_id=chat_id,
        flow=row["flow"],
        step=row["step"],
        data=json.loads(row["data"]),
        history=json.loads(row["history"]),
        paused=bool(row["paused"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


async def save_session(conn: Connection, session: Session, now: datetime) -> None:
    """Insert or replace the chat's session row (inside the caller's transaction)."""
    await conn.execute(
        "INSERT INTO sessions(channel, chat_id, flow, step, data, history, paused, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(channel, chat_id) DO UPDATE SET flow = excluded.flow, step = excluded.step, "
        "data = excluded.data, history = excluded.history, paused = excluded.paused, "
        "updated_at = excluded.updated_at",
        (
            session.channel,
            session.chat_id,
            session.flow,
            session.step,
            json.dumps(session.data, ensure_ascii=False),
            json.dumps(session.history),
            int(session.paused),
            iso(now),
        ),
    )


async def delete_session(conn: Connection, channel: str, chat_id: str) -> None:
    """End the chat's active flow."""
    await conn.execute("DELETE FROM sessions WHERE channel = ? AND chat_id = ?", (channel, chat_id))


async def mark_seen(
    conn: Connection, channel: str, chat_id: str, message_id: str, now: datetime
) -> bool:
    """Record an inbound message id; False when it was already recorded (a redelivery)."""
    cur = await conn.execute(
        "INSERT INTO inbound_seen(channel, chat_id, message_id, seen_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (channel, chat_id, message_id, iso(now)),
    )
    return cur.rowcount == 1


async def forget_seen_before(conn: Connection, cutoff: datetime) -> int:
    """Drop de-duplication rows older than ``cutoff`` (platforms redeliver within hours, not weeks)."""
    cur = await conn.execute("DELETE FROM inbound_seen WHERE seen_at < ?", (iso(cutoff),))
    return cur.rowcount
