"""Bad input at any step: a clear Vietnamese message, never an exception, the session intact."""

from __future__ import annotations

import asyncio
import itertools
import re
from contextlib import AsyncExitStack

import pytest
from hypothesis import HealthCheck, assume, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from bot.config import Settings
from bot.conversation.choices import match_choice
from bot.conversation.engine import MAX_INPUT_CHARS, parse_command
from bot.conversation.flow import Invalid
from bot.conversation.messages import Reply
from bot.domain.vntext import clean_input
from bot.runtime import App
from bot.texts import common as t
from tests.conftest import (
    BAD_NAME,
    BAD_PARTIES,
    DONE,
    OUTCOMES,
    PROMPTS,
    STEPS,
    Chat,
    open_test_app,
    outcome_label,
    parse_name,
    parse_parties,
    snapshot,
)

INVALID_UTF8 = b"\xff\xfe\xc3(\xa0\xa1".decode("utf-8", "surrogateescape")
CONTROL_ONLY = "\x00\x01\x07\x1b\x1f\x7f\u200b\u202e\ufeff"
EMOJI = "😀🙏🏽"
LONG = "x" * 10_000

# (input, expected error at the name step, at the outcome step, at the parties step)
BAD_INPUTS: list[tuple[str, str, str, str, str]] = [
    ("empty", "", t.EMPTY_ANSWER, t.NOT_A_CHOICE_EMPTY, t.EMPTY_ANSWER),
    ("whitespace", "  \t \n  ", t.EMPTY_ANSWER, t.NOT_A_CHOICE_EMPTY, t.EMPTY_ANSWER),
    ("control", CONTROL_ONLY, t.EMPTY_ANSWER, t.NOT_A_CHOICE_EMPTY, t.EMPTY_ANSWER),
    ("surrogate", "\ud800", t.EMPTY_ANSWER, t.NOT_A_CHOICE_EMPTY, t.EMPTY_ANSWER),
    ("surrogates", "\udfff\ud800\udc00", t.EMPTY_ANSWER, t.NOT_A_CHOICE_EMPTY, t.EMPTY_ANSWER),
    ("emoji", EMOJI, BAD_NAME, t.NOT_A_CHOICE.format(answer=EMOJI), BAD_PARTIES),
    ("invalid-utf8", INVALID_UTF8, BAD_NAME, t.NOT_A_CHOICE.format(answer="("), BAD_PARTIES),
    *(
        (name, text, error, error, error)
        for name, text, error in [
            ("10000-chars", LONG, t.TOO_LONG.format(length=10_000, limit=MAX_INPUT_CHARS)),
            ("10000-emoji", "😀" * 10_000, t.TOO_LONG.format(length=10_000, limit=MAX_INPUT_CHARS)),
        ]
    ),
]

_chat_numbers = itertools.count()


def _question(step: str) -> str:
    return PROMPTS[step]


@pytest.mark.parametrize("step_index", [0, 1, 2], ids=list(STEPS))
@pytest.mark.parametrize("case", BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
async def test_bad_input_is_refused_with_a_message(
    app: App, case: tuple[str, str, str, str, str], step_index: int
) -> None:
    _, text, *errors = case
    step = STEPS[step_index]
    chat = Chat(app, f"bad-{step}")
    await chat.go_to(step)
    before = snapshot(await chat.session())

    replies = await chat.send(text)

    assert len(replies) == 1
    assert replies[0].text == f"{errors[step_index]}\n\n{_question(step)}"
    assert replies[0].choices == (OUTCOMES if step == "outcome" else [])
    assert snapshot(await chat.session()) == before
    # … and the step still takes a good answer afterwards.
    good = {"name": "Tranh chấp", "outcome": "1", "parties": "2"}[step]
    assert (await chat.send(good))[0].text != replies[0].text


# -- property: arbitrary text at every step ---------------------------------------------------------

_any_char = st.one_of(
    st.characters(codec=None, exclude_categories=()),  # every category, surrogates included
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates, often
    st.sampled_from("\x00\x1b\u200b\ufeff \t\n0123456789"),
)
_answers = st.sampled_from(["1", "2", "3", "4", "hoa giai thanh", "Đang hòa giải", "21", "7", "a"])
ARBITRARY_TEXT = st.one_of(
    st.text(_any_char, max_size=60),
    st.binary(max_size=40).map(lambda raw: raw.decode("utf-8", "surrogateescape")),
    st.tuples(st.text(_any_char, max_size=3), _answers, st.text(_any_char, max_size=3)).map("".join),
    st.text(_any_char, min_size=1, max_size=3).map(lambda s: s * 2_000),  # 2,000–6,000 chars
)


def _template(message: str) -> re.Pattern[str]:
    """A pattern for a message from bot/texts with its {placeholders} filled by anything."""
    parts = re.split(r"\{[a-z_]+\}", message)
    return re.compile(".*".join(re.escape(part) for part in parts), re.DOTALL)


KNOWN_ERRORS = [
    _template(message)
    for message in (t.EMPTY_ANSWER, t.NOT_A_CHOICE, t.NOT_A_CHOICE_EMPTY, t.TOO_LONG, BAD_NAME, BAD_PARTIES)
]


def _expected_value(step: str, cleaned: str) -> object:
    """What the step stores for this (cleaned) answer, or Invalid when it must be refused."""
    if not cleaned:
        raise Invalid("empty")
    if step == "name":
        return parse_name(cleaned)
    if step == "outcome":
        picked = match_choice(cleaned, OUTCOMES)
        if picked is None:
            raise Invalid("not a choice")
        return picked.value
    return parse_parties(cleaned)


async def _check_any_text(app: App, text: str) -> None:
    cleaned = clean_input(text).strip()
    assume(len(text) > MAX_INPUT_CHARS or parse_command(cleaned, app.flow_commands) is None)
    for step in STEPS:
        chat = Chat(app, f"prop-{next(_chat_numbers)}")
        await chat.go_to(step)
        before = await chat.session()
        assert before is not None

        replies: list[Reply] = await chat.send(text)
        after = await chat.session()

        assert len(replies) == 1, replies
        reply = replies[0].text
        assert reply != t.INTERNAL_ERROR
        try:
            if len(text) > MAX_INPUT_CHARS:
                raise Invalid("too long")
            value = _expected_value(step, cleaned)
        except Invalid:
            # Refused: the question again after one of the known Vietnamese messages.
            question = _question(step)
            assert reply.endswith("\n\n" + question), reply[:200]
            error = reply[: -len(question) - 2]
            assert any(pattern.fullmatch(error) for pattern in KNOWN_ERRORS), error[:200]
            assert snapshot(after) == snapshot(before)
            event(f"{step}: refused")
            continue
        event(f"{step}: accepted")
        # Accepted: the value is stored under the step's name and the flow moves on.
        if step == "parties":
            assert after is None
            data = before.data
            label = outcome_label(data["outcome"])
            assert reply == DONE.format(name=data["name"], outcome=label, parties=value)
        else:
            assert after is not None
            assert after.step == STEPS[STEPS.index(step) + 1]
            assert after.data[step] == value
            assert after.history == [*before.history, step]


def test_arbitrary_text_at_every_step(settings: Settings) -> None:
    # Hypothesis drives a synchronous test; one event loop and one app serve every example
    # (each example uses fresh chats, so examples do not see each other's state).
    with asyncio.Runner() as runner:
        stack = AsyncExitStack()
        app = runner.run(stack.enter_async_context(open_test_app(settings)))
        try:

            @hsettings(
                max_examples=150,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            )
            @given(text=ARBITRARY_TEXT)
            def prop(text: str) -> None:
                runner.run(_check_any_text(app, text))

            prop()
        finally:
            runner.run(stack.aclose())
