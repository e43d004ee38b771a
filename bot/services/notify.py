"""Proactive messages to people: every one goes through the durable outbox."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.conversation.messages import Reply
from bot.storage import outbox


async def reachable_identities(conn: aiosqlite.Connection, person_id: int) -> list[tuple[str, str]]:
    """The (channel, chat_id) a proactive message to the person goes to: of their identities that
    have not blocked the bot, the one they wrote from last (a person on Telegram and Zalo gets it
    once, where they are active). An empty list when none is reachable."""
    async with conn.execute(
        "SELECT i.channel, i.chat_id FROM identities i WHERE i.person_id = ? AND i.unreachable = 0 "
        "ORDER BY (SELECT MAX(s.seen_at) FROM inbound_seen s "
        "          WHERE s.channel = i.channel AND s.chat_id = i.chat_id) DESC, i.created_at DESC, i.channel "
        "LIMIT 1",
        (person_id,),
    ) as cur:
        return [(row["channel"], row["chat_id"]) for row in await cur.fetchall()]


async def notify_person(
    conn: aiosqlite.Connection,
    person_id: int,
    reply: Reply,
    dedupe_key: str,
    kind: str,
    now: datetime,
) -> int:
    """Queue ``reply`` to the person's preferred reachable chat; returns how many rows were new.

    ``dedupe_key`` identifies the message's subject (e.g. ``approval:42``); the channel is
    appended, so queuing the same subject twice sends it once per channel.
    """
    queued = 0
    for channel, chat_id in await reachable_identities(conn, person_id):
        if await outbox.enqueue(
            conn,
            channel=channel,
            chat_id=chat_id,
            person_id=person_id,
            reply=reply,
            dedupe_key=f"{dedupe_key}:{channel}",
            kind=kind,
            now=now,
        ):
            queued += 1
    return queued
