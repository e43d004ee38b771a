"""Helpers of the outbox tests: queuing rows, reading them back, a scripted transport, draining."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from bot.conversation.messages import Reply
from bot.storage import outbox
from bot.storage.db import Database, iso, utcnow
from bot.workers.outbox_sender import Delivered, OutboxSender, SendOutcome

CHANNEL = "telegram"


async def queue(
    db: Database,
    texts_by_chat: list[tuple[str, str]],
    *,
    kind: str = outbox.Kind.NOTICE,
    now: datetime | None = None,
    urgent: bool = False,
) -> None:
    """Queue one message per ``(chat_id, text)``; the text doubles as the dedupe key."""
    async with db.transaction() as conn:
        for chat_id, text in texts_by_chat:
            await outbox.enqueue(
                conn,
                channel=CHANNEL,
                chat_id=chat_id,
                reply=Reply(text),
                dedupe_key=text,
                kind=kind,
                now=now or utcnow(),
                urgent=urgent,
            )


async def add_identity(db: Database, chat_id: str, *, unreachable: bool = False) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO identities(channel, external_id, chat_id, unreachable, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (CHANNEL, chat_id, chat_id, int(unreachable), iso(utcnow())),
        )


async def row(db: Database, dedupe_key: str) -> dict[str, object]:
    found = await db.fetchone("SELECT * FROM outbox WHERE dedupe_key = ?", (dedupe_key,))
    assert found is not None, dedupe_key
    return dict(found)


@dataclass
class Call:
    at: float  # loop time when the transport was called
    chat_id: str
    text: str


@dataclass
class ScriptedTransport:
    """Records every send; answers from ``script[text]`` (popped in order), else delivered."""

    script: dict[str, list[SendOutcome | Exception]] = field(default_factory=dict)
    latency: float = 0.0
    calls: list[Call] = field(default_factory=list)

    async def send(self, chat_id: str, reply: Reply) -> SendOutcome:
        self.calls.append(Call(asyncio.get_running_loop().time(), chat_id, reply.text))
        if self.latency:
            await asyncio.sleep(self.latency)
        planned = self.script.get(reply.text)
        if planned:
            answer = planned.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        return Delivered()

    def texts(self) -> list[str]:
        return [call.text for call in self.calls]

    def times(self, text: str) -> list[float]:
        return [call.at for call in self.calls if call.text == text]


@asynccontextmanager
async def running(sender: OutboxSender) -> AsyncIterator[None]:
    """Run ``sender`` in the background for the block; stop it (and wait) at the end."""
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    try:
        yield
    finally:
        stop.set()
        await task


async def wait_until(condition: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    """Poll ``condition`` until it holds; fail after ``within`` seconds."""
    async with asyncio.timeout(within):
        while True:
            if await condition():
                return
            await asyncio.sleep(0.01)


async def drain(sender: OutboxSender, *, within: float = 10.0) -> None:
    """Run ``sender`` until nothing is left to send, then stop it."""

    async def nothing_remains() -> bool:
        return not (await outbox.counts(sender.db, channel=sender.channel)).remaining

    async with running(sender):
        await wait_until(nothing_remains, within)
