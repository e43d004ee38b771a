"""A person with Telegram and Zalo gets a proactive message once: on the channel chosen in
/hoso, else where they wrote last — notices, announcements and reminders alike."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.channels.zalo.channel import ZaloChannel
from bot.conversation.messages import Channel, Reply
from bot.domain.enums import Role
from bot.domain.people import Person
from bot.runtime import App
from bot.services import broadcasts, notify, reminders
from bot.services.notify import notify_person
from bot.storage import people as people_repo
from bot.storage.db import insert_returning_id, iso
from bot.texts import linking as tl
from tests.broadcast.helpers import ALL_MEDIATORS
from tests.flows.support import World, add_person, build_world
from tests.zalo.fake_zalo import FakeZalo


async def test_notice_goes_once_to_the_channel_used_last(app: App) -> None:
    now = app.clock()
    async with app.db.transaction() as tx:
        person = await insert_returning_id(
            tx,
            "INSERT INTO people(full_name, role, status, created_at, updated_at) "
            "VALUES ('Lý Thị Mai', 'mediator', 'active', ?, ?)",
            (iso(now), iso(now)),
        )
        for channel, chat, seen in (("telegram", "t1", now - timedelta(days=2)), ("zalo", "z1", now)):
            await tx.execute(
                "INSERT INTO identities(channel, external_id, chat_id, person_id, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (channel, chat, chat, person, iso(now)),
            )
            await tx.execute(
                "INSERT INTO inbound_seen(channel, chat_id, message_id, seen_at) VALUES (?, ?, 'm', ?)",
                (channel, chat, iso(seen)),
            )
        assert person is not None
        assert await notify_person(tx, person, Reply("Đã duyệt"), "decision:1", "notice", now) == 1
    rows = await app.db.fetchall("SELECT channel, chat_id FROM outbox")
    assert [(r["channel"], r["chat_id"]) for r in rows] == [("zalo", "z1")]
    # Blocked on Zalo: the message goes to Telegram instead.
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE identities SET unreachable = 1 WHERE channel = 'zalo'")
        assert await notify_person(tx, person, Reply("Nhắc"), "remind:1", "notice", now) == 1
    rows = await app.db.fetchall("SELECT channel FROM outbox ORDER BY id")
    assert [r["channel"] for r in rows] == ["zalo", "telegram"]


# -- a person linked on both channels: announcements and reminders too, and the /hoso choice


async def _both_channels(app: App) -> tuple[World, Person]:
    """The test world plus a mediator on Telegram (``tm``) and Zalo (``zm``), last seen on Zalo."""
    world = await build_world(app)
    mai = await add_person(app, Role.MEDIATOR, team=world.team_a, name="Lý Thị Mai")
    now = app.clock()
    async with app.db.transaction() as tx:
        for channel, chat, seen in (
            (Channel.TELEGRAM, "tm", now - timedelta(days=1)),
            (Channel.ZALO, "zm", now - timedelta(hours=1)),
        ):
            await people_repo.touch_identity(tx, channel, chat, chat, "Mai", now)
            await people_repo.link_identity(tx, channel, chat, mai.id)
            await tx.execute(
                "INSERT INTO inbound_seen(channel, chat_id, message_id, seen_at) VALUES (?, ?, 'm', ?)",
                (channel, chat, iso(seen)),
            )
    return world, mai


async def _rows(app: App, person: Person) -> list[tuple[str, str, str]]:
    rows = await app.db.fetchall(
        "SELECT kind, channel, chat_id FROM outbox WHERE person_id = ? ORDER BY id", (person.id,)
    )
    return [(r["kind"], r["channel"], r["chat_id"]) for r in rows]


async def _announce(app: App, world: World, text: str) -> None:
    async with app.db.transaction() as tx:
        await broadcasts.create(tx, world.province, broadcasts.Draft(text, ALL_MEDIATORS), app.clock())


async def _remind(app: App, person: Person, key: str) -> None:
    reminder = reminders.Reminder(reminders.Rule.STALE_CASE, person.id, key, Reply("Nhắc: cập nhật vụ việc"))
    await reminders.deliver(app.db, [reminder], app.clock())


async def test_announcement_and_reminder_go_once_to_the_chat_used_last(app: App) -> None:
    world, mai = await _both_channels(app)
    await _announce(app, world, "Họp tổ hòa giải sáng thứ Hai")
    await _remind(app, mai, "rem:test:1")
    assert await _rows(app, mai) == [("broadcast", "zalo", "zm"), ("reminder", "zalo", "zm")]
    # Everybody else of the audience still gets it, once each.
    rows = await app.db.fetchall(
        "SELECT person_id, COUNT(*) AS n FROM outbox WHERE kind = 'broadcast' GROUP BY 1"
    )
    assert rows and all(r["n"] == 1 for r in rows)


async def test_choice_in_hoso_decides_where_proactive_messages_go(
    app: App, api: FakeZalo, channel: ZaloChannel
) -> None:
    world, mai = await _both_channels(app)

    async def say(text: str) -> str:
        await channel.accept(api.update("zm", text))
        await channel.drain()
        return api.texts("zm")[-1]

    profile = await say("/hoso")
    assert tl.PREFERENCE_BUTTON in profile
    number = next(line.split(".")[0] for line in profile.splitlines() if line.endswith(tl.PREFERENCE_BUTTON))
    question = await say(number)
    assert tl.PREFERENCE_CURRENT_LAST in question
    assert "Qua Telegram" in question and "Qua Zalo" in question
    await say("qua telegram")
    assert tl.PREFERENCE_SAVED_FIXED.format(channel="Telegram") in api.texts("zm")[-2]

    # Mai keeps writing on Zalo, but asked for Telegram: that is where things go now.
    await _announce(app, world, "Tập huấn ngày 12")
    await _remind(app, mai, "rem:test:2")
    assert await _rows(app, mai) == [("broadcast", "telegram", "tm"), ("reminder", "telegram", "tm")]

    # Blocked on Telegram: the choice cannot be honoured, Zalo gets them instead of nobody.
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE identities SET unreachable = 1 WHERE channel = 'telegram'")
    await _remind(app, mai, "rem:test:3")
    assert (await _rows(app, mai))[-1] == ("reminder", "zalo", "zm")

    # Back to "where I wrote last", chosen by its label without diacritics.
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE identities SET unreachable = 0 WHERE channel = 'telegram'")
    await say("/hoso")
    await say(number)
    await say("kenh toi nhan gan nhat")
    assert tl.PREFERENCE_SAVED_LAST in api.texts("zm")[-2]
    row = await app.db.fetchone("SELECT preferred_channel FROM people WHERE id = ?", (mai.id,))
    assert row is not None and row["preferred_channel"] is None


async def test_nobody_chooses_a_channel_they_are_not_on(app: App) -> None:
    world, _ = await _both_channels(app)
    async with app.db.transaction() as tx:
        with pytest.raises(notify.PreferenceError):
            await notify.choose_channel(tx, world.med, Channel.ZALO, app.clock())
    async with app.db.transaction() as tx:
        channels, chosen = await notify.channel_choice(tx, world.med)
    assert (channels, chosen) == ([], None)  # console only: nothing to choose in /hoso
