"""Contests (hội thi hòa giải viên giỏi): a timed round of bank questions for an audience.

An officer starts a round for people in their scope; each participant gets the questions in
their own shuffled order and answers within the window; the first answer to each question
counts. Officers who manage the round see the ranking at any time, participants once it ended:
the scheduler sends each participant the ranking with their own place when the window closes
(:func:`queue_results`), and ``/thi`` shows it again for a week after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.conversation.messages import Reply
from bot.domain.broadcasts import Audience
from bot.domain.enums import Role
from bot.domain.people import Person
from bot.domain.training import contest_order, read_option
from bot.services import broadcasts
from bot.services.notify import notify_person
from bot.services.registration import refuse
from bot.services.training import TrainingError, may_organise
from bot.storage import broadcasts as broadcast_repo
from bot.storage import outbox
from bot.storage import training as repo
from bot.storage.db import Connection, Database
from bot.storage.training import RoundRow, Standing
from bot.texts import training as tt
from bot.training.content import Bank, Question

MIN_QUESTIONS = 3
# Results go out for rounds that ended this recently: after a long downtime, old rounds are not
# announced again (their outbox rows may have been purged).
RESULTS_WINDOW = timedelta(days=2)
# How long after its end ``/thi`` still shows a participant the round's ranking.
SHOW_RESULTS_FOR = timedelta(days=7)
MIN_MINUTES, MAX_MINUTES = 5, 240


def _clock(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M %d/%m/%Y")


def may_manage(person: Person, round_: RoundRow) -> bool:
    """Province officers and admins manage every round; a commune officer their commune's."""
    if not may_organise(person):
        return False
    return person.role in (Role.PROVINCE_OFFICER, Role.ADMIN) or round_.commune_code == person.commune_code


async def start_round(
    conn: Connection,
    officer: Person,
    *,
    title: str,
    audience: Audience,
    question_ids: Sequence[str],
    bank: Bank,
    starts_at: datetime,
    minutes: int,
    now: datetime,
    tz: ZoneInfo,
) -> int:
    """Store a round and announce it to its audience; returns the round id."""
    if not may_organise(officer):
        raise refuse(officer, "contest_start", None)
    broadcasts.check_audience(officer, audience)
    known = [q for q in dict.fromkeys(question_ids) if q in bank.questions]
    if len(known) < MIN_QUESTIONS:
        raise TrainingError(tt.CONTEST_TOO_FEW.format(minimum=MIN_QUESTIONS))
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise TrainingError(tt.CONTEST_WINDOW)
    ends_at = starts_at + timedelta(minutes=minutes)
    province = officer.role in (Role.PROVINCE_OFFICER, Role.ADMIN)
    round_id = await repo.insert_round(
        conn,
        title=title,
        commune_code=None if province else officer.commune_code,
        audience=audience.to_json(),
        questions=known,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=officer.id,
        now=now,
    )
    text = tt.CONTEST_ANNOUNCE.format(
        title=title, count=len(known), start=_clock(starts_at, tz), end=_clock(ends_at, tz)
    )
    try:
        await broadcasts.create(conn, officer, broadcasts.Draft(text, audience), now)
    except broadcasts.BroadcastError as exc:
        raise TrainingError(exc.message) from None
    return round_id


async def _participant_round(conn: Connection, person: Person, round_id: int) -> RoundRow:
    round_ = await repo.get_round(conn, round_id)
    if round_ is None or not person.active:
        raise TrainingError(tt.CONTEST_NONE)
    if not await broadcast_repo.in_audience(conn, Audience.from_json(round_.audience), person.id):
        raise TrainingError(tt.CONTEST_NOT_IN_AUDIENCE)
    return round_


def _window(round_: RoundRow, now: datetime, tz: ZoneInfo) -> None:
    if now < round_.starts_at:
        raise TrainingError(
            tt.CONTEST_NOT_OPEN.format(title=round_.title, start=_clock(round_.starts_at, tz))
        )
    if now > round_.ends_at:
        raise TrainingError(tt.CONTEST_CLOSED.format(title=round_.title, end=_clock(round_.ends_at, tz)))


@dataclass(frozen=True, slots=True)
class Turn:
    """The participant's next question (None when all are answered) and their position."""

    round: RoundRow
    question: Question | None
    number: int
    total: int


async def next_turn(
    conn: Connection, person: Person, round_id: int, bank: Bank, now: datetime, tz: ZoneInfo
) -> Turn:
    """The next unanswered question in the participant's own order, within the window."""
    round_ = await _participant_round(conn, person, round_id)
    _window(round_, now, tz)
    done = await repo.answered_questions(conn, round_.id, person.id)
    order = [q for q in contest_order(round_.id, person.id, round_.questions) if q in bank.questions]
    pending = [q for q in order if q not in done]
    question = bank.questions[pending[0]] if pending else None
    return Turn(round_, question, len(order) - len(pending) + 1, len(order))


async def answer(
    conn: Connection,
    person: Person,
    round_id: int,
    question_id: str,
    typed: str,
    bank: Bank,
    now: datetime,
    tz: ZoneInfo,
) -> bool:
    """Record a participant's answer; True when correct. Refused (:class:`TrainingError`)
    outside the window, outside the audience, for an unreadable or repeated answer."""
    round_ = await _participant_round(conn, person, round_id)
    _window(round_, now, tz)
    question = bank.questions.get(question_id)
    if question is None or question_id not in round_.questions:
        raise TrainingError(tt.CONTEST_NONE)
    chosen = read_option(typed, question.options)
    if chosen is None:
        raise TrainingError(tt.NOT_AN_OPTION)
    correct = chosen == question.answer
    if not await repo.record_contest_answer(conn, round_.id, person.id, question_id, chosen, correct, now):
        raise TrainingError(tt.CONTEST_ANSWERED)
    return correct


async def ranking(conn: Connection, viewer: Person, round_id: int, now: datetime) -> list[Standing]:
    """The round's ranking: for officers who manage it at any time, for participants once it ended."""
    round_ = await repo.get_round(conn, round_id)
    if round_ is None:
        raise refuse(viewer, "contest_ranking", round_id)
    if may_manage(viewer, round_):
        return await repo.standings(conn, round_.id)
    participant = await broadcast_repo.in_audience(conn, Audience.from_json(round_.audience), viewer.id)
    if now <= round_.ends_at or not participant:
        raise refuse(viewer, "contest_ranking", round_id)
    return await repo.standings(conn, round_.id)


def ranking_text(round_: RoundRow, standings: Sequence[Standing], top: int = 10) -> str:
    """The ranking as a short message."""
    lines = [tt.CONTEST_RANKING_HEAD.format(title=round_.title)]
    lines += [
        tt.CONTEST_RANKING_LINE.format(
            rank=i, name=s.full_name, correct=s.correct, total=len(round_.questions)
        )
        for i, s in enumerate(standings[:top], 1)
    ]
    return "\n".join(lines)


async def playable(conn: Connection, person: Person, now: datetime) -> RoundRow | None:
    """The open (or next) round the person belongs to, if any."""
    for round_ in await repo.recent_rounds(conn, now):
        if await broadcast_repo.in_audience(conn, Audience.from_json(round_.audience), person.id):
            return round_
    return None


async def managed_rounds(conn: Connection, officer: Person) -> list[RoundRow]:
    """The latest rounds the officer manages."""
    if not may_organise(officer):
        raise refuse(officer, "contest_list", None)
    province = officer.role in (Role.PROVINCE_OFFICER, Role.ADMIN)
    return await repo.rounds_of(conn, None if province else officer.commune_code)


def result_text(round_: RoundRow, standings: Sequence[Standing], person_id: int) -> str:
    """The ranking with the participant's own place (they may be outside the top ten)."""
    text = ranking_text(round_, standings)
    for rank, standing in enumerate(standings, 1):
        if standing.person_id == person_id:
            place = tt.CONTEST_YOUR_PLACE.format(
                rank=rank, count=len(standings), correct=standing.correct, total=len(round_.questions)
            )
            return f"{text}\n\n{place}"
    return text


async def queue_results(db: Database, now: datetime) -> int:
    """Send every participant of a round that just ended the ranking and their place; returns
    the outbox rows queued. Keys ``contest-result:<round>:<person>`` make a rerun a no-op."""
    queued = 0
    async with db.transaction() as conn:
        ended = await repo.rounds_ended(conn, now - RESULTS_WINDOW, now)
    for round_ in ended:
        async with db.transaction() as conn:
            standings = await repo.standings(conn, round_.id)
            for standing in standings:
                queued += await notify_person(
                    conn,
                    standing.person_id,
                    Reply(result_text(round_, standings, standing.person_id)),
                    f"contest-result:{round_.id}:{standing.person_id}",
                    outbox.Kind.REMINDER,
                    now,
                )
    return queued


async def latest_result(conn: Connection, person: Person, now: datetime) -> str | None:
    """The ranking of the latest round the person answered in that ended within a week."""
    for round_ in reversed(await repo.rounds_ended(conn, now - SHOW_RESULTS_FOR, now)):
        standings = await repo.standings(conn, round_.id)
        if any(s.person_id == person.id for s in standings):
            return result_text(round_, standings, person.id)
    return None
