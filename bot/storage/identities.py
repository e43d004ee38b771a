"""Channel identities: reachability of a chat (the rest lives in :mod:`bot.storage.people`)."""

from __future__ import annotations

import aiosqlite


async def mark_unreachable(conn: aiosqlite.Connection, channel: str, chat_id: str) -> int:
    """Flag every identity of ``chat_id`` on ``channel`` as unreachable (the user blocked the bot).

    Returns how many identities were flagged. The flag is lifted by
    :func:`bot.storage.people.touch_identity` as soon as the user writes again.
    """
    cur = await conn.execute(
        "UPDATE identities SET unreachable = 1 WHERE channel = ? AND chat_id = ? AND unreachable = 0",
        (channel, chat_id),
    )
    return cur.rowcount
