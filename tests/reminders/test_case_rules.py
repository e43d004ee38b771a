"""Reminders about cases: stale ones, the 3-day start deadline (Art. 20.2), court recognition (BLTTDS 418).

Each rule: fires once when due, not again in the same period, again in the next period, and is
recomputed from the database after downtime (unless expired).
"""

from __future__ import annotations

from datetime import date

from bot.domain.enums import PersonStatus
from bot.services import cases
from bot.services.reminders import Rule
from bot.storage import people as people_repo
from bot.texts import reminders as tr
from tests.flows.support import Clock, World
from tests.reminders.helpers import local, only, queued, record_case, run

STALE = only(Rule.STALE_CASE)
START = only(Rule.START_DEADLINE)
COURT = only(Rule.COURT_DEADLINE)


# -- (1) a case in mediation without news -------------------------------------------------------------


async def test_stale_case_once_per_quiet_period_and_again_after_a_change(world: World, clock: Clock) -> None:
    app = world.app
    case = await record_case(app, world.med, received=date(2026, 3, 9))
    clock.advance(days=6, hours=23)
    assert await run(app, STALE) == {Rule.STALE_CASE: 0}

    clock.advance(hours=2)  # seven days and an hour without a change
    assert await run(app, STALE) == {Rule.STALE_CASE: 1}
    (reply,) = await queued(app, world.med, "rem:stale:")
    assert reply.text == tr.STALE_CASE.format(code=case.code, field="Đất đai", received="09/03/2026", days=7)
    assert [(c.label, c.value) for c in reply.choices] == [(tr.RECORD_NOW, f"go:cases:{case.id}")]

    # Same quiet period: never again, however long it lasts.
    assert await run(app, STALE) == {Rule.STALE_CASE: 0}
    clock.advance(days=10)
    assert await run(app, STALE) == {Rule.STALE_CASE: 0}

    # A follow-up note is a change: a new quiet period starts and is reminded after 7 more days.
    async with app.db.transaction() as tx:
        await cases.add_note(tx, world.med, case.id, "Đã gặp hai bên lần đầu", app.clock())
    clock.advance(days=6)
    assert await run(app, STALE) == {Rule.STALE_CASE: 0}
    clock.advance(days=1, minutes=1)
    assert await run(app, STALE) == {Rule.STALE_CASE: 1}
    assert len(await queued(app, world.med, "rem:stale:")) == 2
    # Only the reporter hears about it: nobody else on the team.
    assert await queued(app, world.leader, "rem:stale:") == []


async def test_stale_case_button_opens_the_outcome_conversation(world: World, clock: Clock) -> None:
    case = await record_case(world.app, world.med, received=date(2026, 3, 9))
    clock.advance(days=8)
    await run(world.app, STALE)
    (reply,) = await queued(world.app, world.med, "rem:stale:")
    text = await world.chat("med").press(reply.choices[0].value)
    assert case.code in text and "Ghi kết quả" in text


async def test_concluded_cases_are_not_stale(world: World, clock: Clock) -> None:
    await record_case(
        world.app, world.med, received=date(2026, 3, 2), outcome="thanh", outcome_on=date(2026, 3, 5)
    )
    clock.advance(days=30)
    assert await run(world.app, STALE) == {Rule.STALE_CASE: 0}


async def test_stale_case_of_a_mediator_who_left_goes_to_the_team_leader(world: World, clock: Clock) -> None:
    app = world.app
    await record_case(app, world.med, received=date(2026, 3, 9))
    async with app.db.transaction() as tx:
        await people_repo.set_status(tx, world.med.id, PersonStatus.LEFT, app.clock())
    clock.advance(days=8)
    assert await run(app, STALE) == {Rule.STALE_CASE: 1}
    assert len(await queued(app, world.leader, "rem:stale:")) == 1
    assert await queued(app, world.med, "rem:stale:") == []


async def test_a_recipient_out_of_reach_is_reminded_when_back(world: World, clock: Clock) -> None:
    app = world.app
    await record_case(app, world.med_b, received=date(2026, 3, 9))  # team Khuổi Cáp has no leader
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE identities SET unreachable = 1 WHERE person_id = ?", (world.med_b.id,))
    clock.advance(days=8)
    assert await run(app, STALE) == {Rule.STALE_CASE: 0}
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE identities SET unreachable = 0 WHERE person_id = ?", (world.med_b.id,))
    assert await run(app, STALE) == {Rule.STALE_CASE: 1}
    assert await run(app, STALE) == {Rule.STALE_CASE: 0}


async def test_a_reporter_who_blocked_the_bot_is_covered_by_the_leader(world: World, clock: Clock) -> None:
    app = world.app
    await record_case(app, world.med, received=date(2026, 3, 9))
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE identities SET unreachable = 1 WHERE person_id = ?", (world.med.id,))
    clock.advance(days=8)
    assert await run(app, STALE) == {Rule.STALE_CASE: 1}
    assert len(await queued(app, world.leader, "rem:stale:")) == 1


# -- (2) Art. 20.2: start within 3 days of assignment ----------------------------------------------------


async def test_unstarted_assigned_case_reminds_reporter_and_leader_on_the_last_day(
    world: World, clock: Clock
) -> None:
    app = world.app
    case = await record_case(app, world.med, received=date(2026, 3, 10), origin="assigned")
    clock.now = local(2026, 3, 12, 9)
    assert await run(app, START) == {Rule.START_DEADLINE: 0}

    clock.now = local(2026, 3, 13, 9)
    assert await run(app, START) == {Rule.START_DEADLINE: 2}
    expected = tr.START_DUE_TODAY.format(
        code=case.code, field="Đất đai", received="10/03/2026", deadline="13/03/2026", late=0
    )
    assert [r.text for r in await queued(app, world.med, "rem:start:")] == [expected]
    assert [r.text for r in await queued(app, world.leader, "rem:start:")] == [expected]
    assert await queued(app, world.med2, "rem:start:") == []

    # Once per case: not again later that day, nor the days after.
    assert await run(app, START) == {Rule.START_DEADLINE: 0}
    clock.now = local(2026, 3, 15, 9)
    assert await run(app, START) == {Rule.START_DEADLINE: 0}


async def test_started_or_unassigned_cases_need_no_start_reminder(world: World, clock: Clock) -> None:
    app = world.app
    started = await record_case(app, world.med, received=date(2026, 3, 10), origin="assigned")
    await record_case(app, world.med, received=date(2026, 3, 10))  # parties asked (Art. 16.1)
    clock.advance(hours=2)
    async with app.db.transaction() as tx:
        await cases.add_note(tx, world.med, started.id, "Đã mời hai bên đến nhà văn hóa thôn", app.clock())
    clock.now = local(2026, 3, 13, 9)
    assert await run(app, START) == {Rule.START_DEADLINE: 0}


async def test_start_reminder_after_downtime_says_how_late_and_expires(world: World, clock: Clock) -> None:
    app = world.app
    case = await record_case(app, world.med, received=date(2026, 3, 10), origin="assigned")
    late = await record_case(app, world.med2, received=date(2026, 3, 10), origin="assigned")
    # The bot was down from the 12th; it comes back on the 16th, three days past the deadline.
    clock.now = local(2026, 3, 16, 8)
    config = only(Rule.START_DEADLINE, start_late_days=5)
    # Each reporter once, and the team leader once per case.
    assert await run(app, config) == {Rule.START_DEADLINE: 4}
    texts = [r.text for r in await queued(app, world.med, "rem:start:")]
    assert texts == [
        tr.START_OVERDUE.format(
            code=case.code, field="Đất đai", received="10/03/2026", deadline="13/03/2026", late=3
        )
    ]
    assert len(await queued(app, world.leader, "rem:start:")) == 2
    assert len(await queued(app, world.med2, "rem:start:")) == 1
    assert late.code in (await queued(app, world.med2, "rem:start:"))[0].text
    # Older than the grace period: left to the stale-case rule.
    other = await record_case(app, world.med_b, received=date(2026, 3, 10), origin="assigned")
    clock.now = local(2026, 3, 19, 8)
    assert await run(app, config) == {Rule.START_DEADLINE: 0}
    assert other.code not in " ".join(r.text for r in await queued(app, world.med_b, "rem:start:"))


async def test_case_recorded_after_its_start_deadline_is_not_reminded(world: World, clock: Clock) -> None:
    await record_case(world.app, world.med, received=date(2026, 3, 5), origin="assigned")  # recorded 10/03
    assert await run(world.app, START) == {Rule.START_DEADLINE: 0}


# -- (3) BLTTDS 418: court recognition within 6 months ---------------------------------------------------


async def test_court_deadline_within_30_days_reminds_once(world: World, clock: Clock) -> None:
    app = world.app
    soon = await record_case(
        app, world.med, received=date(2025, 9, 28), outcome="thanh", outcome_on=date(2025, 10, 1), court=True
    )
    # Deadline 01/04/2026: 22 days from 10/03/2026.
    assert await run(app, COURT) == {Rule.COURT_DEADLINE: 1}
    (reply,) = await queued(app, world.med, "rem:court:")
    assert reply.text == tr.COURT_DEADLINE.format(
        code=soon.code, agreed="01/10/2025", deadline="01/04/2026", days=22
    )
    assert reply.choices[0].value == f"go:cases:{soon.id}"
    assert await run(app, COURT) == {Rule.COURT_DEADLINE: 0}
    clock.advance(days=10)
    assert await run(app, COURT) == {Rule.COURT_DEADLINE: 0}


async def test_court_deadline_not_yet_due_then_due(world: World, clock: Clock) -> None:
    app = world.app
    await record_case(
        app, world.med, received=date(2025, 11, 1), outcome="thanh", outcome_on=date(2025, 11, 15), court=True
    )
    # Deadline 15/05/2026: 66 days away.
    assert await run(app, COURT) == {Rule.COURT_DEADLINE: 0}
    clock.now = local(2026, 4, 15)  # exactly 30 days before
    assert await run(app, COURT) == {Rule.COURT_DEADLINE: 1}


async def test_court_deadline_missed_during_downtime_is_not_sent_once_passed(
    world: World, clock: Clock
) -> None:
    app = world.app
    await record_case(
        app, world.med, received=date(2025, 9, 1), outcome="thanh", outcome_on=date(2025, 9, 5), court=True
    )
    await record_case(  # no recognition wanted: never reminded
        app, world.med, received=date(2025, 9, 20), outcome="thanh", outcome_on=date(2025, 9, 25), court=False
    )
    # Deadline 05/03/2026 passed five days ago: expired, nothing to send.
    assert await run(app, COURT) == {Rule.COURT_DEADLINE: 0}


async def test_court_deadline_day_itself_and_a_corrected_date_rearms(world: World, clock: Clock) -> None:
    app = world.app
    case = await record_case(
        app, world.med, received=date(2025, 9, 1), outcome="thanh", outcome_on=date(2025, 9, 10), court=True
    )
    assert await run(app, COURT) == {Rule.COURT_DEADLINE: 1}
    (reply,) = await queued(app, world.med, "rem:court:")
    assert reply.text == tr.COURT_DEADLINE_TODAY.format(
        code=case.code, agreed="10/09/2025", deadline="10/03/2026"
    )
    # The agreement date was wrong: a new deadline is a new subject.
    async with app.db.transaction() as tx:
        await cases.update(tx, world.med, case.id, {"outcome_on": "2025-09-20"}, app.clock())
    assert await run(app, COURT) == {Rule.COURT_DEADLINE: 1}
    assert "20/03/2026" in (await queued(app, world.med, "rem:court:"))[1].text


async def test_reminders_are_kind_reminder_and_keyed_by_channel(world: World, clock: Clock) -> None:
    await record_case(world.app, world.med, received=date(2026, 3, 1))
    clock.advance(days=8)
    await run(world.app, STALE)
    rows = await world.app.db.fetchall("SELECT dedupe_key, kind, channel, urgent FROM outbox")
    assert [(r["kind"], r["channel"], r["urgent"]) for r in rows] == [("reminder", "console", 0)]
    assert rows[0]["dedupe_key"].startswith("rem:stale:") and rows[0]["dedupe_key"].endswith(
        f":{world.med.id}:console"
    )
