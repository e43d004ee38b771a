"""The same message id delivered twice is handled once (durably, across restarts)."""

from __future__ import annotations

import asyncio

from bot.config import Settings
from bot.runtime import App
from tests.conftest import ASK_OUTCOME, ASK_PARTIES, Chat, inbound, open_test_app, snapshot


async def _seen_rows(app: App, message_id: str) -> int:
    row = await app.db.fetchone("SELECT COUNT(*) AS n FROM inbound_seen WHERE message_id = ?", (message_id,))
    assert row is not None
    return int(row["n"])


async def test_redelivered_message_is_ignored(app: App, chat: Chat) -> None:
    await chat.go_to("outcome")
    first = await chat.send("1", message_id="dup-1")
    assert [r.text for r in first] == [ASK_PARTIES]
    state = snapshot(await chat.session())
    updated = (await chat.session()).updated_at  # type: ignore[union-attr]

    again = await chat.send("1", message_id="dup-1")
    assert again == []
    after = await chat.session()
    assert snapshot(after) == state
    assert after is not None and after.updated_at == updated
    assert await _seen_rows(app, "dup-1") == 1


async def test_redelivered_last_answer_does_not_finish_twice(app: App, chat: Chat) -> None:
    await chat.go_to("parties")
    done = await chat.send("4", message_id="final")
    assert len(done) == 1
    await chat.send("/thu")  # a new run of the flow is now at its first step
    assert await chat.send("4", message_id="final") == []
    assert len(await chat.records()) == 1
    session = await chat.session()
    assert session is not None and session.step == "name"


async def test_concurrent_duplicates_are_handled_once(app: App, chat: Chat) -> None:
    await chat.go_to("outcome")
    message = inbound("c1", "2", message_id="twice")
    results = await asyncio.gather(app.engine.handle(message), app.engine.handle(message))
    assert sorted(len(r) for r in results) == [0, 1]
    answered = next(r for r in results if r)
    assert answered[0].text == ASK_PARTIES
    session = await chat.session()
    assert session is not None and session.history == ["name", "outcome"]


async def test_same_message_id_in_another_chat_is_not_a_duplicate(app: App) -> None:
    # Telegram message ids are per chat: the key is (channel, chat, message id).
    one, two = Chat(app, "c1"), Chat(app, "c2")
    assert await one.send("/thu", message_id="7") != []
    assert await two.send("/thu", message_id="7") != []


async def test_deduplication_survives_restart(settings: Settings) -> None:
    async with open_test_app(settings) as app:
        chat = Chat(app, "c1")
        await chat.go_to("outcome")
        assert [r.text for r in await chat.send("1", message_id="webhook-retry")] == [ASK_PARTIES]
    async with open_test_app(settings) as app:
        chat = Chat(app, "c1")
        state = snapshot(await chat.session())
        assert await chat.send("1", message_id="webhook-retry") == []
        assert snapshot(await chat.session()) == state
        # A different id with the same text is a new message and is handled.
        replies = await chat.send("tro giup", message_id="new-one")
        assert replies and replies[0].text.endswith(ASK_PARTIES)
        assert ASK_OUTCOME not in replies[0].text
