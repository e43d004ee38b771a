"""Telegram update → :class:`Inbound`: the one place that reads Telegram's update shape.

Update: https://core.telegram.org/bots/api#update — we handle ``message`` (private chats) and
``callback_query`` (a pressed inline button); everything else is ignored upstream by the
handler filters and ``allowed_updates``. Documents (https://core.telegram.org/bots/api#document)
and photos (https://core.telegram.org/bots/api#photosize) become files by ``file_id``, which
the bot can send again without downloading them.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import CallbackQuery, Message, Update, User

from bot.conversation.messages import Channel, FileRef, Inbound, InboundFile, InboundKind
from bot.domain.vntext import clean_input
from bot.texts import telegram as tt

# Telegram may omit a document's MIME type; this is the generic one for "some file".
UNKNOWN_MIME = "application/octet-stream"
# Telegram re-encodes every photo as JPEG.
PHOTO_MIME = "image/jpeg"


def to_inbound(update: Update) -> Inbound | None:
    """Translate one update; None when it carries nothing for the engine (no sender, no chat)."""
    if update.callback_query is not None:
        return _from_press(update.callback_query)
    if update.message is not None:
        return _from_message(update.message)
    return None


def _display_name(user: User) -> str:
    return clean_input(user.full_name)


def _from_message(message: Message) -> Inbound | None:
    sender = message.from_user
    if sender is None:
        return None
    base = Inbound(
        channel=Channel.TELEGRAM,
        chat_id=str(message.chat.id),
        user_id=str(sender.id),
        # Message ids are unique per chat, and the engine de-duplicates per chat: a webhook
        # retry or a re-fetched polling batch carries the same id and is ignored.
        message_id=str(message.message_id),
        kind=InboundKind.UNSUPPORTED,
        display_name=_display_name(sender),
        received_at=message.date,
    )
    if message.contact is not None:
        # Only the sender's own number counts: a forwarded contact card is someone else's.
        if message.contact.user_id == sender.id:
            return replace(base, kind=InboundKind.CONTACT, value=message.contact.phone_number)
        return base
    if message.text is not None:
        return replace(base, kind=InboundKind.TEXT, text=clean_input(message.text))
    file = _file(message)
    if file is not None:
        return replace(base, kind=InboundKind.FILE, text=clean_input(message.caption or ""), file=file)
    # Stickers, voice, video notes, locations…: the engine answers with a hint.
    return base


def _file(message: Message) -> InboundFile | None:
    """The document or photo of a message, if it carries one."""
    # A GIF arrives as ``animation`` with a copy in ``document`` (for old clients): not a document.
    if message.document is not None and message.animation is None:
        document = message.document
        return InboundFile(
            ref=FileRef(Channel.TELEGRAM, document.file_id),
            name=clean_input(document.file_name or "") or tt.DOCUMENT_NAME,
            mime_type=document.mime_type or UNKNOWN_MIME,
            size=document.file_size,
        )
    if message.photo:
        # Telegram offers each photo in several sizes; recipients should get the sharpest.
        largest = max(message.photo, key=lambda size: size.width * size.height)
        return InboundFile(
            ref=FileRef(Channel.TELEGRAM, largest.file_id, photo=True),
            name=tt.PHOTO_NAME,
            mime_type=PHOTO_MIME,
            size=largest.file_size,
        )
    return None


def _from_press(query: CallbackQuery) -> Inbound | None:
    message = query.message
    if message is None or query.data is None:
        # Inline-mode buttons carry no chat; game buttons carry no data: not ours.
        return None
    return Inbound(
        channel=Channel.TELEGRAM,
        chat_id=str(message.chat.id),
        user_id=str(query.from_user.id),
        # A callback query id is unique per press, so a redelivered press is ignored while a
        # second press of the same button is a new answer.
        message_id=f"cb:{query.id}",
        kind=InboundKind.CHOICE,
        value=clean_input(query.data),
        display_name=_display_name(query.from_user),
    )
