"""Training records: courses, sessions, attendance, self-study progress, quiz answers, contests.

Only SQL lives here; who may do what is decided in :mod:`bot.services.training`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.people import MEDIATOR_ROLES, Person
from bot.storage.db import Connection, Row, insert_returning_id, iso, query_one
from bot.storage.people import PERSON_COLUMNS, person_from_row

TRAINED_FROM_ATTENDANCE = "attendance"


@dataclass(frozen=True, slots=True)
class CourseRow:
    """A stored training course."""

    id: int
    title: str
    level: str
    commune_code: str | None
    place: str
    starts_on: date
    ends_on: date
    topics: tuple[str, ...]
    audience: dict[str, Any]
    open_checkin: bool
    broadcast_id: int | None
    created_by: int


def _course(row: Row) -> CourseRow:
    return CourseRow(
        id=row["id"],
        title=row["title"],
        level=row["level"],
        commune_code=row["commune_code"],
        place=row["place"],
        starts_on=date.fromisoformat(row["starts_on"]),
        ends_on=date.fromisoformat(row["ends_on"]),
        topics=tuple(json.loads(row["topics"])),
        audience=json.loads(row["audience"]),
        open_checkin=bool(row["open_checkin"]),
        broadcast_id=row["broadcast_id"],
        created_by=row["created_by"],
    )


_COURSE_COLUMNS = (
    "id, title, level, commune_code, place, starts_on, ends_on, topics, audience, open_checkin, "
    "broadcast_id, created_by"
)


async def insert_course(
    conn: Connection,
    *,
    title: str,
    level: str,
    commune_code: str | None,
    place: str,
    starts_on: date,
    ends_on: date,
    topics: Iterable[str],
    audience: dict[str, Any],
    open_checkin: bool,
    created_by: int,
    now: datetime,
) -> int:
    """Store a course and return its id."""
    return await insert_returning_id(
        conn,
        "INSERT INTO training_courses(title, level, commune_code, place, starts_on, ends_on, topics, "
        "audience, open_checkin, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            title,
            level,
            commune_code,
            place,
            starts_on.isoformat(),
            ends_on.isoformat(),
            json.dumps(list(topics), ensure_ascii=False),
            json.dumps(audience, ensure_ascii=False),
            int(open_checkin),
            created_by,
            iso(now),
        ),
    )


async def set_course_broadcast(conn: Connection, course_id: int, broadcast_id: int) -> None:
    """Link the course to its invitation."""
    await conn.execute("UPDATE training_courses SET broadcast_id = ? WHERE id = ?", (broadcast_id, course_id))


async def add_people(conn: Connection, table: str, course_id: int, person_ids: Iterable[int]) -> None:
    """Add trainers (``training_trainers``) or invitees (``training_invitees``) to a course."""
    if table not in ("training_trainers", "training_invitees"):
        raise ValueError(table)
    await conn.executemany(
        f"INSERT INTO {table}(course_id, person_id) VALUES (?, ?) "
        "ON CONFLICT(course_id, person_id) DO NOTHING",
        [(course_id, pid) for pid in person_ids],
    )


async def get_course(conn: Connection, course_id: int) -> CourseRow | None:
    """One course by id."""
    row = await query_one(conn, f"SELECT {_COURSE_COLUMNS} FROM training_courses WHERE id = ?", (course_id,))
    return _course(row) if row else None


async def courses(conn: Connection, commune_code: str | None) -> list[CourseRow]:
    """Courses organised by a commune, or every course (``None``), newest first."""
    where, params = ("WHERE commune_code = ?", (commune_code,)) if commune_code else ("", ())
    rows = await conn.execute_fetchall(
        f"SELECT {_COURSE_COLUMNS} FROM training_courses {where} ORDER BY starts_on DESC, id DESC", params
    )
    return [_course(r) for r in rows]


async def is_invited(conn: Connection, course_id: int, person_id: int) -> bool:
    """Whether the person was in the course's audience when it was created."""
    row = await query_one(
        conn, "SELECT 1 FROM training_invitees WHERE course_id = ? AND person_id = ?", (course_id, person_id)
    )
    return row is not None


@dataclass(frozen=True, slots=True)
class Invitee:
    """A person invited to a course, with their team for the attendance sheet."""

    person_id: int
    full_name: str
    team: str


async def invitees(conn: Connection, course_id: int) -> list[Invitee]:
    """Everyone invited to the course, by name."""
    rows = await conn.execute_fetchall(
        "SELECT p.id, p.full_name, COALESCE(t.name, '') AS team FROM training_invitees i "
        "JOIN people p ON p.id = i.person_id LEFT JOIN teams t ON t.id = p.team_id "
        "WHERE i.course_id = ? ORDER BY p.full_name, p.id",
        (course_id,),
    )
    return [Invitee(r["id"], r["full_name"], r["team"]) for r in rows]


# ------------------------------------------------------------------------------------ sessions


@dataclass(frozen=True, slots=True)
class SessionRow:
    """A class meeting with its check-in window."""

    id: int
    course_id: int
    held_on: date
    code: str
    opens_at: datetime
    closes_at: datetime


def _session(row: Row) -> SessionRow:
    return SessionRow(
        row["id"],
        row["course_id"],
        date.fromisoformat(row["held_on"]),
        row["code"],
        datetime.fromisoformat(row["opens_at"]),
        datetime.fromisoformat(row["closes_at"]),
    )


_SESSION_COLUMNS = "id, course_id, held_on, code, opens_at, closes_at"


async def insert_session(
    conn: Connection,
    course_id: int,
    held_on: date,
    code: str,
    opens_at: datetime,
    closes_at: datetime,
    created_by: int,
    now: datetime,
) -> int:
    """Store a session and return its id."""
    return await insert_returning_id(
        conn,
        "INSERT INTO training_sessions(course_id, held_on, code, opens_at, closes_at, created_by, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (course_id, held_on.isoformat(), code, iso(opens_at), iso(closes_at), created_by, iso(now)),
    )


async def get_session(conn: Connection, session_id: int) -> SessionRow | None:
    """One session by id."""
    row = await query_one(
        conn, f"SELECT {_SESSION_COLUMNS} FROM training_sessions WHERE id = ?", (session_id,)
    )
    return _session(row) if row else None


async def sessions_with_code(conn: Connection, code: str, since: datetime) -> list[SessionRow]:
    """Sessions using ``code`` that closed after ``since`` (open ones first, then the latest)."""
    rows = await conn.execute_fetchall(
        f"SELECT {_SESSION_COLUMNS} FROM training_sessions WHERE code = ? AND closes_at >= ? "
        "ORDER BY closes_at DESC",
        (code, iso(since)),
    )
    return [_session(r) for r in rows]


async def course_sessions(conn: Connection, course_id: int) -> list[SessionRow]:
    """A course's sessions in date order."""
    rows = await conn.execute_fetchall(
        f"SELECT {_SESSION_COLUMNS} FROM training_sessions WHERE course_id = ? ORDER BY held_on, id",
        (course_id,),
    )
    return [_session(r) for r in rows]


# ---------------------------------------------------------------------------------- attendance


async def record_attendance(
    conn: Connection,
    session: SessionRow,
    person_id: int,
    method: str,
    recorded_by: int,
    now: datetime,
    reason: str | None = None,
) -> bool:
    """Record that the person attended; False when they were already recorded. Derives
    ``people.trained_on`` (the earliest attended session) in the same transaction."""
    cur = await conn.execute(
        "INSERT INTO training_attendance(session_id, person_id, method, recorded_by, recorded_at, reason) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(session_id, person_id) DO NOTHING",
        (session.id, person_id, method, recorded_by, iso(now), reason),
    )
    if cur.rowcount == 0:
        return False
    held = session.held_on.isoformat()
    await conn.execute(
        "UPDATE people SET trained_on = ?, trained_source = ?, updated_at = ? "
        "WHERE id = ? AND (trained_on IS NULL OR trained_on > ?)",
        (held, TRAINED_FROM_ATTENDANCE, iso(now), person_id, held),
    )
    return True


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    """One line of an attendance list."""

    session_id: int
    held_on: date
    person_id: int
    full_name: str
    team: str
    method: str
    recorded_at: datetime
    reason: str | None


async def attendance(conn: Connection, course_id: int) -> list[AttendanceRow]:
    """Every attendance record of a course, by session then name."""
    rows = await conn.execute_fetchall(
        "SELECT a.session_id, s.held_on, p.id, p.full_name, COALESCE(t.name, '') AS team, a.method, "
        "a.recorded_at, a.reason FROM training_attendance a JOIN training_sessions s ON s.id = a.session_id "
        "JOIN people p ON p.id = a.person_id LEFT JOIN teams t ON t.id = p.team_id "
        "WHERE s.course_id = ? ORDER BY s.held_on, s.id, p.full_name, p.id",
        (course_id,),
    )
    return [
        AttendanceRow(
            r[0], date.fromisoformat(r[1]), r[2], r[3], r[4], r[5], datetime.fromisoformat(r[6]), r[7]
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """A course a person attended (for ``/hoso``)."""

    title: str
    held_on: date
    place: str


async def history(conn: Connection, person_id: int) -> list[HistoryRow]:
    """The sessions a person attended, newest first."""
    rows = await conn.execute_fetchall(
        "SELECT c.title, s.held_on, c.place FROM training_attendance a "
        "JOIN training_sessions s ON s.id = a.session_id JOIN training_courses c ON c.id = s.course_id "
        "WHERE a.person_id = ? ORDER BY s.held_on DESC, s.id DESC",
        (person_id,),
    )
    return [HistoryRow(r[0], date.fromisoformat(r[1]), r[2]) for r in rows]


# ---------------------------------------------------------------------------------- self-study


@dataclass(frozen=True, slots=True)
class Progress:
    """A person's state on one lesson."""

    lesson_id: str
    completed: bool
    correct: int
    answered: int


async def progress(conn: Connection, person_id: int) -> dict[str, Progress]:
    """The lessons a person started, by lesson id."""
    rows = await conn.execute_fetchall(
        "SELECT lesson_id, completed_at, correct, answered FROM lesson_progress WHERE person_id = ?",
        (person_id,),
    )
    return {r[0]: Progress(r[0], r[1] is not None, r[2], r[3]) for r in rows}


async def start_lesson(conn: Connection, person_id: int, lesson_id: str, now: datetime) -> None:
    """Note that a person opened a lesson (idempotent)."""
    await conn.execute(
        "INSERT INTO lesson_progress(person_id, lesson_id, started_at) VALUES (?, ?, ?) "
        "ON CONFLICT(person_id, lesson_id) DO NOTHING",
        (person_id, lesson_id, iso(now)),
    )


async def complete_lesson(
    conn: Connection, person_id: int, lesson_id: str, correct: int, answered: int, now: datetime
) -> None:
    """Mark the lesson's quiz finished with its score (a retake keeps the first completion time)."""
    await start_lesson(conn, person_id, lesson_id, now)
    await conn.execute(
        "UPDATE lesson_progress SET completed_at = COALESCE(completed_at, ?), correct = ?, answered = ? "
        "WHERE person_id = ? AND lesson_id = ?",
        (iso(now), correct, answered, person_id, lesson_id),
    )


async def record_quiz_answer(
    conn: Connection,
    person_id: int,
    question_id: str,
    lesson_id: str | None,
    chosen: int,
    correct: bool,
    now: datetime,
) -> None:
    """Keep one answer to a self-study question."""
    await conn.execute(
        "INSERT INTO quiz_answers(person_id, question_id, lesson_id, chosen, correct, answered_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (person_id, question_id, lesson_id, chosen, int(correct), iso(now)),
    )


async def set_weekly(conn: Connection, person_id: int, wanted: bool, now: datetime) -> None:
    """Switch the weekly question on or off."""
    await conn.execute(
        "INSERT INTO training_prefs(person_id, weekly_question, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT(person_id) DO UPDATE SET weekly_question = excluded.weekly_question, "
        "updated_at = excluded.updated_at",
        (person_id, int(wanted), iso(now)),
    )
    if not wanted:
        # Switched off: an answer typed later is no longer read as the weekly question's.
        await clear_pending_weekly(conn, person_id)


async def weekly_on(conn: Connection, person_id: int) -> bool:
    """Whether the person asked for the weekly question."""
    row = await query_one(
        conn, "SELECT weekly_question FROM training_prefs WHERE person_id = ?", (person_id,)
    )
    return bool(row and row[0])


@dataclass(frozen=True, slots=True)
class PendingWeekly:
    """The weekly question sent to a person and not answered yet."""

    question_id: str
    week: str
    since: datetime


async def pending_weekly(conn: Connection, person_id: int) -> PendingWeekly | None:
    """The person's unanswered weekly question, if any."""
    row = await query_one(
        conn,
        "SELECT pending_question, pending_week, pending_since FROM training_prefs "
        "WHERE person_id = ? AND pending_question IS NOT NULL",
        (person_id,),
    )
    if row is None:
        return None
    return PendingWeekly(row[0], row[1], datetime.fromisoformat(row[2]))


async def set_pending_weekly(
    conn: Connection, person_id: int, question_id: str | None, week: str, now: datetime
) -> None:
    """Keep the question just queued for ``week`` as the one awaiting an answer (``None``: only
    note the week, leaving the pending question as it is)."""
    await conn.execute(
        "UPDATE training_prefs SET pending_question = COALESCE(?, pending_question), pending_week = ?, "
        "pending_since = CASE WHEN CAST(? AS TEXT) IS NULL THEN pending_since ELSE ? END WHERE person_id = ?",
        (question_id, week, question_id, iso(now), person_id),
    )


async def clear_pending_weekly(conn: Connection, person_id: int) -> None:
    """The weekly question was answered (or the person switched it off); the week stays noted."""
    await conn.execute("UPDATE training_prefs SET pending_question = NULL WHERE person_id = ?", (person_id,))


async def weekly_due(conn: Connection, week: str) -> list[int]:
    """Active people who switched the weekly question on and have none queued for ``week``."""
    rows = await conn.execute_fetchall(
        "SELECT p.id FROM training_prefs w JOIN people p ON p.id = w.person_id "
        "WHERE w.weekly_question = 1 AND p.status = 'active' "
        "AND (w.pending_week IS NULL OR w.pending_week <> ?) ORDER BY p.id",
        (week,),
    )
    return [int(r[0]) for r in rows]


async def answered_before(conn: Connection, person_id: int) -> dict[str, bool]:
    """Every question the person has answered in self-study: id → answered right at least once."""
    rows = await conn.execute_fetchall(
        "SELECT question_id, MAX(correct) FROM quiz_answers WHERE person_id = ? GROUP BY question_id",
        (person_id,),
    )
    return {str(r[0]): bool(r[1]) for r in rows}


@dataclass(frozen=True, slots=True)
class TrainingRecords:
    """How much the bot holds about one person's training (for the data-subject view)."""

    sessions_attended: int
    lessons_done: int
    quiz_answers: int
    weekly_question: bool
    contest_rounds: int


async def records_of(conn: Connection, person_id: int) -> TrainingRecords:
    """Count a person's attendance, self-study and contest records."""
    row = await query_one(
        conn,
        "SELECT (SELECT COUNT(*) FROM training_attendance WHERE person_id = ?), "
        "(SELECT COUNT(*) FROM lesson_progress WHERE person_id = ? AND completed_at IS NOT NULL), "
        "(SELECT COUNT(*) FROM quiz_answers WHERE person_id = ?), "
        "(SELECT COUNT(DISTINCT round_id) FROM contest_answers WHERE person_id = ?)",
        (person_id, person_id, person_id, person_id),
    )
    assert row is not None
    return TrainingRecords(
        int(row[0]), int(row[1]), int(row[2]), await weekly_on(conn, person_id), int(row[3])
    )


# ------------------------------------------------------------------------------------ contests


@dataclass(frozen=True, slots=True)
class RoundRow:
    """A contest round and its answer window."""

    id: int
    title: str
    commune_code: str | None
    audience: dict[str, Any]
    questions: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    created_by: int


async def insert_round(
    conn: Connection,
    *,
    title: str,
    commune_code: str | None,
    audience: dict[str, Any],
    questions: Iterable[str],
    starts_at: datetime,
    ends_at: datetime,
    created_by: int,
    now: datetime,
) -> int:
    """Store a contest round and return its id."""
    return await insert_returning_id(
        conn,
        "INSERT INTO contest_rounds(title, commune_code, audience, questions, starts_at, ends_at, "
        "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            title,
            commune_code,
            json.dumps(audience, ensure_ascii=False),
            json.dumps(list(questions)),
            iso(starts_at),
            iso(ends_at),
            created_by,
            iso(now),
        ),
    )


async def get_round(conn: Connection, round_id: int) -> RoundRow | None:
    """One contest round by id."""
    row = await query_one(
        conn,
        "SELECT id, title, commune_code, audience, questions, starts_at, ends_at, created_by "
        "FROM contest_rounds WHERE id = ?",
        (round_id,),
    )
    if row is None:
        return None
    return RoundRow(
        row[0],
        row[1],
        row[2],
        json.loads(row[3]),
        tuple(json.loads(row[4])),
        datetime.fromisoformat(row[5]),
        datetime.fromisoformat(row[6]),
        row[7],
    )


async def record_contest_answer(
    conn: Connection,
    round_id: int,
    person_id: int,
    question_id: str,
    chosen: int,
    correct: bool,
    now: datetime,
) -> bool:
    """Keep a contestant's first answer to a question; False when they had answered it already."""
    cur = await conn.execute(
        "INSERT INTO contest_answers(round_id, person_id, question_id, chosen, correct, answered_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(round_id, person_id, question_id) DO NOTHING",
        (round_id, person_id, question_id, chosen, int(correct), iso(now)),
    )
    return cur.rowcount > 0


async def answered_questions(conn: Connection, round_id: int, person_id: int) -> set[str]:
    """The questions a contestant has answered in the round."""
    rows = await conn.execute_fetchall(
        "SELECT question_id FROM contest_answers WHERE round_id = ? AND person_id = ?", (round_id, person_id)
    )
    return {r[0] for r in rows}


@dataclass(frozen=True, slots=True)
class Standing:
    """One contestant's result: more correct answers first, then the earlier finish."""

    person_id: int
    full_name: str
    team: str
    correct: int
    answered: int
    finished_at: datetime


async def standings(conn: Connection, round_id: int) -> list[Standing]:
    """The round's ranking."""
    rows = await conn.execute_fetchall(
        "SELECT a.person_id, p.full_name, COALESCE(t.name, '') AS team, SUM(a.correct) AS correct, "
        "COUNT(*) AS answered, MAX(a.answered_at) AS finished FROM contest_answers a "
        "JOIN people p ON p.id = a.person_id LEFT JOIN teams t ON t.id = p.team_id WHERE a.round_id = ? "
        "GROUP BY a.person_id, p.full_name, t.name ORDER BY correct DESC, finished ASC, a.person_id",
        (round_id,),
    )
    return [Standing(r[0], r[1], r[2], int(r[3]), int(r[4]), datetime.fromisoformat(r[5])) for r in rows]


# ---------------------------------------------------------------------------------- indicators


@dataclass(frozen=True, slots=True)
class TrainingCounts:
    """Training indicators for a set of communes (or the province)."""

    mediators: int
    trained_attendance: int  # trained_on derived from recorded attendance
    trained_import: int  # historical records brought in by an import
    self_study: int  # finished at least one lesson (never counted as training)
    weekly_question: int  # switched the weekly question on
    trainers: int
    trainers_trained: int
    teams: int


async def training_counts(conn: Connection, commune_code: str | None) -> TrainingCounts:
    """Count active mediators by how their training is known, self-study, trainers and teams."""
    marks = ", ".join("?" for _ in MEDIATOR_ROLES)
    roles = sorted(r.value for r in MEDIATOR_ROLES)
    place = " AND t.commune_code = ?" if commune_code else ""
    args: tuple[Any, ...] = (commune_code,) if commune_code else ()
    row = await query_one(
        conn,
        "SELECT COUNT(*), "
        "SUM(CASE WHEN p.trained_on IS NOT NULL AND p.trained_source = 'attendance' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN p.trained_on IS NOT NULL AND COALESCE(p.trained_source, 'import') = 'import' "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN EXISTS (SELECT 1 FROM lesson_progress l WHERE l.person_id = p.id "
        "AND l.completed_at IS NOT NULL) THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN EXISTS (SELECT 1 FROM training_prefs w WHERE w.person_id = p.id "
        "AND w.weekly_question = 1) THEN 1 ELSE 0 END) "
        "FROM people p JOIN teams t ON t.id = p.team_id "
        f"WHERE p.status = 'active' AND p.role IN ({marks}){place}",
        (*roles, *args),
    )
    trainer_place = " AND p.commune_code = ?" if commune_code else ""
    trainers = await query_one(
        conn,
        "SELECT COUNT(*), SUM(CASE WHEN p.trained_on IS NOT NULL THEN 1 ELSE 0 END) FROM people p "
        f"WHERE p.status = 'active' AND p.is_trainer = 1{trainer_place}",
        args,
    )
    team_place = " WHERE commune_code = ?" if commune_code else ""
    teams = await query_one(conn, f"SELECT COUNT(*) FROM teams{team_place}", args)
    assert row is not None and trainers is not None and teams is not None
    return TrainingCounts(
        mediators=int(row[0]),
        trained_attendance=int(row[1] or 0),
        trained_import=int(row[2] or 0),
        self_study=int(row[3] or 0),
        weekly_question=int(row[4] or 0),
        trainers=int(trainers[0]),
        trainers_trained=int(trainers[1] or 0),
        teams=int(teams[0]),
    )


async def trainers(conn: Connection, commune_code: str | None) -> list[tuple[int, str]]:
    """Active people flagged as trainers (of one commune, or all), by name."""
    place, args = (" AND commune_code = ?", (commune_code,)) if commune_code else ("", ())
    rows = await conn.execute_fetchall(
        "SELECT id, full_name FROM people WHERE status = 'active' AND is_trainer = 1"
        f"{place} ORDER BY full_name, id",
        args,
    )
    return [(int(r[0]), str(r[1])) for r in rows]


async def active_people(conn: Connection, commune_code: str | None) -> list[Person]:
    """Active people of one commune (or everyone, ``None``), by name: the candidates an officer
    may flag as trainers."""
    place, args = (" AND commune_code = ?", (commune_code,)) if commune_code else ("", ())
    rows = await conn.execute_fetchall(
        f"SELECT {PERSON_COLUMNS} FROM people WHERE status = 'active'{place} ORDER BY full_name, id", args
    )
    return [person_from_row(r) for r in rows]


async def set_trainer_flag(conn: Connection, person_id: int, flag: bool, now: datetime) -> bool:
    """Flag (or unflag) a person as trainer; False when they already were (or were not)."""
    cur = await conn.execute(
        "UPDATE people SET is_trainer = ?, updated_at = ? WHERE id = ? AND is_trainer <> ?",
        (int(flag), iso(now), person_id, int(flag)),
    )
    return cur.rowcount > 0


async def recent_rounds(conn: Connection, since: datetime) -> list[RoundRow]:
    """Rounds that end after ``since``, soonest first (the ones a participant may play)."""
    rows = await conn.execute_fetchall(
        "SELECT id FROM contest_rounds WHERE ends_at >= ? ORDER BY ends_at, id", (iso(since),)
    )
    found = [await get_round(conn, int(r[0])) for r in rows]
    return [r for r in found if r is not None]


async def rounds_ended(conn: Connection, since: datetime, until: datetime) -> list[RoundRow]:
    """Rounds whose window closed after ``since`` and by ``until``, oldest end first."""
    rows = await conn.execute_fetchall(
        "SELECT id FROM contest_rounds WHERE ends_at > ? AND ends_at <= ? ORDER BY ends_at, id",
        (iso(since), iso(until)),
    )
    found = [await get_round(conn, int(r[0])) for r in rows]
    return [r for r in found if r is not None]


async def rounds_of(conn: Connection, commune_code: str | None, limit: int = 8) -> list[RoundRow]:
    """The latest rounds of a commune (or every round, ``None``)."""
    where, args = ("WHERE commune_code = ?", (commune_code,)) if commune_code else ("", ())
    rows = await conn.execute_fetchall(
        f"SELECT id FROM contest_rounds {where} ORDER BY id DESC LIMIT {int(limit)}", args
    )
    found = [await get_round(conn, int(r[0])) for r in rows]
    return [r for r in found if r is not None]
