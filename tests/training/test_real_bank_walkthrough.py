"""A mediator studies the first three lessons of the real bank (knowledge/training) in the
console: every lesson fits a phone screen, every quiz has 3–5 questions, all answered right,
and the messages and time each lesson takes are measured (printed with ``-s``)."""

from __future__ import annotations

import time
from pathlib import Path

from bot.domain.enums import Role
from bot.training.content import load_bank
from tests.flows.support import Chat, Clock, add_person, opened

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge" / "training"


async def test_mediator_studies_three_real_lessons(tmp_path: Path) -> None:
    bank = load_bank(KNOWLEDGE)
    assert bank.problems == []
    assert len(bank.questions) >= 150 and len(bank.lessons) >= 12
    clock = Clock()
    async with opened(tmp_path, clock) as app:
        app.training = bank
        await add_person(app, Role.MEDIATOR, name="Nông Văn Tài", user="tai")
        chat = Chat(app, "tai")
        for number, lesson in enumerate(bank.ordered_lessons()[:3]):
            questions = bank.questions_for(lesson.id)
            assert 3 <= len(questions) <= 5
            started = time.perf_counter()
            home = await chat("/hoc")
            assert f"đã xong {number}/{len(bank.lessons)} bài" in home
            shown = await chat("1")  # "Học bài tiếp"
            assert lesson.title in shown and len(lesson.text) <= 600
            sent = 2
            reply = await chat("1")  # start the quiz
            sent += 1
            for question in questions:
                assert question.stem in reply
                reply = await chat(question.answer_letter)
                sent += 1
                assert "✅ Đúng!" in reply
            total = len(questions)
            assert f"đúng {total}/{total} câu" in reply
            elapsed = time.perf_counter() - started
            print(f"{lesson.id}: {total} questions, {sent} messages, {elapsed * 1000:.0f} ms")
            assert elapsed < 5.0
