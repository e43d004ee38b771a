"""Matching a typed or pressed answer to the offered choices."""

from __future__ import annotations

import pytest

from bot.conversation.choices import match_choice, numbered
from bot.conversation.messages import Choice
from bot.domain.enums import FIELD_LABELS, CaseField
from bot.texts import common as t
from tests.conftest import ASK_OUTCOME, ASK_PARTIES, OUTCOMES, PROMPTS, Chat, snapshot

THANH, KHONG_THANH, DANG = OUTCOMES


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1", THANH),
        ("2", KHONG_THANH),
        ("3", DANG),
        (" 2 ", KHONG_THANH),
        ("2.", KHONG_THANH),
        ("số 3", DANG),
        ("Hòa giải thành", THANH),
        ("Hòa giải không thành", KHONG_THANH),
        ("Hoà giải thành", THANH),  # the other tone placement
        ("HÒA GIẢI THÀNH", THANH),
        ("hoa giai thanh", THANH),
        ("hoa giai khong thanh", KHONG_THANH),
        ("dang hoa giai", DANG),
        ("  hoa   giai   thanh  ", THANH),
        ("Hoa giai thahn", THANH),  # one transposition
        ("hoa giai thnh", THANH),  # one letter missing
        ("hoa giai khong thamh", KHONG_THANH),  # one letter wrong
        ("dang hoa giao", DANG),
        ("thanh", THANH),  # the value
        ("khong_thanh", KHONG_THANH),
        ("dang", DANG),
        ("khong thanh", KHONG_THANH),  # words found in exactly one label
        ("Hòa giải không", KHONG_THANH),  # the start of exactly one label
    ],
)
def test_match_choice_accepts(typed: str, expected: Choice) -> None:
    assert match_choice(typed, OUTCOMES) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "0",
        "4",
        "99",
        "-1",
        "xyz",
        "hòa giải",
        "giai",
        "hoa giai",
        "ok",
        "abc def ghi",
        "1 2",
        "?",
        "không",  # one word from the middle of a label is not enough
    ],
)
def test_match_choice_refuses(typed: str) -> None:
    assert match_choice(typed, OUTCOMES) is None


FIELDS = [Choice(label, str(field)) for field, label in FIELD_LABELS.items()]


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ("dat", CaseField.DAT_DAI),  # a whole first word of three letters is enough
        ("Đất", CaseField.DAT_DAI),
        ("hon nhan", CaseField.HON_NHAN_GIA_DINH),
        ("dan su", CaseField.DAN_SU_KHAC),
        ("mau thuan", CaseField.SINH_HOAT_CONG_DONG),
    ],
)
def test_first_words_of_a_field_label(typed: str, field: CaseField) -> None:
    found = match_choice(typed, FIELDS)
    assert found is not None and found.value == str(field)


@pytest.mark.parametrize("typed", ["vi", "da", "su"])
def test_two_letters_are_too_few(typed: str) -> None:
    assert match_choice(typed, FIELDS) is None


def test_match_choice_without_choices() -> None:
    assert match_choice("1", []) is None


def test_ambiguous_typo_is_refused() -> None:
    # Equally close to two labels: guessing would record the wrong answer.
    choices = [Choice("Hòa giải thành", "a"), Choice("Hòa giải thanh", "b")]
    assert match_choice("hoa giai thamh", choices) is None


def test_label_with_emoji_prefix() -> None:
    choices = [Choice("✅ Đồng ý", "yes"), Choice("✖️ Hủy", "no")]
    assert match_choice("dong y", choices) == choices[0]
    assert match_choice("Hủy", choices) == choices[1]
    assert match_choice("2", choices) == choices[1]


def test_numbered() -> None:
    assert numbered(OUTCOMES) == "1. Hòa giải thành\n2. Hòa giải không thành\n3. Đang hòa giải"


# -- through the engine ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1", "thanh"),
        ("Hòa giải thành", "thanh"),
        ("hoa giai thanh", "thanh"),
        ("Hoa giai thahn", "thanh"),
        ("hoa giai khong thanh", "khong_thanh"),
        ("3", "dang"),
        ("dang", "dang"),
    ],
)
async def test_engine_accepts_typed_choice(chat: Chat, typed: str, value: str) -> None:
    await chat.go_to("outcome")
    replies = await chat.send(typed)
    assert [r.text for r in replies] == [ASK_PARTIES]
    session = await chat.session()
    assert session is not None
    assert (session.step, session.data["outcome"]) == ("parties", value)


@pytest.mark.parametrize("typed", ["xyz", "4", "hoa giai", "chưa biết"])
async def test_engine_reprompts_nonsense_with_the_options(chat: Chat, typed: str) -> None:
    await chat.go_to("outcome")
    before = snapshot(await chat.session())
    replies = await chat.send(typed)
    assert len(replies) == 1
    expected_error = t.NOT_A_CHOICE.format(answer=typed)
    assert replies[0].text == f"{expected_error}\n\n{ASK_OUTCOME}"
    assert replies[0].choices == OUTCOMES
    assert snapshot(await chat.session()) == before


@pytest.mark.parametrize(("pressed", "value"), [("thanh", "thanh"), ("dang", "dang"), ("#2", "khong_thanh")])
async def test_engine_accepts_pressed_button(chat: Chat, pressed: str, value: str) -> None:
    await chat.go_to("outcome")
    replies = await chat.press(pressed)
    assert [r.text for r in replies] == [ASK_PARTIES]
    session = await chat.session()
    assert session is not None and session.data["outcome"] == value


@pytest.mark.parametrize("pressed", ["old-value", "#9", "#0", "Hòa giải thành", "1"])
async def test_engine_refuses_stale_button(chat: Chat, pressed: str) -> None:
    # A button carries a value, never a label or a bare number: anything else is from an old message.
    await chat.go_to("outcome")
    before = snapshot(await chat.session())
    replies = await chat.press(pressed)
    assert replies[0].text == f"{t.STALE_BUTTON}\n\n{ASK_OUTCOME}"
    assert snapshot(await chat.session()) == before


async def test_button_outside_a_flow(chat: Chat) -> None:
    replies = await chat.press("thanh")
    assert [r.text for r in replies] == [t.STALE_BUTTON_IDLE]
    assert await chat.session() is None


@pytest.mark.parametrize("step", ["name", "parties"])
async def test_button_at_a_typing_step_is_not_taken_as_the_answer(chat: Chat, step: str) -> None:
    # The step offers no buttons; an old button's value must not become the typed answer.
    await chat.go_to(step)
    before = snapshot(await chat.session())
    replies = await chat.press("3")
    assert replies[0].text == f"{t.STALE_BUTTON}\n\n{PROMPTS[step]}"
    assert snapshot(await chat.session()) == before


def test_typed_number_is_the_position_never_an_id() -> None:
    # Cases listed newest first: the ids run opposite to the positions the user sees.
    listed = [Choice("HG-2026-00002", "2"), Choice("HG-2026-00001", "1")]
    assert match_choice("1", listed) == listed[0]
    assert match_choice("2", listed) == listed[1]
    assert match_choice("3", listed) is None


def test_an_id_typed_as_text_is_not_matched() -> None:
    listed = [Choice("Nguyễn Văn An", "417"), Choice("Lò Thị Bình", "52")]
    assert match_choice("417", listed) is None
    assert match_choice("go:approve:52", listed) is None
