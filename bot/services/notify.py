"""Proactive messages to people: every one goes through the durable outbox."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.messages import Channel, Reply
from bot.domain.people import Person
from bot.storage import identities, outbox
from bot.storage.db import Connection, iso
from bot.storage.identities import preferred_chat
from bot.texts import linking as tl


async def reachable_identities(conn: Connection, person_id: int) -> list[tuple[str, str]]:
    """The (channel, chat_id) a proactive message to the person goes to: one chat of theirs that
    has not blocked the bot — the channel chosen in /hoso, else the one they wrote from last —
    so a person on Telegram and Zalo gets it once. An empty list when none is reachable."""
    chat = await preferred_chat(conn, person_id)
    return [chat] if chat is not None else []


async def notify_person(
    conn: Connection,
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


class PreferenceError(Exception):
    """A channel the person cannot be reached on; ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def channel_choice(conn: Connection, person: Person) -> tuple[list[str], str | None]:
    """The channels the person can choose between (reachable, not the console) and their
    stored choice (None: the chat they wrote from last)."""
    channels = [c for c in await identities.reachable_channels(conn, person.id) if c != Channel.CONSOLE]
    return channels, await identities.preferred_channel(conn, person.id)


async def choose_channel(
    conn: Connection, actor: Person, channel: str | None, now: datetime
) -> None:
    """Store where the acting person's own proactive messages go (None: where they wrote last).

    Only for oneself: nobody chooses another person's channel. Raises :class:`PreferenceError`
    for a channel the person has no reachable chat on."""
    if channel is not None:
        channels, _ = await channel_choice(conn, actor)
        if channel not in channels:
            raise PreferenceError(tl.PREFERENCE_UNAVAILABLE)
    await identities.set_preferred_channel(conn, actor.id, channel, iso(now))
