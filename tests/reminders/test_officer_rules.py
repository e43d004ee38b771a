"""Reminders and digests for commune and province officers: due once per period, again the next."""

from __future__ import annotations

from datetime import date

from bot.domain.enums import PersonStatus, Role
from bot.services.reminders import Rule
from bot.storage import people as people_repo
from bot.texts import reminders as tr
from tests.flows.support import TAN_DOAN, THAT_KHE, Clock, World, add_person, add_team
from tests.reminders.helpers import local, only, queued, record_case, run

PENDING = only(Rule.PENDING_REGISTRATIONS)
COMPOSITION = only(Rule.TEAM_COMPOSITION)
UNTRAINED = only(Rule.UNTRAINED)
REPORT = only(Rule.REPORT_DUE)
DIGEST = only(Rule.COMMUNE_DIGEST)
SILENT = only(Rule.SILENT_COMMUNES)
PROVINCE = only(Rule.PROVINCE_DIGEST)


# -- pending registrations: daily -----------------------------------------------------------------------


async def test_pending_registrations_daily_to_the_communes_officer(world: World, clock: Clock) -> None:
    app = world.app
    newbie = await add_person(
        app, Role.MEDIATOR, name="Nông Thị Hiền", status=PersonStatus.PENDING, team=world.team_a
    )
    clock.now = local(2026, 3, 10, 6, 30)  # before the morning hour: nothing yet
    assert await run(app, PENDING) == {Rule.PENDING_REGISTRATIONS: 0}

    clock.now = local(2026, 3, 10, 7, 45)
    assert await run(app, PENDING) == {Rule.PENDING_REGISTRATIONS: 1}
    (reply,) = await queued(app, world.officer, "rem:pending:")
    assert reply.text == tr.PENDING_REGISTRATIONS.format(n=1, names="Nông Thị Hiền")
    assert reply.choices[0].value == "go:approve"
    assert await queued(app, world.officer2, "rem:pending:") == []  # another commune's officer
    assert await run(app, PENDING) == {Rule.PENDING_REGISTRATIONS: 0}  # once a day

    clock.now = local(2026, 3, 11, 8)
    assert await run(app, PENDING) == {Rule.PENDING_REGISTRATIONS: 1}  # still pending the next day

    async with app.db.transaction() as tx:
        await people_repo.set_status(tx, newbie.id, PersonStatus.ACTIVE, app.clock())
    clock.now = local(2026, 3, 12, 8)
    assert await run(app, PENDING) == {Rule.PENDING_REGISTRATIONS: 0}  # nothing pending: nothing said


# -- Art. 12 composition: weekly ------------------------------------------------------------------------


async def test_teams_failing_composition_weekly(world: World, clock: Clock) -> None:
    app = world.app
    # Nà Pàn: leader, a woman and another man, all Tày/Nùng → compliant. Khuổi Cáp: one mediator.
    assert await run(app, COMPOSITION) == {Rule.TEAM_COMPOSITION: 1}
    (reply,) = await queued(app, world.officer, "rem:composition:")
    assert reply.text.startswith(tr.COMPOSITION_TITLE.format(n=1, commune="xã Tân Đoàn"))
    assert "• Bản Khuổi Cáp: mới có 1/3 hòa giải viên" in reply.text
    assert "Thôn Nà Pàn" not in reply.text
    assert await queued(app, world.officer2, "rem:composition:") == []  # Khánh Khê has no teams

    clock.now = local(2026, 3, 15, 18)  # Sunday of the same ISO week
    assert await run(app, COMPOSITION) == {Rule.TEAM_COMPOSITION: 0}
    clock.now = local(2026, 3, 16, 9)  # the next Monday
    assert await run(app, COMPOSITION) == {Rule.TEAM_COMPOSITION: 1}


async def test_composition_names_each_shortfall(world: World, clock: Clock) -> None:
    app = world.app
    team = await add_team(app, TAN_DOAN, "Thôn Bó Củng")
    for name in ("Hoàng Văn Một", "Hoàng Văn Hai", "Hoàng Văn Ba"):
        await add_person(app, Role.MEDIATOR, team=team, name=name, sex="male", ethnic=False)
    await run(app, COMPOSITION)
    (reply,) = await queued(app, world.officer, "rem:composition:")
    assert (
        "• Thôn Bó Củng: chưa có hòa giải viên nữ; chưa có hòa giải viên người dân tộc thiểu số" in reply.text
    )


# -- untrained mediators: weekly ------------------------------------------------------------------------


async def test_untrained_mediators_recognised_over_five_months_ago(world: World, clock: Clock) -> None:
    app = world.app
    # Recognised 01/12/2025: not yet 5 months. The leader (2024) was trained.
    await add_person(
        app, Role.MEDIATOR, team=world.team_b, name="Lý Văn Mới", recognised_on=date(2025, 12, 1)
    )
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE people SET trained_on = '2024-08-01' WHERE id = ?", (world.leader.id,))
    assert await run(app, UNTRAINED) == {Rule.UNTRAINED: 1}
    (reply,) = await queued(app, world.officer, "rem:untrained:")
    lines = reply.text.splitlines()
    assert lines[0] == tr.UNTRAINED_TITLE.format(n=3, commune="xã Tân Đoàn", months=5)
    assert lines[1:] == [
        "• Lăng Văn Tài — công nhận 01/01/2023, đã quá hạn bồi dưỡng (01/07/2023)",
        "• Triệu Thị Hoa — công nhận 01/01/2023, đã quá hạn bồi dưỡng (01/07/2023)",
        "• Hoàng Thị Lan — công nhận 01/09/2025, đã quá hạn bồi dưỡng (01/03/2026)",
    ]
    assert await run(app, UNTRAINED) == {Rule.UNTRAINED: 0}
    clock.now = local(2026, 3, 17, 9)
    assert await run(app, UNTRAINED) == {Rule.UNTRAINED: 1}


async def test_untrained_line_before_the_deadline(world: World, clock: Clock) -> None:
    app = world.app
    async with app.db.transaction() as tx:
        await tx.execute(
            "UPDATE people SET trained_on = '2025-01-01' WHERE role IN ('mediator', 'team_leader')"
        )
    await add_person(
        app, Role.MEDIATOR, team=world.team_b, name="Lý Văn Mới", recognised_on=date(2025, 10, 1)
    )
    await run(app, UNTRAINED)
    (reply,) = await queued(app, world.officer, "rem:untrained:")
    assert reply.text.splitlines()[1] == "• Lý Văn Mới — công nhận 01/10/2025, hạn bồi dưỡng 01/04/2026"


# -- report due: once per report ------------------------------------------------------------------------


async def test_report_due_once_per_report_and_caught_up_after_downtime(world: World, clock: Clock) -> None:
    app = world.app
    clock.now = local(2026, 5, 20, 9)  # six-month report due 05/06: 16 days away
    assert await run(app, REPORT) == {Rule.REPORT_DUE: 0}
    # Down from the 21st; back on 04/06, the day before the due date.
    clock.now = local(2026, 6, 4, 9)
    assert await run(app, REPORT) == {Rule.REPORT_DUE: 2}  # both commune officers
    (reply,) = await queued(app, world.officer, "rem:report:")
    assert reply.text == tr.REPORT_DUE.format(
        report="báo cáo thống kê 6 tháng đầu năm 2026",
        commune="xã Tân Đoàn",
        due="05/06/2026",
        days=1,
        cutoff="31/05/2026",
    )
    clock.now = local(2026, 6, 5, 9)
    assert await run(app, REPORT) == {Rule.REPORT_DUE: 0}  # the same report
    clock.now = local(2026, 11, 30, 9)  # the annual report, due 05/12
    assert await run(app, REPORT) == {Rule.REPORT_DUE: 2}
    assert "báo cáo thống kê năm 2026" in (await queued(app, world.officer, "rem:report:"))[1].text
    assert await queued(app, world.province, "rem:report:") == []


# -- weekly digest --------------------------------------------------------------------------------------


async def test_weekly_digest_counts_last_week(world: World, clock: Clock) -> None:
    app = world.app
    await record_case(app, world.med, received=date(2026, 3, 2))
    await record_case(app, world.med, received=date(2026, 3, 5), outcome="thanh", outcome_on=date(2026, 3, 6))
    await record_case(app, world.med2, received=date(2026, 3, 9))  # this week: next digest
    await add_person(app, Role.MEDIATOR, name="Nông Thị Hiền", status=PersonStatus.PENDING, team=world.team_a)
    assert await run(app, DIGEST) == {Rule.COMMUNE_DIGEST: 2}
    (reply,) = await queued(app, world.officer, "rem:cdigest:")
    assert reply.text == tr.COMMUNE_DIGEST.format(
        first="02/03",
        last="08/03/2026",
        commune="xã Tân Đoàn",
        received=2,
        thanh=1,
        khong_thanh=0,
        dang=1,
        pending=1,
    )
    (other,) = await queued(app, world.officer2, "rem:cdigest:")
    assert "Vụ việc tiếp nhận: 0" in other.text and "Đăng ký chờ duyệt: 0" in other.text
    assert await run(app, DIGEST) == {Rule.COMMUNE_DIGEST: 0}

    clock.now = local(2026, 3, 16, 9)
    assert await run(app, DIGEST) == {Rule.COMMUNE_DIGEST: 2}
    assert "Tuần 09/03–15/03/2026" in (await queued(app, world.officer, "rem:cdigest:"))[1].text


# -- province officers: silent communes and the monthly digest ------------------------------------------


async def test_silent_communes_monthly(world: World, clock: Clock) -> None:
    app = world.app
    that_khe = await add_team(app, THAT_KHE, "Khu 1")
    await add_person(app, Role.MEDIATOR, commune=THAT_KHE, team=that_khe, name="Hà Thị Tuyết")
    await record_case(app, world.med, received=date(2026, 2, 20))  # Tân Đoàn reported
    assert await run(app, SILENT) == {Rule.SILENT_COMMUNES: 1}
    (reply,) = await queued(app, world.province, "rem:silent:")
    assert reply.text.startswith(
        tr.SILENT_COMMUNES.format(
            period="6 tháng đầu năm 2026", start="01/01/2026", n=1, names="• xã Thất Khê"
        )
    )
    assert "chưa có hòa giải viên nào dùng Trợ lý" in reply.text
    assert await queued(app, world.officer, "rem:silent:") == []
    assert await run(app, SILENT) == {Rule.SILENT_COMMUNES: 0}
    clock.now = local(2026, 4, 1, 9)
    assert await run(app, SILENT) == {Rule.SILENT_COMMUNES: 1}


async def test_silent_communes_wait_until_the_period_has_run_a_while(world: World, clock: Clock) -> None:
    clock.now = local(2026, 1, 15, 9)  # two weeks into the year: too early to call anyone silent
    assert await run(world.app, SILENT) == {Rule.SILENT_COMMUNES: 0}


async def test_province_digest_of_last_month(world: World, clock: Clock) -> None:
    app = world.app
    for outcome in ("thanh", "thanh", "khong_thanh"):
        await record_case(
            app, world.med, received=date(2026, 2, 10), outcome=outcome, outcome_on=date(2026, 2, 12)
        )
    await record_case(app, world.med, received=date(2026, 2, 20))
    await record_case(app, world.med, received=date(2026, 3, 2), outcome="thanh", outcome_on=date(2026, 3, 3))
    assert await run(app, PROVINCE) == {Rule.PROVINCE_DIGEST: 1}
    (reply,) = await queued(app, world.province, "rem:pdigest:")
    assert reply.text == tr.PROVINCE_DIGEST.format(
        month="2/2026",
        received=4,
        thanh=2,
        khong_thanh=1,
        dang=1,
        rate="66,7%",
        target="85%",
        failing=1,
        teams=2,
        trained_share="0,0%",
        trained=0,
        mediators=4,
    )
    assert await run(app, PROVINCE) == {Rule.PROVINCE_DIGEST: 0}
    clock.now = local(2026, 4, 2, 9)
    assert await run(app, PROVINCE) == {Rule.PROVINCE_DIGEST: 1}
    assert "tháng 3/2026" in (await queued(app, world.province, "rem:pdigest:"))[1].text
