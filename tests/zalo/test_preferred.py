"""A person with Telegram and Zalo gets a proactive message once, where they wrote last."""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.messages import Reply
from bot.runtime import App
from bot.services.notify import notify_person
from bot.storage.db import iso


async def test_notice_goes_once_to_the_channel_used_last(app: App) -> None:
    now = app.clock()
    async with app.db.transaction() as tx:
        cur = await tx.execute(
            "INSERT INTO people(full_name, role, status, created_at, updated_at) "
            "VALUES ('Lý Thị Mai', 'mediator', 'active', ?, ?)",
            (iso(now), iso(now)),
        )
        person = cur.lastrowid
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
