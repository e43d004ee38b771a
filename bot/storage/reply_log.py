"""The replies of a handled message, kept with its de-duplication record (``inbound_seen``).

The engine stores them in the transaction that handled the message; the channel counts each
one delivered as soon as the platform accepted it. When the same message id comes back (Zalo
redelivers; a crash between the commit and the send leaves the update unacknowledged) only the
replies not yet counted are sent again — the user gets the confirmation once and never a
second answer. Once every reply is delivered the stored payloads are dropped.

Payloads use the outbox encoding. A file produced after the commit (``attachment_factory``)
cannot be stored: a resent reply carries a line saying to open the item again instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.conversation.messages import Reply
from bot.storage.db import Connection, Database
from bot.storage.outbox import decode_reply, encode_reply

_KEY = "channel = ? AND chat_id = ? AND message_id = ?"
# Marks a stored reply whose file was to be produced after the commit (not resendable).
_LOST_FILE = "lost_file"


def _encode(reply: Reply) -> str:
    if reply.attachment_factory is None:
        return encode_reply(reply)
    plain = Reply(
        reply.text,
        choices=reply.choices,
        columns=reply.columns,
        request_phone=reply.request_phone,
        remove_keyboard=reply.remove_keyboard,
    )
    body = json.loads(encode_reply(plain))
    body[_LOST_FILE] = True
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _decode(payload: str, lost_file_note: str) -> Reply:
    reply = decode_reply(payload)
    if json.loads(payload).get(_LOST_FILE):
        reply.text = f"{reply.text}\n\n{lost_file_note}"
    return reply


async def keep(
    conn: Connection, channel: str, chat_id: str, message_id: str, replies: Sequence[Reply]
) -> None:
    """Store the replies of a message just recorded as seen (inside the handling transaction)."""
    if not replies:
        return
    await conn.execute(
        f"UPDATE inbound_seen SET replies = ?, replies_total = ?, replies_sent = 0 WHERE {_KEY}",
        (
            json.dumps([_encode(r) for r in replies], ensure_ascii=False),
            len(replies),
            channel,
            chat_id,
            message_id,
        ),
    )


async def undelivered(
    db: Database, channel: str, chat_id: str, message_id: str, lost_file_note: str
) -> list[Reply]:
    """The stored replies of a message that were never counted delivered, in order."""
    row = await db.fetchone(
        f"SELECT replies, replies_sent FROM inbound_seen WHERE {_KEY}", (channel, chat_id, message_id)
    )
    if row is None or row["replies"] is None:
        return []
    payloads: list[str] = json.loads(row["replies"])
    return [_decode(p, lost_file_note) for p in payloads[int(row["replies_sent"]) :]]


async def mark_delivered(db: Database, channel: str, chat_id: str, message_id: str) -> None:
    """Count the next stored reply of a message as delivered (the last one drops the payloads)."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE inbound_seen SET replies_sent = replies_sent + 1, "
            "replies = CASE WHEN replies_sent + 1 >= replies_total THEN NULL ELSE replies END "
            f"WHERE {_KEY} AND replies IS NOT NULL",
            (channel, chat_id, message_id),
        )
