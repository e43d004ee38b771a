"""Zalo update → :class:`Inbound`: the one place that reads Zalo's update shape.

An update is ``{"event_name": "message.<kind>.received", "message": {"message_id": str,
"date": ms, "chat": {"id": str, "chat_type": "PRIVATE"|"GROUP"}, "from": {"id": str,
"display_name": str, "is_bot": bool}, "text": str, "photo_url": str}}``. Webhook bodies arrive
bare or wrapped as ``{"ok": true, "result": update}``: :func:`unwrap` accepts both.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bot.conversation.messages import Channel, FileRef, Inbound, InboundFile, InboundKind
from bot.domain.vntext import clean_input

PHOTO_NAME = "ảnh.jpg"
PHOTO_MIME = "image/jpeg"


def unwrap(body: object) -> dict[str, Any] | None:
    """The update inside a webhook body or getUpdates result, bare or ``{ok, result}``-wrapped."""
    if not isinstance(body, dict):
        return None
    if "event_name" in body:
        return body
    result = body.get("result")
    if isinstance(result, dict) and "event_name" in result:
        return result
    return None


def message_id(update: dict[str, Any]) -> str | None:
    """The update's message id (Zalo's only handle for de-duplication), if it has one."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    value = message.get("message_id")
    return str(value) if isinstance(value, str | int) and str(value) else None


def _received_at(message: dict[str, Any]) -> datetime | None:
    date = message.get("date")
    if isinstance(date, int | float) and not isinstance(date, bool):
        return datetime.fromtimestamp(date / 1000, tz=UTC)
    return None


def to_inbound(update: dict[str, Any]) -> Inbound | None:
    """Translate one update; None when it is not a private user message with ids."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat")
    sender = message.get("from")
    ident = message_id(update)
    if not isinstance(chat, dict) or not isinstance(sender, dict) or ident is None:
        return None
    if chat.get("chat_type", "PRIVATE") != "PRIVATE" or sender.get("is_bot") is True:
        # Bots cannot take part in groups in practice; other bots are never our users.
        return None
    chat_id, user_id = chat.get("id"), sender.get("id")
    if not isinstance(chat_id, str | int) or not isinstance(user_id, str | int):
        return None
    event = str(update.get("event_name", ""))
    text = message.get("text")
    base = Inbound(
        channel=Channel.ZALO,
        chat_id=str(chat_id),
        user_id=str(user_id),
        message_id=ident,
        kind=InboundKind.UNSUPPORTED,
        display_name=clean_input(str(sender.get("display_name") or "")),
        received_at=_received_at(message),
    )
    if event == "message.text.received" and isinstance(text, str):
        return replace(base, kind=InboundKind.TEXT, text=clean_input(text))
    photo = message.get("photo_url")
    if event == "message.image.received" and isinstance(photo, str) and photo:
        file = InboundFile(
            ref=FileRef(Channel.ZALO, photo, photo=True), name=PHOTO_NAME, mime_type=PHOTO_MIME
        )
        caption = message.get("caption") if isinstance(message.get("caption"), str) else text
        return replace(
            base,
            kind=InboundKind.FILE,
            file=file,
            text=clean_input(caption if isinstance(caption, str) else ""),
        )
    # Stickers, voice, protected users (message.unsupported.received)…: the engine answers with a hint.
    return base
