"""The weekly question: one self-study question per opted-in person per ISO week.

The scheduler calls :func:`queue_weekly` on every run. It is computed from the database only, so
a restart loses nothing and sends nothing twice: the outbox row's dedupe key is
``weekly-q:<person>:<ISO week>`` (one row per person and week, on their preferred chat), and the
week is also noted in ``training_prefs.pending_week`` so a purge of old outbox rows cannot re-arm
it. The question queued is kept as the person's pending question; an answer — a pressed button,
a number, a letter or the option's text — is marked against it with the explanation and the
article (:func:`answer`), recorded as self-study (``quiz_answers`` with no lesson), never as
training.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.conversation.messages import Choice, Reply
from bot.domain.people import Person
from bot.domain.training import LETTERS, choose_weekly, iso_week
from bot.services import study
from bot.services.notify import reachable_identities
from bot.services.reminders import RemindersConfig
from bot.storage import outbox
from bot.storage import training as repo
from bot.storage.db import Connection, Database
from bot.texts import training as tt
from bot.training.content import Bank, Question

log = logging.getLogger(__name__)

# Its name among the rules REMINDERS_DISABLED may list.
WEEKLY_RULE = "weekly_question"
# A typed answer (not a button) is read as the weekly question's only this long after it was
# queued: later, a bare "2" more likely means something else.
TYPED_WINDOW = timedelta(days=7)
_BUTTON = re.compile(r"^go:wq:(q-[a-z0-9-]+):(\d)$")


def dedupe_key(person_id: int, week: str) -> str:
    """The outbox key of a person's weekly question (no channel suffix: once per person)."""
    return f"weekly-q:{person_id}:{week}"


def button_value(question: Question, index: int) -> str:
    """A button's value: the question id rides along, so a stale button is recognised."""
    return f"go:wq:{question.id}:{index}"


def read_button(value: str) -> tuple[str, int] | None:
    """(question id, option index) of a weekly-question button; None for any other value."""
    match = _BUTTON.match(value)
    return (match.group(1), int(match.group(2))) if match else None


def question_reply(question: Question) -> Reply:
    """The weekly question as sent: its stem, and one choice per option (a numbered list on
    channels without buttons, so typing the number works too)."""
    return Reply(
        tt.WEEKLY_QUESTION.format(stem=question.stem),
        choices=[
            Choice(f"{LETTERS[i]}. {option}", button_value(question, i))
            for i, option in enumerate(question.options)
        ],
    )


def feedback(question: Question, marked: study.Marked) -> Reply:
    """Immediate feedback: right or wrong, the right answer explained, the article cited."""
    if marked.correct:
        head = tt.RIGHT.format(explain=question.explain, ref=question.ref)
    else:
        head = tt.WRONG.format(
            letter=question.answer_letter,
            option=question.options[question.answer],
            explain=question.explain,
            ref=question.ref,
        )
    return Reply(f"{head}\n{tt.WEEKLY_NEXT}")


# ------------------------------------------------------------------------------------ queuing


async def queue_weekly(
    db: Database,
    bank: Bank,
    now: datetime,
    tz: ZoneInfo,
    config: RemindersConfig | None = None,
    *,
    batch: int = 100,
) -> int:
    """Queue this week's question to everyone due; returns how many outbox rows were new.

    It waits, like the officers' weekly reminders, for ``config.weekly_from`` (0 = Monday) and
    ``config.send_after`` local time; a later day of the same week catches up after downtime.
    Someone with no reachable chat is tried again on later runs.
    """
    config = config or RemindersConfig()
    local = now.astimezone(tz)
    if not bank.questions or local.weekday() < config.weekly_from or local.time() < config.send_after:
        return 0
    week = iso_week(local.date())
    async with db.transaction() as conn:
        due = await repo.weekly_due(conn, week)
    ids = sorted(bank.questions)
    queued = 0
    for start in range(0, len(due), batch):
        async with db.transaction() as conn:
            for person_id in due[start : start + batch]:
                queued += await _queue_one(conn, bank, ids, person_id, week, now)
    if queued:
        log.info("weekly_questions_queued week=%s messages=%d", week, queued)
    return queued


async def _queue_one(
    conn: Connection, bank: Bank, ids: list[str], person_id: int, week: str, now: datetime
) -> int:
    chats = await reachable_identities(conn, person_id)
    if not chats:
        return 0
    question_id = choose_weekly(ids, await repo.answered_before(conn, person_id), person_id, week)
    if question_id is None:
        return 0
    channel, chat_id = chats[0]
    new = await outbox.enqueue(
        conn,
        channel=channel,
        chat_id=chat_id,
        person_id=person_id,
        reply=question_reply(bank.questions[question_id]),
        dedupe_key=dedupe_key(person_id, week),
        kind=outbox.Kind.REMINDER,
        now=now,
    )
    # Queued before but not noted (an older release): note the week, keep whatever is pending.
    await repo.set_pending_weekly(conn, person_id, question_id if new else None, week, now)
    return int(new)


# ---------------------------------------------------------------------------------- answering


async def pending(
    conn: Connection, person: Person, bank: Bank, now: datetime, *, typed: bool = False
) -> Question | None:
    """The person's own unanswered weekly question (for a typed answer: only a recent one)."""
    waiting = await repo.pending_weekly(conn, person.id)
    if waiting is None or (typed and now - waiting.since > TYPED_WINDOW):
        return None
    return bank.questions.get(waiting.question_id)


async def answer(
    conn: Connection, person: Person, question: Question, typed: str, now: datetime
) -> study.Marked | None:
    """Mark an answer to the pending ``question`` and clear it; None when it names no option."""
    marked = await study.mark(conn, person, question, typed, None, now)
    if marked is not None:
        await repo.clear_pending_weekly(conn, person.id)
    return marked
