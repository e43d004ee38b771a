"""The outbox sender's Telegram transport: sends a reply with a ``telegram.Bot`` and turns
Telegram's answers into :data:`~bot.workers.outbox_sender.SendOutcome`.

Bot API error answers: https://core.telegram.org/bots/api#making-requests (429 carries
``parameters.retry_after``, https://core.telegram.org/bots/api#responseparameters).

A reply is rendered as the Telegram channel renders interactive replies
(:func:`bot.channels.telegram.render.plan`: text chunks with the keyboard on the last, then the
attachment as photo or document — a file reference by its file_id, so a broadcast's file is
uploaded once, not once per recipient), so it may become several messages. Until the first of them
is accepted the reply is all-or-nothing and any failure goes back to the sender. Once a part is
out, a 429 on a later part (Telegram's per-chat limit, hit by our own back-to-back parts) is
waited out here, briefly, because handing the reply back would send its first parts twice.

Give it a plain ``telegram.Bot`` — not the Application's bot with ``AIORateLimiter``, which on a
429 pauses every request of the bot and retries on its own: the sender needs the 429 to
reschedule that one message while the others keep going.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial

from telegram import Bot, LinkPreviewOptions
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    TelegramError,
)
from telegram.error import RetryAfter as TelegramRetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram.render import plan, send_attachment
from bot.conversation.messages import Reply
from bot.workers.outbox_sender import (
    Blocked,
    Delivered,
    Permanent,
    RetryAfter,
    SendOutcome,
    Transient,
)

# A later part of a reply waits out a 429 this long at most, this many times, before the
# reply goes back to the sender (and its first parts will be sent again).
CONTINUATION_MAX_WAIT = 10.0
CONTINUATION_TRIES = 3

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

Part = Callable[[], Awaitable[object]]


class TelegramTransport:
    """:class:`~bot.workers.outbox_sender.Transport` over a ``telegram.Bot``."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: str, reply: Reply) -> SendOutcome:
        """Send ``reply``; 429 → retry after, 403 → blocked, 400 → permanent, network → transient."""
        for index, part in enumerate(self._parts(chat_id, reply)):
            outcome = await (_send_continuation(part) if index else _attempt(part))
            if not isinstance(outcome, Delivered):
                return outcome
        return Delivered()

    def _parts(self, chat_id: str, reply: Reply) -> list[Part]:
        parts: list[Part] = [
            partial(
                self.bot.send_message,
                chat_id,
                message.text,
                reply_markup=message.markup,
                link_preview_options=_NO_PREVIEW,
            )
            for message in plan(reply)
        ]
        if reply.attachment is not None:
            parts.append(partial(send_attachment, self.bot, chat_id, reply.attachment))
        return parts


async def _send_continuation(part: Part) -> SendOutcome:
    for _ in range(CONTINUATION_TRIES - 1):
        outcome = await _attempt(part)
        if not (isinstance(outcome, RetryAfter) and outcome.seconds <= CONTINUATION_MAX_WAIT):
            return outcome
        await asyncio.sleep(outcome.seconds)
    return await _attempt(part)


async def _attempt(part: Part) -> SendOutcome:
    try:
        await part()
    except TelegramRetryAfter as exc:
        return RetryAfter(retry_after_seconds(exc))
    except Forbidden as exc:
        return Blocked(exc.message)
    except ChatMigrated as exc:
        # A group became a supergroup: the old id is dead; the new one must be stored first.
        return Permanent(f"chat migrated to {exc.new_chat_id}")
    except BadRequest as exc:
        # Before NetworkError: PTB makes BadRequest a subclass of it.
        return Permanent(exc.message)
    except NetworkError as exc:  # TimedOut included
        return Transient(f"{type(exc).__name__}: {exc.message}")
    except TelegramError as exc:
        # InvalidToken, Conflict, EndPointNotFound…: configuration trouble an operator fixes;
        # retrying with backoff keeps the message until the retry budget runs out.
        return Transient(f"{type(exc).__name__}: {exc.message}")
    return Delivered()


def retry_after_seconds(exc: TelegramRetryAfter) -> float:
    """``retry_after`` in seconds, whichever type this PTB version hands out.

    PTB 22 returns an int with a deprecation warning, or a ``timedelta`` when ``PTB_TIMEDELTA``
    is set; both mean the same wait.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
