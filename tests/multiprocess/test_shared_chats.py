"""Two apps on one PostgreSQL schema, each with its own pools, engine and channel: two bot
processes in one test process, so the interleavings can be arranged exactly.

- The engine's chat lock (``Database.lock_chat``): two different messages of one chat handled at
  the same moment by the two "processes" are answered one after the other, the second seeing
  the step the first moved to (the in-process locks cannot see each other).
- Zalo's ``resume_pending`` at a start, while the other process is still sending the reply of
  the same recorded update: the chat's hold (``Database.hold_chat``) makes the second wait, and
  ``inbound_seen`` plus the counted replies make its handling a no-op, so the user gets the
  reply once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient
from bot.config import Settings
from bot.conversation.messages import Channel, Reply
from bot.runtime import App, open_app
from bot.texts import common as t
from tests.conftest import ASK_NAME, ASK_OUTCOME, Chat, install_test_flow
from tests.zalo.fake_zalo import TOKEN, FakeZalo

CHATS = 12


@pytest.fixture
async def two_apps(shared_database_url: str, tmp_path: Path) -> AsyncIterator[tuple[App, App]]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=SecretStr(shared_database_url),
        zalo_bot_token=SecretStr(TOKEN),
    )
    async with open_app(settings, load_kb=False) as first, open_app(settings, load_kb=False) as second:
        for app in (first, second):
            await install_test_flow(app)
        yield first, second


def _kind(replies: list[Reply]) -> str:
    """What a reply to a typed case name says: the next question, or «not a choice»."""
    [reply] = replies
    if reply.text == ASK_OUTCOME:
        return "next question"
    if reply.text.startswith(t.NOT_A_CHOICE.split("«")[0]):
        return "not a choice"
    return reply.text


async def test_two_processes_answer_one_chat_one_message_at_a_time(two_apps: tuple[App, App]) -> None:
    first, second = two_apps
    chats = [(Chat(first, f"c{i}"), Chat(second, f"c{i}")) for i in range(CHATS)]
    for here, _ in chats:
        await here.send("/thu")  # the flow asks for the case's name

    async def both_at_once(here: Chat, there: Chat) -> list[str]:
        replies = await asyncio.gather(here.send("Vụ thứ nhất"), there.send("Vụ thứ hai"))
        return sorted(_kind(r) for r in replies)

    outcomes = await asyncio.gather(*(both_at_once(here, there) for here, there in chats))
    # One name was taken and the flow moved on; the other message met the choice step and was
    # told so. Without the lock both would read the name step and both be taken as the name.
    assert outcomes == [["next question", "not a choice"]] * CHATS
    for here, _ in chats:
        session = await here.session()
        assert session is not None and session.step == "outcome"
        assert session.history == ["name"] and session.data["name"] in ("Vụ thứ nhất", "Vụ thứ hai")


async def test_resume_pending_leaves_alone_an_update_another_process_is_sending(
    two_apps: tuple[App, App],
) -> None:
    first, second = two_apps
    api = FakeZalo()
    clients = [ZaloClient(TOKEN, "https://zalo.test", transport=api.transport()) for _ in range(2)]
    sending, go_on = asyncio.Event(), asyncio.Event()
    try:
        busy = ZaloChannel(first, clients[0])
        plain_send = busy.send_reply

        async def slow_send(chat_id: str, reply: Reply) -> None:
            # Committed, the reply on its way: the platform has not accepted it yet.
            sending.set()
            await go_on.wait()
            await plain_send(chat_id, reply)

        busy.send_reply = slow_send  # type: ignore[method-assign]
        ident = await busy.record(api.update("z1", "/thu"))
        assert ident is not None
        busy.dispatch(ident)
        await asyncio.wait_for(sending.wait(), 10)

        # The other process starts now and finds the update recorded but not yet handled.
        starting = ZaloChannel(second, clients[1])
        assert await starting.resume_pending() == 1
        await asyncio.sleep(0.5)
        assert api.texts("z1") == []  # it waits for the chat instead of sending the reply itself

        go_on.set()
        await busy.drain()
        await starting.drain()
        assert api.texts("z1") == [ASK_NAME]  # once
        seen = await first.db.fetchall(
            "SELECT replies, replies_sent, replies_total FROM inbound_seen WHERE channel = ? AND chat_id = ?",
            (Channel.ZALO, "z1"),
        )
        assert [(r["replies"], r["replies_sent"], r["replies_total"]) for r in seen] == [(None, 1, 1)]
        row = await first.db.fetchone("SELECT handled_at FROM zalo_inbox WHERE message_id = ?", (ident,))
        assert row is not None and row["handled_at"] is not None
    finally:
        for client in clients:
            await client.aclose()
