"""Self-study: lessons and their quizzes, per person. Each person reads and writes only their
own progress (the acting person is the subject of every call); self-study is never training."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.people import Person
from bot.domain.training import read_option
from bot.services.registration import refuse
from bot.storage import training as repo
from bot.storage.db import Connection
from bot.training.content import Bank, Lesson, Question


def _check(person: Person) -> None:
    if not person.active:
        raise refuse(person, "study", None)


async def overview(conn: Connection, person: Person, bank: Bank) -> tuple[int, Lesson | None]:
    """How many lessons the person finished, and the next one to study (None when all done)."""
    _check(person)
    done = {lid for lid, p in (await repo.progress(conn, person.id)).items() if p.completed}
    lessons = bank.ordered_lessons()
    following = next((lesson for lesson in lessons if lesson.id not in done), None)
    return len(done & set(bank.lessons)), following


async def open_lesson(conn: Connection, person: Person, lesson: Lesson, now: datetime) -> None:
    """Note that the person opened the lesson."""
    _check(person)
    await repo.start_lesson(conn, person.id, lesson.id, now)


@dataclass(frozen=True, slots=True)
class Marked:
    """One answered quiz question: the option chosen and whether it was right."""

    chosen: int
    correct: bool


async def mark(
    conn: Connection,
    person: Person,
    question: Question,
    typed: str,
    lesson_id: str | None,
    now: datetime,
) -> Marked | None:
    """Read and record an answer (number, letter or option text); None when it names no option."""
    _check(person)
    chosen = read_option(typed, question.options)
    if chosen is None:
        return None
    correct = chosen == question.answer
    await repo.record_quiz_answer(conn, person.id, question.id, lesson_id, chosen, correct, now)
    return Marked(chosen, correct)


async def finish_lesson(
    conn: Connection, person: Person, lesson: Lesson, correct: int, answered: int, now: datetime
) -> None:
    """Mark the lesson done with its quiz score."""
    _check(person)
    await repo.complete_lesson(conn, person.id, lesson.id, correct, answered, now)


async def set_weekly(conn: Connection, person: Person, wanted: bool, now: datetime) -> None:
    """Switch one's weekly question on or off."""
    _check(person)
    await repo.set_weekly(conn, person.id, wanted, now)
