"""Global commands work from any step, typed with or without diacritics, or as /commands."""

from __future__ import annotations

import pytest

from bot.conversation.messages import Reply
from bot.runtime import App
from bot.texts import common as t
from tests.conftest import (
    ASK_NAME,
    ASK_OUTCOME,
    FLOW_NAME,
    FLOW_TITLE,
    OUTCOMES,
    PROMPTS,
    STEPS,
    Chat,
    snapshot,
)

CANCEL = ["huy", "hủy", "Huỷ", "HỦY", "hủy!", "huy bo", "/huy", "/cancel"]
BACK = ["quay lai", "quay lại", "Quay lại.", "QUAY LAI", "/quaylai", "/back"]
MENU = ["menu", "Menu", "MENU", "/menu", "danh mục"]
HELP = ["tro giup", "trợ giúp", "Trợ giúp?", "giúp", "/trogiup", "/help"]


def _prompt_texts(step: str) -> tuple[str, list[object]]:
    return PROMPTS[step], list(OUTCOMES) if step == "outcome" else []


async def _fresh_menu(app: App) -> list[Reply]:
    """What a chat with nothing in progress gets for «menu» (the menu itself)."""
    return await Chat(app, "menu-reference").send("menu")


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("word", CANCEL)
async def test_cancel_from_any_step(chat: Chat, step: str, word: str) -> None:
    await chat.go_to(step)
    replies = await chat.send(word)
    assert [r.text for r in replies] == [t.CANCELLED.format(title=FLOW_TITLE)]
    assert await chat.session() is None
    assert await chat.records() == []


@pytest.mark.parametrize("word", ["huy", "/huy", "quay lai"])
async def test_cancel_or_back_with_nothing_in_progress(chat: Chat, word: str) -> None:
    replies = await chat.send(word)
    assert [r.text for r in replies] == [t.NOTHING_TO_CANCEL]
    assert await chat.session() is None


@pytest.mark.parametrize("word", BACK)
async def test_back_at_the_first_step(chat: Chat, word: str) -> None:
    await chat.go_to("name")
    before = snapshot(await chat.session())
    replies = await chat.send(word)
    assert [r.text for r in replies] == [f"{t.NO_PREVIOUS_STEP}\n\n{ASK_NAME}"]
    assert snapshot(await chat.session()) == before


@pytest.mark.parametrize(("step", "previous"), [("outcome", "name"), ("parties", "outcome")])
@pytest.mark.parametrize("word", BACK)
async def test_back_returns_to_the_previous_step(chat: Chat, step: str, previous: str, word: str) -> None:
    await chat.go_to(step, name="Vụ cần sửa")
    replies = await chat.send(word)
    assert len(replies) == 1
    text, choices = _prompt_texts(previous)
    assert (replies[0].text, replies[0].choices) == (text, choices)
    session = await chat.session()
    assert session is not None
    assert session.step == previous
    assert session.history == list(STEPS[: STEPS.index(previous)])
    assert session.data["name"] == "Vụ cần sửa"  # answers so far are kept for editing


async def test_back_then_a_new_answer_replaces_the_old_one(chat: Chat) -> None:
    await chat.go_to("parties", name="Tên cũ")
    await chat.send("quay lại")
    await chat.send("quay lại")
    await chat.send("Tên mới")
    await chat.send("2")
    await chat.send("5")
    assert await chat.records() == [("Tên mới", "khong_thanh", 5)]


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("word", MENU)
async def test_menu_from_any_step(app: App, chat: Chat, step: str, word: str) -> None:
    await chat.go_to(step)
    before = snapshot(await chat.session())
    replies = await chat.send(word)
    [menu] = await _fresh_menu(app)
    # The menu, with the unfinished flow kept as its first choice.
    assert len(replies) == 1 and replies[0].text == menu.text
    assert replies[0].choices[0].label == t.RESUME_FLOW.format(title=FLOW_TITLE)
    assert replies[0].choices[1:] == menu.choices
    session = await chat.session()
    assert session is not None and session.flow == "menu"
    # Picking «Tiếp tục» returns to the same step with the same data.
    await chat.send("1")
    assert snapshot(await chat.session()) == before


@pytest.mark.parametrize("word", MENU)
async def test_menu_then_another_item_drops_the_unfinished_flow(app: App, chat: Chat, word: str) -> None:
    await chat.go_to(STEPS[-1])
    await chat.send(word)
    replies = await chat.send("2")  # the first real menu item, after «Tiếp tục»
    assert replies[0].text == t.STOPPED_FOR_MENU.format(title=FLOW_TITLE)
    session = await chat.session()
    assert session is None or session.flow != "thu"


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("word", HELP)
async def test_help_from_any_step_keeps_the_place(chat: Chat, step: str, word: str) -> None:
    await chat.go_to(step)
    before = snapshot(await chat.session())
    replies = await chat.send(word)
    text, choices = _prompt_texts(step)
    assert len(replies) == 1
    assert (replies[0].text, replies[0].choices) == (f"{t.HELP}\n\n{text}", choices)
    assert snapshot(await chat.session()) == before


async def test_help_with_nothing_in_progress(chat: Chat) -> None:
    assert [r.text for r in await chat.send("trợ giúp")] == [t.HELP]
    assert await chat.session() is None


@pytest.mark.parametrize(
    ("step", "answer"),
    [("name", "tôi muốn hủy hợp đồng"), ("name", "menu cơm trưa"), ("name", "quay lại nhà cũ")],
)
async def test_command_words_inside_an_answer_are_not_commands(chat: Chat, step: str, answer: str) -> None:
    await chat.go_to(step)
    replies = await chat.send(answer)
    assert [r.text for r in replies] == [ASK_OUTCOME]
    session = await chat.session()
    assert session is not None and session.data["name"] == answer


async def test_flow_command_restarts_the_flow(chat: Chat) -> None:
    await chat.go_to("parties")
    replies = await chat.send("/thu")
    assert [r.text for r in replies] == [t.STOPPED_FOR_MENU.format(title=FLOW_TITLE), ASK_NAME]
    session = await chat.session()
    assert session is not None
    assert (session.flow, session.step, session.history) == (FLOW_NAME, "name", [])


@pytest.mark.parametrize("step", STEPS)
async def test_unknown_slash_command_keeps_the_place(chat: Chat, step: str) -> None:
    await chat.go_to(step)
    before = snapshot(await chat.session())
    replies = await chat.send("/khongco")
    text, _ = _prompt_texts(step)
    assert replies[0].text == f"{t.UNKNOWN_COMMAND.format(command='/khongco')}\n\n{text}"
    assert snapshot(await chat.session()) == before
