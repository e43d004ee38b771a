"""Reply → Zalo messages: numbered text (no buttons), 2000-character chunks, photos by URL.

Zalo has no keyboards, so choices become a numbered list the user answers by number or label
(the engine matches both). Long texts are split at paragraph, line, sentence or word boundaries
by the splitter the Telegram channel uses (paragraphs kept). Files go out as links served by the bot itself
(:mod:`bot.channels.zalo.files`): images as ``sendPhoto`` by URL, everything else as a link.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.channels.telegram.render import split_text
from bot.channels.zalo.client import TEXT_LIMIT
from bot.channels.zalo.files import FileLinks
from bot.conversation.choices import numbered
from bot.conversation.messages import Attachment, Channel, Reply
from bot.texts import common as t
from bot.texts import zalo as tz

PHOTO_TYPES = frozenset({"image/png", "image/jpeg"})


@dataclass(frozen=True, slots=True)
class Text:
    """One sendMessage call."""

    text: str


@dataclass(frozen=True, slots=True)
class Photo:
    """One sendPhoto call (Zalo fetches ``url``)."""

    url: str


Outgoing = Text | Photo


def for_zalo(text: str) -> str:
    """Shared wording that assumes buttons or attachments, replaced by what Zalo offers."""
    for telegram, zalo in tz.PHRASES.items():
        text = text.replace(telegram, zalo)
    return text


def body(reply: Reply) -> str:
    """The reply as one text: its words, then its choices numbered (once), then hints."""
    words = for_zalo(reply.text.strip())
    parts = [words] if words else []
    if reply.choices:
        listing = numbered(reply.choices)
        # Re-prompts already carry the numbered list in their text: never print it twice.
        if listing not in reply.text:
            parts.append(listing)
    if reply.request_phone:
        parts.append(tz.TYPE_PHONE)
    return "\n\n".join(parts)


def plan(reply: Reply) -> list[Text]:
    """The text messages a reply becomes, each within Zalo's 2000 characters."""
    # Telegram's splitter counts UTF-16 units, never fewer than characters: safe for Zalo too.
    return [Text(piece) for piece in split_text(body(reply), TEXT_LIMIT)]


def attachment_parts(attachment: Attachment, links: FileLinks | None) -> list[Outgoing]:
    """How a file reaches a Zalo chat: a photo by URL, a link in text, or a note saying how to
    get it when it cannot be published (never dropped silently)."""
    ref = attachment.ref
    if ref is not None:
        if ref.channel == Channel.ZALO and ref.photo:
            return [Photo(ref.file_id)]
        return [Text(t.FILE_NOT_HERE.format(name=attachment.filename))]
    if links is None:
        return [Text(t.FILE_NOT_HERE.format(name=attachment.filename))]
    url = links.publish(attachment.filename, attachment.read())
    if attachment.mime_type in PHOTO_TYPES:
        return [Photo(url)]
    hours = int(links.lifetime.total_seconds() // 3600)
    return [Text(tz.FILE_LINK.format(name=attachment.filename, url=url, hours=hours))]
