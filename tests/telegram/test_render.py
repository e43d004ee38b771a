"""Planning of Telegram messages: splitting, keyboards, callback data."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.channels.telegram.render import (
    callback_data,
    inline_keyboard,
    plan,
    pressed_label,
    split_text,
    utf16_len,
)
from bot.conversation.messages import Choice, Reply
from bot.texts import telegram as tt

_WS = re.compile(r"\s+")

paragraphs = st.lists(
    st.text(alphabet=st.sampled_from("aăâbđeêhoôơuưyạảấỳ .!?\n😀"), min_size=0, max_size=300), max_size=12
).map("\n\n".join)


@settings(max_examples=200, deadline=None)
@given(text=paragraphs, limit=st.integers(min_value=20, max_value=400))
def test_split_keeps_every_character_within_the_limit(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(chunk and chunk.strip() == chunk for chunk in chunks)
    assert all(utf16_len(chunk) <= limit for chunk in chunks)
    assert _WS.sub("", "".join(chunks)) == _WS.sub("", text)


def test_split_prefers_paragraphs_then_sentences() -> None:
    first = "Điều 1. " + "Phạm vi điều chỉnh của luật. " * 20
    second = "Điều 2. Đối tượng áp dụng."
    assert split_text(f"{first}\n\n{second}", limit=len(first) + 10) == [first.strip(), second]
    sentences = "Câu một rất dài. " * 10
    chunks = split_text(sentences, limit=60)
    assert all(chunk.endswith(".") for chunk in chunks)


def test_split_counts_emoji_as_two_units() -> None:
    text = "😀" * 10
    chunks = split_text(text, limit=8)
    assert [len(c) for c in chunks] == [4, 4, 2]


def test_split_of_blank_text_is_nothing() -> None:
    assert split_text("  \n\n ") == []


def test_callback_data_is_the_value_or_the_position() -> None:
    assert callback_data(Choice("A", "ask"), 1) == "ask"
    assert callback_data(Choice("A", "x" * 64), 3) == "x" * 64
    assert callback_data(Choice("A", "đ" * 33), 2) == "#2"  # 66 bytes
    assert callback_data(Choice("A", ""), 4) == "#4"  # Telegram refuses empty data


def test_inline_keyboard_rows_follow_columns() -> None:
    choices = [Choice(str(n), f"v{n}") for n in range(5)]
    keyboard = inline_keyboard(choices, columns=2)
    assert [[b.text for b in row] for row in keyboard.inline_keyboard] == [["0", "1"], ["2", "3"], ["4"]]
    assert pressed_label(keyboard, "v3") == "3"
    assert pressed_label(keyboard, "zzz") is None


def test_plan_puts_the_keyboard_on_the_last_part() -> None:
    reply = Reply("Mở đầu.\n\n" + "x" * 5000, choices=[Choice("Có", "yes")])
    messages = plan(reply)
    assert len(messages) == 3
    assert [m.markup is None for m in messages] == [True, True, False]
    assert isinstance(messages[-1].markup, InlineKeyboardMarkup)


def test_plan_phone_request_offers_choices_as_typed_buttons() -> None:
    [message] = plan(Reply("Số điện thoại?", choices=[Choice("Bỏ qua", "skip")], request_phone=True))
    assert isinstance(message.markup, ReplyKeyboardMarkup)
    rows = message.markup.keyboard
    assert rows[0][0].text == tt.SHARE_PHONE and rows[0][0].request_contact
    assert rows[1][0].text == "Bỏ qua"


def test_plan_removal_is_split_off_when_buttons_need_the_message() -> None:
    reply = Reply("Đã lưu số.\n\nBước tiếp theo?", choices=[Choice("Có", "yes")], remove_keyboard=True)
    first, second = plan(reply)
    assert (first.text, second.text) == ("Đã lưu số.", "Bước tiếp theo?")
    assert isinstance(first.markup, ReplyKeyboardRemove)
    assert isinstance(second.markup, InlineKeyboardMarkup)
    [only] = plan(Reply("Đã lưu số.", remove_keyboard=True))
    assert isinstance(only.markup, ReplyKeyboardRemove)


def test_plan_buttons_without_text_get_a_prompt() -> None:
    [message] = plan(Reply("", choices=[Choice("Có", "yes")]))
    assert message.text == tt.CHOOSE
    assert plan(Reply("   ")) == []
