"""Channel identities: reachability of a chat (the rest lives in :mod:`bot.storage.people`)."""

from __future__ import annotations

from bot.storage.db import Connection


async def mark_unreachable(conn: Connection, channel: str, chat_id: str) -> int:
    """Flag every identity of ``chat_id`` on ``channel`` as unreachable (the user blocked the bot).

    Returns how many identities were flagged. The flag is lifted by
    :func:`bot.storage.people.touch_identity` as soon as the user writes again.
    """
    cur = await conn.execute(
        "UPDATE identities SET unreachable = 1 WHERE channel = ? AND chat_id = ? AND unreachable = 0",
        (channel, chat_id),
    )
    return cur.rowcount


# The order in which a person's reachable chats are preferred for proactive messages: the
# channel they chose in /hoso (``people.preferred_channel``), else the chat they wrote from
# last, else the most recently created identity. Used with ``identities i JOIN people p``.
# COALESCE keeps chats never seen last in PostgreSQL too (it sorts NULLs first in DESC).
PREFERRED_ORDER = (
    "CASE WHEN i.channel = p.preferred_channel THEN 0 ELSE 1 END, "
    "COALESCE((SELECT MAX(s.seen_at) FROM inbound_seen s "
    "WHERE s.channel = i.channel AND s.chat_id = i.chat_id), '') DESC, "
    "i.created_at DESC, i.channel"
)


async def preferred_chat(conn: Connection, person_id: int) -> tuple[str, str] | None:
    """``(channel, chat_id)`` where a proactive message to the person goes: one chat only (a
    person on Telegram and Zalo gets it once), None when no chat of theirs is reachable."""
    async with conn.execute(
        "SELECT i.channel, i.chat_id FROM identities i JOIN people p ON p.id = i.person_id "
        f"WHERE i.person_id = ? AND i.unreachable = 0 ORDER BY {PREFERRED_ORDER} LIMIT 1",
        (person_id,),
    ) as cur:
        row = await cur.fetchone()
    return (row["channel"], row["chat_id"]) if row is not None else None


async def reachable_channels(conn: Connection, person_id: int) -> list[str]:
    """The channels on which the person has a chat that has not blocked the bot, sorted."""
    async with conn.execute(
        "SELECT DISTINCT channel FROM identities WHERE person_id = ? AND unreachable = 0 ORDER BY channel",
        (person_id,),
    ) as cur:
        return [row["channel"] for row in await cur.fetchall()]


async def preferred_channel(conn: Connection, person_id: int) -> str | None:
    """The channel the person chose for proactive messages (None: where they wrote last)."""
    async with conn.execute("SELECT preferred_channel FROM people WHERE id = ?", (person_id,)) as cur:
        row = await cur.fetchone()
    return row["preferred_channel"] if row is not None else None


async def set_preferred_channel(
    conn: Connection, person_id: int, channel: str | None, now: str
) -> None:
    """Store the person's choice (None: the chat they wrote from last)."""
    await conn.execute(
        "UPDATE people SET preferred_channel = ?, updated_at = ? WHERE id = ?", (channel, now, person_id)
    )
