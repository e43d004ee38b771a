"""The durable outbox: every proactive message is a row, queued idempotently, drained by a sender.

Life of a row::

    pending ──claim──▶ sending ──▶ sent | failed | blocked
       ▲                  │
       └── reschedule ────┘   (429 retry_after, transient error with backoff, release at stop)
    pending ──cancel──▶ cancelled

A claim marks rows ``sending``, counts the attempt and gives them a *lease* (``claimed_by``,
``claimed_until``) in one statement. The sender renews the lease while the rows are in its
hands. A crash therefore leaves the rows that were in the sender's hands in ``sending`` with a
lease that runs out; :func:`recover_in_flight` returns them to ``pending`` — only those, never
rows another live sender holds (several processes may drain one PostgreSQL database). Those
rows, and only those, may reach the user twice (the platform may have accepted them just before
the crash); every other row is either finished or still queued, so nothing is lost.

Several senders share the platform's rate through one token bucket per channel
(``send_budget``), refilled and spent in the claim's transaction (:func:`take_budget`).

Functions taking a connection run inside the caller's transaction (``Database.transaction()``);
those taking the :class:`Database` read committed data for progress and scheduling.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.conversation.messages import Attachment, Channel, Choice, FileRef, Reply
from bot.storage.db import Connection, Database, insert_returning_id, iso
from bot.storage.identities import mark_unreachable

# Version 2 added file references (``attachment.ref``). Version 1 payloads are a subset and
# still decode; a sender of an older release refuses version 2 instead of losing the file.
PAYLOAD_VERSION = 2
_DECODABLE_VERSIONS = frozenset({1, PAYLOAD_VERSION})


class Kind(StrEnum):
    """Why a message is sent; quiet hours hold back some kinds (see the sender)."""

    REMINDER = "reminder"
    BROADCAST = "broadcast"
    APPROVAL = "approval"
    NOTICE = "notice"


# ---------------------------------------------------------------------------- payload


def encode_reply(reply: Reply) -> str:
    """Serialise a reply for the ``payload`` column (JSON; attachment bytes as base64).

    An attachment given as a path is stored as the path: the file must still exist when the
    row is sent, so producers should pass an absolute path to a file they keep. A file
    reference is stored as the reference (a few bytes, however many rows carry it).
    """
    if reply.attachment_factory is not None:
        raise ValueError("an outbox reply cannot carry an attachment factory: build the file before queuing")
    body: dict[str, Any] = {"v": PAYLOAD_VERSION, "text": reply.text, "columns": reply.columns}
    if reply.choices:
        body["choices"] = [[choice.label, choice.value] for choice in reply.choices]
    if reply.attachment is not None:
        attachment = reply.attachment
        stored: dict[str, Any] = {"filename": attachment.filename, "mime_type": attachment.mime_type}
        if attachment.data is not None:
            stored["data"] = base64.b64encode(attachment.data).decode("ascii")
        if attachment.path is not None:
            stored["path"] = attachment.path
        if attachment.ref is not None:
            ref = attachment.ref
            stored["ref"] = {"channel": str(ref.channel), "file_id": ref.file_id, "photo": ref.photo}
        body["attachment"] = stored
    if reply.request_phone:
        body["request_phone"] = True
    if reply.remove_keyboard:
        body["remove_keyboard"] = True
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def decode_reply(payload: str) -> Reply:
    """Rebuild the reply stored by :func:`encode_reply`."""
    body = json.loads(payload)
    if body.get("v") not in _DECODABLE_VERSIONS:
        raise ValueError(f"unknown outbox payload version {body.get('v')!r}")
    attachment = None
    if "attachment" in body:
        stored = body["attachment"]
        ref = stored.get("ref")
        attachment = Attachment(
            filename=stored["filename"],
            mime_type=stored["mime_type"],
            data=base64.b64decode(stored["data"]) if "data" in stored else None,
            path=stored.get("path"),
            ref=FileRef(Channel(ref["channel"]), ref["file_id"], ref["photo"]) if ref else None,
        )
    return Reply(
        text=body["text"],
        choices=[Choice(label, value) for label, value in body.get("choices", [])],
        columns=body["columns"],
        attachment=attachment,
        request_phone=body.get("request_phone", False),
        remove_keyboard=body.get("remove_keyboard", False),
    )


# ---------------------------------------------------------------------------- producers


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One message to queue with :func:`enqueue_many` (same fields as :func:`enqueue`)."""

    channel: str
    chat_id: str
    reply: Reply
    dedupe_key: str
    kind: str
    person_id: int | None = None
    not_before: datetime | None = None
    broadcast_id: int | None = None
    urgent: bool = False


_INSERT_HEAD = (
    "INSERT INTO outbox(channel, chat_id, person_id, payload, dedupe_key, kind, status, attempts, "
    "next_attempt_at, created_at, broadcast_id, urgent) VALUES"
)
_INSERT_ROW = "(?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)"
_INSERT = f"{_INSERT_HEAD} {_INSERT_ROW} ON CONFLICT(dedupe_key) DO NOTHING"


def _insert_params(message: OutboxMessage, now: datetime) -> tuple[Any, ...]:
    return (
        message.channel,
        message.chat_id,
        message.person_id,
        encode_reply(message.reply),
        message.dedupe_key,
        str(message.kind),
        iso(message.not_before or now),
        iso(now),
        message.broadcast_id,
        int(message.urgent),
    )


async def enqueue(
    conn: Connection,
    *,
    channel: str,
    chat_id: str,
    reply: Reply,
    dedupe_key: str,
    kind: str,
    now: datetime,
    person_id: int | None = None,
    not_before: datetime | None = None,
    broadcast_id: int | None = None,
    urgent: bool = False,
) -> bool:
    """Queue one message; False when ``dedupe_key`` was queued before (then nothing changes).

    The key names the message's subject and recipient (``reminder:case-12:2026-05-15:telegram``),
    so a producer that runs twice — a retried job, a restarted scheduler — queues it once.
    ``not_before`` delays the first attempt; ``urgent`` lets it through quiet hours.
    """
    message = OutboxMessage(
        channel=channel,
        chat_id=chat_id,
        reply=reply,
        dedupe_key=dedupe_key,
        kind=kind,
        person_id=person_id,
        not_before=not_before,
        broadcast_id=broadcast_id,
        urgent=urgent,
    )
    cur = await conn.execute(_INSERT, _insert_params(message, now))
    return cur.rowcount == 1


# Rows per multi-row INSERT: 10 parameters each stays far below both engines' limits (SQLite
# 32,766, PostgreSQL 32,767 bound parameters per statement).
_ENQUEUE_BATCH = 500


async def enqueue_many(conn: Connection, messages: Iterable[OutboxMessage], now: datetime) -> int:
    """Queue many messages (a broadcast) in multi-row inserts; returns how many were new.

    The count comes from ``RETURNING`` because an ``executemany`` has no row count on PostgreSQL.
    """
    params = [_insert_params(message, now) for message in messages]
    added = 0
    for start in range(0, len(params), _ENQUEUE_BATCH):
        batch = params[start : start + _ENQUEUE_BATCH]
        values = ", ".join([_INSERT_ROW] * len(batch))
        rows = await conn.execute_fetchall(
            f"{_INSERT_HEAD} {values} ON CONFLICT(dedupe_key) DO NOTHING RETURNING id",
            [value for row in batch for value in row],
        )
        added += len(list(rows))
    return added


async def create_broadcast(
    conn: Connection,
    *,
    created_by: int | None,
    text: str,
    audience: Mapping[str, Any],
    now: datetime,
    urgent: bool = False,
) -> int:
    """Record a broadcast and return its id, to be set on each of its outbox rows."""
    return await insert_returning_id(
        conn,
        "INSERT INTO broadcasts(created_by, text, audience, urgent, created_at) VALUES (?, ?, ?, ?, ?)",
        (created_by, text, json.dumps(audience, ensure_ascii=False, sort_keys=True), int(urgent), iso(now)),
    )


async def cancel(
    conn: Connection,
    *,
    now: datetime,
    broadcast_id: int | None = None,
    dedupe_prefix: str | None = None,
) -> int:
    """Cancel the not-yet-sent rows of a broadcast, or whose dedupe key starts with a prefix.

    Only ``pending`` rows are cancelled: a row in ``sending`` is already with the platform and
    ends as the send ends. Returns how many rows were cancelled.
    """
    if broadcast_id is not None and dedupe_prefix is None:
        await conn.execute(
            "UPDATE broadcasts SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL",
            (iso(now), broadcast_id),
        )
        cur = await conn.execute(
            "UPDATE outbox SET status = 'cancelled' WHERE broadcast_id = ? AND status = 'pending'",
            (broadcast_id,),
        )
    elif dedupe_prefix is not None and broadcast_id is None:
        # substr() rather than LIKE: exact and case-sensitive everywhere, no escaping of % and _.
        cur = await conn.execute(
            "UPDATE outbox SET status = 'cancelled' "
            "WHERE status = 'pending' AND substr(dedupe_key, 1, ?) = ?",
            (len(dedupe_prefix), dedupe_prefix),
        )
    else:
        raise ValueError("cancel needs exactly one of broadcast_id and dedupe_prefix")
    return cur.rowcount


# ---------------------------------------------------------------------------- progress


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    """How many rows are in each status (progress of a broadcast, health of a channel)."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.sending + self.sent + self.failed + self.blocked + self.cancelled

    @property
    def remaining(self) -> int:
        """Rows that may still be delivered."""
        return self.pending + self.sending


async def counts(
    db: Database,
    *,
    broadcast_id: int | None = None,
    dedupe_prefix: str | None = None,
    channel: str | None = None,
) -> OutboxCounts:
    """Count rows by status, optionally narrowed to a broadcast, a key prefix and a channel."""
    where: list[str] = []
    params: list[Any] = []
    if broadcast_id is not None:
        where.append("broadcast_id = ?")
        params.append(broadcast_id)
    if dedupe_prefix is not None:
        where.append("substr(dedupe_key, 1, ?) = ?")
        params += [len(dedupe_prefix), dedupe_prefix]
    if channel is not None:
        where.append("channel = ?")
        params.append(channel)
    sql = "SELECT status, COUNT(*) AS n FROM outbox"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = await db.fetchall(sql + " GROUP BY status", params)
    return OutboxCounts(**{row["status"]: row["n"] for row in rows})


async def next_due(db: Database, channel: str, chat_id: str | None = None) -> datetime | None:
    """When the channel's (or one chat's) earliest pending row becomes due (None: nothing pending)."""
    row = await db.fetchone(
        "SELECT MIN(next_attempt_at) AS due FROM outbox WHERE channel = ? "
        "AND (CAST(? AS TEXT) IS NULL OR chat_id = ?) AND status = 'pending'",
        (channel, chat_id, chat_id),
    )
    return datetime.fromisoformat(row["due"]) if row is not None and row["due"] is not None else None


# ---------------------------------------------------------------------------- the sender's side


@dataclass(frozen=True, slots=True)
class Claimed:
    """A row in the sender's hands (status ``sending``); ``attempts`` includes this one."""

    id: int
    chat_id: str
    person_id: int | None
    payload: str
    dedupe_key: str
    kind: str
    attempts: int
    throttled: int

    def reply(self) -> Reply:
        return decode_reply(self.payload)


@dataclass(frozen=True, slots=True)
class Claim:
    """What one claim took: rows to send, and how many it blocked because the chat had blocked us."""

    rows: list[Claimed]
    blocked: int


@dataclass(frozen=True, slots=True)
class Lease:
    """Who holds claimed rows, and until when (a wall-clock instant every process can judge)."""

    holder: str
    until: datetime


async def recover_in_flight(
    conn: Connection, channel: str, now: datetime, chat_id: str | None = None, *, take_all: bool = False
) -> int:
    """Return rows left in ``sending`` by a dead sender to ``pending``; returns how many (each
    may be delivered twice).

    Only rows whose lease ran out by ``now`` are taken (or that have none: claimed before leases
    existed), so a live sender's rows stay with it. ``take_all`` takes every ``sending`` row
    of the channel: for a sender starting where one process at a time is the rule
    (``Database.single_process``), whose rows are by definition its dead predecessor's — so a
    restart after a crash need not wait for the leases to run out. With ``chat_id``, only that
    chat (a console serves only its own user).
    """
    expired = "" if take_all else " AND (claimed_until IS NULL OR claimed_until < ?)"
    params: tuple[Any, ...] = (channel, chat_id, chat_id) + (() if take_all else (iso(now),))
    cur = await conn.execute(
        "UPDATE outbox SET status = 'pending', claimed_by = NULL, claimed_until = NULL "
        "WHERE channel = ? AND status = 'sending' AND (CAST(? AS TEXT) IS NULL OR chat_id = ?)"
        f"{expired}",
        params,
    )
    return cur.rowcount


async def renew_leases(conn: Connection, channel: str, lease: Lease) -> int:
    """Extend the lease of every row ``lease.holder`` holds on ``channel`` to ``lease.until``;
    returns how many rows it holds."""
    cur = await conn.execute(
        "UPDATE outbox SET claimed_until = ? WHERE channel = ? AND status = 'sending' AND claimed_by = ?",
        (iso(lease.until), channel, lease.holder),
    )
    return cur.rowcount


# ---------------------------------------------------------------------------- shared send budget


def refill(tokens: float, updated_at: datetime, now: datetime, rate: float, capacity: float) -> float:
    """The bucket's tokens at ``now``: ``tokens`` at ``updated_at`` plus ``rate`` a second since,
    at most ``capacity``. A clock that went back (another host's) adds nothing rather than
    taking tokens away."""
    elapsed = max(0.0, (now - updated_at).total_seconds())
    return min(capacity, tokens + elapsed * rate)


@dataclass(frozen=True, slots=True)
class Budget:
    """The shared bucket as a claim found it: ``tokens`` as of ``as_of``."""

    tokens: float
    as_of: datetime


async def take_budget(conn: Connection, channel: str, now: datetime, rate: float, capacity: float) -> Budget:
    """Lock the channel's shared bucket until the transaction ends and return its tokens at
    ``now`` (a new bucket starts full); write back what is left with :func:`spend_budget`.

    The upsert with a no-op update is portable and takes the row lock on PostgreSQL, so the
    claims of several processes refill and spend one after another. ``now`` may lie before the
    bucket's last update (read before waiting for the lock, or another host's clock): then the
    bucket is taken as of its last update, so that writing it back never moves its time back
    and the same seconds are never refilled twice.
    """
    rows = list(
        await conn.execute_fetchall(
            "INSERT INTO send_budget(channel, tokens, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(channel) DO UPDATE SET tokens = send_budget.tokens "
            "RETURNING tokens, updated_at",
            (channel, float(capacity), iso(now)),
        )
    )
    tokens, updated_text = rows[0]
    updated_at = datetime.fromisoformat(updated_text)
    as_of = max(now, updated_at)
    return Budget(refill(float(tokens), updated_at, as_of, rate, capacity), as_of)


async def spend_budget(conn: Connection, channel: str, tokens_left: float, as_of: datetime) -> None:
    """Store the tokens left after a claim, as of the moment :func:`take_budget` refilled to."""
    await conn.execute(
        "UPDATE send_budget SET tokens = ?, updated_at = ? WHERE channel = ?",
        (max(0.0, tokens_left), iso(as_of), channel),
    )


async def defer_quiet(
    conn: Connection,
    channel: str,
    kinds: Iterable[str],
    now: datetime,
    until: datetime,
    chat_id: str | None = None,
) -> int:
    """Move due, non-urgent rows of the given kinds to ``until`` (the end of quiet hours)."""
    kind_list = sorted(kinds)
    if not kind_list:
        return 0
    marks = ", ".join("?" for _ in kind_list)
    cur = await conn.execute(
        "UPDATE outbox SET next_attempt_at = ? WHERE channel = ? "
        "AND (CAST(? AS TEXT) IS NULL OR chat_id = ?) "
        f"AND status = 'pending' AND urgent = 0 AND next_attempt_at <= ? AND kind IN ({marks})",
        (iso(until), channel, chat_id, chat_id, iso(now), *kind_list),
    )
    return cur.rowcount


# The first due pending row of each chat that has no row in the sender's hands: one row per chat
# at a time keeps a chat's messages in order and lets per-chat spacing work without holding
# many rows in 'sending'. A row rescheduled to later does not hold back the chat's next due row.
# Several senders (PostgreSQL): each claim locks the rows it picks and passes over rows another
# claim locked ({skip_locked}); under READ COMMITTED such a row still reads 'pending', so the
# `p.id < o.id` test keeps that chat's later rows out too — one row per chat in flight holds.
_CLAIMABLE = """
SELECT o.id FROM outbox o
WHERE o.channel = ? AND (CAST(? AS TEXT) IS NULL OR o.chat_id = ?)
  AND o.status = 'pending' AND o.next_attempt_at <= ?
  AND NOT EXISTS (SELECT 1 FROM outbox s
                  WHERE s.channel = o.channel AND s.chat_id = o.chat_id AND s.status = 'sending')
  AND NOT EXISTS (SELECT 1 FROM outbox p
                  WHERE p.channel = o.channel AND p.chat_id = o.chat_id AND p.status = 'pending'
                    AND p.next_attempt_at <= ? AND p.id < o.id)
ORDER BY o.next_attempt_at, o.id
LIMIT ?
"""

_CLAIM = """
UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_by = ?, claimed_until = ?
WHERE id IN ({claimable} {skip_locked})
RETURNING id, chat_id, person_id, payload, dedupe_key, kind, attempts, throttled, next_attempt_at,
          EXISTS (SELECT 1 FROM identities i
                  WHERE i.channel = outbox.channel AND i.chat_id = outbox.chat_id
                    AND i.unreachable = 1) AS unreachable
"""

BLOCKED_EARLIER = "chat blocked the bot earlier"


async def claim(
    conn: Connection,
    channel: str,
    now: datetime,
    limit: int,
    chat_id: str | None = None,
    *,
    lease: Lease,
    skip_locked: str = "",
) -> Claim:
    """Take up to ``limit`` due rows (of one chat, with ``chat_id``): mark them ``sending``
    under ``lease`` and count the attempt, in one statement.

    ``skip_locked`` is the engine's ``Database.skip_locked``: with several senders, each takes
    rows no other claim holds. Rows for a chat that blocked the bot (``identities.unreachable``)
    are marked ``blocked`` instead of being sent again (their attempt is not counted).
    """
    if limit <= 0:
        return Claim(rows=[], blocked=0)
    moment = iso(now)
    sql = _CLAIM.format(claimable=_CLAIMABLE.strip(), skip_locked=skip_locked)
    found = list(
        await conn.execute_fetchall(
            sql, (lease.holder, iso(lease.until), channel, chat_id, chat_id, moment, moment, limit)
        )
    )
    # RETURNING has no order of its own: send in the order the rows fell due.
    found.sort(key=lambda row: (row["next_attempt_at"], row["id"]))
    blocked = [(BLOCKED_EARLIER, row["id"]) for row in found if row["unreachable"]]
    if blocked:
        await conn.executemany(
            "UPDATE outbox SET status = 'blocked', error = ?, attempts = attempts - 1, "
            "claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status = 'sending'",
            blocked,
        )
    rows = [
        Claimed(
            id=row["id"],
            chat_id=row["chat_id"],
            person_id=row["person_id"],
            payload=row["payload"],
            dedupe_key=row["dedupe_key"],
            kind=row["kind"],
            attempts=row["attempts"],
            throttled=row["throttled"],
        )
        for row in found
        if not row["unreachable"]
    ]
    return Claim(rows=rows, blocked=len(blocked))


async def release(conn: Connection, ids: Sequence[int], not_before: datetime | None = None) -> None:
    """Give claimed rows back unsent (the sender stops, or the chat must wait): the attempt is undone."""
    if not_before is None:
        await conn.executemany(
            "UPDATE outbox SET status = 'pending', attempts = attempts - 1 "
            "WHERE id = ? AND status = 'sending'",
            [(row_id,) for row_id in ids],
        )
    else:
        await conn.executemany(
            "UPDATE outbox SET status = 'pending', attempts = attempts - 1, next_attempt_at = ? "
            "WHERE id = ? AND status = 'sending'",
            [(iso(not_before), row_id) for row_id in ids],
        )


async def mark_sent(conn: Connection, sent: Sequence[tuple[int, datetime]]) -> None:
    """Record delivered rows as ``(id, sent_at)`` pairs; an earlier error stays as history."""
    await conn.executemany(
        "UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = ? AND status = 'sending'",
        [(iso(at), row_id) for row_id, at in sent],
    )


async def mark_failed(conn: Connection, row_id: int, error: str) -> None:
    """Give up on a row: a permanent error, or the retry budget is spent."""
    await conn.execute(
        "UPDATE outbox SET status = 'failed', error = ? WHERE id = ? AND status = 'sending'", (error, row_id)
    )


async def reschedule(
    conn: Connection, row_id: int, at: datetime, error: str, *, throttled: bool = False
) -> None:
    """Put a row back in the queue for another attempt at ``at``; ``throttled`` marks a 429."""
    await conn.execute(
        "UPDATE outbox SET status = 'pending', next_attempt_at = ?, error = ?, throttled = throttled + ? "
        "WHERE id = ? AND status = 'sending'",
        (iso(at), error, int(throttled), row_id),
    )


async def mark_blocked(conn: Connection, channel: str, chat_id: str, row_id: int, error: str) -> int:
    """The user blocked the bot: block this row and the chat's pending rows, flag the identity.

    Returns how many rows were blocked. ``identities.unreachable`` makes later claims skip the
    chat until the user writes again (:func:`bot.storage.people.touch_identity` lifts it).
    """
    await conn.execute(
        "UPDATE outbox SET status = 'blocked', error = ? WHERE id = ? AND status = 'sending'", (error, row_id)
    )
    cur = await conn.execute(
        "UPDATE outbox SET status = 'blocked', error = ? "
        "WHERE channel = ? AND chat_id = ? AND status = 'pending'",
        (BLOCKED_EARLIER, channel, chat_id),
    )
    await mark_unreachable(conn, channel, chat_id)
    return 1 + cur.rowcount
