"""The weekly question: queued once per opted-in person per ISO week through the outbox (also
across restarts), kept as pending, and answered by button, number, letter or text with
immediate feedback — but a bare number inside a guided flow stays that flow's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.domain.enums import PersonStatus, Role
from bot.domain.training import choose_weekly, iso_week
from bot.runtime import App
from bot.services import weekly_question
from bot.storage import outbox
from bot.training.content import Bank
from bot.workers.scheduler import run_once
from tests.flows.support import Chat, Clock, add_person, count, opened

# START is Tuesday 10 March 2026, 10:00 in Lạng Sơn: ISO week 2026-W11.
WEEK = "2026-W11"


async def _opt_in(app: App, user: str) -> Chat:
    chat = Chat(app, user)
    await chat("/hoc")
    assert "Đã bật" in await chat("Bật câu hỏi hằng tuần")
    await chat("hủy")
    return chat


async def _sql(app: App, sql: str, *params: object) -> None:
    async with app.db.transaction() as tx:
        await tx.execute(sql, params)


async def _run(app: App, clock: Clock, bank: Bank) -> int:
    result = await run_once(app.db, app.settings, clock.now, bank=bank)
    return result.weekly_questions


@asynccontextmanager
async def _lan_with_her_question(tmp_path: Path, bank: Bank) -> AsyncIterator[tuple[App, Clock, Chat]]:
    """Lan, a mediator who switched the weekly question on, once this week's question is queued."""
    clock = Clock()
    async with opened(tmp_path, clock) as app:
        app.training = bank
        await add_person(app, Role.MEDIATOR, name="Hoàng Thị Lan", user="lan")
        chat = await _opt_in(app, "lan")
        clock.advance(minutes=1)
        await _run(app, clock, bank)
        yield app, clock, chat


async def _queued(app: App, person_id: int) -> list[tuple[str, str]]:
    rows = await app.db.fetchall(
        "SELECT dedupe_key, payload FROM outbox WHERE person_id = ? ORDER BY id", (person_id,)
    )
    return [(r["dedupe_key"], outbox.decode_reply(r["payload"]).text) for r in rows]


async def test_one_question_per_week_even_after_restart(tmp_path: Path, bank: Bank) -> None:
    clock = Clock()
    async with opened(tmp_path, clock) as app:
        lan = await add_person(app, Role.MEDIATOR, name="Hoàng Thị Lan", user="lan")
        await add_person(app, Role.MEDIATOR, name="Chưa Bật", user="other")  # never opted in
        gone = await add_person(app, Role.MEDIATOR, name="Đã Nghỉ", user="gone")
        await _opt_in(app, "lan")
        await _opt_in(app, "gone")
        await _sql(app, "UPDATE people SET status = ? WHERE id = ?", PersonStatus.LEFT.value, gone.id)
        assert await _run(app, clock, bank) == 1
        assert await _run(app, clock, bank) == 0  # the next scheduler tick
        [(key, text)] = await _queued(app, lan.id)
        assert key == f"weekly-q:{lan.id}:{WEEK}"
        assert "📅 Câu hỏi ôn tập tuần này" in text

    async with opened(tmp_path, clock) as app:  # restart: the catch-up run sends nothing again
        clock.advance(days=2)
        assert await _run(app, clock, bank) == 0
        assert await count(app, "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'weekly-q:%'") == 1
        # Old outbox rows purged: the week noted in training_prefs still stops a second question.
        await _sql(app, "DELETE FROM outbox")
        assert await _run(app, clock, bank) == 0

        clock.advance(days=4)  # Monday 16 March, 10:00: a new week
        assert await _run(app, clock, bank) == 1
        keys = [k for k, _ in await _queued(app, lan.id)]
        assert keys == [f"weekly-q:{lan.id}:2026-W12"]


async def test_waits_for_the_morning_and_for_a_reachable_chat(tmp_path: Path, bank: Bank) -> None:
    clock = Clock()
    async with opened(tmp_path, clock) as app:
        lan = await add_person(app, Role.MEDIATOR, name="Hoàng Thị Lan", user="lan")
        await _opt_in(app, "lan")
        clock.advance(days=6, hours=-4.5)  # Monday 16 March, 05:30 local: before 07:30
        assert await _run(app, clock, bank) == 0
        await _sql(app, "UPDATE identities SET unreachable = 1 WHERE person_id = ?", lan.id)
        clock.advance(hours=3)
        assert await _run(app, clock, bank) == 0  # blocked the bot: tried again later
        await _sql(app, "UPDATE identities SET unreachable = 0 WHERE person_id = ?", lan.id)
        assert await _run(app, clock, bank) == 1


async def test_typed_answer_gets_feedback_after_restart(tmp_path: Path, bank: Bank) -> None:
    clock = Clock()
    async with opened(tmp_path, clock) as app:
        app.training = bank
        lan = await add_person(app, Role.MEDIATOR, name="Hoàng Thị Lan", user="lan")
        await _opt_in(app, "lan")
        clock.advance(minutes=1)
        assert await _run(app, clock, bank) == 1
        row = await app.db.fetchone(
            "SELECT pending_question FROM training_prefs WHERE person_id = ?", (lan.id,)
        )
        assert row is not None
        question = bank.questions[row[0]]

    async with opened(tmp_path, clock) as app:
        app.training = bank
        clock.advance(hours=5)
        chat = Chat(app, "lan")
        wrong = (question.answer + 1) % len(question.options)
        reply = await chat(str(wrong + 1))  # the number shown in the numbered list
        assert f"❌ Chưa đúng. Đáp án đúng là {question.answer_letter}." in reply
        assert question.explain in reply and f"📌 Căn cứ: {question.ref}" in reply
        assert "Tuần sau sẽ có câu hỏi mới" in reply
        rows = await app.db.fetchall("SELECT question_id, lesson_id, chosen, correct FROM quiz_answers")
        assert [tuple(r) for r in rows] == [(question.id, None, wrong, 0)]
        # Answered: the same letter is no longer read as the weekly question's answer.
        assert "Chưa đúng" not in await chat(question.answer_letter)
        assert await count(app, "SELECT COUNT(*) FROM quiz_answers") == 1


async def test_letter_and_option_text_are_accepted(tmp_path: Path, bank: Bank) -> None:
    clock = Clock()
    async with opened(tmp_path, clock) as app:
        app.training = bank
        for user in ("a", "b"):
            await add_person(app, Role.MEDIATOR, name=f"Người {user}", user=user)
            await _opt_in(app, user)
        clock.advance(minutes=1)
        assert await _run(app, clock, bank) == 2
        pending = dict(
            tuple(r) for r in await app.db.fetchall("SELECT person_id, pending_question FROM training_prefs")
        )
        first, second = (bank.questions[q] for _, q in sorted(pending.items()))
        assert "✅ Đúng!" in await Chat(app, "a")(first.answer_letter.lower())
        assert "✅ Đúng!" in await Chat(app, "b")(second.options[second.answer].upper())


async def test_button_answers_and_a_stale_button_is_explained(tmp_path: Path, bank: Bank) -> None:
    async with _lan_with_her_question(tmp_path, bank) as (app, _clock, chat):
        rows = await app.db.fetchall("SELECT payload FROM outbox WHERE dedupe_key LIKE 'weekly-q:%'")
        sent = outbox.decode_reply(rows[0]["payload"])
        qid, _ = weekly_question.read_button(sent.choices[0].value) or ("", 0)
        question = bank.questions[qid]
        right = sent.choices[question.answer].value
        assert "✅ Đúng!" in await chat.press(right)
        assert "đã qua hoặc bạn đã trả lời rồi" in await chat.press(right)
        assert await count(app, "SELECT COUNT(*) FROM quiz_answers") == 1


async def test_a_number_inside_a_flow_stays_with_the_flow(tmp_path: Path, bank: Bank) -> None:
    async with _lan_with_her_question(tmp_path, bank) as (app, _clock, chat):
        home = await chat("/hoc")
        assert "Trả lời câu hỏi tuần này" in home
        lesson = await chat("1")  # «Học bài tiếp»: the flow's first choice, not option A
        assert "Bài một" in lesson
        assert await count(app, "SELECT COUNT(*) FROM quiz_answers") == 0
        # From /hoc the weekly question can still be answered.
        await chat("/hoc")
        shown = await chat("Trả lời câu hỏi tuần này")
        assert "📅 Câu hỏi ôn tập tuần này" in shown
        row = await app.db.fetchone("SELECT pending_question FROM training_prefs")
        assert row is not None
        question = bank.questions[row[0]]
        done = await chat(question.answer_letter)
        assert "✅ Đúng!" in done and "Tự học: đã xong" in done
        assert "Trả lời câu hỏi tuần này" not in done


async def test_switching_off_stops_the_question_and_its_pending_answer(tmp_path: Path, bank: Bank) -> None:
    async with _lan_with_her_question(tmp_path, bank) as (app, clock, chat):
        await chat("/hoc")
        assert "Đã tắt" in await chat("Tắt câu hỏi hằng tuần")
        await chat("hủy")
        assert "Đúng" not in await chat("A")
        clock.advance(days=7)
        assert await _run(app, clock, bank) == 0


def test_choice_prefers_unseen_then_missed_and_is_stable() -> None:
    ids = ["q-1", "q-2", "q-3"]
    assert choose_weekly(ids, {"q-1": True, "q-2": True}, 7, WEEK) == "q-3"
    assert choose_weekly(ids, {"q-1": True, "q-2": False, "q-3": True}, 7, WEEK) == "q-2"
    assert choose_weekly(ids, {q: True for q in ids}, 7, WEEK) in ids
    assert choose_weekly(ids, {}, 7, WEEK) == choose_weekly(ids, {}, 7, WEEK)
    assert choose_weekly([], {}, 7, WEEK) is None
    assert {choose_weekly(ids, {}, p, WEEK) for p in range(20)} == set(ids)


def test_iso_week_of_a_year_boundary() -> None:
    from datetime import date

    assert iso_week(date(2026, 3, 10)) == WEEK
    assert iso_week(date(2027, 1, 1)) == "2026-W53"


def test_every_real_question_fits_a_telegram_button() -> None:
    # Telegram's callback data holds 64 bytes; a longer value would become "#n", which only
    # resolves against a session's offered choices — and an outbox message has no session.
    from bot.kb.cli import default_knowledge
    from bot.training.content import load_bank

    real = load_bank(default_knowledge() / "training")
    longest = max(
        len(weekly_question.button_value(q, len(q.options) - 1).encode()) for q in real.questions.values()
    )
    assert longest <= 64


async def test_a_menu_left_open_before_the_question_does_not_take_the_answer(
    tmp_path: Path, bank: Bank
) -> None:
    clock = Clock()
    async with opened(tmp_path, clock) as app:
        app.training = bank
        await add_person(app, Role.MEDIATOR, name="Hoàng Thị Lan", user="lan")
        chat = await _opt_in(app, "lan")
        await chat("menu")  # an ephemeral flow, left open
        clock.advance(minutes=1)
        await _run(app, clock, bank)
        assert "Tuần sau sẽ có câu hỏi mới" in await chat("1")

        clock.advance(days=7)  # next week: the menu is opened after the question arrives
        await _run(app, clock, bank)
        clock.advance(minutes=1)
        await chat("menu")
        assert "Tuần sau sẽ có câu hỏi mới" not in await chat("1")
        assert await count(app, "SELECT COUNT(*) FROM quiz_answers") == 1


async def test_the_running_scheduler_queues_it_and_settings_can_switch_it_off(
    tmp_path: Path, bank: Bank
) -> None:
    import asyncio

    from bot.workers.scheduler import run_scheduler, weekly_enabled
    from tests.flows.support import settings_for

    clock = Clock()
    async with opened(tmp_path, clock) as app:
        app.training = bank
        await add_person(app, Role.MEDIATOR, name="Hoàng Thị Lan", user="lan")
        await _opt_in(app, "lan")
        clock.advance(minutes=1)
        stop = asyncio.Event()
        task = asyncio.create_task(run_scheduler(app, app.settings, stop, clock, progress_seconds=0.01))
        for _ in range(200):
            if await count(app, "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'weekly-q:%'"):
                break
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(task, 2)
        assert await count(app, "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'weekly-q:%'") == 1

    off = settings_for(tmp_path).model_copy(update={"reminders_disabled": "stale_case, weekly_question"})
    assert weekly_enabled(settings_for(tmp_path)) and not weekly_enabled(off)
    async with opened(tmp_path, clock) as app:
        clock.advance(days=7)
        assert (await run_once(app.db, off, clock.now, bank=bank)).weekly_questions == 0
        assert (await run_once(app.db, app.settings, clock.now, bank=bank)).weekly_questions == 1
