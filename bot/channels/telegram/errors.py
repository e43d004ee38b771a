"""The Application's error handler: log the failure, tell the user their data is safe.

The engine never raises (a failing step becomes an apology inside it), so what lands here is
a failure of the channel itself: rendering, sending, or an unexpected update shape.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackContext

from bot.texts import telegram as tt

log = logging.getLogger(__name__)


async def on_error(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Log the exception with the update id (never the token or message text) and apologise."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "telegram_update_failed update=%s error=%s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error is not None else None,
    )
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is None or isinstance(error, Forbidden):
        return
    try:
        await context.bot.send_message(chat.id, tt.ERROR)
    except TelegramError as exc:
        log.warning("telegram_apology_failed update=%s error=%s", update_id, type(exc).__name__)
