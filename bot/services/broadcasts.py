"""Announcements to many people: scope, composing, queuing, cancelling, progress, RSVPs, opt-out.

Who may send: admins and province officers to anyone; a commune officer only to people of
their own commune (checked here, not only in the conversation). Only admins may send *urgent*
announcements, which go out during quiet hours too.

An announcement is one ``broadcasts`` row and one outbox row per reachable chat of each
recipient, created in one transaction; people who turned announcements off are skipped, and
people without any chat the bot can reach are counted so the sender knows. A document can
travel as a link in the text (every channel can carry that) and as a file the sender uploaded:
the file is stored and queued by its channel's reference (a Telegram file_id, resent without
uploading it again), so only recipients on that channel can receive it; the others read a line
saying where the file went and whom to ask.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.conversation.messages import Attachment, Choice, Reply
from bot.domain.broadcasts import MAX_MESSAGE_CHARS, Audience, RsvpAnswer
from bot.domain.enums import Role
from bot.domain.people import Person
from bot.services.notify import notify_person
from bot.storage import broadcasts as repo
from bot.storage import outbox, units
from bot.storage.broadcasts import AudienceCount, BroadcastRow
from bot.storage.db import Connection, Database
from bot.storage.outbox import OutboxCounts, OutboxMessage
from bot.texts import broadcast as tb
from bot.texts import outbox as to

log = logging.getLogger(__name__)

_PROVINCE_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.ADMIN})


class BroadcastError(Exception):
    """An announcement cannot be queued as asked; ``message`` is the Vietnamese reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _refuse(person: Person, action: str, target: object) -> PermissionError:
    log.warning("scope_refused person=%s role=%s action=%s target=%s", person.id, person.role, action, target)
    return PermissionError(f"{action} not allowed for person {person.id}")


def may_broadcast(person: Person) -> bool:
    """Active admins, province officers, and commune officers who have a commune."""
    if not person.active:
        return False
    return person.role in _PROVINCE_ROLES or (
        person.role == Role.COMMUNE_OFFICER and person.commune_code is not None
    )


def may_send_urgent(person: Person) -> bool:
    """Only admins may override quiet hours."""
    return person.active and person.role == Role.ADMIN


def commune_scope(person: Person) -> str | None:
    """The commune a sender is confined to (None: the whole province)."""
    return None if person.role in _PROVINCE_ROLES else person.commune_code


def check_audience(sender: Person, audience: Audience) -> None:
    """Raise PermissionError unless ``sender`` may address ``audience``."""
    if not may_broadcast(sender):
        raise _refuse(sender, "broadcast", None)
    own = commune_scope(sender)
    if own is not None and (audience.communes != (own,) or audience.pilot):
        raise _refuse(sender, "broadcast_outside_commune", audience.to_json())


async def measure(conn: Connection, sender: Person, audience: Audience) -> AudienceCount:
    """How many people an audience reaches (scope checked)."""
    check_audience(sender, audience)
    return await repo.count_audience(conn, audience)


async def audience_channels(conn: Connection, sender: Person, audience: Audience) -> set[str]:
    """The channels an announcement to ``audience`` would go out on (scope checked): each
    renders an invitation's answers its own way, so the preview tells them apart."""
    check_audience(sender, audience)
    return {target.channel for target in await repo.audience_targets(conn, audience)}


async def header(conn: Connection, sender: Person) -> str:
    """The first line recipients see: who speaks (the province, or the sender's commune)."""
    own = commune_scope(sender)
    if own is None:
        return tb.HEADER_PROVINCE
    commune = await units.commune_by_code(conn, own)
    return tb.HEADER_COMMUNE.format(commune=(commune.label if commune else own).upper())


def render(head: str, text: str, link: str | None, training: bool, file_note: str | None = None) -> str:
    """The full text of the announcement as recipients get it; ``file_note`` is for those who
    cannot receive its file (:func:`file_elsewhere`)."""
    parts = [head, text.strip()]
    if link:
        parts.append(tb.LINK_LINE.format(link=link))
    if file_note:
        parts.append(file_note)
    if training:
        parts.append(tb.RSVP_HINT)
    parts.append(tb.OPT_OUT_HINT)
    return "\n\n".join(parts)


def file_elsewhere(attachment: Attachment) -> str:
    """The line recipients on another channel than the file's read instead of getting it."""
    if attachment.ref is None:
        raise ValueError("a broadcast's attachment must be a file reference")
    channel = tb.CHANNEL_NAMES[attachment.ref.channel]
    return tb.FILE_ELSEWHERE.format(name=attachment.filename, channel=channel)


def full_text(head: str, draft: Draft) -> str:
    """The longest form of the announcement (with the note about the file, if any): the one
    that must fit :data:`MAX_MESSAGE_CHARS`."""
    note = file_elsewhere(draft.attachment) if draft.attachment is not None else None
    return render(head, draft.text, draft.link, draft.training, note)


def rsvp_choices(broadcast_id: int) -> list[Choice]:
    """The three answer buttons of a training invitation."""
    return [
        Choice(label, f"go:rsvp:{broadcast_id}:{answer.value}") for answer, label in tb.RSVP_LABELS.items()
    ]


def preview(text: str, limit: int = 40) -> str:
    """The first words of an announcement, on one line (lists and progress notices)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Draft:
    """What the /thongbao conversation collected. ``send_at`` is UTC; None sends at once.
    ``attachment`` is a file by reference (:class:`~bot.conversation.messages.FileRef`)."""

    text: str
    audience: Audience
    link: str | None = None
    training: bool = False
    send_at: datetime | None = None
    urgent: bool = False
    attachment: Attachment | None = None


@dataclass(frozen=True, slots=True)
class Queued:
    """A queued announcement: its id and reach."""

    id: int
    count: AudienceCount
    send_at: datetime | None


async def create(conn: Connection, sender: Person, draft: Draft, now: datetime) -> Queued:
    """Record the announcement and queue every outbox row, in the caller's transaction.

    Raises PermissionError out of scope (audience, urgency) and :class:`BroadcastError` when the
    text is too long or nobody can be reached. Rows on the channel of the draft's file carry the
    file by reference; the others carry the text with the line saying how to get it.
    """
    check_audience(sender, draft.audience)
    if draft.urgent and not may_send_urgent(sender):
        raise _refuse(sender, "broadcast_urgent", None)
    head = await header(conn, sender)
    longest = full_text(head, draft)
    if len(longest) > MAX_MESSAGE_CHARS:
        raise BroadcastError(tb.TEXT_TOO_LONG.format(length=len(longest), limit=MAX_MESSAGE_CHARS))
    targets = await repo.audience_targets(conn, draft.audience)
    if not targets:
        raise BroadcastError(tb.NOBODY)
    count = await repo.count_audience(conn, draft.audience)
    send_at = draft.send_at if draft.send_at is not None and draft.send_at > now else None
    broadcast_id = await outbox.create_broadcast(
        conn,
        created_by=sender.id,
        text=draft.text,
        audience=draft.audience.to_json(),
        now=now,
        urgent=draft.urgent,
    )
    await repo.set_details(
        conn,
        broadcast_id,
        link=draft.link,
        training=draft.training,
        scope_commune=commune_scope(sender),
        send_at=send_at,
        recipients=count.people,
        unreachable=count.unreachable,
        attachment=draft.attachment,
    )
    choices = rsvp_choices(broadcast_id) if draft.training else []
    columns = len(choices) or 1
    text = render(head, draft.text, draft.link, draft.training)
    with_file = Reply(text, choices=choices, columns=columns, attachment=draft.attachment)
    without_file = Reply(longest, choices=choices, columns=columns)
    await outbox.enqueue_many(
        conn,
        (
            OutboxMessage(
                channel=target.channel,
                chat_id=target.chat_id,
                reply=with_file if _gets_file(draft, target.channel) else without_file,
                dedupe_key=f"bc:{broadcast_id}:{target.person_id}:{target.channel}",
                kind=outbox.Kind.BROADCAST,
                person_id=target.person_id,
                not_before=send_at,
                broadcast_id=broadcast_id,
                urgent=draft.urgent,
            )
            for target in targets
        ),
        now,
    )
    log.info(
        "broadcast_queued id=%s by=%s people=%d messages=%d unreachable=%d",
        broadcast_id,
        sender.id,
        count.people,
        len(targets),
        count.unreachable,
    )
    return Queued(broadcast_id, count, send_at)


def _gets_file(draft: Draft, channel: str) -> bool:
    """Whether a recipient on ``channel`` can be sent the draft's file (true without a file:
    there is nothing to miss). A reference is only good on its own channel — a Telegram
    file_id even for this bot only."""
    ref = draft.attachment.ref if draft.attachment is not None else None
    return ref is None or ref.channel == channel


# ---------------------------------------------------------------------------- following up


def may_manage(person: Person, broadcast: BroadcastRow) -> bool:
    """The creator, any province officer or admin, or an officer of the announcement's commune."""
    if not may_broadcast(person):
        return False
    if person.role in _PROVINCE_ROLES or broadcast.created_by == person.id:
        return True
    return broadcast.scope_commune is not None and broadcast.scope_commune == person.commune_code


async def visible(
    conn: Connection, person: Person, *, running_only: bool = False, limit: int = 10
) -> list[BroadcastRow]:
    """The announcements this person may follow and cancel, newest first."""
    if not may_broadcast(person):
        raise _refuse(person, "list_broadcasts", None)
    own = commune_scope(person)
    return await repo.listed(conn, scope_commune=own, running_only=running_only, limit=limit)


async def find(conn: Connection, person: Person, broadcast_id: int) -> BroadcastRow | None:
    """One announcement, if this person may follow and cancel it."""
    broadcast = await repo.get(conn, broadcast_id)
    return broadcast if broadcast is not None and may_manage(person, broadcast) else None


async def rsvp_names(
    conn: Connection, person: Person, broadcast_id: int
) -> dict[RsvpAnswer, list[str]]:
    """Who answered a training invitation, by answer (the organiser and who may manage it only)."""
    broadcast = await repo.get(conn, broadcast_id)
    if broadcast is None or not may_manage(person, broadcast):
        raise _refuse(person, "rsvp_names", broadcast_id)
    return await repo.rsvp_names(conn, broadcast_id)


async def cancel(conn: Connection, person: Person, broadcast_id: int, now: datetime) -> int:
    """Cancel what is still queued; sent messages stay sent. Returns how many were cancelled."""
    broadcast = await repo.get(conn, broadcast_id)
    if broadcast is None or not may_manage(person, broadcast):
        raise _refuse(person, "cancel_broadcast", broadcast_id)
    cancelled = await outbox.cancel(conn, now=now, broadcast_id=broadcast_id)
    log.info("broadcast_cancelled id=%s by=%s rows=%d", broadcast_id, person.id, cancelled)
    return cancelled


@dataclass(frozen=True, slots=True)
class Report:
    """An announcement with how its delivery went and, for invitations, the answers so far."""

    broadcast: BroadcastRow
    counts: OutboxCounts
    rsvp: dict[RsvpAnswer, int]


async def reports(db: Database, broadcasts: Sequence[BroadcastRow]) -> list[Report]:
    """Delivery counts (and RSVP tallies) of each announcement."""
    found = []
    for broadcast in broadcasts:
        counts = await outbox.counts(db, broadcast_id=broadcast.id)
        rsvp = await repo.rsvp_counts(db.reader, broadcast.id) if broadcast.training else {}
        found.append(Report(broadcast, counts, rsvp))
    return found


def progress_text(report: Report) -> str:
    """What the creator reads about an announcement's delivery."""
    broadcast = report.broadcast
    lines = [
        tb.PROGRESS.format(
            id=broadcast.id, preview=preview(broadcast.text), progress=to.progress(report.counts)
        )
    ]
    if broadcast.unreachable:
        lines.append(tb.PROGRESS_UNREACHABLE.format(n=broadcast.unreachable))
    if broadcast.training:
        lines.append(rsvp_line(report.rsvp, tb.PROGRESS_RSVP))
    return "\n".join(lines)


def rsvp_line(tally: dict[RsvpAnswer, int], template: str) -> str:
    """An RSVP tally in a sentence."""
    return template.format(
        yes=tally.get(RsvpAnswer.YES, 0), no=tally.get(RsvpAnswer.NO, 0), ack=tally.get(RsvpAnswer.ACK, 0)
    )


async def report_progress(db: Database, now: datetime) -> int:
    """Tell creators how their announcements are going: at each 10% step and once at the end.

    Run by the scheduler. Each step's notice has its own dedupe key, so a step is reported
    once however often this runs; steps passed between two runs are reported as the latest
    only. The final report (everything sent, failed, blocked or cancelled) closes the
    announcement for this job. Returns how many notices were queued.
    """
    queued = 0
    for broadcast in await repo.unfinished(db):
        (report,) = await reports(db, [broadcast])
        counts = report.counts
        final = counts.remaining == 0
        step = 10 if final else (counts.total - counts.remaining) * 10 // max(counts.total, 1)
        if step == 0:
            continue
        key = f"bc-progress:{broadcast.id}:{'end' if final else step * 10}"
        async with db.transaction() as conn:
            if broadcast.created_by is not None:
                queued += await notify_person(
                    conn, broadcast.created_by, Reply(progress_text(report)), key, outbox.Kind.NOTICE, now
                )
            if final:
                await repo.mark_finished(conn, broadcast.id, now)
    return queued


# ---------------------------------------------------------------------------- recipients' answers


async def answer_invitation(
    conn: Connection, person: Person, broadcast_id: int, answer: RsvpAnswer, now: datetime
) -> RsvpAnswer | None:
    """Record an answer to a training invitation sent to ``person``; returns the answer on
    record, or None when there is no such invitation for them."""
    broadcast = await repo.get(conn, broadcast_id)
    if (
        broadcast is None
        or not broadcast.training
        or not await repo.was_sent_to(conn, broadcast_id, person.id)
    ):
        return None
    return await repo.record_rsvp(conn, broadcast_id, person.id, answer, now)


async def set_announcements(conn: Connection, person: Person, wanted: bool, now: datetime) -> bool:
    """Turn announcements on or off for a person; False when nothing changed.

    Turning them off also cancels announcements still queued for them. Reminders, approvals
    and decisions are not announcements and keep coming.
    """
    changed = await repo.set_opt_out(conn, person.id, not wanted, now)
    if changed and not wanted:
        await repo.cancel_pending_for(conn, person.id, [outbox.Kind.BROADCAST])
    return changed
