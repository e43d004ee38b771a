"""Linking Telegram and Zalo chats of one person with a one-time code (migration 0012)."""

from __future__ import annotations

from datetime import timedelta

from bot.runtime import App
from bot.services import privacy
from bot.services.linking import CODE_LIFETIME, LinkRefusal, new_code, redeem
from bot.storage.db import insert_returning_id, iso
from bot.storage.people import touch_identity
from tests.flows.support import notice_version


async def _person(app: App, name: str, channel: str, external: str) -> int:
    now = app.clock()
    async with app.db.transaction() as tx:
        person_id = await insert_returning_id(
            tx,
            "INSERT INTO people(full_name, role, status, created_at, updated_at) "
            "VALUES (?, 'mediator', 'active', ?, ?)",
            (name, iso(now), iso(now)),
        )
        await touch_identity(tx, channel, external, external, name, now)
        await tx.execute(
            "UPDATE identities SET person_id = ? WHERE channel = ? AND external_id = ?",
            (person_id, channel, external),
        )
        # They have read the current notice (it would otherwise come before their first flow).
        await privacy.record_consent(
            tx, channel, external, notice_version(app), True, now, person_id=person_id
        )
        return person_id


async def test_code_links_the_new_chat_once_and_never_across_people(app: App) -> None:
    mai = await _person(app, "Lý Thị Mai", "telegram", "t1")
    other = await _person(app, "Hoàng Văn Hùng", "zalo", "z2")
    now = app.clock()
    async with app.db.transaction() as tx:
        code = await new_code(tx, mai, now)
        await touch_identity(tx, "zalo", "z1", "z1", "Mai", now)  # Mai writes to the Zalo bot
        # Hùng's Zalo chat cannot be taken over with Mai's code.
        assert await redeem(tx, code, "zalo", "z2", now) == LinkRefusal.OTHER_PERSON
        assert await redeem(tx, code.lower()[:3] + "-" + code[3:], "zalo", "z1", now) == mai
        assert await redeem(tx, code, "zalo", "z1", now) == LinkRefusal.UNKNOWN  # one time only
        assert await redeem(tx, "ZZZZZZ", "zalo", "z1", now) == LinkRefusal.UNKNOWN
        late = await new_code(tx, mai, now)
        assert await redeem(tx, late, "zalo", "z3", now + CODE_LIFETIME + timedelta(seconds=1)) == (
            LinkRefusal.EXPIRED
        )
    people = await app.db.fetchone("SELECT COUNT(*) AS n FROM people")
    assert people is not None and people["n"] == 2
    rows = await app.db.fetchall(
        "SELECT channel, external_id, person_id FROM identities ORDER BY channel, external_id"
    )
    assert [(r["channel"], r["external_id"], r["person_id"]) for r in rows] == [
        ("telegram", "t1", mai),
        ("zalo", "z1", mai),
        ("zalo", "z2", other),
    ]


async def test_lienket_through_the_engine(app: App) -> None:
    from bot.conversation.messages import Channel, Inbound
    from bot.texts import linking as tl

    mai = await _person(app, "Lý Thị Mai", "telegram", "t1")
    counter = iter(range(100))

    async def say(channel: Channel, user: str, text: str) -> str:
        inbound = Inbound(channel, user, user, f"m{next(counter)}", text=text)
        return "\n".join(reply.text for reply in await app.engine.handle(inbound))

    shown = await say(Channel.TELEGRAM, "t1", "/lienket")
    code = shown.split("Mã liên kết của bạn: ")[1].split("\n")[0]
    assert len(code) == 6
    assert tl.ASK_CODE in await say(Channel.ZALO, "z1", "/lienket")
    assert tl.UNKNOWN in await say(Channel.ZALO, "z1", "ABCDEF")
    assert tl.LINKED in await say(Channel.ZALO, "z1", code)
    row = await app.db.fetchone(
        "SELECT person_id FROM identities WHERE channel = 'zalo' AND external_id = 'z1'"
    )
    assert row is not None and row["person_id"] == mai
    # A used code does not link a third chat.
    assert tl.ASK_CODE in await say(Channel.ZALO, "z9", "/lienket")
    assert tl.UNKNOWN in await say(Channel.ZALO, "z9", code)
