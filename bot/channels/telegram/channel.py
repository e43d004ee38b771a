"""The Telegram channel's handlers: updates in, engine, replies out — no business logic.

One :class:`MessageHandler` (private chats) and one :class:`CallbackQueryHandler` turn updates
into :class:`Inbound` and hand them to :meth:`Engine.handle`. Updates of different chats run
concurrently (``concurrent_updates``); updates of one chat are taken strictly in order, from
handling through sending, so replies never overtake each other.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import Application, CallbackContext, CallbackQueryHandler, MessageHandler, filters

from bot.channels.delivery import chat_turn, send_replies
from bot.channels.telegram.adapter import to_inbound
from bot.channels.telegram.errors import on_error
from bot.channels.telegram.render import acknowledge_press, send_reply
from bot.conversation.messages import Channel, Reply
from bot.storage.identities import mark_unreachable

if TYPE_CHECKING:
    from bot.runtime import App

log = logging.getLogger(__name__)

AnyContext = CallbackContext[Any, Any, Any, Any]
AnyApplication = Application[Any, Any, Any, Any, Any, Any]

# The update types we act on; asking Telegram for nothing else saves traffic.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


class ChatQueue:
    """A FIFO lock per chat, dropped when idle so the map does not grow with every user."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def turn(self, chat_id: str) -> AsyncIterator[None]:
        """Wait for this chat's earlier updates, then hold the chat until the block ends."""
        lock, waiting = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, waiting + 1)
        try:
            async with lock:
                yield
        finally:
            lock, waiting = self._locks[chat_id]
            if waiting <= 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, waiting - 1)


class TelegramChannel:
    """Connects a PTB :class:`Application` to the conversation engine of ``app``."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.chats = ChatQueue()

    def install(self, application: AnyApplication) -> None:
        """Register the two handlers and the error handler on ``application``."""
        application.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE, self.on_update)
        )
        application.add_handler(CallbackQueryHandler(self.on_update))
        application.add_error_handler(on_error)

    async def on_update(self, update: Update, context: AnyContext) -> None:
        """Handle one message or button press of a private chat."""
        inbound = to_inbound(update)
        if inbound is None:
            log.debug("update_ignored update=%s", update.update_id)
            return
        async with self.chats.turn(inbound.chat_id), chat_turn(self.app, inbound.channel, inbound.chat_id):
            try:
                query = update.callback_query
                if query is None:
                    replies = await self.app.engine.handle(inbound)
                else:
                    # The press is acknowledged while the engine works: the spinner stops at once.
                    replies, _ = await asyncio.gather(
                        self.app.engine.handle(inbound), acknowledge_press(query)
                    )

                async def send(reply: Reply) -> None:
                    await send_reply(context.bot, inbound.chat_id, reply)

                # A redelivered update (webhook retry, or polling after a crash before the
                # offset was confirmed) gets only the replies that never got out.
                await send_replies(self.app, inbound, replies, send)
            except Forbidden:
                await self.unreachable(inbound.chat_id)

    async def unreachable(self, chat_id: str) -> None:
        """The user blocked the bot (403): flag the chat so proactive sends skip it."""
        async with self.app.db.transaction() as tx:
            flagged = await mark_unreachable(tx, Channel.TELEGRAM, chat_id)
        log.info("telegram_chat_unreachable chat=%s identities=%d", chat_id, flagged)
