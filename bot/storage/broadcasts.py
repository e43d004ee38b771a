"""Broadcasts beyond the outbox rows: audiences, details, history, training RSVPs, opt-out.

The broadcast row itself is created by :func:`bot.storage.outbox.create_broadcast` (with its
outbox rows, in one transaction); this module adds what the broadcast flow records about it and
answers the questions around it. Functions taking a connection run inside the caller's
transaction or on the reader; those taking the :class:`Database` read committed data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.conversation.messages import Attachment, Channel, FileRef
from bot.domain.broadcasts import Audience, Group, RsvpAnswer
from bot.domain.enums import PersonStatus, Role
from bot.storage.db import Connection, Database, Row, iso
from bot.storage.identities import PREFERRED_ORDER

_MEDIATOR_ROLES = (Role.MEDIATOR.value, Role.TEAM_LEADER.value)
_OFFICER_ROLES = (Role.COMMUNE_OFFICER.value, Role.PROVINCE_OFFICER.value)

# Each group as a condition on ``people p`` with its parameters (portable SQL).
_GROUP_SQL: dict[Group, tuple[str, tuple[Any, ...]]] = {
    Group.MEDIATORS: ("p.role IN (?, ?)", _MEDIATOR_ROLES),
    Group.TEAM_LEADERS: ("p.role = ?", (Role.TEAM_LEADER.value,)),
    Group.OFFICERS: ("p.role IN (?, ?)", _OFFICER_ROLES),
    Group.UNTRAINED: ("(p.role IN (?, ?) AND p.trained_on IS NULL)", _MEDIATOR_ROLES),
    Group.TRAINERS: ("p.is_trainer = 1", ()),
    Group.LEGAL_SUPPORTERS: ("p.legal_supporter IS NOT NULL", ()),
}


def _audience_where(audience: Audience) -> tuple[str, list[Any]]:
    """WHERE fragment on ``people p`` selecting the audience's active members."""
    if not audience.groups:
        return "1 = 0", []
    parts: list[str] = []
    params: list[Any] = [PersonStatus.ACTIVE.value]
    for group in sorted(audience.groups):
        sql, group_params = _GROUP_SQL[group]
        parts.append(sql)
        params += group_params
    where = f"p.status = ? AND ({' OR '.join(parts)})"
    if audience.province_wide:
        return where, params
    places: list[str] = []
    place_params: list[Any] = []
    if audience.communes:
        places.append(f"code IN ({', '.join('?' for _ in audience.communes)})")
        place_params += audience.communes
    if audience.pilot:
        places.append("is_pilot = 1")
    chosen = f"SELECT code FROM communes WHERE {' OR '.join(places)}"
    # The same place list is used three times: own commune, team's commune, supported teams.
    where += (
        f" AND (p.commune_code IN ({chosen})"
        f" OR p.team_id IN (SELECT t.id FROM teams t WHERE t.commune_code IN ({chosen}))"
        " OR p.id IN (SELECT ls.person_id FROM legal_support ls JOIN teams t ON t.id = ls.team_id"
        f" WHERE t.commune_code IN ({chosen})))"
    )
    return where, params + place_params * 3


@dataclass(frozen=True, slots=True)
class AudienceCount:
    """An audience measured before sending.

    ``people``: active members of the audience who have not opted out; ``unreachable``: of them,
    those without any chat that has not blocked the bot; ``messages``: outbox rows it would take
    (one per reachable person, on their preferred chat, however many channels they use);
    ``opted_out``: members skipped because they turned announcements off.
    """

    people: int
    unreachable: int
    messages: int
    opted_out: int

    @property
    def reachable(self) -> int:
        """People who will get at least one message."""
        return self.people - self.unreachable


async def count_audience(conn: Connection, audience: Audience) -> AudienceCount:
    """Measure an audience (one query)."""
    where, params = _audience_where(audience)
    sql = (
        "SELECT p.announcements_opt_out AS opted_out, "
        "(SELECT COUNT(*) FROM identities i WHERE i.person_id = p.id AND i.unreachable = 0) AS chats "
        f"FROM people p WHERE {where}"
    )
    people = unreachable = messages = opted_out = 0
    async with conn.execute(sql, params) as cur:
        for row in await cur.fetchall():
            if row["opted_out"]:
                opted_out += 1
                continue
            people += 1
            messages += min(row["chats"], 1)
            unreachable += row["chats"] == 0
    return AudienceCount(people=people, unreachable=unreachable, messages=messages, opted_out=opted_out)


@dataclass(frozen=True, slots=True)
class Target:
    """One chat a broadcast goes to."""

    person_id: int
    channel: str
    chat_id: str


async def audience_targets(conn: Connection, audience: Audience) -> list[Target]:
    """One chat per member of the audience who has not opted out and can be reached: the one
    preferred for proactive messages (:data:`~bot.storage.identities.PREFERRED_ORDER`), so a
    person on Telegram and Zalo gets the announcement once."""
    where, params = _audience_where(audience)
    sql = (
        "SELECT person_id, channel, chat_id FROM ("
        "SELECT i.person_id, i.channel, i.chat_id, "
        f"ROW_NUMBER() OVER (PARTITION BY i.person_id ORDER BY {PREFERRED_ORDER}) AS pick "
        "FROM identities i JOIN people p ON p.id = i.person_id "
        f"WHERE i.unreachable = 0 AND p.announcements_opt_out = 0 AND {where}"
        ") ranked WHERE pick = 1 ORDER BY person_id"
    )
    async with conn.execute(sql, params) as cur:
        return [Target(row["person_id"], row["channel"], row["chat_id"]) for row in await cur.fetchall()]


async def audience_people(conn: Connection, audience: Audience) -> list[int]:
    """Every active member of the audience, reachable or not (training invitees)."""
    where, params = _audience_where(audience)
    rows = await conn.execute_fetchall(f"SELECT p.id FROM people p WHERE {where} ORDER BY p.id", params)
    return [int(r[0]) for r in rows]


async def in_audience(conn: Connection, audience: Audience, person_id: int) -> bool:
    """Whether one person belongs to the audience now."""
    where, params = _audience_where(audience)
    sql = f"SELECT 1 FROM people p WHERE p.id = ? AND {where}"
    rows = await conn.execute_fetchall(sql, [person_id, *params])
    return bool(rows)


# ---------------------------------------------------------------------------- broadcast details


@dataclass(frozen=True, slots=True)
class BroadcastRow:
    """A stored broadcast with the details the flow recorded (``attachment``: its file, by
    reference)."""

    id: int
    created_by: int | None
    text: str
    link: str | None
    audience: Audience
    training: bool
    urgent: bool
    scope_commune: str | None
    send_at: datetime | None
    recipients: int
    unreachable: int
    created_at: datetime
    cancelled_at: datetime | None
    finished_at: datetime | None
    attachment: Attachment | None


_COLUMNS = (
    "id, created_by, text, link, audience, training, urgent, scope_commune, send_at, recipients, "
    "unreachable, created_at, cancelled_at, finished_at, file_channel, file_id, file_name, file_mime, "
    "file_photo"
)


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _row(row: Row) -> BroadcastRow:
    return BroadcastRow(
        id=row["id"],
        created_by=row["created_by"],
        text=row["text"],
        link=row["link"],
        audience=Audience.from_json(json.loads(row["audience"])),
        training=bool(row["training"]),
        urgent=bool(row["urgent"]),
        scope_commune=row["scope_commune"],
        send_at=_when(row["send_at"]),
        recipients=row["recipients"],
        unreachable=row["unreachable"],
        created_at=datetime.fromisoformat(row["created_at"]),
        cancelled_at=_when(row["cancelled_at"]),
        finished_at=_when(row["finished_at"]),
        attachment=_attachment(row),
    )


def _attachment(row: Row) -> Attachment | None:
    if row["file_id"] is None:
        return None
    ref = FileRef(Channel(row["file_channel"]), row["file_id"], bool(row["file_photo"]))
    return Attachment(row["file_name"], row["file_mime"], ref=ref)


async def set_details(
    conn: Connection,
    broadcast_id: int,
    *,
    link: str | None,
    training: bool,
    scope_commune: str | None,
    send_at: datetime | None,
    recipients: int,
    unreachable: int,
    attachment: Attachment | None = None,
) -> None:
    """Record what the broadcast flow knows beyond :func:`bot.storage.outbox.create_broadcast`.

    ``attachment`` must be a file reference: a broadcast never stores a file's bytes.
    """
    ref = attachment.ref if attachment is not None else None
    if attachment is not None and ref is None:
        raise ValueError("a broadcast's attachment must be a file reference")
    await conn.execute(
        "UPDATE broadcasts SET link = ?, training = ?, scope_commune = ?, send_at = ?, recipients = ?, "
        "unreachable = ?, file_channel = ?, file_id = ?, file_name = ?, file_mime = ?, file_photo = ? "
        "WHERE id = ?",
        (
            link,
            int(training),
            scope_commune,
            iso(send_at) if send_at else None,
            recipients,
            unreachable,
            str(ref.channel) if ref else None,
            ref.file_id if ref else None,
            attachment.filename if attachment else None,
            attachment.mime_type if attachment else None,
            int(ref.photo) if ref else 0,
            broadcast_id,
        ),
    )


async def get(conn: Connection, broadcast_id: int) -> BroadcastRow | None:
    """One broadcast by id."""
    async with conn.execute(f"SELECT {_COLUMNS} FROM broadcasts WHERE id = ?", (broadcast_id,)) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


async def listed(
    conn: Connection,
    *,
    scope_commune: str | None = None,
    running_only: bool = False,
    limit: int = 10,
) -> list[BroadcastRow]:
    """The latest broadcasts, newest first: all of them, or a commune's (``scope_commune``).

    ``running_only``: those neither cancelled nor reported finished (still sending or scheduled).
    """
    where: list[str] = []
    params: list[Any] = []
    if scope_commune is not None:
        where.append("scope_commune = ?")
        params.append(scope_commune)
    if running_only:
        where.append("cancelled_at IS NULL AND finished_at IS NULL")
    sql = f"SELECT {_COLUMNS} FROM broadcasts"
    if where:
        sql += " WHERE " + " AND ".join(where)
    async with conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit)) as cur:
        return [_row(row) for row in await cur.fetchall()]


async def unfinished(db: Database) -> list[BroadcastRow]:
    """Broadcasts whose final report has not gone out yet (the progress job's work list)."""
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM broadcasts WHERE finished_at IS NULL ORDER BY id")
    return [_row(row) for row in rows]


async def mark_finished(conn: Connection, broadcast_id: int, now: datetime) -> None:
    """The final report is queued: the progress job stops looking at this broadcast."""
    await conn.execute(
        "UPDATE broadcasts SET finished_at = ? WHERE id = ? AND finished_at IS NULL", (iso(now), broadcast_id)
    )


# ---------------------------------------------------------------------------- training RSVPs


async def was_sent_to(conn: Connection, broadcast_id: int, person_id: int) -> bool:
    """Whether the broadcast has an outbox row for this person (whatever became of it)."""
    async with conn.execute(
        "SELECT 1 FROM outbox WHERE broadcast_id = ? AND person_id = ? LIMIT 1", (broadcast_id, person_id)
    ) as cur:
        return await cur.fetchone() is not None


async def record_rsvp(
    conn: Connection, broadcast_id: int, person_id: int, answer: RsvpAnswer, now: datetime
) -> RsvpAnswer:
    """Store an answer and return the one now on record.

    A firm answer (yes/no) replaces any earlier one; "received" never overrides a firm answer,
    so a late «đã nhận» does not erase «sẽ tham dự».
    """
    if answer == RsvpAnswer.ACK:
        await conn.execute(
            "INSERT INTO training_rsvp(broadcast_id, person_id, answer, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(broadcast_id, person_id) DO NOTHING",
            (broadcast_id, person_id, answer.value, iso(now)),
        )
    else:
        await conn.execute(
            "INSERT INTO training_rsvp(broadcast_id, person_id, answer, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(broadcast_id, person_id) DO UPDATE SET answer = excluded.answer, at = excluded.at",
            (broadcast_id, person_id, answer.value, iso(now)),
        )
    async with conn.execute(
        "SELECT answer FROM training_rsvp WHERE broadcast_id = ? AND person_id = ?", (broadcast_id, person_id)
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return RsvpAnswer(row["answer"])


async def rsvp_counts(conn: Connection, broadcast_id: int) -> dict[RsvpAnswer, int]:
    """How many people gave each answer (answers nobody gave are absent)."""
    async with conn.execute(
        "SELECT answer, COUNT(*) AS n FROM training_rsvp WHERE broadcast_id = ? GROUP BY answer",
        (broadcast_id,),
    ) as cur:
        return {RsvpAnswer(row["answer"]): row["n"] for row in await cur.fetchall()}


async def rsvp_names(conn: Connection, broadcast_id: int) -> dict[RsvpAnswer, list[str]]:
    """Who gave each answer, by name in alphabetical order (answers nobody gave are absent)."""
    async with conn.execute(
        "SELECT r.answer, p.full_name FROM training_rsvp r JOIN people p ON p.id = r.person_id "
        "WHERE r.broadcast_id = ? ORDER BY p.full_name",
        (broadcast_id,),
    ) as cur:
        rows = await cur.fetchall()
    names: dict[RsvpAnswer, list[str]] = {}
    for row in rows:
        names.setdefault(RsvpAnswer(row["answer"]), []).append(row["full_name"])
    return names


async def latest_invitation(
    conn: Connection, channel: str, chat_id: str, since: datetime
) -> int | None:
    """The training invitation most recently delivered to this chat since ``since``, if any."""
    async with conn.execute(
        "SELECT o.broadcast_id FROM outbox o JOIN broadcasts b ON b.id = o.broadcast_id "
        "WHERE o.channel = ? AND o.chat_id = ? AND o.status = 'sent' AND b.training = 1 AND o.sent_at >= ? "
        "ORDER BY o.sent_at DESC, o.id DESC LIMIT 1",
        (channel, chat_id, iso(since)),
    ) as cur:
        row = await cur.fetchone()
    return int(row["broadcast_id"]) if row else None


# ---------------------------------------------------------------------------- opt-out


async def set_opt_out(conn: Connection, person_id: int, opted_out: bool, now: datetime) -> bool:
    """Turn announcements off (or back on); False when the setting was already so."""
    cur = await conn.execute(
        "UPDATE people SET announcements_opt_out = ?, updated_at = ? "
        "WHERE id = ? AND announcements_opt_out <> ?",
        (int(opted_out), iso(now), person_id, int(opted_out)),
    )
    return cur.rowcount == 1


async def cancel_pending_for(conn: Connection, person_id: int, kinds: Sequence[str]) -> int:
    """Cancel a person's queued messages of some kinds (announcements still waiting when they opt out)."""
    marks = ", ".join("?" for _ in kinds)
    cur = await conn.execute(
        "UPDATE outbox SET status = 'cancelled' "
        f"WHERE person_id = ? AND status = 'pending' AND kind IN ({marks})",
        (person_id, *kinds),
    )
    return cur.rowcount
