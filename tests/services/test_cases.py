"""Case services: idempotent reports, yearly codes, audited updates and scope checks."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.enums import CaseOutcome, PersonStatus, Role
from bot.domain.remuneration import RemunerationRates
from bot.services import cases
from bot.storage import cases as repo
from tests.flows.support import Clock, World, add_person, count, report_case


async def test_report_is_idempotent_per_draft_key(world: World) -> None:
    first = await report_case(world.app, world.med, key="draft-1")
    again = await report_case(world.app, world.med, key="draft-1", summary="something else entirely")
    assert again == first
    assert await count(world.app, "SELECT COUNT(*) FROM cases") == 1
    assert await count(world.app, "SELECT COUNT(*) FROM case_events") == 1
    assert await count(world.app, "SELECT last FROM case_counters WHERE year = 2026") == 1


async def test_codes_increase_within_a_year_and_restart_the_next(world: World, clock: Clock) -> None:
    codes = [(await report_case(world.app, world.med)).code for _ in range(3)]
    assert codes == ["HG-2026-00001", "HG-2026-00002", "HG-2026-00003"]
    clock.now = clock.now.replace(year=2027)
    assert (await report_case(world.app, world.med2)).code == "HG-2027-00001"
    clock.now = clock.now.replace(year=2026)
    assert (await report_case(world.app, world.med2)).code == "HG-2026-00004"


async def test_only_active_mediators_with_a_team_report(world: World) -> None:
    loner = await add_person(world.app, Role.MEDIATOR, team=None)
    pending = await add_person(world.app, Role.MEDIATOR, team=world.team_a, status=PersonStatus.PENDING)
    for person in (world.officer, loner, pending):
        with pytest.raises(PermissionError):
            await report_case(world.app, person)
    assert await count(world.app, "SELECT COUNT(*) FROM cases") == 0


async def test_visibility(world: World) -> None:
    case = await report_case(world.app, world.med)
    async with world.app.db.transaction() as tx:
        for person in (world.med, world.med2, world.leader, world.officer, world.province):
            assert (await cases.get_visible(tx, person, case.id)).id == case.id
        for person in (world.med_b, world.officer2):
            with pytest.raises(PermissionError):
                await cases.get_visible(tx, person, case.id)
        assert [c.id for c in await cases.visible_cases(tx, world.officer)] == [case.id]
        assert await cases.visible_cases(tx, world.med_b) == []
        assert await cases.visible_cases(tx, world.officer2) == []
        with pytest.raises(PermissionError):
            await cases.visible_cases(tx, world.officer2, "06316")
        assert [c.id for c in await cases.visible_cases(tx, world.province, "06316")] == [case.id]
        with pytest.raises(PermissionError):
            await cases.get_visible(tx, world.med, 999)


async def test_who_may_change_a_case(world: World) -> None:
    case = await report_case(world.app, world.med)
    now = world.app.clock()
    async with world.app.db.transaction() as tx:
        for person in (world.med2, world.med_b, world.officer, world.officer2, world.province):
            with pytest.raises(PermissionError):
                await cases.update(tx, person, case.id, {"outcome": "thanh"}, now)
            with pytest.raises(PermissionError):
                await cases.add_note(tx, person, case.id, "ghi chú", now)
        assert await cases.update(tx, world.leader, case.id, {"parties_count": 3}, now) == ["parties_count"]
        assert await cases.update(tx, world.med, case.id, {"outcome": "thanh", "parties_count": 3}, now) == [
            "outcome"
        ]
        with pytest.raises(ValueError, match="not editable"):
            await cases.update(tx, world.med, case.id, {"team_id": world.team_b}, now)
        trail = await repo.events(tx, case.id)
    assert [(e.kind, e.person_id, e.field, e.old_value, e.new_value) for e in trail] == [
        ("created", world.med.id, None, None, case.code),
        ("changed", world.leader.id, "parties_count", "2", "3"),
        ("changed", world.med.id, "outcome", "dang_hoa_giai", "thanh"),
    ]


async def test_a_mediator_who_left_may_no_longer_change_their_case(world: World) -> None:
    case = await report_case(world.app, world.med)
    gone = await add_person(world.app, Role.MEDIATOR, team=world.team_a, status=PersonStatus.LEFT)
    async with world.app.db.transaction() as tx:
        await tx.execute("UPDATE cases SET reported_by = ? WHERE id = ?", (gone.id, case.id))
        with pytest.raises(PermissionError):
            await cases.update(tx, gone, case.id, {"outcome": "thanh"}, world.app.clock())


async def test_update_requests_go_to_the_reporter_once_a_day(world: World, clock: Clock) -> None:
    case = await report_case(world.app, world.med)
    async with world.app.db.transaction() as tx:
        assert await cases.request_update(tx, world.officer, case.id, clock()) == 1
        assert await cases.request_update(tx, world.officer, case.id, clock()) == 0
        for person in (world.officer2, world.leader, world.med):
            with pytest.raises(PermissionError):
                await cases.request_update(tx, person, case.id, clock())
    clock.advance(days=1)
    async with world.app.db.transaction() as tx:
        assert await cases.request_update(tx, world.province, case.id, clock()) == 1
    assert await count(world.app, "SELECT COUNT(*) FROM outbox WHERE person_id = ?", world.med.id) == 2


@pytest.mark.parametrize(
    ("outcome", "amount"),
    [
        (CaseOutcome.THANH, 400_000),
        (CaseOutcome.KHONG_THANH, 300_000),
        (CaseOutcome.DANG_HOA_GIAI, 0),
        (CaseOutcome.NGOAI_PHAM_VI, 0),
    ],
)
async def test_remuneration_estimate(world: World, outcome: CaseOutcome, amount: int) -> None:
    case = await report_case(world.app, world.med, outcome=outcome.value, received=date(2026, 3, 1))
    assert cases.remuneration(case, RemunerationRates()) == amount
