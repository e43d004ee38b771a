"""Personal data: the versioned privacy notice, consents, the data-subject view, leaving, the
access audit and the retention purges (issue 17; legal basis in docs/privacy.md).

Everything here works on the database only: the chat flows call these functions, the scheduler
calls :func:`purge_expired`, and ``hoagiai audit`` calls :func:`list_audit`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from bot.domain.enums import PersonStatus, Role
from bot.domain.people import Person
from bot.domain.phone import normalize_vn_mobile
from bot.domain.vntext import display_name, fold
from bot.storage import drafts
from bot.storage import training as training_repo
from bot.storage.db import Connection, Database, iso, query_one
from bot.storage.sessions import forget_seen_before
from bot.texts import privacy as tp
from bot.texts.register import ROLE_LABELS, STATUS_LABELS

log = logging.getLogger(__name__)

_FRONT_MATTER = re.compile(r"\A---\n(?P<head>.*?)\n---\n", re.DOTALL)
_VERSION = re.compile(r'^version:\s*"?(?P<v>[^"\n]+?)"?\s*$', re.MULTILINE)


class NoticeError(Exception):
    """The notice file is missing or has no ``version:`` in its front matter."""


@dataclass(frozen=True, slots=True)
class Notice:
    """One version of the privacy notice, ready to show."""

    version: str
    text: str


def load_notice(path: Path, controller: str, full_notice_url: str) -> Notice:
    """Read the notice file: a ``version:`` front matter, then the text with ``{controller}`` and
    ``{full_notice_url}`` filled in (so a deployer edits one file and one setting)."""
    try:
        raw = path.read_text("utf-8")
    except OSError as exc:
        raise NoticeError(f"cannot read privacy notice {path}: {exc.strerror}") from None
    head = _FRONT_MATTER.match(raw)
    version = _VERSION.search(head.group("head")) if head else None
    if head is None or version is None:
        raise NoticeError(f"privacy notice {path} has no 'version:' front matter")
    body = raw[head.end() :].strip()
    if not full_notice_url:
        # No published full text: drop the line that would point to it rather than show a stub.
        body = "\n".join(line for line in body.splitlines() if "{full_notice_url}" not in line).strip()
    return Notice(version.group("v"), body.format(controller=controller, full_notice_url=full_notice_url))


@dataclass(frozen=True, slots=True)
class Consent:
    """The latest answer of one chat to the notice."""

    version: str
    accepted: bool
    at: str


async def record_consent(
    conn: Connection,
    channel: str,
    chat_id: str,
    version: str,
    accepted: bool,
    now: datetime,
    person_id: int | None = None,
) -> None:
    """Store an answer to a notice version (kept: it is the proof that people were told)."""
    await conn.execute(
        "INSERT INTO privacy_consents(channel, chat_id, person_id, notice_version, accepted, at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (channel, chat_id, person_id, version, int(accepted), iso(now)),
    )


async def link_consents(conn: Connection, channel: str, chat_id: str, person_id: int) -> None:
    """Attach a chat's answers given before registration to the person it became."""
    await conn.execute(
        "UPDATE privacy_consents SET person_id = ? WHERE channel = ? AND chat_id = ? AND person_id IS NULL",
        (person_id, channel, chat_id),
    )


async def latest_consent(conn: Connection, channel: str, chat_id: str) -> Consent | None:
    """The chat's most recent answer, or None if it never answered."""
    row = await query_one(
        conn,
        "SELECT notice_version, accepted, at FROM privacy_consents WHERE channel = ? AND chat_id = ? "
        "ORDER BY at DESC, id DESC LIMIT 1",
        (channel, chat_id),
    )
    return Consent(row["notice_version"], bool(row["accepted"]), row["at"]) if row else None


async def needs_consent(conn: Connection, channel: str, chat_id: str, notice: Notice) -> bool:
    """True when the chat has not accepted the current notice version (new user or new text)."""
    consent = await latest_consent(conn, channel, chat_id)
    return consent is None or not consent.accepted or consent.version != notice.version


async def person_consent(
    conn: Connection, person_id: int, channel: str, chat_id: str
) -> Consent | None:
    """A registered person's most recent answer, given in this chat or linked to them from any of
    their chats (one answer covers a person who uses both Telegram and Zalo)."""
    row = await query_one(
        conn,
        "SELECT notice_version, accepted, at FROM privacy_consents "
        "WHERE person_id = ? OR (channel = ? AND chat_id = ?) ORDER BY at DESC, id DESC LIMIT 1",
        (person_id, channel, chat_id),
    )
    return Consent(row["notice_version"], bool(row["accepted"]), row["at"]) if row else None


async def ask_notice_once(
    conn: Connection, person_id: int, channel: str, chat_id: str, version: str, now: datetime
) -> bool:
    """True exactly once per person and notice version, when they never answered that version
    (new text, or an account created without consent: imports, old invites); the asking is
    recorded, so skipping the notice never turns it into a wall (docs/privacy.md)."""
    consent = await person_consent(conn, person_id, channel, chat_id)
    if consent is not None and consent.version == version:
        return False
    cursor = await conn.execute(
        "INSERT INTO privacy_notice_asks(person_id, notice_version, asked_at) VALUES (?, ?, ?) "
        "ON CONFLICT(person_id, notice_version) DO NOTHING",
        (person_id, version, iso(now)),
    )
    return cursor.rowcount == 1


async def disclaimer_due(
    conn: Connection, channel: str, chat_id: str, now: datetime, idle: timedelta
) -> bool:
    """True once per conversation: when the chat was never told, or not within ``idle``, that it
    talks to an automated assistant; the telling is recorded (so the caller must then show it)."""
    row = await query_one(
        conn,
        "SELECT shown_at FROM assistant_disclaimers WHERE channel = ? AND chat_id = ?",
        (channel, chat_id),
    )
    await conn.execute(
        "INSERT INTO assistant_disclaimers(channel, chat_id, shown_at) VALUES (?, ?, ?) "
        "ON CONFLICT(channel, chat_id) DO UPDATE SET shown_at = excluded.shown_at",
        (channel, chat_id, iso(now)),
    )
    return row is None or row["shown_at"] < iso(now - idle)


# -- the data-subject view and leaving -------------------------------------------------------------


async def describe_my_data(conn: Connection, person_id: int) -> str:
    """Everything the bot holds about one person, as a Vietnamese message for /hoso."""
    person = await query_one(conn, "SELECT * FROM people WHERE id = ?", (person_id,))
    if person is None:
        return tp.MY_DATA_NONE
    ethnic = person["ethnic_minority"]
    lines = [
        tp.MY_DATA_HEADER,
        tp.MY_DATA_PROFILE.format(
            name=person["full_name"],
            phone=person["phone"] or tp.UNKNOWN,
            sex=tp.SEX_LABELS.get(person["sex"] or "", tp.UNKNOWN),
            ethnic=tp.UNKNOWN if ethnic is None else (tp.YES if ethnic else tp.NO),
            role=ROLE_LABELS[Role(person["role"])],
            status=STATUS_LABELS[PersonStatus(person["status"])],
        ),
    ]
    for row in await conn.execute_fetchall(
        "SELECT channel, created_at FROM identities WHERE person_id = ? ORDER BY created_at", (person_id,)
    ):
        lines.append(tp.MY_DATA_IDENTITY.format(channel=row["channel"], since=row["created_at"][:10]))
    for row in await conn.execute_fetchall(
        "SELECT notice_version, accepted, at FROM privacy_consents WHERE person_id = ? ORDER BY at",
        (person_id,),
    ):
        answer = tp.CONSENT_ACCEPT if row["accepted"] else tp.CONSENT_REFUSE
        lines.append(
            tp.MY_DATA_CONSENT.format(version=row["notice_version"], answer=answer, at=row["at"][:16])
        )
    codes = [
        r["code"]
        for r in await conn.execute_fetchall(
            "SELECT code FROM cases WHERE reported_by = ? ORDER BY code", (person_id,)
        )
    ]
    lines.append(
        tp.MY_DATA_CASES.format(count=len(codes), codes=", ".join(codes)) if codes else tp.MY_DATA_NO_CASES
    )
    place = await query_one(
        conn,
        "SELECT c.unit_type || ' ' || c.name AS commune, t.name AS team FROM people p "
        "LEFT JOIN communes c ON c.code = p.commune_code "
        "LEFT JOIN teams t ON t.id = p.team_id WHERE p.id = ?",
        (person_id,),
    )
    assert place is not None
    lines.append(
        tp.MY_DATA_PLACE.format(
            commune=place["commune"] or tp.UNKNOWN,
            team=place["team"] or tp.UNKNOWN,
            recognised=person["recognised_on"] or tp.UNKNOWN,
        )
    )
    records = await training_repo.records_of(conn, person_id)
    lines.append(
        tp.MY_DATA_TRAINING.format(
            sessions=records.sessions_attended,
            lessons=records.lessons_done,
            answers=records.quiz_answers,
            weekly=tp.YES if records.weekly_question else tp.NO,
            rounds=records.contest_rounds,
        )
    )
    lines.append(tp.MY_DATA_WHO_SAW)
    return "\n".join(lines)


async def leave(conn: Connection, person_id: int, now: datetime) -> None:
    """The person leaves: deactivated, chat identities unlinked, contact and sensitive data removed,
    conversation state dropped; the row stays, renamed to role + team, so the cases they reported
    remain official records (Sổ theo dõi) without naming them."""
    person = await query_one(
        conn,
        "SELECT p.role, t.name AS team FROM people p LEFT JOIN teams t ON t.id = p.team_id WHERE p.id = ?",
        (person_id,),
    )
    if person is None:
        return
    role = ROLE_LABELS[Role(person["role"])]
    pseudonym = (
        tp.PSEUDONYM.format(role=role, team=person["team"])
        if person["team"]
        else tp.PSEUDONYM_NO_TEAM.format(role=role)
    )
    chats = await conn.execute_fetchall(
        "SELECT channel, chat_id FROM identities WHERE person_id = ?", (person_id,)
    )
    for chat in chats:
        await conn.execute(
            "DELETE FROM sessions WHERE channel = ? AND chat_id = ?", (chat["channel"], chat["chat_id"])
        )
        # Replies kept for a redelivery (migration 0014) may hold their data: drop them too.
        await conn.execute(
            "UPDATE inbound_seen SET replies = NULL, replies_sent = replies_total "
            "WHERE channel = ? AND chat_id = ? AND replies IS NOT NULL",
            (chat["channel"], chat["chat_id"]),
        )
        await drafts.forget_chat(conn, chat["channel"], chat["chat_id"])
    await conn.execute("DELETE FROM identities WHERE person_id = ?", (person_id,))
    await conn.execute(
        # Messages not yet sent are cancelled; the text of every message to them is blanked.
        "UPDATE outbox SET payload = '{}', status = CASE WHEN status = 'pending' THEN 'cancelled' "
        "ELSE status END WHERE person_id = ? AND status <> 'sending'",
        (person_id,),
    )
    await conn.execute(
        "UPDATE people SET full_name = ?, phone = NULL, sex = NULL, ethnic_minority = NULL, "
        "preferred_channel = NULL, status = ?, "
        "status_reason = NULL, updated_at = ? WHERE id = ?",
        (pseudonym, PersonStatus.LEFT.value, iso(now), person_id),
    )


# -- the access audit ------------------------------------------------------------------------------


async def record_access(
    conn: Connection,
    actor_id: int | None,
    action: str,
    scope: str,
    now: datetime,
    subject_id: int | None = None,
) -> None:
    """Log one export or view of personal data (the scope, never the data itself)."""
    if action not in tp.AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    await conn.execute(
        "INSERT INTO access_audit(at, actor_id, action, scope, subject_id) VALUES (?, ?, ?, ?, ?)",
        (iso(now), actor_id, action, scope, subject_id),
    )


def scope_key(level: str, commune_code: str | None = None, team_id: int | None = None) -> str:
    """The audit's name for a statistics scope: "team:7", "commune:06193", "pilot", "province"
    (the forms :func:`list_audit` matches against a person's team and commune)."""
    if level == "team" and team_id is not None:
        return f"team:{team_id}"
    if level == "commune" and commune_code:
        return f"commune:{commune_code}"
    return str(level)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One logged access, with the actor's name as currently stored."""

    at: str
    actor: str
    action: str
    scope: str


# Accesses naming people of one commune, or lists that include them (7 parameters: the code).
_IN_COMMUNE = (
    "(a.subject_id IN (SELECT id FROM people WHERE commune_code = ?) "
    "OR a.scope = 'commune:' || ? "
    "OR a.scope IN (SELECT 'team:' || id FROM teams WHERE commune_code = ? "
    "UNION SELECT 'course:' || ti.course_id FROM training_invitees ti "
    "JOIN people ip ON ip.id = ti.person_id WHERE ip.commune_code = ? "
    "UNION SELECT 'contest:' || ca.round_id FROM contest_answers ca "
    "JOIN people cp ON cp.id = ca.person_id WHERE cp.commune_code = ?) "
    "OR a.scope = 'province' "
    "OR (a.scope = 'pilot' AND EXISTS (SELECT 1 FROM communes c WHERE c.code = ? AND c.is_pilot = 1)) "
    "OR a.actor_id IN (SELECT id FROM people WHERE commune_code = ? AND role = 'commune_officer'))"
)


async def list_audit(
    db: Database,
    limit: int = 50,
    subject_id: int | None = None,
    since: datetime | None = None,
    commune_code: str | None = None,
) -> list[AuditEntry]:
    """The latest accesses, newest first; ``subject_id`` answers "who looked at my data?"
    (accesses naming that person, plus list views of the team, commune, course or contest they
    belong to); ``commune_code`` keeps what concerns that commune's people (a commune officer's
    view in ``/nhatky``: their own accesses, those naming their people, and wider lists)."""
    where = ["a.at >= ?"]
    params: list[object] = [iso(since) if since else ""]
    if subject_id is not None:
        where.append(
            "(a.subject_id = ? OR a.scope IN (SELECT 'team:' || team_id FROM people WHERE id = ? "
            "UNION SELECT 'commune:' || commune_code FROM people WHERE id = ? "
            # Course attendance sheets and contest results name invitees, attendees and entrants.
            "UNION SELECT 'course:' || course_id FROM training_invitees WHERE person_id = ? "
            "UNION SELECT 'course:' || s.course_id FROM training_attendance ta "
            "JOIN training_sessions s ON s.id = ta.session_id WHERE ta.person_id = ? "
            "UNION SELECT 'contest:' || round_id FROM contest_answers WHERE person_id = ?) "
            "OR a.scope = 'province' "
            "OR (a.scope = 'pilot' AND EXISTS (SELECT 1 FROM people s "
            "JOIN communes c ON c.code = s.commune_code WHERE s.id = ? AND c.is_pilot = 1)))"
        )
        params += [subject_id] * 7
    if commune_code is not None:
        where.append(_IN_COMMUNE)
        params += [commune_code] * 7
    rows = await db.fetchall(
        "SELECT a.at, a.action, a.scope, p.full_name FROM access_audit a "
        "LEFT JOIN people p ON p.id = a.actor_id "
        f"WHERE {' AND '.join(where)} ORDER BY a.at DESC, a.id DESC LIMIT ?",
        (*params, limit),
    )
    return [
        AuditEntry(row["at"], row["full_name"] or tp.AUDIT_CONSOLE, row["action"], row["scope"])
        for row in rows
    ]


def audit_commune(viewer: Person) -> str | None:
    """The commune whose audit ``viewer`` may read in the chat: None for the whole province
    (province officers, admins); raises PermissionError for anyone else (the audit names officers,
    so it is not for mediators)."""
    if viewer.active and viewer.role in (Role.PROVINCE_OFFICER, Role.ADMIN):
        return None
    if viewer.active and viewer.role == Role.COMMUNE_OFFICER and viewer.commune_code:
        return viewer.commune_code
    log.warning("audit_refused person=%s role=%s", viewer.id, viewer.role.value)
    raise PermissionError("audit outside scope")


async def audit_for_viewer(db: Database, viewer: Person, limit: int) -> list[AuditEntry]:
    """The audit as ``viewer`` may read it: the province's, or their commune's."""
    return await list_audit(db, limit=limit, commune_code=audit_commune(viewer))


@dataclass(frozen=True, slots=True)
class Found:
    """A person an officer may look up in the audit."""

    id: int
    name: str
    team: str | None


async def find_people(conn: Connection, viewer: Person, text: str, limit: int = 10) -> list[Found]:
    """People in ``viewer``'s audit scope whose phone is ``text`` or whose name contains it
    (without diacritics), for "who looked at this person's data?"."""
    commune = audit_commune(viewer)
    rows = await conn.execute_fetchall(
        "SELECT p.id, p.full_name, p.phone, t.name AS team FROM people p "
        "LEFT JOIN teams t ON t.id = p.team_id WHERE p.status <> 'left' "
        "AND (CAST(? AS TEXT) IS NULL OR p.commune_code = ?) ORDER BY p.full_name, p.id",
        (commune, commune),
    )
    phone = normalize_vn_mobile(text)
    wanted = fold(text).strip()
    if not wanted:
        return []

    def matching() -> list[Found]:
        hits = [
            r for r in rows if (phone is not None and r["phone"] == phone) or wanted in fold(r["full_name"])
        ]
        return [Found(r["id"], r["full_name"], r["team"]) for r in hits[:limit]]

    # Names are matched in Python (folding Vietnamese is not portable SQL); a province's ~15,000
    # names take a few hundred milliseconds, so off the event loop.
    return await asyncio.to_thread(matching)


async def audit_of_person(
    conn: Connection, db: Database, viewer: Person, person_id: int, now: datetime, limit: int
) -> list[AuditEntry]:
    """Who viewed or exported one person's data, for an officer answering that person; the
    look-up itself is logged (it shows which officers handled the person's data)."""
    commune = audit_commune(viewer)
    row = await query_one(conn, "SELECT commune_code FROM people WHERE id = ?", (person_id,))
    if row is None or (commune is not None and row["commune_code"] != commune):
        log.warning("audit_refused person=%s subject=%s", viewer.id, person_id)
        raise PermissionError("person outside scope")
    entries = await list_audit(db, limit=limit, subject_id=person_id)
    await record_access(conn, viewer.id, "audit_view", f"person:{person_id}", now, person_id)
    return entries


# How each kind of scope key is named in the chat: (SQL for the name by id, Vietnamese template).
_SCOPE_NAMES = {
    "commune": ("SELECT unit_type || ' ' || name FROM communes WHERE code = ?", tp.SCOPE_COMMUNE),
    "team": ("SELECT name FROM teams WHERE id = ?", tp.SCOPE_TEAM),
    "person": ("SELECT full_name FROM people WHERE id = ?", tp.SCOPE_PERSON),
    "course": ("SELECT title FROM training_courses WHERE id = ?", tp.SCOPE_COURSE),
    "contest": ("SELECT title FROM contest_rounds WHERE id = ?", tp.SCOPE_CONTEST),
}


async def scope_labels(conn: Connection, entries: list[AuditEntry]) -> dict[str, str]:
    """Readable names for the entries' scopes ("commune:06316" → "xã Tân Đoàn"), for officers
    reading the audit in the chat; a key that no longer resolves is named by its number, never
    shown as the stored code word."""
    labels: dict[str, str] = {"province": tp.SCOPE_PROVINCE, "pilot": tp.SCOPE_PILOT}
    for key in {e.scope for e in entries} - labels.keys():
        kind, _, ident = key.partition(":")
        if kind not in _SCOPE_NAMES or not ident:
            labels[key] = tp.SCOPE_OTHER
            continue
        sql, template = _SCOPE_NAMES[kind]
        row = await query_one(conn, sql, (ident,))
        if row is None:
            labels[key] = template.format(name=tp.SCOPE_NUMBER.format(ident=ident))
        else:
            labels[key] = template.format(name=display_name(str(row[0])) if kind == "person" else row[0])
    return labels


def format_audit(
    entries: list[AuditEntry],
    header: str = tp.AUDIT_HEADER,
    empty: str = tp.AUDIT_EMPTY,
    tz: tzinfo | None = None,
    labels: dict[str, str] | None = None,
) -> str:
    """The audit as a chat message or console text (``header`` takes ``{count}``); times in
    ``tz`` (the chat shows local time), else as stored (UTC)."""
    if not entries:
        return empty
    lines = [header.format(count=len(entries))]
    for entry in entries:
        action = tp.AUDIT_ACTIONS.get(entry.action, entry.action)
        at = datetime.fromisoformat(entry.at)
        shown = at.astimezone(tz) if tz is not None else at
        lines.append(
            tp.AUDIT_LINE.format(
                at=shown.strftime("%Y-%m-%d %H:%M"),
                actor=entry.actor,
                action=action,
                scope=(labels or {}).get(entry.scope, entry.scope),
            )
        )
    return "\n".join(lines)


# -- retention -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Retention:
    """How long each kind of transient record is kept, in days (defaults documented in docs/privacy.md)."""

    inbound_seen_days: int = 30
    kb_log_days: int = 365
    left_session_days: int = 7
    outbox_payload_days: int = 30
    outbox_delivered_days: int = 180


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """How many rows each purge removed or blanked."""

    inbound_seen: int = 0
    kb_log: int = 0
    left_sessions: int = 0
    outbox_payloads: int = 0
    outbox_delivered: int = 0
    cancelled_drafts: int = 0


_FINISHED = "('sent', 'failed', 'blocked', 'cancelled')"


async def purge_expired(conn: Connection, now: datetime, rules: Retention) -> PurgeResult:
    """Apply every retention rule once as of ``now``; case records and consents are never touched."""

    def cutoff(days: int) -> str:
        return iso(now - timedelta(days=days))

    seen = await forget_seen_before(conn, now - timedelta(days=rules.inbound_seen_days))
    kb_cut = cutoff(rules.kb_log_days)
    feedback = await conn.execute("DELETE FROM kb_feedback WHERE at < ?", (kb_cut,))
    unanswered = await conn.execute("DELETE FROM kb_unanswered WHERE at < ?", (kb_cut,))
    # Leaving drops the person's sessions at once; this catches the rest: chats linked to no current
    # person (left, or never registered) idle for longer than the rule.
    sessions = await conn.execute(
        "DELETE FROM sessions WHERE updated_at < ? AND NOT EXISTS (SELECT 1 FROM identities i "
        "JOIN people p ON p.id = i.person_id WHERE i.channel = sessions.channel "
        "AND i.chat_id = sessions.chat_id AND p.status <> 'left')",
        (cutoff(rules.left_session_days),),
    )
    payloads = await conn.execute(
        f"UPDATE outbox SET payload = '{{}}' WHERE status IN {_FINISHED} AND payload <> '{{}}' "
        "AND COALESCE(sent_at, created_at) < ?",
        (cutoff(rules.outbox_payload_days),),
    )
    delivered = await conn.execute(
        "DELETE FROM outbox WHERE status = 'sent' AND sent_at < ?", (cutoff(rules.outbox_delivered_days),)
    )
    # A cancelled draft is restorable for a day only (bot/storage/drafts.KEEP_FOR).
    expired_drafts = await drafts.purge_expired(conn, now)
    return PurgeResult(
        cancelled_drafts=expired_drafts,
        inbound_seen=seen,
        kb_log=feedback.rowcount + unanswered.rowcount,
        left_sessions=sessions.rowcount,
        outbox_payloads=payloads.rowcount,
        outbox_delivered=delivered.rowcount,
    )
