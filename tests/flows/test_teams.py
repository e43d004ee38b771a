"""``/to``: the commune's teams with the Art. 12 check, moving mediators, recording leavers."""

from __future__ import annotations

from bot.domain.enums import PersonStatus, Role
from bot.domain.phone import display_phone
from bot.texts import common as t
from bot.texts import register as tr
from tests.flows.support import TAN_DOAN, World, add_person, add_team, reload


async def test_composition_rule_is_shown_per_team(world: World) -> None:
    men = await add_team(world.app, TAN_DOAN, "Thôn Pác Cáp")
    for name in ("Nguyễn Văn An", "Trần Văn Bình", "Lê Văn Cường"):
        await add_person(world.app, Role.MEDIATOR, team=men, name=name, sex="male", ethnic=False)
    # A pending woman does not staff Bản Khuổi Cáp yet.
    await add_person(world.app, Role.MEDIATOR, team=world.team_b, status=PersonStatus.PENDING)

    reply = await world.chat("officer")("/to")
    lines = reply.splitlines()
    assert lines[0] == tr.TEAMS_HEADER.format(commune="xã Tân Đoàn", n=3)
    assert tr.TEAM_LINE_OK.format(name="Thôn Nà Pàn", members=3) in lines
    assert (
        tr.TEAM_LINE_SHORT.format(name="Bản Khuổi Cáp", members=1, problems=tr.SHORTFALL_LABELS["too_few"])
        in lines
    )
    assert (
        tr.TEAM_LINE_SHORT.format(
            name="Thôn Pác Cáp",
            members=3,
            problems=f"{tr.SHORTFALL_LABELS['no_woman']}; {tr.SHORTFALL_LABELS['no_ethnic_minority']}",
        )
        in lines
    )


async def test_province_officer_picks_a_commune_first(world: World) -> None:
    province = world.chat("province")
    assert await province("/to") == tr.PICK_COMMUNE_FOR_TEAMS
    await province("tân đoàn")
    reply = await province("1")
    assert reply.startswith(tr.TEAMS_HEADER.format(commune="xã Tân Đoàn", n=2))


async def test_officer_of_another_commune_only_sees_their_own(world: World) -> None:
    reply = await world.chat("officer2")("/to")
    assert reply.startswith(tr.NO_TEAMS.format(commune="xã Khánh Khê"))
    assert "Nà Pàn" not in reply


async def test_mediators_have_no_team_tools(world: World) -> None:
    assert await world.chat("med")("/to") == t.NOT_ALLOWED
    assert "Các tổ hòa giải" not in await world.chat("med")("menu")


async def test_team_leader_sees_their_own_team(world: World) -> None:
    reply = await world.chat("leader")("/to")
    assert reply.startswith(
        tr.OWN_TEAM_HEADER.format(line=tr.TEAM_LINE_OK.format(name="Thôn Nà Pàn", members=3))
    )
    member = tr.OWN_TEAM_MEMBER.format(
        name=world.med.shown_name, role="Hòa giải viên", phone=display_phone(world.med.phone)
    )
    assert member in reply and "+84" not in reply
    assert "Bản Khuổi Cáp" not in reply  # not the other team of the commune
    assert tr.MOVE_MEDIATOR not in reply
    assert tr.OWN_TEAM_HINT in reply
    assert (await world.chat("leader")("Xong")).startswith("Xong.")
    assert "Các tổ hòa giải" in await world.chat("leader")("menu")


async def test_officer_moves_a_mediator(world: World) -> None:
    officer = world.chat("officer")
    await officer.play(["/to", "Chuyển hòa giải viên sang tổ khác"])
    reply = await officer("Lăng Văn Tài")
    assert reply.startswith(tr.PICK_TARGET_TEAM.format(name="Lăng Văn Tài"))
    assert "Thôn Nà Pàn" not in reply  # not the team they are in
    reply = await officer("Bản Khuổi Cáp")
    assert reply == tr.MOVED_DONE.format(name="Lăng Văn Tài", team="Bản Khuổi Cáp")
    assert (await reload(world.app, world.med2.id)).team_id == world.team_b
    reply = await officer("/to")
    assert (
        tr.TEAM_LINE_SHORT.format(name="Bản Khuổi Cáp", members=2, problems=tr.SHORTFALL_LABELS["too_few"])
        in reply
    )


async def test_officer_records_a_leaver(world: World) -> None:
    officer = world.chat("officer")
    await officer.play(["/to", "2", "Hoàng Thị Lan"])
    assert officer.text.startswith(tr.LEAVE_CONFIRM_OFFICER)
    assert await officer("có") == tr.MARKED_LEFT_DONE.format(name="Hoàng Thị Lan")
    assert (await reload(world.app, world.med.id)).status == PersonStatus.LEFT
    reply = await officer("/to")
    assert (
        tr.TEAM_LINE_SHORT.format(
            name="Thôn Nà Pàn",
            members=2,
            problems=f"{tr.SHORTFALL_LABELS['too_few']}; {tr.SHORTFALL_LABELS['no_woman']}",
        )
        in reply
    )
    # Someone who left can no longer report.
    assert await world.chat("med")("/baocao") == t.ACCOUNT_LEFT
