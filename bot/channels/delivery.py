"""Sending the replies of one inbound message, counting each delivered (every channel).

The engine stores a message's replies with its de-duplication record before it returns them
(:mod:`bot.storage.reply_log`). A channel sends them through :func:`send_replies`, which counts
each one delivered as soon as the platform accepted it. A redelivered message id is answered
by the engine with nothing; then the replies of the first delivery that never got out (the
process died, or the send failed, between the commit and the platform's answer) are sent —
only those, so a platform that redelivers a message already answered gets no second answer.

A channel must hold the chat (one update at a time, handling through sending) around this,
so a redelivery waits for the first delivery's sends to be counted: its in-process queue, and
:func:`chat_turn` where several processes share the database (the same update redelivered to
another process, or the chat's next message, waits there until these replies are counted).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING

from bot.conversation.messages import Inbound, Reply
from bot.storage import reply_log
from bot.texts import delivery as td

if TYPE_CHECKING:
    from bot.runtime import App

log = logging.getLogger(__name__)

Send = Callable[[Reply], Awaitable[None]]


def chat_turn(app: App, channel: str, chat_id: str) -> AbstractAsyncContextManager[None]:
    """Hold one chat across processes for a channel's turn: handling an update and sending its
    replies (``Database.hold_chat``; nothing to do on SQLite). Enter it inside the channel's own
    per-chat queue, so updates waiting in this process take no database connection."""
    return app.db.hold_chat(f"turn:{channel}:{chat_id}")


async def send_replies(app: App, inbound: Inbound, replies: Sequence[Reply], send: Send) -> int:
    """Send ``replies`` (the engine's answer to ``inbound``), or, when the engine answered a
    redelivery with nothing, the stored replies never delivered. Returns how many were sent;
    a failing ``send`` propagates and leaves the rest counted undelivered."""
    key = (inbound.channel, inbound.chat_id, inbound.message_id)
    todo = list(replies)
    if not todo:
        todo = await reply_log.undelivered(app.db, *key, lost_file_note=td.LOST_FILE)
        if todo:
            log.info(
                "replies_resent channel=%s chat=%s message=%s count=%d",
                inbound.channel,
                inbound.chat_id,
                inbound.message_id,
                len(todo),
            )
    for reply in todo:
        await send(reply)
        await reply_log.mark_delivered(app.db, *key)
    return len(todo)
