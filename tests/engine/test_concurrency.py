"""Many chats at once: each chat's messages are handled in order and never see another's data."""

from __future__ import annotations

import asyncio

from bot.conversation.messages import Reply
from bot.runtime import App
from tests.conftest import ASK_NAME, ASK_OUTCOME, ASK_PARTIES, DONE, OUTCOMES, Chat, inbound

CHATS = 50
ROUNDS = 5  # × 4 messages = 20 messages per chat


def _script(chat_no: int) -> list[tuple[str, str]]:
    """The 20 (message, expected reply text) pairs of one chat; names and answers are its own."""
    pairs: list[tuple[str, str]] = []
    for round_no in range(ROUNDS):
        name = f"Vụ của chat {chat_no} lần {round_no}"
        pick = (chat_no + round_no) % len(OUTCOMES)
        # Alternate the ways of answering a choice: number, label, label without diacritics.
        answer = [str(pick + 1), OUTCOMES[pick].label, "hoa giai khong thanh" if pick == 1 else str(pick + 1)]
        parties = 2 + (chat_no * 7 + round_no) % 19
        pairs += [
            ("/thu", ASK_NAME),
            (name, ASK_OUTCOME),
            (answer[round_no % 3], ASK_PARTIES),
            (str(parties), DONE.format(name=name, outcome=OUTCOMES[pick].label, parties=parties)),
        ]
    return pairs


def _expected_records(chat_no: int) -> list[tuple[str, str, int]]:
    return [
        (
            f"Vụ của chat {chat_no} lần {round_no}",
            OUTCOMES[(chat_no + round_no) % len(OUTCOMES)].value,
            2 + (chat_no * 7 + round_no) % 19,
        )
        for round_no in range(ROUNDS)
    ]


async def _check_results(app: App, results: list[list[list[Reply]]]) -> None:
    for chat_no, replies in enumerate(results):
        expected = [text for _, text in _script(chat_no)]
        assert [[r.text for r in reply] for reply in replies] == [[text] for text in expected], chat_no
        chat = Chat(app, f"chat-{chat_no}")
        assert await chat.records() == _expected_records(chat_no)
        assert await chat.session() is None
    assert app.engine.active_chats == 0  # every per-chat lock was released and dropped


async def test_fifty_chats_in_parallel_each_in_order(app: App) -> None:
    async def run_chat(chat_no: int) -> list[list[Reply]]:
        chat = Chat(app, f"chat-{chat_no}")
        replies: list[list[Reply]] = []
        for text, _ in _script(chat_no):
            replies.append(await chat.send(text))
        return replies

    results = await asyncio.wait_for(asyncio.gather(*(run_chat(n) for n in range(CHATS))), 60)
    await _check_results(app, list(results))


async def test_burst_from_one_chat_is_handled_in_arrival_order(app: App) -> None:
    # A chat's 20 messages arrive before the first one is answered (a webhook burst): the engine
    # must still handle them one after another, in the order they arrived.
    async def burst(chat_no: int) -> list[list[Reply]]:
        tasks = [
            asyncio.create_task(app.engine.handle(inbound(f"chat-{chat_no}", text)))
            for text, _ in _script(chat_no)
        ]
        return list(await asyncio.gather(*tasks))

    results = await asyncio.wait_for(asyncio.gather(*(burst(n) for n in range(CHATS))), 60)
    await _check_results(app, list(results))
