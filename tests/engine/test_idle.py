"""Sessions left idle: a guided flow asks "continue or cancel?", ephemeral ones are dropped."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.conversation.messages import Choice
from bot.runtime import App
from bot.texts import common as t
from bot.texts import menu as tm
from tests.conftest import (
    ASK_OUTCOME,
    ASK_PARTIES,
    FLOW_TITLE,
    OUTCOMES,
    Chat,
    FakeClock,
    open_test_app,
    snapshot,
)

RESUME_CHOICES = [Choice(t.RESUME_CONTINUE, "resume"), Choice(t.RESUME_CANCEL, "drop")]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def clocked_app(settings: Settings, clock: FakeClock) -> AsyncIterator[App]:
    async with open_test_app(settings, clock=clock) as app:
        yield app


@pytest.fixture
def idle_minutes(settings: Settings) -> int:
    return settings.session_idle_minutes


async def _idle_at_outcome(app: App, clock: FakeClock, minutes: float) -> Chat:
    chat = Chat(app, "idle")
    await chat.go_to("outcome", name="Tranh chấp nước tưới")
    clock.advance(minutes=minutes)
    return chat


async def test_within_the_limit_the_answer_is_taken(
    clocked_app: App, clock: FakeClock, idle_minutes: int
) -> None:
    chat = await _idle_at_outcome(clocked_app, clock, idle_minutes - 1)
    assert [r.text for r in await chat.send("1")] == [ASK_PARTIES]


async def test_idle_flow_asks_to_continue_or_cancel(
    clocked_app: App, clock: FakeClock, idle_minutes: int
) -> None:
    chat = await _idle_at_outcome(clocked_app, clock, idle_minutes + 1)
    before = await chat.session()

    replies = await chat.send("1")

    assert len(replies) == 1
    assert replies[0].text == t.RESUME_QUESTION.format(title=FLOW_TITLE)
    assert replies[0].text.startswith("Bạn đang làm dở «") and replies[0].text.endswith("Tiếp tục hay hủy?")
    assert replies[0].choices == RESUME_CHOICES
    session = await chat.session()
    assert session is not None and before is not None
    # The "1" was not taken as the answer: same step, same answers, now paused.
    assert (session.flow, session.step, session.history, session.paused) == (
        before.flow,
        before.step,
        before.history,
        True,
    )
    assert "outcome" not in session.data and session.data["name"] == "Tranh chấp nước tưới"


@pytest.mark.parametrize(
    "answer", ["tiep tuc", "Tiếp tục", "1", "resume", "tiếp", "tt", "TT", "lam tiep", "làm tiếp nhé"]
)
async def test_continue_resumes_at_the_same_step(
    clocked_app: App, clock: FakeClock, idle_minutes: int, answer: str
) -> None:
    chat = await _idle_at_outcome(clocked_app, clock, idle_minutes * 3)
    before = snapshot(await chat.session())
    await chat.send("2")

    replies = await chat.send(answer)

    assert [(r.text, r.choices) for r in replies] == [(ASK_OUTCOME, OUTCOMES)]
    assert snapshot(await chat.session()) == before
    # … and the flow goes on from there.
    assert [r.text for r in await chat.send("2")] == [ASK_PARTIES]
    session = await chat.session()
    assert session is not None and session.data["outcome"] == "khong_thanh"


async def test_continue_by_button(clocked_app: App, clock: FakeClock, idle_minutes: int) -> None:
    chat = await _idle_at_outcome(clocked_app, clock, idle_minutes + 1)
    await chat.send("xin chào")
    replies = await chat.press("resume")
    # A pressed resume button is a choice value, not typed text: it resumes too.
    assert [r.text for r in replies] == [ASK_OUTCOME]


@pytest.mark.parametrize("answer", ["huy", "hủy", "2", "/huy", "thoi", "thôi", "bo", "bỏ", "bỏ đi"])
async def test_cancel_drops_the_idle_flow(
    clocked_app: App, clock: FakeClock, idle_minutes: int, answer: str
) -> None:
    chat = await _idle_at_outcome(clocked_app, clock, idle_minutes + 1)
    await chat.send("1")
    replies = await chat.send(answer)
    assert [r.text for r in replies] == [t.CANCELLED.format(title=FLOW_TITLE)]
    assert await chat.session() is None


async def test_other_answer_repeats_the_question(
    clocked_app: App, clock: FakeClock, idle_minutes: int
) -> None:
    chat = await _idle_at_outcome(clocked_app, clock, idle_minutes + 1)
    await chat.send("1")
    paused = snapshot(await chat.session())
    replies = await chat.send("Hòa giải thành")
    assert [(r.text, r.choices) for r in replies] == [(t.RESUME_REPEAT, RESUME_CHOICES)]
    assert snapshot(await chat.session()) == paused


@pytest.mark.parametrize("answer", ["có", "không", "ko", "ok"])
async def test_an_answer_that_could_mean_either_repeats_the_two_options(
    clocked_app: App, clock: FakeClock, idle_minutes: int, answer: str
) -> None:
    chat = await _idle_at_outcome(clocked_app, clock, idle_minutes + 1)
    await chat.send("1")
    replies = await chat.send(answer)  # «có» after "continue or cancel?" says neither
    assert [(r.text, r.choices) for r in replies] == [(t.RESUME_REPEAT, RESUME_CHOICES)]


async def test_paused_state_survives_restart(settings: Settings, clock: FakeClock, idle_minutes: int) -> None:
    async with open_test_app(settings, clock=clock) as app:
        chat = await _idle_at_outcome(app, clock, idle_minutes + 1)
        await chat.send("1")
    async with open_test_app(settings, clock=clock) as app:
        chat = Chat(app, "idle")
        assert [r.text for r in await chat.send("tiep tuc")] == [ASK_OUTCOME]


async def test_idle_menu_is_dropped_silently(clocked_app: App, clock: FakeClock, idle_minutes: int) -> None:
    chat = Chat(clocked_app, "idle-menu")
    await chat.send("menu")
    clock.advance(minutes=idle_minutes + 1)

    replies = await chat.send("1")

    # Not asked to resume, and "1" is not read as the first menu item any more: it is a question.
    texts = [r.text for r in replies]
    assert all(not text.startswith("Bạn đang làm dở") for text in texts)
    assert texts == [tm.KB_UNAVAILABLE]
    session = await chat.session()
    assert session is not None and session.flow == "ask" and not session.paused


async def test_idle_ask_flow_is_dropped_silently(
    clocked_app: App, clock: FakeClock, idle_minutes: int
) -> None:
    chat = Chat(clocked_app, "idle-ask")
    assert [r.text for r in await chat.send("/hoidap")] == [tm.ASK_PROMPT]
    clock.advance(minutes=idle_minutes + 1)

    replies = await chat.send("hòa giải viên là ai")

    assert [r.text for r in replies] == [tm.KB_UNAVAILABLE]
    session = await chat.session()
    assert session is not None and session.flow == "ask" and session.step == "followup"
    assert session.data["q"] == "hòa giải viên là ai"


async def test_idle_limit_follows_the_setting(settings: Settings, clock: FakeClock) -> None:
    short = settings.model_copy(update={"session_idle_minutes": 5})
    async with open_test_app(short, clock=clock) as app:
        chat = Chat(app, "short")
        await chat.go_to("outcome")
        clock.advance(minutes=6)
        assert [r.text for r in await chat.send("1")] == [t.RESUME_QUESTION.format(title=FLOW_TITLE)]
