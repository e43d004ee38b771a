"""A button from a notification or an old message, pressed in the middle of a flow: the new
flow is checked before the current one is abandoned (issue 13 item 4)."""

from __future__ import annotations

from bot.domain.enums import PersonStatus, Role
from bot.texts import broadcast as tb
from bot.texts import cases as tc
from bot.texts import common as t
from bot.texts import register as tr
from tests.flows.support import KHANH_KHE, World, add_person, add_team, report_case

TEXT = "Mời các hòa giải viên dự tập huấn kỹ năng hòa giải ngày 20/3/2026 tại hội trường UBND xã."


async def test_officer_mid_broadcast_taps_an_approval_already_decided(world: World) -> None:
    decided = await add_person(world.app, Role.MEDIATOR, team=world.team_a, name="Nông Thị Hiền")
    assert decided.status == PersonStatus.ACTIVE  # someone else approved it already
    officer = world.chat("officer")
    await officer.play(["/thongbao", TEXT])
    before = await officer.session()
    assert before is not None and before.flow == "broadcast"

    reply = await officer.press(f"go:approve:{decided.id}")

    assert reply.startswith(tr.NOT_PENDING)
    assert tb.ASK_FILE.format(limit=50) in reply  # the current question, asked again
    after = await officer.session()
    assert after is not None
    assert (after.flow, after.step, after.data["text"]) == ("broadcast", before.step, TEXT)
    # The draft goes on from there.
    assert (await officer(tb.NO_FILE)).startswith(tb.ASK_LINK)


async def test_mediator_mid_report_taps_a_stale_case_button(world: World) -> None:
    team = await add_team(world.app, KHANH_KHE, "Thôn Khác")
    other = await add_person(world.app, Role.MEDIATOR, commune=KHANH_KHE, team=team, name="Vi Văn Khoa")
    foreign = await report_case(world.app, other)
    med = world.chat("med")
    await med.play(["/baocao", "hôm qua", "đất đai"])
    before = await med.session()
    assert before is not None

    reply = await med.press(f"go:cases:{foreign.id}")

    assert reply.startswith(tc.CASE_NOT_VISIBLE)
    after = await med.session()
    assert after is not None
    assert (after.flow, after.step, after.data) == ("report", before.step, before.data)
    assert t.STOPPED_FOR_MENU.format(title="Báo cáo vụ việc") not in reply


async def test_menu_item_that_refuses_keeps_the_suspended_flow(world: World) -> None:
    officer = world.chat("officer")
    await officer.play(["/thongbao", TEXT, "menu"])
    reply = await officer("Duyệt đăng ký")  # nobody is waiting
    assert reply.startswith(tr.NO_PENDING)
    assert "Tiếp tục" in reply
    reply = await officer("1")  # «▶️ Tiếp tục …»
    assert reply.startswith(tb.ASK_FILE.format(limit=50))
    session = await officer.session()
    assert session is not None and session.data["text"] == TEXT
