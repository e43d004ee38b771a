"""The Zalo channel through the real engine: durable record, de-duplication, polling, 403."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.zalo import run as zalo_run
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient
from bot.runtime import App
from bot.texts import common as t
from tests.zalo.fake_zalo import FakeZalo


async def test_menu_is_numbered_text_and_duplicates_are_handled_once(
    api: FakeZalo, channel: ZaloChannel, app: App
) -> None:
    update = api.update("u1", "menu")
    await channel.accept(update)
    await channel.accept({"ok": True, "result": update})  # redelivered, wrapped this time
    await channel.drain()
    texts = api.texts("u1")
    assert len(texts) == 1
    assert "\n1. " in texts[0] and "bấm" not in texts[0].lower()
    row = await app.db.fetchone(
        "SELECT handled_at FROM zalo_inbox WHERE message_id = ?", (update["message"]["message_id"],)
    )
    assert row is not None and row["handled_at"] is not None


async def test_unsupported_gets_a_hint(api: FakeZalo, channel: ZaloChannel) -> None:
    await channel.accept(api.update("u2", None, event="message.sticker.received", sticker="abc"))
    await channel.drain()
    assert t.UNSUPPORTED in api.texts("u2")[0]


async def test_recorded_but_unhandled_updates_resume_after_a_crash(
    api: FakeZalo, channel: ZaloChannel, app: App, client: ZaloClient
) -> None:
    ident = await channel.record(api.update("u3", "menu"))
    assert ident is not None  # recorded, then the process died before handling it
    again = ZaloChannel(app, client)
    assert await again.resume_pending() == 1
    await again.drain()
    assert len(api.texts("u3")) == 1
    assert await again.resume_pending() == 0


async def test_blocked_user_is_marked_unreachable(api: FakeZalo, channel: ZaloChannel, app: App) -> None:
    await channel.accept(api.update("u4", "menu"))
    await channel.drain()
    api.blocked.add("u4")
    await channel.accept(api.update("u4", "menu"))
    await channel.drain()
    row = await app.db.fetchone(
        "SELECT unreachable FROM identities WHERE channel = 'zalo' AND chat_id = 'u4'"
    )
    assert row is not None and row["unreachable"] == 1


async def test_polling_handles_updates_idles_on_408_and_backs_off_on_errors(
    api: FakeZalo, channel: ZaloChannel, client: ZaloClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zalo_run, "BACKOFF_FIRST", 0.05)
    polls = 0
    original = client.get_updates

    async def counted(wait: int = 30) -> object:
        nonlocal polls
        polls += 1
        return await original(wait)

    monkeypatch.setattr(client, "get_updates", counted)
    api.fail("getUpdates", 500, 500)
    stop = asyncio.Event()
    task = asyncio.create_task(zalo_run.poll(client, channel, stop, wait=1))
    await asyncio.sleep(0.2)  # two failures: 0.05 s, then 0.1 s of backoff
    api.send("u5", "menu")
    for _ in range(100):
        if api.texts("u5"):
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)  # idle: each poll waits (408 after the fake's idle wait)
    stop.set()
    await asyncio.wait_for(task, 2)
    await channel.drain()
    assert len(api.texts("u5")) == 1
    # 0.6 s with 2 errors and idle polls of 0.05 s each: a busy loop would make thousands.
    assert polls < 20
