"""Sending to Zalo: the parts of a reply, and the outbox transport with its outcomes.

Zalo publishes no rate limit but answers 429 when over it, so the outbox runs this channel at
its own conservative rate (``ZALO_RATE_PER_SECOND``, ``ZALO_PER_CHAT_INTERVAL_SECONDS``).
Until the first part of a reply is accepted the reply is all-or-nothing and any failure goes
back to the sender (429 → retry later, 5xx/network → backoff, 403 → unreachable). A later part
retries 429 and 5xx here briefly with backoff, since handing the reply back would send its
first parts twice.
"""

from __future__ import annotations

import asyncio
import logging

from bot.channels.zalo.client import ZaloClient, ZaloError
from bot.channels.zalo.files import FileLinks
from bot.channels.zalo.render import Outgoing, Photo, Text, attachment_parts, plan
from bot.conversation.messages import Reply
from bot.workers.outbox_sender import Blocked, Delivered, Permanent, RetryAfter, SendOutcome, Transient

log = logging.getLogger(__name__)

# Zalo's 429 carries no retry-after: wait this long before that message is tried again.
THROTTLED_WAIT_SECONDS = 5.0
# A later part of a reply is retried this many times, waiting base·2ⁿ seconds in between.
CONTINUATION_TRIES = 3
CONTINUATION_BASE_DELAY = 1.0


async def deliver(client: ZaloClient, chat_id: str, part: Outgoing) -> None:
    """Send one part (raises :class:`ZaloError`)."""
    if isinstance(part, Text):
        await client.send_message(chat_id, part.text)
    elif isinstance(part, Photo):
        await client.send_photo(chat_id, part.url)


def reply_parts(reply: Reply, links: FileLinks | None) -> list[Outgoing]:
    """Text chunks, then the ready attachment (a producer runs in the channel, not here)."""
    parts: list[Outgoing] = list(plan(reply))
    if reply.attachment is not None:
        parts.extend(attachment_parts(reply.attachment, links))
    return parts


def outcome_of(exc: ZaloError) -> SendOutcome:
    """Zalo's refusal as the outbox sender understands it."""
    if exc.code == 429:
        return RetryAfter(THROTTLED_WAIT_SECONDS)
    if exc.code == 403:
        return Blocked(exc.description)
    if exc.code is None or exc.code >= 500 or exc.code == 401:
        # 401: a reset token is the operator's to fix; keep the message meanwhile.
        return Transient(f"{exc.code}: {exc.description}")
    return Permanent(f"{exc.code}: {exc.description}")


class ZaloTransport:
    """:class:`~bot.workers.outbox_sender.Transport` over a :class:`ZaloClient`."""

    def __init__(self, client: ZaloClient, links: FileLinks | None = None) -> None:
        self.client = client
        self.links = links

    async def send(self, chat_id: str, reply: Reply) -> SendOutcome:
        """Send ``reply``: 429 → retry after, 403 → blocked, 4xx → permanent, else transient."""
        try:
            parts = reply_parts(reply, self.links)
        except (OSError, ValueError) as exc:
            return Permanent(f"attachment unreadable: {type(exc).__name__}")
        for index, part in enumerate(parts):
            try:
                if index:
                    await _continuation(self.client, chat_id, part)
                else:
                    await deliver(self.client, chat_id, part)
            except ZaloError as exc:
                return outcome_of(exc)
        return Delivered()


async def _continuation(client: ZaloClient, chat_id: str, part: Outgoing) -> None:
    for attempt in range(CONTINUATION_TRIES):
        try:
            await deliver(client, chat_id, part)
            return
        except ZaloError as exc:
            if not exc.retryable or attempt == CONTINUATION_TRIES - 1:
                raise
            delay = CONTINUATION_BASE_DELAY * 2.0**attempt
            log.info("zalo_part_retry code=%s delay=%.1f", exc.code, delay)
            await asyncio.sleep(delay)
