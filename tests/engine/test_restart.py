"""A flow interrupted by closing the app resumes at the same step with the same data."""

from __future__ import annotations

from bot.config import Settings
from bot.conversation.choices import numbered
from tests.conftest import (
    ASK_NAME,
    ASK_OUTCOME,
    ASK_PARTIES,
    DONE,
    FLOW_NAME,
    OUTCOMES,
    Chat,
    open_test_app,
)


async def test_resumes_at_the_same_step_after_restart(settings: Settings) -> None:
    async with open_test_app(settings) as app:
        chat = Chat(app, "c1")
        await chat.send("/thu")
        replies = await chat.send("Tranh chấp ranh giới đất")
        assert [r.text for r in replies] == [ASK_OUTCOME]
        before = await chat.session()

    async with open_test_app(settings) as app:
        chat = Chat(app, "c1")
        after = await chat.session()
        assert after is not None and before is not None
        assert (after.flow, after.step, after.data, after.history) == (
            FLOW_NAME,
            "outcome",
            before.data,
            ["name"],
        )
        assert after.data["name"] == "Tranh chấp ranh giới đất"

        # The next answer is taken as the answer to the interrupted step …
        replies = await chat.send("2")
        assert [r.text for r in replies] == [ASK_PARTIES]
        replies = await chat.send("3")
        assert [r.text for r in replies] == [
            DONE.format(name="Tranh chấp ranh giới đất", outcome=OUTCOMES[1].label, parties=3)
        ]
        assert await chat.records() == [("Tranh chấp ranh giới đất", "khong_thanh", 3)]
        assert await chat.session() is None


async def test_back_works_across_restart(settings: Settings) -> None:
    async with open_test_app(settings) as app:
        chat = Chat(app, "c1")
        await chat.go_to("parties", name="Nợ tiền")

    async with open_test_app(settings) as app:
        chat = Chat(app, "c1")
        replies = await chat.send("quay lại")
        assert len(replies) == 1
        assert replies[0].text == ASK_OUTCOME
        assert replies[0].choices == OUTCOMES
        session = await chat.session()
        assert session is not None
        assert (session.step, session.history, session.data["name"]) == ("outcome", ["name"], "Nợ tiền")
        replies = await chat.send("quay lại")
        assert [r.text for r in replies] == [ASK_NAME]


async def test_prompt_after_restart_offers_the_same_choices(settings: Settings) -> None:
    # The offered choices are part of the stored session: "2" must mean the same option after a
    # restart as before it, even before the prompt is shown again.
    async with open_test_app(settings) as app:
        await Chat(app, "c1").go_to("outcome")
    async with open_test_app(settings) as app:
        chat = Chat(app, "c1")
        replies = await chat.send("tro giup")
        assert replies[0].text.endswith(ASK_OUTCOME)
        assert numbered(replies[0].choices) == numbered(OUTCOMES)
        await chat.send("3")
        session = await chat.session()
        assert session is not None and session.data["outcome"] == "dang"
