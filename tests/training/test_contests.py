"""Contests: 50 participants answering at once, own shuffled order, ranking, late answers refused."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.domain.broadcasts import Audience, Group
from bot.domain.enums import Role
from bot.domain.people import Person
from bot.reports.training_xlsx import results_workbook
from bot.services import contests, training
from bot.storage import training as repo
from bot.training.content import Bank
from tests.flows.support import TAN_DOAN, World, add_person, add_team

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AUDIENCE = Audience(frozenset({Group.MEDIATORS}), communes=(TAN_DOAN,))


async def _round(world: World, bank: Bank, minutes: int = 30) -> int:
    app = world.app
    async with app.db.transaction() as tx:
        return await contests.start_round(
            tx,
            world.officer,
            title="Hội thi hòa giải viên giỏi xã Tân Đoàn",
            audience=AUDIENCE,
            question_ids=sorted(bank.questions),
            bank=bank,
            starts_at=app.clock(),
            minutes=minutes,
            now=app.clock(),
            tz=TZ,
        )


async def _play(world: World, bank: Bank, person: Person, round_id: int, right: int) -> None:
    """Answer every question in the person's own order, the first ``right`` of them correctly."""
    app = world.app
    for n in range(len(bank.questions)):
        async with app.db.transaction() as tx:
            turn = await contests.next_turn(tx, person, round_id, bank, app.clock(), TZ)
            assert turn.question is not None and turn.number == n + 1
            q = turn.question
            typed = q.answer_letter if n < right else str((q.answer + 1) % len(q.options) + 1)
            assert await contests.answer(tx, person, round_id, q.id, typed, bank, app.clock(), TZ) == (
                n < right
            )
        await asyncio.sleep(0)


async def test_fifty_concurrent_participants_ranked_and_late_answers_refused(
    world: World, bank: Bank
) -> None:
    app = world.app
    team = await add_team(app, TAN_DOAN, "Thôn Thi Đua")
    people = [
        await add_person(app, Role.MEDIATOR, team=team, name=f"Thí sinh {i:02d}", sex="male")
        for i in range(50)
    ]
    round_id = await _round(world, bank)
    scores = {p.id: i % (len(bank.questions) + 1) for i, p in enumerate(people)}
    await asyncio.gather(*(_play(world, bank, p, round_id, scores[p.id]) for p in people))

    orders = {tuple(contests.contest_order(round_id, p.id, sorted(bank.questions))) for p in people}
    assert len(orders) > 10  # each participant has their own order

    async with app.db.transaction() as tx:
        with pytest.raises(PermissionError):  # participants see the ranking only after the end
            await contests.ranking(tx, people[0], round_id, app.clock())
        standings = await contests.ranking(tx, world.officer, round_id, app.clock())
    ours = [s for s in standings if s.person_id in scores]
    assert len(ours) == 50
    assert [s.correct for s in ours] == sorted(scores.values(), reverse=True)
    assert all(s.correct == scores[s.person_id] and s.answered == len(bank.questions) for s in ours)
    async with app.db.transaction() as tx:
        round_ = await repo.get_round(tx, round_id)
    assert round_ is not None
    sheet = load_workbook(io.BytesIO(results_workbook(round_, standings, TZ))).active
    assert sheet is not None and sheet["D5"].value == max(scores.values())

    late = world.med
    app.clock.advance(minutes=31)  # type: ignore[attr-defined]
    async with app.db.transaction() as tx:
        with pytest.raises(training.TrainingError) as closed:
            await contests.answer(tx, late, round_id, sorted(bank.questions)[0], "A", bank, app.clock(), TZ)
        assert "đã hết giờ" in closed.value.message
        assert len(await contests.ranking(tx, people[0], round_id, app.clock())) == 50


async def test_contest_bad_input(world: World, bank: Bank) -> None:
    app = world.app
    round_id = await _round(world, bank)
    qid = sorted(bank.questions)[0]
    async with app.db.transaction() as tx:
        with pytest.raises(training.TrainingError) as unreadable:
            await contests.answer(tx, world.med, round_id, qid, "Z", bank, app.clock(), TZ)
        assert unreadable.value.message.startswith("Chưa rõ bạn chọn")
        await contests.answer(
            tx, world.med, round_id, qid, bank.questions[qid].options[0], bank, app.clock(), TZ
        )
        with pytest.raises(training.TrainingError) as twice:
            await contests.answer(tx, world.med, round_id, qid, "B", bank, app.clock(), TZ)
        assert "lần trả lời đầu tiên" in twice.value.message
        with pytest.raises(training.TrainingError) as outsider:
            await contests.answer(tx, world.officer2, round_id, qid, "A", bank, app.clock(), TZ)
        assert outsider.value.message == "Vòng thi này không dành cho bạn."
        with pytest.raises(PermissionError):
            await contests.ranking(tx, world.officer2, round_id, app.clock())
        with pytest.raises(training.TrainingError):
            await contests.start_round(
                tx,
                world.officer,
                title="Thi",
                audience=AUDIENCE,
                question_ids=[qid],
                bank=bank,
                starts_at=app.clock() + timedelta(hours=1),
                minutes=30,
                now=app.clock(),
                tz=TZ,
            )
