"""Correcting a concluded case outcome (issue 13 item 1): who may, for how long, with which reason,
the audit trail, and the figures (stats, remuneration) that follow the corrected outcome."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.periods import Period
from bot.domain.remuneration import RemunerationRates
from bot.services import cases, stats
from bot.storage import cases as repo
from bot.texts import cases as tc
from tests.flows.support import Clock, World, report_case

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31), "Tháng 3/2026")
RATES = RemunerationRates(per_case=300_000, per_successful_case=400_000, team_monthly=0)


async def _stored(world: World, case_id: int) -> repo.CaseRow:
    async with world.app.db.transaction() as tx:
        case = await repo.get_case(tx, case_id)
    assert case is not None
    return case


async def test_recorder_corrects_a_wrong_tap_and_figures_follow(world: World) -> None:
    case = await report_case(world.app, world.med, outcome="khong_thanh")
    before = await stats.case_counts(world.app.db, world.officer, MARCH)
    assert (before.thanh, before.khong_thanh) == (0, 1)
    assert cases.remuneration(case, RATES) == 300_000

    med = world.chat("med")
    reply = await med.play(["/vuviec", "1"])
    assert tc.CORRECT_OUTCOME in reply
    assert (await med("Sửa kết quả hoặc ngày có kết quả")).startswith(tc.ASK_OUTCOME)
    reply = await med.play(["Hòa giải thành", "Có văn bản, không yêu cầu Tòa án", "hôm qua"])
    assert reply == tc.CORRECTION_SAVED.format(code=case.code, outcome="Hòa giải thành")

    stored = await _stored(world, case.id)
    assert (stored.outcome, stored.outcome_on, stored.next_step) == ("thanh", date(2026, 3, 9), None)
    assert stored.written_agreement is True
    after = await stats.case_counts(world.app.db, world.officer, MARCH)
    assert (after.thanh, after.khong_thanh) == (1, 0)
    assert cases.remuneration(stored, RATES) == 400_000
    rows = await world.app.db.fetchall(
        "SELECT kind, person_id, field, old_value, new_value FROM case_events WHERE case_id = ? ORDER BY id",
        (case.id,),
    )
    trail = [tuple(r) for r in rows]
    assert ("changed", world.med.id, "outcome", "khong_thanh", "thanh") in trail
    assert ("changed", world.med.id, "next_step", "continue", None) in trail
    assert trail[-1] == ("corrected", world.med.id, None, None, "")
    reply = await med.play(["/vuviec", "1", "Lịch sử thay đổi"])
    assert tc.HISTORY_CORRECTED in reply


async def test_after_the_window_the_leader_corrects_with_a_reason(world: World, clock: Clock) -> None:
    case = await report_case(world.app, world.med, outcome="thanh")
    clock.advance(days=world.app.settings.correction_days + 1)
    med = world.chat("med")
    reply = await med.play(["/vuviec", "1"])
    assert tc.CORRECT_OUTCOME not in reply
    assert tc.CORRECTION_WINDOW.format(days=world.app.settings.correction_days) in reply
    await med("/huy")

    leader = world.chat("leader")
    await leader.play(["/vuviec", "1", "Sửa kết quả hoặc ngày có kết quả", "Hòa giải không thành"])
    assert (await leader("Tiếp tục hòa giải")).startswith(tc.ASK_OUTCOME_ON)
    assert (await leader("hôm nay")) == tc.ASK_CORRECTION_REASON
    assert (await leader("ok")).startswith(tc.SUMMARY_TOO_SHORT)  # a reason says something
    reply = await leader("Một bên chưa ký biên bản, ghi nhầm")
    assert reply == tc.CORRECTION_SAVED.format(code=case.code, outcome="Hòa giải không thành")
    stored = await _stored(world, case.id)
    assert (stored.outcome, stored.written_agreement, stored.next_step) == ("khong_thanh", None, "continue")
    reply = await leader.play(["/vuviec", "1", "Lịch sử thay đổi"])
    assert tc.HISTORY_CORRECTED_REASON.format(reason="Một bên chưa ký biên bản, ghi nhầm") in reply


async def test_commune_officer_corrects_only_the_date(world: World) -> None:
    case = await report_case(world.app, world.med, outcome="thanh")
    officer = world.chat("officer")
    reply = await officer.play(["/vuviec", "1"])
    assert tc.CORRECT_OUTCOME in reply and tc.ASK_UPDATE in reply
    await officer.play(
        ["Sửa kết quả hoặc ngày có kết quả", "Hòa giải thành", "Có văn bản, không yêu cầu Tòa án", "5/3/2026"]
    )
    reply = await officer("Biên bản ghi ngày 05/03/2026")
    assert reply == tc.CORRECTION_SAVED.format(code=case.code, outcome="Hòa giải thành")
    stored = await _stored(world, case.id)
    assert (stored.outcome, stored.outcome_on) == ("thanh", date(2026, 3, 5))


async def test_the_service_checks_every_right(world: World, clock: Clock) -> None:
    case = await report_case(world.app, world.med, outcome="thanh")
    days = world.app.settings.correction_days
    change = {"outcome": "khong_thanh", "next_step": "continue", "outcome_on": "2026-03-09"}
    async with world.app.db.transaction() as tx:
        now = clock()
        for outsider in (world.med2, world.med_b, world.province, world.officer2):
            assert await cases.correction_right(tx, outsider, case, now, days) is None
            with pytest.raises(PermissionError):
                await cases.correct_outcome(tx, outsider, case.id, change, "lý do đủ dài", now, days)
        with pytest.raises(PermissionError):  # a leader must say why
            await cases.correct_outcome(tx, world.leader, case.id, change, " ", now, days)
        assert await cases.correction_right(tx, world.med, case, now, days) == cases.CorrectionRight.OWN
        late = now.replace(day=now.day + days + 1)
        with pytest.raises(PermissionError):
            await cases.correct_outcome(tx, world.med, case.id, change, None, late, days)
    open_case = await report_case(world.app, world.med)
    async with world.app.db.transaction() as tx:
        # An outcome still being mediated is recorded, not corrected.
        assert await cases.correction_right(tx, world.leader, open_case, clock(), days) is None
