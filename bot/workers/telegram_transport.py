"""The outbox sender's Telegram transport: sends a reply with a ``telegram.Bot`` and turns
Telegram's answers into :data:`~bot.workers.outbox_sender.SendOutcome`.

Bot API error answers: https://core.telegram.org/bots/api#making-requests (429 carries
``parameters.retry_after``, https://core.telegram.org/bots/api#responseparameters).

The reply is rendered exactly as the Telegram channel renders interactive replies
(:func:`bot.channels.telegram.render.send_reply`: text chunks, keyboard, photo or document).

Give it a plain ``telegram.Bot`` — not the Application's bot with ``AIORateLimiter``, which on a
429 pauses every request of the bot and retries on its own: the sender needs the 429 to
reschedule that one message while the others keep going. A reply sent as several messages (a
long text, or a text and a file) that fails half-way is retried whole, so its first part may
arrive twice.
"""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    TelegramError,
)
from telegram.error import RetryAfter as TelegramRetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram.render import send_reply
from bot.conversation.messages import Reply
from bot.workers.outbox_sender import (
    Blocked,
    Delivered,
    Permanent,
    RetryAfter,
    SendOutcome,
    Transient,
)


class TelegramTransport:
    """:class:`~bot.workers.outbox_sender.Transport` over a ``telegram.Bot``."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: str, reply: Reply) -> SendOutcome:
        """Send ``reply``; 429 → retry after, 403 → blocked, 400 → permanent, network → transient."""
        try:
            await send_reply(self.bot, chat_id, reply)
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
