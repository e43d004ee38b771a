"""Proactive messages to people: every one goes through the durable outbox."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.conversation.messages import Reply
from bot.storage import outbox


async def reachable_identities(conn: aiosqlite.Connection, person_id: int) -> list[tuple[str, str]]:
    """(channel, chat_id) of the person's identities that have not blocked the bot."""
    async with conn.execute(
        "SELECT channel, chat_id FROM identities WHERE person_id = ? AND unreachable = 0 ORDER BY channel",
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
    """Queue ``reply`` to each reachable identity of the person; returns how many rows were new.

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
