"""Reply → Bot API calls: text chunks, keyboards, files, and the acknowledgement of a press.

Bot API pages: sendMessage https://core.telegram.org/bots/api#sendmessage ,
InlineKeyboardMarkup https://core.telegram.org/bots/api#inlinekeyboardmarkup ,
ReplyKeyboardMarkup https://core.telegram.org/bots/api#replykeyboardmarkup ,
editMessageText https://core.telegram.org/bots/api#editmessagetext ,
answerCallbackQuery https://core.telegram.org/bots/api#answercallbackquery .

Texts go out plain (no parse mode), so nothing a user or the knowledge base wrote can break
the markup. The planning half (:func:`plan`, :func:`split_text`, the keyboards) is pure; the
sending half wraps ``telegram.Bot`` calls.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ChatAction, InlineKeyboardButtonLimit, MessageLimit
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.conversation.messages import Attachment, Channel, Choice, FileRef, Reply
from bot.texts import common as t
from bot.texts import telegram as tt

log = logging.getLogger(__name__)

TEXT_LIMIT: int = MessageLimit.MAX_TEXT_LENGTH
CALLBACK_DATA_LIMIT: int = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
# sendPhoto refuses photos over 10 MB; bigger images go as documents.
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = frozenset({"image/png", "image/jpeg"})
# A chat action shows for about 5 seconds; renew it a little sooner.
TYPING_EVERY_SECONDS = 4.0

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# A sentence ends at . ! ? … (optionally followed by closing quotes or brackets) and a space.
_SENTENCE_END = re.compile(r"[.!?…][»\"')\]]*\s+")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _window(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` UTF-16 code units."""
    if len(text) * 2 <= limit:
        return len(text)
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _cut(window: str) -> int:
    """Where to end a chunk inside ``window``: the latest paragraph break in its second half,
    else line break, else sentence end, else space; a hard cut when there is none."""
    half = len(window) // 2
    for separator in ("\n\n", "\n"):
        at = window.rfind(separator)
        if at >= half:
            return at + len(separator)
    sentences = [m.end() for m in _SENTENCE_END.finditer(window)]
    if sentences:
        return sentences[-1]
    at = window.rfind(" ")
    return at + 1 if at > 0 else len(window)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split ``text`` into messages of at most ``limit`` UTF-16 code units, at paragraph,
    line, sentence or word boundaries. Whitespace at the cuts is dropped; an empty or blank
    text gives no chunks."""
    chunks: list[str] = []
    rest = text.strip()
    while rest:
        # At least one character per chunk, so even an absurd limit cannot loop forever.
        size = max(1, _window(rest, limit))
        if size >= len(rest):
            chunks.append(rest)
            break
        # ``rest`` starts with a non-space and every cut keeps it, so no chunk is empty.
        end = _cut(rest[:size])
        chunks.append(rest[:end].rstrip())
        rest = rest[end:].lstrip()
    return chunks


def callback_data(choice: Choice, number: int) -> str:
    """The button payload: the value itself when it fits Telegram's 64 bytes, else ``#<n>``
    (1-based position among the offered choices, which the engine resolves)."""
    size = len(choice.value.encode("utf-8"))
    return choice.value if 0 < size <= CALLBACK_DATA_LIMIT else f"#{number}"


def inline_keyboard(choices: Sequence[Choice], columns: int = 1) -> InlineKeyboardMarkup:
    """Choices as inline buttons, ``columns`` per row."""
    buttons = [
        InlineKeyboardButton(choice.label, callback_data=callback_data(choice, number))
        for number, choice in enumerate(choices, start=1)
    ]
    width = max(1, columns)
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def phone_keyboard(choices: Sequence[Choice] = ()) -> ReplyKeyboardMarkup:
    """The share-my-number button, with any choices as typed-label buttons below it.

    A message has one keyboard, so choices offered alongside the phone request cannot be
    inline buttons; a reply-keyboard button sends its label as text, which the engine matches.
    """
    rows = [[KeyboardButton(tt.SHARE_PHONE, request_contact=True)]]
    rows += [[KeyboardButton(choice.label)] for choice in choices]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One sendMessage call: text and the keyboard to attach."""

    text: str
    markup: Markup | None = None


def plan(reply: Reply) -> list[Outgoing]:
    """The messages a reply becomes (attachments aside). The keyboard rides on the last chunk."""
    chunks = split_text(reply.text)
    keyboard: Markup | None = None
    if reply.request_phone:
        keyboard = phone_keyboard(reply.choices)
    elif reply.choices:
        keyboard = inline_keyboard(reply.choices, reply.columns)
    if keyboard is not None and not chunks:
        chunks = [tt.CHOOSE]
    if not chunks:
        return []
    messages = [Outgoing(chunk) for chunk in chunks]
    if keyboard is not None:
        messages[-1] = Outgoing(messages[-1].text, keyboard)
    if reply.remove_keyboard and not reply.request_phone:
        messages = _with_removal(messages)
    return messages


def _with_removal(messages: list[Outgoing]) -> list[Outgoing]:
    """Attach ReplyKeyboardRemove where it does not displace inline buttons.

    Telegram allows one markup per message. With inline buttons on a single message we split
    off its leading paragraphs to carry the removal; a one-paragraph message keeps its buttons
    (the phone keyboard is one-time, so it is already folded away after the contact was sent).
    """
    first = messages[0]
    if first.markup is None:
        return [Outgoing(first.text, ReplyKeyboardRemove()), *messages[1:]]
    # Only the last chunk carries a keyboard, so here the reply is this one message.
    head, separator, tail = first.text.rpartition("\n\n")
    if not separator or not head.strip():
        return messages
    return [Outgoing(head.rstrip(), ReplyKeyboardRemove()), Outgoing(tail.lstrip(), first.markup)]


# -- sending ---------------------------------------------------------------------------------------


async def send_reply(bot: Bot, chat_id: int | str, reply: Reply) -> None:
    """Send one reply: its text chunks with the keyboard, then its attachment if any.

    An ``attachment_factory`` runs here, after the engine's transaction has committed, with the
    typing indicator shown while it works. Forbidden (the user blocked the bot) propagates.
    """
    for message in plan(reply):
        await bot.send_message(
            chat_id, message.text, reply_markup=message.markup, link_preview_options=_NO_PREVIEW
        )
    attachment = reply.attachment
    if attachment is None and reply.attachment_factory is not None:
        try:
            async with typing(bot, chat_id):
                attachment = await reply.attachment_factory()
        except Exception:
            log.exception("attachment_factory_failed chat=%s", chat_id)
            await bot.send_message(chat_id, tt.FILE_FAILED)
            return
    if attachment is not None:
        await send_attachment(bot, chat_id, attachment)


async def send_attachment(bot: Bot, chat_id: int | str, attachment: Attachment) -> None:
    """Images as photos (shown inline), everything else as a document; never dropped silently.

    A file reference goes out by reference (:func:`send_reference`), nothing is uploaded.
    """
    if attachment.ref is not None:
        await send_reference(bot, chat_id, attachment.filename, attachment.ref)
        return
    try:
        data = await asyncio.to_thread(attachment.read)
    except (OSError, ValueError):
        log.exception("attachment_unreadable chat=%s file=%s", chat_id, attachment.filename)
        await bot.send_message(chat_id, tt.FILE_FAILED)
        return
    if attachment.mime_type in PHOTO_TYPES and len(data) <= PHOTO_MAX_BYTES:
        try:
            await bot.send_photo(chat_id, photo=data, filename=attachment.filename)
            return
        except BadRequest as exc:
            # Odd dimensions or formats Telegram will not render: the file still goes out.
            log.warning("photo_refused chat=%s file=%s error=%s", chat_id, attachment.filename, exc.message)
    await bot.send_document(chat_id, document=data, filename=attachment.filename)


async def send_reference(bot: Bot, chat_id: int | str, name: str, ref: FileRef) -> None:
    """Send a file Telegram already holds by its ``file_id``: no bytes move, so one upload can
    reach thousands of chats. A photo's id is only valid for sendPhoto, a document's for
    sendDocument. Another channel's reference means nothing here: the chat is told how to get
    the file instead."""
    if ref.channel != Channel.TELEGRAM:
        await bot.send_message(chat_id, t.FILE_NOT_HERE.format(name=name))
    elif ref.photo:
        await bot.send_photo(chat_id, photo=ref.file_id)
    else:
        await bot.send_document(chat_id, document=ref.file_id)


@asynccontextmanager
async def typing(bot: Bot, chat_id: int | str, every: float = TYPING_EVERY_SECONDS) -> AsyncIterator[None]:
    """Show "typing…" in the chat until the block ends (renewed, as it fades after ~5 s)."""

    async def keep_typing() -> None:
        while True:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as exc:
                # Cosmetic only: the real send after the block reports real problems.
                log.debug("chat_action_failed chat=%s error=%s", chat_id, type(exc).__name__)
            await asyncio.sleep(every)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


# -- button presses ----------------------------------------------------------------------------


def pressed_label(markup: InlineKeyboardMarkup | None, data: str | None) -> str | None:
    """The label of the button whose payload is ``data`` in ``markup``."""
    if markup is None or data is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


async def acknowledge_press(query: CallbackQuery) -> None:
    """Stop the button's spinner and replace the pressed keyboard by the picked label.

    Best effort: a press redelivered after a restart has an expired query, and a message
    older than 48 hours cannot be edited; neither should stop the answer itself.
    Forbidden propagates (the caller marks the chat unreachable).
    """
    try:
        await query.answer()
    except Forbidden:
        raise
    except TelegramError as exc:
        log.info("callback_answer_failed error=%s", exc.message)
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    label = pressed_label(message.reply_markup, query.data)
    text = message.text
    try:
        if label is not None and text:
            shown = f"{text}\n\n{tt.PICKED.format(label=label)}"
            if utf16_len(shown) <= TEXT_LIMIT:
                await message.edit_text(shown, reply_markup=None, link_preview_options=_NO_PREVIEW)
                return
        await message.edit_reply_markup(reply_markup=None)
    except Forbidden:
        raise
    except TelegramError as exc:
        log.info("pressed_message_not_edited error=%s", exc.message)
