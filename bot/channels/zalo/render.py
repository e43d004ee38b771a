"""Reply → Zalo messages: numbered text (no buttons), 2000-character chunks, photos by URL.

Zalo has no keyboards, so choices become a numbered list the user answers by number or label
(the engine matches both). The stateless action choices of notifications (``go:…``) cannot be
answered by a number — no session holds them — so they become the command to type, and a
training invitation's answers the words to type. Shared sentences that assume buttons are
swapped for their Zalo wording (``bot.texts.zalo.PHRASES``). Long texts are split at
paragraph, line, sentence or word boundaries by the splitter the Telegram channel uses
(paragraphs kept). Files go out as links served by the bot itself
(:mod:`bot.channels.zalo.files`): images as ``sendPhoto`` by URL, everything else as a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.channels.telegram.render import split_text
from bot.channels.zalo.client import TEXT_LIMIT
from bot.channels.zalo.files import FileLinks
from bot.conversation.choices import numbered
from bot.conversation.messages import Attachment, Channel, Choice, Reply
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


def typed_action(choice: Choice) -> str | None:
    """How to type a stateless action choice (``go:<flow>…``, sent in notifications).

    A number typed after a notification reaches no session, so it would not pick anything:
    such choices are told as the command to type instead. RSVP answers are typed as the
    words the invitation names (``tz.PHRASES``), so they get no line of their own."""
    _, _, rest = choice.value.partition("go:")
    flow = rest.split(":", 1)[0]
    command = tz.ACTION_COMMANDS.get(flow)
    if command is None:
        return None
    what = re.sub(r"^\W+", "", choice.label).strip()
    return tz.TYPE_COMMAND.format(command=command, what=what[:1].lower() + what[1:])


def body(reply: Reply) -> str:
    """The reply as one text: its words, then its choices numbered (once), then hints."""
    words = for_zalo(reply.text.strip())
    parts = [words] if words else []
    actions = [c for c in reply.choices if c.value.startswith("go:") and not c.value.startswith("go:wq:")]
    listed = [c for c in reply.choices if c not in actions]
    if listed:
        listing = numbered(listed)
        # Re-prompts already carry the numbered list in their text: never print it twice.
        if listing not in reply.text:
            parts.append(listing)
    typed = [line for line in map(typed_action, actions) if line]
    if typed:
        parts.append("\n".join(dict.fromkeys(typed)))
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
