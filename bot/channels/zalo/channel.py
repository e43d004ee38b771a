"""The Zalo channel: updates are recorded durably, then handled by the engine, replies sent.

Every update goes into ``zalo_inbox`` first (keyed by message id, so a redelivery is dropped
there), and is handled after that commit; rows a crash left unhandled are handled at the next
start. The engine de-duplicates again per chat (``inbound_seen``). Updates of different chats
run concurrently, those of one chat strictly in order.
"""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import suppress
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.channels.delivery import chat_turn, send_replies
from bot.channels.telegram.channel import ChatQueue
from bot.channels.zalo.adapter import message_id, to_inbound, unwrap
from bot.channels.zalo.client import ZaloClient, ZaloError
from bot.channels.zalo.files import FileLinks
from bot.channels.zalo.render import Outgoing, Text, attachment_parts
from bot.channels.zalo.transport import deliver, reply_parts
from bot.conversation.messages import Channel, Reply
from bot.storage.db import iso, query_one
from bot.storage.identities import mark_unreachable
from bot.texts import zalo as tz

if TYPE_CHECKING:
    from bot.runtime import App

log = logging.getLogger(__name__)

TYPING_EVERY_SECONDS = 4.0
# A reply refused by a transient error (network, 429, 5xx) is tried again this many times,
# RETRY_BASE_SECONDS·2ⁿ apart; after that the next start, or Zalo's redelivery, sends it.
# Safe at any time: the engine never answers twice, only undelivered replies go out.
REPLY_RETRIES = 3
RETRY_BASE_SECONDS = 2.0


class ZaloChannel:
    """Connects a :class:`ZaloClient` to the conversation engine of ``app``."""

    def __init__(self, app: App, client: ZaloClient, links: FileLinks | None = None) -> None:
        self.app = app
        self.client = client
        self.links = links
        self.chats = ChatQueue()
        self._tasks: set[asyncio.Task[None]] = set()
        self._retries: set[asyncio.Task[None]] = set()

    async def record(self, body: object) -> str | None:
        """Store an update durably; returns its message id when new, None when it is a
        duplicate or carries no message id (nothing to handle)."""
        update = unwrap(body)
        ident = message_id(update) if update is not None else None
        if update is None or ident is None:
            return None
        async with self.app.db.transaction() as tx:
            cur = await tx.execute(
                "INSERT INTO zalo_inbox(message_id, body, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT(message_id) DO NOTHING",
                (ident, json.dumps(update, ensure_ascii=False), iso(self.app.clock())),
            )
            if cur.rowcount == 0:
                unfinished = await query_one(
                    tx, "SELECT 1 FROM zalo_inbox WHERE message_id = ? AND handled_at IS NULL", (ident,)
                )
        if cur.rowcount == 0 and unfinished is None:
            log.info("zalo_duplicate_ignored message=%s", ident)
            return None
        # New, or a redelivery of one whose replies did not all get out: handling it again is
        # safe (the engine does not answer twice; only undelivered replies are sent).
        return ident

    def dispatch(self, ident: str, attempt: int = 0) -> None:
        """Handle a recorded update in the background (the webhook has already answered)."""
        task = asyncio.create_task(self.process(ident, attempt))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def accept(self, body: object) -> None:
        """Record and, when new, dispatch (the polling loop and the webhook both use this)."""
        ident = await self.record(body)
        if ident is not None:
            self.dispatch(ident)

    async def resume_pending(self) -> int:
        """Dispatch the updates a crash left recorded but unhandled, oldest first."""
        rows = await self.app.db.fetchall(
            "SELECT message_id FROM zalo_inbox WHERE handled_at IS NULL ORDER BY received_at, message_id"
        )
        for row in rows:
            self.dispatch(row["message_id"])
        retention = timedelta(days=self.app.settings.seen_retention_days)
        async with self.app.db.transaction() as tx:
            await tx.execute(
                "DELETE FROM zalo_inbox WHERE handled_at IS NOT NULL AND handled_at < ?",
                (iso(self.app.clock() - retention),),
            )
        return len(rows)

    def _retry_later(self, ident: str, attempt: int) -> None:
        async def later() -> None:
            await asyncio.sleep(RETRY_BASE_SECONDS * 2.0**attempt)
            self.dispatch(ident, attempt + 1)

        task = asyncio.create_task(later())
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    async def drain(self) -> None:
        """Wait for the updates being handled (shutdown); retries still waiting are dropped
        (their updates stay unhandled in the inbox and are handled at the next start)."""
        for waiting in list(self._retries):
            waiting.cancel()
        await asyncio.gather(*list(self._retries), return_exceptions=True)
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def process(self, ident: str, attempt: int = 0) -> None:
        """Handle one recorded update and mark it handled; failures are logged, never raised."""
        row = await self.app.db.fetchone("SELECT body FROM zalo_inbox WHERE message_id = ?", (ident,))
        if row is None:
            return
        update: dict[str, Any] = json.loads(row["body"])
        inbound = to_inbound(update)
        if inbound is not None:
            chat = inbound.chat_id
            async with self.chats.turn(chat), chat_turn(self.app, inbound.channel, chat):
                replies = await self.app.engine.handle(inbound)

                async def send(reply: Reply) -> None:
                    await self.send_reply(inbound.chat_id, reply)

                try:
                    await send_replies(self.app, inbound, replies, send)
                except ZaloError as exc:
                    log.warning("zalo_reply_failed message=%s code=%s", ident, exc.code)
                    if exc.code == 403:
                        await self.unreachable(inbound.chat_id)
                    elif exc.retryable:
                        # Left unhandled: a retry here, Zalo's redelivery or the next start
                        # sends what is missing.
                        if attempt < REPLY_RETRIES:
                            self._retry_later(ident, attempt)
                        return
        async with self.app.db.transaction() as tx:
            await tx.execute(
                "UPDATE zalo_inbox SET handled_at = ? WHERE message_id = ?", (iso(self.app.clock()), ident)
            )

    async def send_reply(self, chat_id: str, reply: Reply) -> None:
        """Send a reply's texts, then its file (produced now, with "typing…" shown meanwhile)."""
        for part in reply_parts(Reply(reply.text, reply.choices, request_phone=reply.request_phone), None):
            await deliver(self.client, chat_id, part)
        attachment = reply.attachment
        try:
            if attachment is None and reply.attachment_factory is not None:
                typing = asyncio.create_task(self._keep_typing(chat_id))
                try:
                    attachment = await reply.attachment_factory()
                finally:
                    typing.cancel()
                    with suppress(asyncio.CancelledError):
                        await typing
            parts: list[Outgoing] = attachment_parts(attachment, self.links) if attachment is not None else []
        except Exception:
            # A failing chart or export must not lose the conversation: say so instead.
            log.exception("zalo_attachment_failed chat=%s", chat_id)
            parts = [Text(tz.FILE_FAILED)]
        for part in parts:
            await deliver(self.client, chat_id, part)

    async def _keep_typing(self, chat_id: str) -> None:
        while True:
            with suppress(ZaloError):
                await self.client.send_typing(chat_id)
            await asyncio.sleep(TYPING_EVERY_SECONDS)

    async def unreachable(self, chat_id: str) -> None:
        """The user can no longer be reached (403): flag the chat so proactive sends skip it."""
        async with self.app.db.transaction() as tx:
            flagged = await mark_unreachable(tx, Channel.ZALO, chat_id)
        log.info("zalo_chat_unreachable chat=%s identities=%d", chat_id, flagged)
