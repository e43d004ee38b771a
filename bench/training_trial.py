"""Training tried as a new user would, in the console (issue 15, "Done when").

    python bench/training_trial.py

Over a temporary database and the real content of ``knowledge/training``:

1. a commune justice officer runs a class of 30 through ``/lophoc`` — creates the course, the
   invitation goes out through the outbox (drained by the real sender), participants answer the
   RSVP, the officer opens check-in, 30 scripted participants type ``/diemdanh`` and the code
   (one mistypes it first, one tries twice), the officer downloads the attendance XLSX, and the
   training indicator moves from 0 to 30;
2. a mediator studies three lessons in ``/hoc`` (a new user: one wrong answer per quiz), then
   switches the weekly question on, the scheduler queues it, the sender delivers it, and she
   answers by typing a letter.

It prints the report the issue asks for: questions in the bank by chapter (of the law; guides and
other texts by document), messages per quiz, and time per lesson — the bot's own handling time,
measured, and a reader's time, estimated (see ``READING_SYLLABLES_PER_MINUTE``).
``tests/training/test_trial.py`` runs the same trial and checks its numbers.
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from bot.conversation.messages import Reply  # noqa: E402
from bot.domain.enums import Role  # noqa: E402
from bot.kb.loader import Loaded, load_folder  # noqa: E402
from bot.runtime import App  # noqa: E402
from bot.services import training  # noqa: E402
from bot.training.content import Bank, Lesson, load_bank  # noqa: E402
from bot.workers.outbox_sender import Delivered, OutboxSender, SenderConfig, SendOutcome  # noqa: E402
from bot.workers.scheduler import run_once  # noqa: E402
from tests.flows.support import TAN_DOAN, Chat, Clock, add_person, add_team, count, opened  # noqa: E402

KNOWLEDGE = ROOT / "knowledge"
CLASS_SIZE = 30
LESSONS = 3
# A reader's pace on a phone, in Vietnamese syllables (space-separated words) per minute, and the
# time to pick an answer: assumptions for the estimate, not measurements.
READING_SYLLABLES_PER_MINUTE = 200
SECONDS_PER_ANSWER = 5

_FAMILY = ("Hoàng", "Nông", "Lương", "Vi", "Triệu", "Lý", "Bế", "Hà", "Lành", "Chu")
_GIVEN = ("Thị Lan", "Văn Tài", "Thị Hoa", "Văn Sơn", "Thị Mai", "Văn Quý")


@dataclass
class Recorder:
    """The console's delivery, as the outbox sender sees it: everything is delivered."""

    sent: list[tuple[str, Reply]] = field(default_factory=list)

    async def send(self, chat_id: str, reply: Reply) -> SendOutcome:
        self.sent.append((chat_id, reply))
        return Delivered()


@dataclass(frozen=True, slots=True)
class LessonRun:
    """One lesson studied: its quiz size, the messages it took and how long."""

    lesson_id: str
    title: str
    questions: int
    correct: int
    typed: int  # messages the mediator sent, from /hoc to the quiz's last answer
    received: int  # messages the bot sent back
    bot_ms: float  # the bot's handling time, measured
    reader_s: float  # a reader's time, estimated


@dataclass
class TrialReport:
    """What the trial measured."""

    invited: int = 0
    delivered: int = 0
    rsvp_yes: int = 0
    checked_in: int = 0
    refusals: list[str] = field(default_factory=list)
    sheet_rows: int = 0
    sheet_headers: tuple[str, ...] = ()
    indicator_before: str = ""
    indicator_after: str = ""
    lessons: list[LessonRun] = field(default_factory=list)
    weekly_question: str = ""
    weekly_feedback: str = ""
    by_chapter: dict[str, int] = field(default_factory=dict)
    bank_questions: int = 0
    bank_lessons: int = 0


def questions_by_chapter(bank: Bank, loaded: Loaded) -> dict[str, int]:
    """How many questions rest on each chapter of a law (``<document> — <chapter>``), or on each
    guide or other text (its short name), from the questions' references."""
    passages = {p.ref: p for p in loaded.passages}
    tally: Counter[str] = Counter()
    for question in bank.questions.values():
        passage = passages.get(question.ref)
        document = loaded.documents.get(question.ref.split(":")[0])
        name = document.short if document else question.ref.split(":")[0]
        if passage is not None and passage.chapter:
            tally[f"{name} — {passage.chapter}"] += 1
        else:
            tally[name] += 1
    return dict(sorted(tally.items()))


def _syllables(text: str) -> int:
    return len(text.split())


def reader_seconds(bank: Bank, lesson: Lesson) -> float:
    """A reader's time for a lesson and its quiz: read everything shown, pick each answer."""
    questions = bank.questions_for(lesson.id)
    words = _syllables(lesson.text) + sum(
        _syllables(q.stem) + sum(_syllables(o) for o in q.options) + _syllables(q.explain) for q in questions
    )
    return 60 * words / READING_SYLLABLES_PER_MINUTE + SECONDS_PER_ANSWER * (len(questions) + 1)


async def _drain(app: App, transport: Recorder) -> None:
    """Run the console's outbox sender until nothing due is left."""
    sender = OutboxSender(
        app.db, "console", transport, SenderConfig(poll_interval=0.01, per_chat_interval=0), clock=app.clock
    )
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    for _ in range(1000):
        if not await count(app, "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')"):
            break
        await asyncio.sleep(0.01)
    stop.set()
    await task


async def _class_of_thirty(app: App, report: TrialReport, transport: Recorder) -> None:
    officer_person = await add_person(app, Role.COMMUNE_OFFICER, name="Lương Thị Hạnh", user="officer")
    trainer = await add_person(app, Role.COMMUNE_OFFICER, name="Bế Văn Giảng", sex="male")
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE people SET is_trainer = 1 WHERE id = ?", (trainer.id,))
    team = await add_team(app, TAN_DOAN, "Thôn Nà Pàn")
    for i in range(CLASS_SIZE):
        name = f"{_FAMILY[i % len(_FAMILY)]} {_GIVEN[i % len(_GIVEN)]} {i + 1:02d}"
        await add_person(app, Role.MEDIATOR, team=team, name=name, user=f"hv{i:02d}")
    async with app.db.transaction() as tx:
        report.indicator_before = await training.indicators_text(tx, officer_person, TAN_DOAN)

    officer = Chat(app, "officer")
    today = app.clock().astimezone(app.tz).strftime("%d/%m/%Y")
    saved = await officer.play(
        [
            "/lophoc",
            "Tạo lớp mới",
            "Tập huấn kỹ năng hòa giải ở cơ sở năm 2026",
            "Nhà văn hóa thôn Nà Pàn",
            today,
            "như trên",
            "1, 3",
            "1",
            "Tất cả hòa giải viên",
            "Không",
            "Lưu và gửi thư mời",
        ]
    )
    assert "Đã lưu lớp" in saved, saved
    report.invited = await count(app, "SELECT COUNT(*) FROM training_invitees")
    await _drain(app, transport)
    report.delivered = sum(1 for _, reply in transport.sent if "Mời tham dự lớp" in reply.text)
    for i in range(CLASS_SIZE):
        answer = "không tham dự" if i % 10 == 9 else "sẽ tham dự"
        await Chat(app, f"hv{i:02d}")(answer)
    report.rsvp_yes = await count(app, "SELECT COUNT(*) FROM training_rsvp WHERE answer = 'yes'")

    opened_text = await officer("Mở điểm danh buổi hôm nay")
    code = next(line.split(": ")[1] for line in opened_text.splitlines() if line.startswith("Mã điểm danh"))
    for i in range(CLASS_SIZE):
        chat = Chat(app, f"hv{i:02d}")
        await chat("/diemdanh")
        if i == 0:
            report.refusals.append(await chat("000000" if code != "000000" else "111111"))
        assert "✅ Đã điểm danh" in await chat(code)
    again = Chat(app, "hv01")
    await again("/diemdanh")
    report.refusals.append(await again(code))
    report.checked_in = await count(app, "SELECT COUNT(*) FROM training_attendance")

    await officer("Danh sách điểm danh (Excel)")
    attachment = next(r.attachment for r in officer.replies if r.attachment is not None)
    assert attachment.data is not None
    sheet = load_workbook(io.BytesIO(attachment.data)).active
    assert sheet is not None
    header_row = next(row for row in sheet.iter_rows(values_only=True) if row and row[0] == "STT")
    report.sheet_headers = tuple(str(v) for v in header_row if v is not None)
    report.sheet_rows = sum(1 for row in sheet.iter_rows(values_only=True) if row and isinstance(row[0], int))
    async with app.db.transaction() as tx:
        report.indicator_after = await training.indicators_text(tx, officer_person, TAN_DOAN)


async def _three_lessons(app: App, bank: Bank, report: TrialReport, transport: Recorder) -> None:
    await add_person(app, Role.MEDIATOR, name="Nông Thị Thảo", user="thao")
    chat = Chat(app, "thao")
    for lesson in bank.ordered_lessons()[:LESSONS]:
        questions = bank.questions_for(lesson.id)
        received = 0
        started = time.perf_counter()
        for line in ("/hoc", "1", "1"):  # home, «Học bài tiếp», «Làm n câu hỏi»
            await chat(line)
            received += len(chat.replies)
        for number, question in enumerate(questions):
            # A new user: the first answer of each quiz is wrong, the rest right.
            pick = (question.answer + 1) % len(question.options) if number == 0 else question.answer
            await chat(str(pick + 1) if number % 2 else "ABCD"[pick])
            received += len(chat.replies)
        elapsed = time.perf_counter() - started
        assert f"/{len(questions)} câu" in chat.text, chat.text
        report.lessons.append(
            LessonRun(
                lesson_id=lesson.id,
                title=lesson.title,
                questions=len(questions),
                correct=len(questions) - 1,
                typed=3 + len(questions),
                received=received,
                bot_ms=elapsed * 1000,
                reader_s=reader_seconds(bank, lesson),
            )
        )

    await chat("/hoc")
    await chat("Bật câu hỏi hằng tuần")
    await chat("hủy")
    await run_once(app.db, app.settings, app.clock(), bank=bank)
    transport.sent.clear()
    await _drain(app, transport)
    [(_, weekly)] = [(c, r) for c, r in transport.sent if c == "thao"]
    report.weekly_question = weekly.text
    row = await app.db.fetchone(
        "SELECT pending_question FROM training_prefs WHERE pending_question IS NOT NULL"
    )
    assert row is not None
    report.weekly_feedback = await chat(bank.questions[row[0]].answer_letter.lower())


async def trial(folder: Path) -> TrialReport:
    """Run the whole trial over a database in ``folder``."""
    bank = load_bank(KNOWLEDGE / "training")
    report = TrialReport(bank_questions=len(bank.questions), bank_lessons=len(bank.lessons))
    report.by_chapter = questions_by_chapter(bank, load_folder(KNOWLEDGE))
    clock = Clock()  # Tuesday 10 March 2026, 10:00 in Lạng Sơn
    transport = Recorder()
    async with opened(folder, clock) as app:
        app.training = bank
        await _class_of_thirty(app, report, transport)
        await _three_lessons(app, bank, report, transport)
    return report


def render(report: TrialReport) -> str:
    """The report as printed."""
    lines = [
        "== Class of 30 (/lophoc, /diemdanh) ==",
        f"invited {report.invited}, invitations delivered {report.delivered}, RSVP yes {report.rsvp_yes}",
        f"checked in by code {report.checked_in}; attendance XLSX rows {report.sheet_rows}, "
        f"columns: {', '.join(report.sheet_headers)}",
        "refusals shown: " + " | ".join(r.replace("\n", " ") for r in report.refusals),
        "indicator before: " + report.indicator_before.splitlines()[0],
        "indicator after:  " + report.indicator_after.splitlines()[0],
        "",
        "== Three lessons (/hoc) ==",
        "lesson | questions | typed | received | bot ms | reader (est.)",
    ]
    for run in report.lessons:
        lines.append(
            f"{run.lesson_id} | {run.questions} ({run.correct} right) | {run.typed} | {run.received} | "
            f"{run.bot_ms:.0f} | {run.reader_s / 60:.1f} min"
        )
    lines += [
        f"weekly question delivered: {report.weekly_question.splitlines()[1]}",
        "feedback: " + report.weekly_feedback.splitlines()[0],
        "",
        f"== Question bank: {report.bank_questions} questions, {report.bank_lessons} lessons ==",
    ]
    lines += [f"{n:4d}  {chapter}" for chapter, n in report.by_chapter.items()]
    return "\n".join(lines)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        report = asyncio.run(trial(Path(folder)))
    print(render(report))


if __name__ == "__main__":
    main()
