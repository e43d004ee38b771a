"""Registration services: scope is enforced in the service, not only in the menus."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from bot.domain.enums import PersonStatus, Role
from bot.services import registration
from tests.flows.support import KHANH_KHE, TAN_DOAN, World, add_person, add_team, count, reload

_REG = registration.Registration(
    role=Role.MEDIATOR,
    full_name="Nông Thị Hiền",
    sex="female",
    ethnic_minority=True,
    phone="+84978123456",
    commune_code=TAN_DOAN,
)


async def _submit(world: World, reg: registration.Registration = _REG, user: str = "newbie") -> int:
    async with world.app.db.transaction() as tx:
        done = await registration.submit(tx, "console", user, reg, world.app.clock())
    return done.person_id


async def test_submit_creates_a_pending_person_and_asks_the_commune(world: World) -> None:
    reg = dataclasses.replace(_REG, team_id=world.team_a)
    person_id = await _submit(world, reg)
    person = await reload(world.app, person_id)
    assert (person.status, person.team_id) == (PersonStatus.PENDING, world.team_a)
    assert await count(world.app, "SELECT COUNT(*) FROM outbox WHERE kind = 'approval'") == 1
    with pytest.raises(registration.RegistrationError):
        await _submit(world, reg, user="other")  # the same phone again


async def test_officer_of_another_commune_cannot_approve(world: World) -> None:
    person_id = await _submit(world)
    async with world.app.db.transaction() as tx:
        assert await registration.pending_for(tx, world.officer2) == []
        assert [p.id for p in await registration.pending_for(tx, world.officer)] == [person_id]
        assert [p.id for p in await registration.pending_for(tx, world.province)] == [person_id]
        with pytest.raises(PermissionError):
            await registration.decide(tx, world.officer2, person_id, True, "", world.app.clock())
        with pytest.raises(PermissionError):
            await registration.decide(tx, world.med, person_id, True, "", world.app.clock())
    assert (await reload(world.app, person_id)).status == PersonStatus.PENDING
    assert await count(world.app, "SELECT COUNT(*) FROM outbox WHERE kind = 'notice'") == 0


async def test_commune_officers_do_not_approve_officers(world: World) -> None:
    officer_reg = registration.Registration(
        role=Role.COMMUNE_OFFICER,
        full_name="Ma Thị Thu",
        sex="female",
        ethnic_minority=True,
        phone="+84356789012",
        commune_code=TAN_DOAN,
    )
    person_id = await _submit(world, officer_reg)
    async with world.app.db.transaction() as tx:
        with pytest.raises(PermissionError):
            await registration.decide(tx, world.officer, person_id, True, "", world.app.clock())
        approved = await registration.decide(tx, world.province, person_id, True, "", world.app.clock())
    assert approved.status == PersonStatus.ACTIVE


async def test_a_decision_is_taken_once(world: World) -> None:
    person_id = await _submit(world)
    async with world.app.db.transaction() as tx:
        rejected = await registration.decide(
            tx, world.officer, person_id, False, "Sai thôn", world.app.clock()
        )
        assert rejected.status == PersonStatus.REJECTED
        with pytest.raises(registration.RegistrationError):
            await registration.decide(tx, world.officer, person_id, True, "", world.app.clock())


async def test_team_tools_refuse_out_of_scope_officers(world: World) -> None:
    other_team = await add_team(world.app, KHANH_KHE, "Thôn Khòn Pầy")
    async with world.app.db.transaction() as tx:
        with pytest.raises(PermissionError):
            await registration.commune_teams(tx, world.officer2, TAN_DOAN)
        with pytest.raises(PermissionError):
            await registration.commune_teams(tx, world.med, TAN_DOAN)
        with pytest.raises(PermissionError):
            await registration.move_mediator(
                tx, world.officer2, world.med.id, world.team_b, world.app.clock()
            )
        with pytest.raises(PermissionError):
            await registration.mark_left(tx, world.officer2, world.med.id, "", world.app.clock())
        with pytest.raises(PermissionError):
            await registration.mark_left(tx, world.med2, world.med.id, "", world.app.clock())
        # Not even their own officer may move a mediator to another commune's team.
        with pytest.raises(PermissionError):
            await registration.move_mediator(tx, world.officer, world.med.id, other_team, world.app.clock())
        statuses = await registration.commune_teams(tx, world.province, TAN_DOAN)
    assert {s.team.name for s in statuses} == {"Thôn Nà Pàn", "Bản Khuổi Cáp"}
    assert (await reload(world.app, world.med.id)).team_id == world.team_a


async def test_composition_counts_only_active_members(world: World) -> None:
    await add_person(world.app, Role.MEDIATOR, team=world.team_b, status=PersonStatus.PENDING)
    await add_person(world.app, Role.MEDIATOR, team=world.team_b, status=PersonStatus.LEFT)
    await add_person(world.app, Role.MEDIATOR, team=world.team_b, sex="male", recognised_on=date(2020, 1, 1))
    async with world.app.db.transaction() as tx:
        statuses = {s.team.id: s for s in await registration.commune_teams(tx, world.officer, TAN_DOAN)}
    team_b = statuses[world.team_b]
    assert len(team_b.members) == 3  # active and pending; who left is no member
    assert [s.code.value for s in team_b.composition.shortfalls] == ["too_few"]
    assert statuses[world.team_a].composition.ok


async def test_a_mediator_may_leave_and_the_officers_are_told(world: World) -> None:
    async with world.app.db.transaction() as tx:
        await registration.leave(tx, world.med, world.app.clock())
    assert (await reload(world.app, world.med.id)).status == PersonStatus.LEFT
    assert await count(world.app, "SELECT COUNT(*) FROM outbox WHERE person_id = ?", world.officer.id) == 1
    assert await count(world.app, "SELECT COUNT(*) FROM outbox WHERE person_id = ?", world.officer2.id) == 0


async def test_submit_reports_who_was_asked(world: World) -> None:
    async with world.app.db.transaction() as tx:
        done = await registration.submit(tx, "console", "asker", _REG, world.app.clock())
    assert done.approvers == [world.officer.id]
    assert done.by_commune is True
