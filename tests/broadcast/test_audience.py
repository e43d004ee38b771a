"""Who an announcement reaches: groups, places, opt-outs, and people the bot cannot reach."""

from __future__ import annotations

from bot.domain.broadcasts import Audience, Group
from bot.domain.enums import PersonStatus, Role
from bot.runtime import App
from bot.services import broadcasts
from bot.storage import broadcasts as repo
from bot.storage import units
from tests.broadcast.helpers import ALL_MEDIATORS
from tests.flows.support import KHANH_KHE, TAN_DOAN, THAT_KHE, World, add_person, add_team


async def _count(app: App, audience: Audience) -> repo.AudienceCount:
    async with app.db.transaction() as tx:
        return await repo.count_audience(tx, audience)


async def _names(app: App, audience: Audience) -> set[str]:
    """The names of the people the audience's messages go to."""
    async with app.db.transaction() as tx:
        targets = await repo.audience_targets(tx, audience)
    names = set()
    for target in targets:
        row = await app.db.fetchone("SELECT full_name FROM people WHERE id = ?", (target.person_id,))
        assert row is not None
        names.add(row["full_name"])
    return names


async def test_counts_people_unreachable_messages_and_opt_outs(world: World) -> None:
    app = world.app
    await add_person(app, Role.MEDIATOR, team=world.team_b, name="Không Có Chat")  # no identity at all
    blocked = await add_person(app, Role.MEDIATOR, team=world.team_b, name="Đã Chặn Bot", user="blocked")
    quiet = await add_person(app, Role.MEDIATOR, team=world.team_b, name="Tắt Thông Báo", user="quiet")
    await add_person(
        app, Role.MEDIATOR, team=world.team_b, name="Chờ Duyệt", user="p", status=PersonStatus.PENDING
    )
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE identities SET unreachable = 1 WHERE person_id = ?", (blocked.id,))
        await repo.set_opt_out(tx, quiet.id, True, app.clock())
        # A second channel for one mediator: still one message, on the chat they prefer.
        await tx.execute(
            "INSERT INTO identities(channel, external_id, chat_id, person_id, created_at) "
            "VALUES ('telegram', '555', '555', ?, '2026-03-10T00:00:00+00:00')",
            (world.med.id,),
        )
    count = await _count(app, ALL_MEDIATORS)
    # leader, med, med2, med_b, no-chat, blocked — the opted-out and the pending one are not counted.
    assert (count.people, count.unreachable, count.opted_out, count.messages) == (6, 2, 1, 4)
    assert count.reachable == 4
    assert await _names(app, ALL_MEDIATORS) == {
        "Nông Văn Thắng",
        "Hoàng Thị Lan",
        "Lăng Văn Tài",
        "Triệu Thị Hoa",
    }


async def test_groups_combine_as_a_union(world: World) -> None:
    app = world.app
    async with app.db.transaction() as tx:
        await tx.execute(
            "UPDATE people SET trained_on = '2025-01-01' WHERE id IN (?, ?)", (world.med.id, world.leader.id)
        )
        await tx.execute("UPDATE people SET is_trainer = 1 WHERE id = ?", (world.province.id,))
    leaders = Audience(frozenset({Group.TEAM_LEADERS}))
    assert await _names(app, leaders) == {"Nông Văn Thắng"}
    untrained = Audience(frozenset({Group.UNTRAINED}))
    assert await _names(app, untrained) == {"Lăng Văn Tài", "Triệu Thị Hoa"}
    officers = Audience(frozenset({Group.OFFICERS}))
    assert await _names(app, officers) == {"Lương Thị Hạnh", "Vi Thị Nga", "Chu Văn Bình"}
    trainers_and_leaders = Audience(frozenset({Group.TRAINERS, Group.TEAM_LEADERS, Group.MEDIATORS}))
    count = await _count(app, trainers_and_leaders)
    assert count.people == 5  # four mediators (the leader once) and the trainer


async def test_places_narrow_the_audience(world: World) -> None:
    app = world.app
    that_khe = await add_team(app, THAT_KHE, "Khu 1")
    await add_person(app, Role.MEDIATOR, commune=THAT_KHE, team=that_khe, name="Hà Thị Tuyết", user="tuyet")
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE communes SET is_pilot = 1 WHERE code = ?", (THAT_KHE,))
    tan_doan = Audience(frozenset({Group.MEDIATORS}), communes=(TAN_DOAN,))
    assert (await _count(app, tan_doan)).people == 4
    pilot = Audience(frozenset({Group.MEDIATORS}), pilot=True)
    assert await _names(app, pilot) == {"Hà Thị Tuyết"}
    both = Audience(frozenset({Group.MEDIATORS}), communes=(TAN_DOAN,), pilot=True)
    assert (await _count(app, both)).people == 5
    officers_there = Audience(frozenset({Group.OFFICERS}), communes=(KHANH_KHE,))
    assert await _names(app, officers_there) == {"Vi Thị Nga"}  # not the province officer


async def test_a_legal_supporter_belongs_where_the_team_they_support_is(world: World) -> None:
    app = world.app
    lawyer = await add_person(app, Role.MEDIATOR, commune=None, name="Luật Sư Hùng", user="lawyer")
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE people SET legal_supporter = 'lawyer' WHERE id = ?", (lawyer.id,))
        await units.link_legal_support(tx, lawyer.id, world.team_a)
    legal = Audience(frozenset({Group.LEGAL_SUPPORTERS}), communes=(TAN_DOAN,))
    assert await _names(app, legal) == {"Luật Sư Hùng"}
    assert await _names(app, Audience(frozenset({Group.LEGAL_SUPPORTERS}), communes=(KHANH_KHE,))) == set()


async def test_the_service_checks_scope_before_counting(world: World) -> None:
    async with world.app.db.transaction() as tx:
        own = await broadcasts.measure(
            tx, world.officer, Audience(frozenset({Group.MEDIATORS}), communes=(TAN_DOAN,))
        )
        assert own.people == 4
        for outside in (
            Audience(frozenset({Group.MEDIATORS})),  # the whole province
            Audience(frozenset({Group.MEDIATORS}), communes=(KHANH_KHE,)),
            Audience(frozenset({Group.MEDIATORS}), communes=(TAN_DOAN, KHANH_KHE)),
            Audience(frozenset({Group.MEDIATORS}), communes=(TAN_DOAN,), pilot=True),
        ):
            try:
                await broadcasts.measure(tx, world.officer, outside)
            except PermissionError:
                continue
            raise AssertionError(f"commune officer reached {outside}")


def test_audience_round_trips_through_json() -> None:
    audience = Audience(frozenset({Group.TRAINERS, Group.OFFICERS}), communes=("06316", "06040"), pilot=True)
    assert Audience.from_json(audience.to_json()) == audience
    assert audience.to_json()["groups"] == ["officers", "trainers"]
