"""Issue 13 item 7: a reply saved but never sent is sent when the message comes back — once.

The replies of a handled message are kept with its de-duplication record and counted delivered
as the channel sends them. A crash (or a failed send) between the commit and the send leaves
them undelivered; the redelivered message id then gets exactly those, and a message already
answered gets nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.channels.zalo import channel as zalo_channel
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient
from bot.conversation.messages import Channel
from bot.runtime import App
from bot.storage import people as people_repo
from tests.flows.support import build_world
from tests.zalo.fake_zalo import TOKEN, FakeZalo

SUMMARY = "Tranh chấp ranh giới đất vườn giữa hai hộ"
REPORT = ["/baocao", "2", "1", SUMMARY, "1", "2", "hôm nay"]
SAVED = "✅ Đã lưu"


class ProcessKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs (not an Exception, so nobody catches it)."""


class DyingClient(ZaloClient):
    """A client whose next sendMessage kills the process instead of sending (after the commit)."""

    armed = False

    async def send_message(self, chat_id: str, text: str) -> None:
        if self.armed:
            self.armed = False
            raise ProcessKilled
        await super().send_message(chat_id, text)


async def _mediator_on_zalo(app: App, chat: str) -> int:
    world = await build_world(app)
    async with app.db.transaction() as tx:
        await people_repo.touch_identity(tx, Channel.ZALO, chat, chat, "Lan", app.clock())
        await people_repo.link_identity(tx, Channel.ZALO, chat, world.med.id)
    return world.med.id


async def _say(channel: ZaloChannel, api: FakeZalo, chat: str, text: str) -> dict[str, Any]:
    update = api.update(chat, text)
    await channel.accept(update)
    await channel.drain()
    return update


def _saved(api: FakeZalo, chat: str) -> list[str]:
    return [text for text in api.texts(chat) if text.startswith(SAVED)]


async def _cases(app: App) -> int:
    row = await app.db.fetchone("SELECT COUNT(*) AS n FROM cases")
    assert row is not None
    return int(row["n"])


async def test_killed_between_commit_and_send_the_restart_confirms_once(app: App, api: FakeZalo) -> None:
    await _mediator_on_zalo(app, "zm")
    client = DyingClient(TOKEN, "https://zalo.test", transport=api.transport())
    channel = ZaloChannel(app, client)
    for text in REPORT:
        await _say(channel, api, "zm", text)
    client.armed = True
    with pytest.raises(ProcessKilled):
        update = api.update("zm", "Xác nhận lưu")
        ident = await channel.record(update)
        assert ident is not None
        await channel.process(ident)
    assert await _cases(app) == 1  # committed…
    assert _saved(api, "zm") == []  # …but the user was never told

    # The restart handles what the crash left unhandled: the confirmation goes out now.
    restarted = ZaloChannel(app, client)
    assert await restarted.resume_pending() == 1
    await restarted.drain()
    [saved] = _saved(api, "zm")
    assert "HG-" in saved

    # Zalo delivers the same message again: no second answer, no second case.
    sent = len(api.texts("zm"))
    await restarted.accept(update)
    await restarted.accept({"ok": True, "result": update})
    await restarted.drain()
    assert len(api.texts("zm")) == sent
    assert await _cases(app) == 1
    await client.aclose()


async def test_failed_send_then_redelivery_sends_only_what_was_missing(
    app: App, api: FakeZalo, channel: ZaloChannel
) -> None:
    await _mediator_on_zalo(app, "zm")
    for text in REPORT:
        await _say(channel, api, "zm", text)
    api.fail("sendMessage", 502)
    update = await _say(channel, api, "zm", "Xác nhận lưu")
    assert _saved(api, "zm") == [] and await _cases(app) == 1
    row = await app.db.fetchone(
        "SELECT handled_at FROM zalo_inbox WHERE message_id = ?", (update["message"]["message_id"],)
    )
    assert row is not None and row["handled_at"] is None  # left for a redelivery or the next start

    await channel.accept(update)  # Zalo resends: the confirmation, once
    await channel.drain()
    assert len(_saved(api, "zm")) == 1
    await channel.accept(update)  # and again: nothing more
    await channel.drain()
    assert len(_saved(api, "zm")) == 1
    assert await _cases(app) == 1


async def test_redelivery_of_an_answered_message_sends_nothing(api: FakeZalo, channel: ZaloChannel) -> None:
    update = await _say(channel, api, "u1", "menu")
    assert len(api.texts("u1")) == 1
    # Zalo redelivers after the inbox forgot it (its own retention is shorter than ours, or a
    # restored backup): the engine's record still knows the reply was delivered.
    async with channel.app.db.transaction() as tx:
        await tx.execute("DELETE FROM zalo_inbox")
    await channel.accept(update)
    await channel.drain()
    assert len(api.texts("u1")) == 1


async def test_a_reply_refused_by_a_transient_error_is_retried_here(
    api: FakeZalo, channel: ZaloChannel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zalo_channel, "RETRY_BASE_SECONDS", 0.01)
    api.fail("sendMessage", 502, 429)  # two refusals, then Zalo takes it
    update = api.update("u2", "menu")
    await channel.accept(update)
    for _ in range(200):
        if api.texts("u2"):
            break
        await asyncio.sleep(0.01)
    await channel.drain()
    assert len(api.texts("u2")) == 1
    row = await channel.app.db.fetchone(
        "SELECT handled_at FROM zalo_inbox WHERE message_id = ?", (update["message"]["message_id"],)
    )
    assert row is not None and row["handled_at"] is not None


async def test_retries_give_up_and_leave_the_update_for_the_next_start(
    api: FakeZalo, channel: ZaloChannel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zalo_channel, "RETRY_BASE_SECONDS", 0.01)
    api.fail("sendMessage", *[503] * (zalo_channel.REPLY_RETRIES + 1))
    await channel.accept(api.update("u3", "menu"))
    await asyncio.sleep(0.3)
    await channel.drain()
    assert api.texts("u3") == []
    assert await channel.resume_pending() == 1  # the next start sends it
    await channel.drain()
    assert len(api.texts("u3")) == 1
