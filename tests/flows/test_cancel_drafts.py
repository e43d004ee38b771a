"""«hủy» in a long flow asks first, and a cancelled report stays restorable from the menu for a
day (issue 13 item 5)."""

from __future__ import annotations

from bot.services.privacy import Retention, purge_expired
from bot.texts import cases as tc
from bot.texts import common as t
from tests.flows.support import Clock, World, count

SUMMARY = "Tranh chấp ranh giới đất vườn giữa hai hộ"
TO_OUTCOME = ["/baocao", "hôm qua", "đất đai", SUMMARY]
TITLE = "Báo cáo vụ việc"


async def test_cancel_after_a_few_steps_asks_and_no_keeps_the_draft(world: World) -> None:
    med = world.chat("med")
    await med.play(TO_OUTCOME)
    before = await med.session()
    assert before is not None

    reply = await med("hủy")
    assert reply.startswith(t.CANCEL_CONFIRM.format(title=TITLE, n=3))
    reply = await med("ko")  # «Hủy thật không?» — no
    assert reply.startswith(tc.ASK_OUTCOME.split("\n")[0])
    after = await med.session()
    assert after is not None and not after.paused
    assert (after.step, after.data["summary"], after.history) == (before.step, SUMMARY, before.history)


async def test_cancelled_report_is_restored_from_the_menu(world: World) -> None:
    med = world.chat("med")
    await med.play([*TO_OUTCOME, "hủy"])
    reply = await med("có")
    assert reply == t.CANCELLED_KEPT.format(title=TITLE, hours=24)
    assert await med.session() is None

    menu = await med("menu")
    restore = t.RESTORE_DRAFT.format(title=TITLE, time="10:00 10/03")
    assert f"1. {restore}" in menu
    reply = await med("1")
    assert reply.startswith(t.RESTORED.format(title=TITLE))
    assert tc.ASK_OUTCOME.split("\n")[0] in reply
    session = await med.session()
    assert session is not None and (session.flow, session.data["summary"]) == ("report", SUMMARY)
    # The draft goes on to a saved case, and is offered no more.
    await med.play(["Hòa giải thành", "2", "hôm nay"])
    reply = await med("Xác nhận lưu")
    assert "HG-2026-00001" in reply
    assert await count(world.app, "SELECT COUNT(*) FROM cancelled_drafts") == 0
    assert "Khôi phục" not in await med("menu")


async def test_cancel_twice_cancels_and_an_early_cancel_does_not_ask(world: World) -> None:
    med = world.chat("med")
    await med.play(TO_OUTCOME)
    await med("hủy")
    assert (await med("hủy")).startswith("Đã hủy")
    await med.play(["/baocao", "hôm qua"])
    assert (await med("hủy")).startswith("Đã hủy")  # one answer only: no question


async def test_draft_expires_after_a_day_and_is_purged(world: World, clock: Clock) -> None:
    med = world.chat("med")
    await med.play([*TO_OUTCOME, "hủy", "có"])
    clock.advance(hours=23)
    assert "Khôi phục" in await med("menu")
    clock.advance(hours=2)
    assert "Khôi phục" not in await med("menu")
    async with world.app.db.transaction() as tx:
        purged = await purge_expired(tx, clock(), Retention())
    assert purged.cancelled_drafts == 1
    assert await count(world.app, "SELECT COUNT(*) FROM cancelled_drafts") == 0


async def test_leaving_the_report_for_another_flow_keeps_it_too(world: World) -> None:
    med = world.chat("med")
    await med.play(TO_OUTCOME)
    reply = await med("/hoso")
    assert reply.startswith(t.STOPPED_KEPT.format(title=TITLE, hours=24))
    assert "Khôi phục" in await med("menu")
