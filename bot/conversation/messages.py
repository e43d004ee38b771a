"""The channel-neutral message contract: what a channel hands the engine and gets back.

Channels translate platform updates into :class:`Inbound` and render :class:`Reply`;
nothing above the channel layer knows which platform it talks to.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Channel(StrEnum):
    """Messaging channels the bot speaks on."""

    TELEGRAM = "telegram"
    ZALO = "zalo"
    CONSOLE = "console"


class InboundKind(StrEnum):
    """What the user sent."""

    TEXT = "text"
    CHOICE = "choice"  # a pressed button; ``value`` holds its value
    CONTACT = "contact"  # a shared phone number; ``value`` holds the number
    FILE = "file"  # a document or photo; ``file`` describes it, ``text`` holds its caption
    UNSUPPORTED = "unsupported"  # sticker, voice, video note…: answered with a hint


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file a channel already holds, sent again by reference instead of uploading its bytes.

    ``file_id`` means something on ``channel`` only (Telegram's file ids are even tied to the
    bot), so a channel sends by reference only what it holds itself. ``photo``: the file was
    sent as a photo, which Telegram resends only as a photo, never as a document.
    """

    channel: Channel
    file_id: str
    photo: bool = False


@dataclass(frozen=True, slots=True)
class InboundFile:
    """A file the user sent: the channel's reference and what the channel says about it.

    ``size`` is in bytes, None when the platform does not tell.
    """

    ref: FileRef
    name: str
    mime_type: str
    size: int | None = None

    def attachment(self) -> Attachment:
        """The file as an attachment by reference, to be sent on to others on its channel."""
        return Attachment(self.name, self.mime_type, ref=self.ref)


@dataclass(frozen=True, slots=True)
class Inbound:
    """One user message, already normalised to NFC by the channel."""

    channel: Channel
    chat_id: str
    user_id: str
    message_id: str
    kind: InboundKind = InboundKind.TEXT
    text: str = ""
    value: str = ""
    display_name: str = ""
    received_at: datetime | None = None
    file: InboundFile | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """One option offered to the user; ``value`` is what comes back when it is picked."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to send with a reply: a path on disk, bytes, or a channel's file reference.

    A reference (``ref``) is sent as such only on its own channel; every other channel says
    how to get the file instead (a file is never dropped silently).
    """

    filename: str
    mime_type: str
    data: bytes | None = None
    path: str | None = None
    ref: FileRef | None = None

    def read(self) -> bytes:
        """Return the attachment's bytes (reads the file when given as a path)."""
        if self.data is not None:
            return self.data
        if self.path is None:
            raise ValueError("attachment has neither data nor path (a reference has no bytes here)")
        with open(self.path, "rb") as fh:
            return fh.read()


# Produces an attachment after the reply's transaction has committed (charts, exports):
# slow work must not run while the chat's database transaction is open.
AttachmentFactory = Callable[[], Awaitable[Attachment]]


@dataclass(slots=True)
class Reply:
    """One message back to the user.

    ``columns`` is a layout hint for buttons (1 = one per row). ``request_phone`` asks the
    channel to offer a share-contact button where it has one; ``remove_keyboard`` asks it to
    take such a keyboard away again.
    """

    text: str
    choices: list[Choice] = field(default_factory=list)
    columns: int = 1
    attachment: Attachment | None = None
    attachment_factory: AttachmentFactory | None = None
    request_phone: bool = False
    remove_keyboard: bool = False
