"""Console channel: chat with the bot in a terminal, or play a script and print the transcript.

Same engine and database as the real channels. Choices are shown as a numbered list (as on
Zalo); attachments are written to a folder and their path is printed. A file held by another
channel (a Telegram file id) has no bytes here: its name is printed with a note that it was
attached, as are the attachments of proactive messages.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.channels.delivery import send_replies
from bot.conversation.choices import numbered
from bot.conversation.messages import Attachment, Channel, Inbound, InboundKind, Reply
from bot.runtime import App
from bot.texts import console as tc
from bot.workers.outbox_sender import Delivered


class ConsoleChannel:
    """Feeds typed lines to the engine as one console user and prints the replies."""

    def __init__(
        self, app: App, user_id: str, out: TextIO | None = None, files_dir: Path | None = None
    ) -> None:
        self.app = app
        self.user_id = user_id
        self.out = out or sys.stdout
        self.files_dir = files_dir or app.settings.data_dir / "console-files"
        # Message ids must never repeat, across runs or between two consoles of one user:
        # de-duplication is durable.
        self._prefix = uuid.uuid4().hex
        self._counter = 0

    def _inbound(self, text: str) -> Inbound:
        self._counter += 1
        return Inbound(
            channel=Channel.CONSOLE,
            chat_id=self.user_id,
            user_id=self.user_id,
            message_id=f"{self._prefix}-{self._counter}",
            kind=InboundKind.TEXT,
            text=text,
            display_name=self.user_id,
        )

    async def send(self, text: str) -> list[Reply]:
        """Hand one line to the engine, print and return the replies."""
        inbound = self._inbound(text)
        replies = await self.app.engine.handle(inbound)
        # Counted delivered like on the other channels, so the stored payloads are dropped.
        await send_replies(self.app, inbound, replies, self._print)
        return replies

    async def _print(self, reply: Reply) -> None:
        self.out.write(render(reply) + "\n")
        attachment = reply.attachment
        if attachment is None and reply.attachment_factory is not None:
            attachment = await reply.attachment_factory()
        if attachment is not None and attachment.ref is not None:
            self.out.write(tc.FILE_ATTACHED.format(name=attachment.filename) + "\n")
        elif attachment is not None:
            path = await asyncio.to_thread(self._save, attachment)
            self.out.write(tc.FILE_SAVED.format(path=path) + "\n")
        self.out.flush()

    def _save(self, attachment: Attachment) -> Path:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / attachment.filename
        path.write_bytes(attachment.read())
        return path

    async def play(self, lines: Iterable[str]) -> None:
        """Send each non-comment line, echoing it, and print the transcript."""
        for line in lines:
            text = line.rstrip("\n")
            if text.startswith("#"):
                continue
            self.out.write(f"> {text}\n")
            await self.send(text)

    async def interactive(self, stdin: TextIO | None = None) -> None:
        """Read lines until end of input or «thoát»; the first empty line shows the menu."""
        source = stdin or sys.stdin
        self.out.write(tc.INTRO + "\n")
        await self.send("/start")
        while True:
            self.out.write("> ")
            self.out.flush()
            line = await asyncio.to_thread(source.readline)
            if not line or line.strip().lower() in tc.QUIT_WORDS:
                self.out.write(tc.BYE + "\n")
                return
            await self.send(line.rstrip("\n"))


class ConsoleTransport:
    """Outbox transport of the console channel: proactive messages are printed, marked with
    their recipient, so an operator trying the bot locally sees notifications arrive."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout

    async def send(self, chat_id: str, reply: Reply) -> Delivered:
        """Print the message for ``chat_id``; the console never refuses a message."""
        self.out.write("\n" + tc.NOTIFICATION.format(chat=chat_id) + "\n" + render(reply) + "\n")
        if reply.attachment is not None:
            # Only the name: a notification's file is not the operator's to keep.
            self.out.write(tc.FILE_ATTACHED.format(name=reply.attachment.filename) + "\n")
        self.out.flush()
        return Delivered()


def render(reply: Reply) -> str:
    """How a reply looks in a terminal (and on channels without buttons)."""
    if not reply.choices:
        return reply.text
    return f"{reply.text}\n{numbered(reply.choices)}"
