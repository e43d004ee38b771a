"""A step that cannot be answered says why and offers the way out; no input reaches the
apology (issue 13 item 8)."""

from __future__ import annotations

import pytest

from bot.domain.enums import Role
from bot.services import registration
from bot.texts import cases as tc
from bot.texts import common as t
from bot.texts import register as tr
from tests.flows.support import KHANH_KHE, World, add_person, add_team, report_case


@pytest.mark.parametrize("action", [tr.MOVE_MEDIATOR, tr.MARK_LEFT])
async def test_team_tools_in_a_commune_without_mediators(world: World, action: str) -> None:
    await add_team(world.app, KHANH_KHE, "Thôn Pò Mã")
    officer = world.chat("officer2")  # Khánh Khê: a team, nobody in it
    await officer("/to")
    reply = await officer(action)
    assert t.INTERNAL_ERROR not in reply
    assert reply.startswith(tr.NO_MEDIATORS)
    # Back at the list of actions: «Xong» is the way out.
    assert tr.TEAMS_ACTION in reply and tr.DONE in reply
    for word in ("trợ giúp", "1", action, "quay lại"):
        assert t.INTERNAL_ERROR not in await officer(word)
    session = await officer.session()
    assert session is not None and session.step == "list"


@pytest.mark.parametrize("then", ["trợ giúp", tc.ADD_NOTE])
async def test_mediator_moved_to_another_team_with_a_case_open(world: World, then: str) -> None:
    case = await report_case(world.app, world.med)
    med = world.chat("med")
    await med("/vuviec")
    await med("1")  # the case card
    session = await med.session()
    assert session is not None and (session.step, session.data["case"]) == ("action", case.id)
    async with world.app.db.transaction() as tx:
        await registration.move_mediator(tx, world.officer, world.med.id, world.team_b, world.app.clock())

    replies = [await med(then), await med("Đã gặp lại hai bên, đang chờ ý kiến trưởng thôn.")]
    replies += [await med(word) for word in ("trợ giúp", "1", "menu")]
    assert all(t.INTERNAL_ERROR not in reply for reply in replies), replies
    assert tc.CASE_NOT_VISIBLE in replies[0]


async def test_a_refused_service_call_is_not_an_apology(world: World) -> None:
    # A leader whose team was taken away (role kept) opens /to: the service refuses.
    async with world.app.db.transaction() as tx:
        await tx.execute("UPDATE people SET team_id = NULL WHERE id = ?", (world.leader.id,))
    leader = world.chat("leader")
    reply = await leader("/to")
    assert t.INTERNAL_ERROR not in reply
    assert world.leader.role == Role.TEAM_LEADER


async def test_a_flow_the_person_may_no_longer_use_ends_with_the_reason(world: World) -> None:
    med = world.chat("med")
    await med.play(["/hoso", tr.LEAVE_TEAM])
    session = await med.session()
    assert session is not None and session.flow == "profile"
    # The chat is unlinked from the person while the question is open.
    async with world.app.db.transaction() as tx:
        await tx.execute("UPDATE identities SET person_id = NULL WHERE external_id = 'med'")
    for word in ("có", "trợ giúp", "quay lại"):
        reply = await med(word)
        assert t.INTERNAL_ERROR not in reply
    assert await med.session() is None


async def test_moving_a_mediator_when_the_commune_has_one_team(world: World) -> None:
    team = await add_team(world.app, KHANH_KHE, "Thôn Pò Mã")
    await add_person(world.app, Role.MEDIATOR, commune=KHANH_KHE, team=team, name="Vi Văn Khoa", user="khoa")
    officer = world.chat("officer2")
    await officer.play(["/to", tr.MOVE_MEDIATOR])
    reply = await officer("Vi Văn Khoa")
    assert t.INTERNAL_ERROR not in reply
    assert reply.startswith(tr.NO_OTHER_TEAM)
    assert t.INTERNAL_ERROR not in await officer("1")
