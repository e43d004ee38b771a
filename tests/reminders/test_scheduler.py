"""The scheduler: downtime catch-up on start, housekeeping, resilience, and quiet hours by kind."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest

from bot.conversation.messages import Reply
from bot.domain.broadcasts import Audience, Group
from bot.domain.enums import Role
from bot.services import broadcasts, reminders
from bot.services.reminders import Rule
from bot.storage import outbox
from bot.storage.db import iso
from bot.workers import scheduler
from bot.workers.outbox_sender import Delivered, OutboxSender, SenderConfig, SendOutcome
from tests.flows.support import Clock, World, add_person
from tests.outbox.helpers import wait_until
from tests.reminders.helpers import local, only, record_case


@dataclass
class Recorder:
    """A transport that delivers everything and remembers what."""

    texts: list[str] = field(default_factory=list)

    async def send(self, chat_id: str, reply: Reply) -> SendOutcome:
        self.texts.append(reply.text)
        return Delivered()


async def test_quiet_hours_hold_reminders_and_broadcasts_but_not_notices_or_urgent(
    world: World, clock: Clock
) -> None:
    app = world.app
    admin = await add_person(app, Role.ADMIN, commune=None, name="Quản Trị Viên", user="admin")
    await record_case(app, world.med, received=date(2026, 3, 1))
    clock.now = local(2026, 3, 17, 22, 0)  # a week later, in quiet hours (21:00–07:00)
    await scheduler.run_once(app.db, app.settings, app.clock(), only(Rule.STALE_CASE))
    audience = Audience(frozenset({Group.OFFICERS}))
    async with app.db.transaction() as tx:
        ordinary = await broadcasts.create(
            tx, world.province, broadcasts.Draft("Họp giao ban tuần này", audience), clock.now
        )
        urgent = await broadcasts.create(
            tx, admin, broadcasts.Draft("Khẩn: lũ quét tại xã Tân Đoàn", audience, urgent=True), clock.now
        )
        await outbox.enqueue(
            tx,
            channel="console",
            chat_id="officer",
            reply=Reply("Duyệt đăng ký"),
            dedupe_key="notice-1",
            kind=outbox.Kind.NOTICE,
            now=clock.now,
        )
    transport = Recorder()
    sender = OutboxSender(
        app.db, "console", transport, SenderConfig(poll_interval=0.02, per_chat_interval=0), clock=clock
    )
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))

    async def urgent_and_notice_sent() -> bool:
        urgent_left = (await outbox.counts(app.db, broadcast_id=urgent.id)).remaining
        notice = await app.db.fetchone("SELECT status FROM outbox WHERE dedupe_key = 'notice-1'")
        return urgent_left == 0 and notice is not None and notice["status"] == "sent"

    await wait_until(urgent_and_notice_sent)
    stop.set()
    await task
    morning = iso(local(2026, 3, 18, 7, 0))
    held = await app.db.fetchall(
        "SELECT kind, status, next_attempt_at FROM outbox "
        "WHERE kind IN ('reminder', 'broadcast') AND urgent = 0"
    )
    assert {r["kind"] for r in held} == {"reminder", "broadcast"}
    assert all((r["status"], r["next_attempt_at"]) == ("pending", morning) for r in held)
    assert (await outbox.counts(app.db, broadcast_id=ordinary.id)).sent == 0
    assert not any("Nhắc việc" in text for text in transport.texts)
    assert any(text.endswith("«tắt thông báo».)") and "lũ quét" in text for text in transport.texts)


async def test_scheduler_catches_up_at_start_then_stops_cleanly(world: World, clock: Clock) -> None:
    app = world.app
    await record_case(app, world.med, received=date(2026, 3, 1))
    async with app.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO inbound_seen(channel, chat_id, message_id, seen_at) "
            "VALUES ('console', 'x', 'old', ?)",
            (iso(clock.now - timedelta(days=40)),),
        )
    clock.advance(days=9)  # the bot was down; the case went stale meanwhile
    stop = asyncio.Event()
    task = asyncio.create_task(
        scheduler.run_scheduler(app, app.settings, stop, clock, interval_seconds=300, progress_seconds=0.02)
    )

    async def reminded() -> bool:
        row = await app.db.fetchone("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'reminder'")
        return row is not None and row["n"] > 0

    await wait_until(reminded)
    stop.set()
    await asyncio.wait_for(task, 2)
    seen = await app.db.fetchone("SELECT COUNT(*) AS n FROM inbound_seen WHERE message_id = 'old'")
    assert seen is not None and seen["n"] == 0


async def test_a_failing_job_does_not_stop_the_others(
    world: World, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = world.app
    calls: list[datetime] = []

    async def broken(*args: object, **kwargs: object) -> dict[Rule, int]:
        raise RuntimeError("database on fire")

    async def progress(db: object, now: datetime) -> int:
        calls.append(now)
        return 0

    monkeypatch.setattr(scheduler, "run_rules", broken)
    monkeypatch.setattr(scheduler.broadcasts, "report_progress", progress)
    stop = asyncio.Event()
    task = asyncio.create_task(
        scheduler.run_scheduler(
            app.db, app.settings, stop, clock, interval_seconds=0.05, progress_seconds=0.01
        )
    )

    async def ticked() -> bool:
        return len(calls) >= 3

    await wait_until(ticked)
    stop.set()
    await asyncio.wait_for(task, 2)


async def test_run_once_reports_what_it_did(world: World, clock: Clock) -> None:
    await record_case(world.app, world.med, received=date(2026, 3, 1))
    clock.advance(days=9)
    result = await scheduler.run_once(world.app.db, world.app.settings, clock.now)
    assert result.reminders[Rule.STALE_CASE] == 1
    assert set(result.reminders) == set(Rule)
    again = await scheduler.run_once(world.app.db, world.app.settings, clock.now)
    assert again.reminders[Rule.STALE_CASE] == 0


async def test_a_failing_rule_does_not_keep_the_others_from_running(
    world: World, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(run: object) -> list[object]:
        raise RuntimeError("bug in one rule")

    monkeypatch.setitem(reminders._PRODUCERS, Rule.START_DEADLINE, broken)
    await record_case(world.app, world.med, received=date(2026, 3, 1))
    clock.advance(days=9)
    result = await scheduler.run_once(world.app.db, world.app.settings, clock.now)
    assert Rule.START_DEADLINE not in result.reminders
    assert result.reminders[Rule.STALE_CASE] == 1
