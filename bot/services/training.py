"""Training courses and attendance, with their scope checks.

An officer manages the courses of their scope: a commune officer those their commune organises
(for people of that commune), a province officer or admin every course. A mediator checks in to a
session by its code and sees only their own records. ``people.trained_on`` follows attendance
(the earliest attended session); a historical date from an import stays marked as imported.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.conversation.messages import Reply
from bot.domain.broadcasts import Audience
from bot.domain.enums import Role
from bot.domain.people import Person
from bot.domain.training import new_code, normalise_code, per_hundred
from bot.services import broadcasts
from bot.services.notify import notify_person
from bot.services.registration import refuse
from bot.storage import broadcasts as broadcast_repo
from bot.storage import outbox
from bot.storage import people as people_repo
from bot.storage import training as repo
from bot.storage.db import Connection
from bot.storage.training import AttendanceRow, CourseRow, SessionRow
from bot.texts import training as tt
from bot.texts.stats import percent

log = logging.getLogger(__name__)

# A code stays recognisable (to say "expired" rather than "wrong") this long after it closed.
EXPIRED_MEMORY = timedelta(days=2)
MIN_REASON = 5


class TrainingError(Exception):
    """A training action cannot be done as asked; ``message`` is the Vietnamese reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def may_organise(person: Person) -> bool:
    """Active officers with a scope: province officers and admins, commune officers with a commune."""
    if not person.active:
        return False
    if person.role in (Role.PROVINCE_OFFICER, Role.ADMIN):
        return True
    return person.role == Role.COMMUNE_OFFICER and person.commune_code is not None


def may_manage(person: Person, course: CourseRow) -> bool:
    """Whether the officer may run this course (sessions, attendance, lists)."""
    if not may_organise(person):
        return False
    if person.role in (Role.PROVINCE_OFFICER, Role.ADMIN):
        return True
    return course.commune_code is not None and course.commune_code == person.commune_code


@dataclass(frozen=True, slots=True)
class CourseDraft:
    """What the course conversation collected."""

    title: str
    place: str
    starts_on: date
    ends_on: date
    topics: tuple[str, ...]
    trainer_ids: tuple[int, ...]
    audience: Audience
    open_checkin: bool = False


@dataclass(frozen=True, slots=True)
class Created:
    """A stored course, how many were invited and the invitation's broadcast id."""

    course_id: int
    invited: int
    broadcast_id: int


def format_dates(first: date, last: date) -> str:
    """«12/03/2026» or «12/03/2026 – 13/03/2026»."""
    a = first.strftime("%d/%m/%Y")
    return a if first == last else f"{a} – {last.strftime('%d/%m/%Y')}"


async def create_course(
    conn: Connection,
    officer: Person,
    draft: CourseDraft,
    module_titles: dict[str, str],
    now: datetime,
) -> Created:
    """Store a course, its trainers and invitees, and send the invitation as a training
    announcement (with the RSVP buttons). ``module_titles`` are the known topics (from data)."""
    if not may_organise(officer):
        raise refuse(officer, "course_create", None)
    broadcasts.check_audience(officer, draft.audience)
    if not 5 <= len(draft.title) <= 150:
        raise TrainingError(tt.TITLE_LENGTH)
    if not 3 <= len(draft.place) <= 150:
        raise TrainingError(tt.PLACE_LENGTH)
    if draft.ends_on < draft.starts_on:
        raise TrainingError(tt.BAD_DATES)
    for topic in draft.topics:
        if topic not in module_titles:
            raise TrainingError(tt.UNKNOWN_TOPIC.format(topic=topic))
    trainers: list[Person] = []
    for trainer_id in draft.trainer_ids:
        trainer = await people_repo.get_person(conn, trainer_id)
        if trainer is None or not trainer.is_trainer or not trainer.active:
            raise TrainingError(
                tt.NOT_A_TRAINER.format(name=trainer.full_name if trainer else f"#{trainer_id}")
            )
        trainers.append(trainer)
    province = officer.role in (Role.PROVINCE_OFFICER, Role.ADMIN)
    course_id = await repo.insert_course(
        conn,
        title=draft.title,
        level="province" if province else "commune",
        commune_code=None if province else officer.commune_code,
        place=draft.place,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        topics=draft.topics,
        audience=draft.audience.to_json(),
        open_checkin=draft.open_checkin,
        created_by=officer.id,
        now=now,
    )
    await repo.add_people(conn, "training_trainers", course_id, [t.id for t in trainers])
    invited = await broadcast_repo.audience_people(conn, draft.audience)
    await repo.add_people(conn, "training_invitees", course_id, invited)
    text = tt.INVITATION.format(
        title=draft.title,
        dates=format_dates(draft.starts_on, draft.ends_on),
        place=draft.place,
        topics="; ".join(module_titles[t] for t in draft.topics),
        trainers=", ".join(t.full_name for t in trainers) or tt.NO_TRAINERS,
    )
    try:
        queued = await broadcasts.create(
            conn, officer, broadcasts.Draft(text, draft.audience, training=True), now
        )
    except broadcasts.BroadcastError as exc:
        raise TrainingError(exc.message) from None
    await repo.set_course_broadcast(conn, course_id, queued.id)
    log.info("course_created id=%s by=%s invited=%d", course_id, officer.id, len(invited))
    return Created(course_id, len(invited), queued.id)


async def managed_course(conn: Connection, officer: Person, course_id: int) -> CourseRow:
    """The course if the officer may manage it; PermissionError otherwise (unknown ids too, so
    ids outside one's scope reveal nothing)."""
    course = await repo.get_course(conn, course_id)
    if course is None or not may_manage(officer, course):
        raise refuse(officer, "course_manage", course_id)
    return course


async def my_courses(conn: Connection, officer: Person) -> list[CourseRow]:
    """The courses the officer manages, newest first."""
    if not may_organise(officer):
        raise refuse(officer, "course_list", None)
    if officer.role == Role.COMMUNE_OFFICER:
        return await repo.courses(conn, officer.commune_code)
    return await repo.courses(conn, None)


async def open_session(
    conn: Connection,
    officer: Person,
    course_id: int,
    now: datetime,
    tz: ZoneInfo,
    minutes: int = 180,
) -> SessionRow:
    """Open today's session of a course with a fresh code valid for ``minutes``."""
    course = await managed_course(conn, officer, course_id)
    closes = now + timedelta(minutes=minutes)
    code = new_code()
    # A code must name one open session: draw again on the rare clash.
    while await repo.sessions_with_code(conn, code, now):
        code = new_code()
    session_id = await repo.insert_session(
        conn, course.id, now.astimezone(tz).date(), code, now, closes, officer.id, now
    )
    session = await repo.get_session(conn, session_id)
    assert session is not None
    return session


@dataclass(frozen=True, slots=True)
class CheckIn:
    """A recorded check-in: the course and session it was for."""

    course: CourseRow
    session: SessionRow


async def check_in(conn: Connection, person: Person, typed: str, now: datetime) -> CheckIn:
    """Record the person's attendance by the code shown at the class; raises
    :class:`TrainingError` with the reason (wrong, expired or early code, second check-in, not
    invited to a course that only admits invitees)."""
    code = normalise_code(typed)
    found = await repo.sessions_with_code(conn, code, now - EXPIRED_MEMORY) if code.isdigit() else []
    if not found:
        raise TrainingError(tt.CODE_UNKNOWN.format(code=typed.strip()[:20]))
    current = [s for s in found if s.opens_at <= now <= s.closes_at]
    if not current:
        if all(s.opens_at > now for s in found):
            raise TrainingError(tt.CODE_NOT_YET.format(code=code))
        raise TrainingError(tt.CODE_EXPIRED.format(code=code))
    session = current[0]
    course = await repo.get_course(conn, session.course_id)
    assert course is not None
    if not course.open_checkin and not await repo.is_invited(conn, course.id, person.id):
        raise TrainingError(tt.NOT_INVITED.format(title=course.title))
    if not await repo.record_attendance(conn, session, person.id, "code", person.id, now):
        raise TrainingError(tt.ALREADY_CHECKED_IN.format(when=session.held_on.strftime("%d/%m/%Y")))
    return CheckIn(course, session)


async def _session_of(
    conn: Connection, officer: Person, session_id: int
) -> tuple[CourseRow, SessionRow]:
    session = await repo.get_session(conn, session_id)
    if session is None:
        raise refuse(officer, "session_manage", session_id)
    return await managed_course(conn, officer, session.course_id), session


async def tick(
    conn: Connection, officer: Person, session_id: int, person_ids: Sequence[int], now: datetime
) -> tuple[int, int]:
    """The organiser marks invitees present while the session is open; returns (new, already).
    Each newly recorded person is told by a message through the outbox."""
    course, session = await _session_of(conn, officer, session_id)
    if now > session.closes_at:
        raise TrainingError(tt.REASON_NEEDED)
    new = already = 0
    for person_id in person_ids:
        if not course.open_checkin and not await repo.is_invited(conn, course.id, person_id):
            raise refuse(officer, "attendance_tick_uninvited", person_id)
        if await repo.record_attendance(conn, session, person_id, "tick", officer.id, now):
            new += 1
            await _confirm(conn, person_id, course, session, now)
        else:
            already += 1
    return new, already


async def correct(
    conn: Connection, officer: Person, session_id: int, person_id: int, reason: str, now: datetime
) -> bool:
    """A late correction after the session closed, with its reason; False if already recorded."""
    course, session = await _session_of(conn, officer, session_id)
    if now <= session.closes_at:
        raise TrainingError(tt.CORRECTION_TOO_EARLY)
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise TrainingError(tt.REASON_NEEDED)
    target = await people_repo.get_person(conn, person_id)
    if target is None or not (course.open_checkin or await repo.is_invited(conn, course.id, person_id)):
        raise refuse(officer, "attendance_correct", person_id)
    recorded = await repo.record_attendance(conn, session, person_id, "correction", officer.id, now, reason)
    if recorded:
        await _confirm(conn, person_id, course, session, now)
        log.info("attendance_corrected session=%s person=%s by=%s", session.id, person_id, officer.id)
    return recorded


async def _confirm(
    conn: Connection, person_id: int, course: CourseRow, session: SessionRow, now: datetime
) -> None:
    text = tt.ATTENDANCE_NOTICE.format(title=course.title, day=session.held_on.strftime("%d/%m/%Y"))
    await notify_person(
        conn, person_id, Reply(text), f"att:{session.id}:{person_id}", outbox.Kind.NOTICE, now
    )


@dataclass(frozen=True, slots=True)
class Sheet:
    """A course's attendance: the course, its invitees, sessions and records."""

    course: CourseRow
    invited: list[repo.Invitee]
    sessions: list[SessionRow]
    rows: list[AttendanceRow]

    def present(self) -> set[int]:
        """People present at least once."""
        return {r.person_id for r in self.rows}


async def sheet(conn: Connection, officer: Person, course_id: int) -> Sheet:
    """The attendance of a course the officer manages."""
    course = await managed_course(conn, officer, course_id)
    return Sheet(
        course,
        await repo.invitees(conn, course.id),
        await repo.course_sessions(conn, course.id),
        await repo.attendance(conn, course.id),
    )


def summary_text(data: Sheet) -> str:
    """The organiser's short summary of a course's attendance."""
    present = data.present()
    invited = len(data.invited)
    share = _share(len(present & {i.person_id for i in data.invited}), invited)
    per_session = [
        tt.SUMMARY_SESSION.format(
            day=s.held_on.strftime("%d/%m"), count=sum(1 for r in data.rows if r.session_id == s.id)
        )
        for s in data.sessions
    ]
    return tt.SUMMARY.format(
        title=data.course.title,
        dates=format_dates(data.course.starts_on, data.course.ends_on),
        place=data.course.place,
        invited=invited,
        present=len(present),
        share=share,
        sessions=", ".join(per_session) or tt.NO_SESSIONS,
    )


async def history_text(conn: Connection, person: Person) -> str:
    """The person's own training history, for ``/hoso``."""
    rows = await repo.history(conn, person.id)
    if rows:
        lines = [
            tt.HISTORY_LINE.format(day=r.held_on.strftime("%d/%m/%Y"), title=r.title, place=r.place)
            for r in rows
        ]
        return "\n".join([tt.HISTORY_HEAD, *lines])
    if person.trained_on is not None:
        return tt.HISTORY_IMPORTED.format(day=person.trained_on.strftime("%d/%m/%Y"))
    return tt.HISTORY_NONE


def _share(part: int, whole: int) -> str:
    # Whole percent, rounded like every other figure (bot.domain.rounding).
    return percent(part / whole, 0) if whole else "—"


async def indicators_text(conn: Connection, viewer: Person, commune_code: str | None) -> str:
    """The training indicators of a commune (or the province, ``None``) for ``/thongke``:
    formal training from attendance and imports, self-study apart, trainers per 100 teams."""
    allowed = (
        viewer.may_see_commune(commune_code)
        if commune_code
        else viewer.role in (Role.PROVINCE_OFFICER, Role.ADMIN)
    )
    if not allowed:
        raise refuse(viewer, "training_indicators", commune_code)
    counts = await repo.training_counts(conn, commune_code)
    trained = counts.trained_attendance + counts.trained_import
    ratio = per_hundred(counts.trainers, counts.teams)
    return tt.INDICATORS.format(
        trained=trained,
        mediators=counts.mediators,
        share=_share(trained, counts.mediators),
        attendance=counts.trained_attendance,
        imported=counts.trained_import,
        self_study=counts.self_study,
        study_share=_share(counts.self_study, counts.mediators),
        weekly=counts.weekly_question,
        trainers=counts.trainers,
        per_hundred="—" if ratio is None else f"{ratio:g}",
        trainers_trained=counts.trainers_trained,
    )
