"""The sender against a scripted transport: limits, 429s, blocks, retries, quiet hours, stopping."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.conversation.messages import Reply
from bot.storage import outbox
from bot.storage.db import Database, iso, utcnow
from bot.workers.outbox_sender import (
    Blocked,
    OutboxSender,
    Permanent,
    RetryAfter,
    SenderConfig,
    Transient,
    backoff_delay,
)
from tests.outbox.fake_telegram import max_in_window
from tests.outbox.helpers import (
    CHANNEL,
    ScriptedTransport,
    add_identity,
    drain,
    queue,
    row,
    running,
    wait_until,
)

# Fast settings for tests: the limits keep their shape, time runs quicker.
FAST = SenderConfig(
    rate_per_second=200,
    per_chat_interval=0.2,
    backoff_base=0.05,
    max_attempts=3,
    poll_interval=0.05,
    flush_interval=0.01,
    quiet_start=time(0, 0),
    quiet_end=time(0, 0),  # no quiet hours unless a test sets them
)


def sender(
    db: Database,
    transport: ScriptedTransport,
    config: SenderConfig = FAST,
    clock: Callable[[], datetime] = utcnow,
) -> OutboxSender:
    return OutboxSender(db, CHANNEL, transport, config, clock=clock, rng=random.Random(7))


async def test_delivers_everything_once_and_records_it(db: Database) -> None:
    await queue(db, [(str(n), f"m{n}") for n in range(20)])
    transport = ScriptedTransport()
    worker = sender(db, transport)
    await drain(worker)
    assert sorted(transport.texts()) == sorted(f"m{n}" for n in range(20))
    assert await outbox.counts(db) == outbox.OutboxCounts(sent=20)
    first = await row(db, "m0")
    assert (first["attempts"], first["error"]) == (1, None)
    assert first["sent_at"] is not None
    assert worker.stats.delivered == 20


async def test_a_429_reschedules_that_message_only(db: Database) -> None:
    await queue(db, [(str(n), f"m{n}") for n in range(12)])
    transport = ScriptedTransport(script={"m0": [RetryAfter(0.4)]})
    worker = sender(db, transport)
    await drain(worker)
    first_try, second_try = transport.times("m0")
    others = [call.at for call in transport.calls if call.text != "m0"]
    # Everyone else went out at the configured pace meanwhile, long before m0's retry.
    assert len(others) == 11
    assert max(others) - first_try < 0.25
    assert second_try - first_try >= 0.4
    m0 = await row(db, "m0")
    assert (m0["status"], m0["attempts"], m0["throttled"]) == ("sent", 2, 1)
    assert m0["error"] == "429: retry after 0.4s"
    assert worker.stats.throttled == 1


async def test_429s_do_not_spend_the_retry_budget(db: Database) -> None:
    await queue(db, [("1", "busy")])
    transport = ScriptedTransport(script={"busy": [RetryAfter(0.01)] * 5})
    await drain(sender(db, transport))
    busy = await row(db, "busy")
    assert (busy["status"], busy["attempts"], busy["throttled"]) == ("sent", 6, 5)


async def test_a_403_blocks_the_chat_and_its_queue(db: Database) -> None:
    await add_identity(db, "X")
    await queue(db, [("X", "x1"), ("X", "x2"), ("X", "x3"), ("Y", "y1")])
    transport = ScriptedTransport(script={"x1": [Blocked("Forbidden: bot was blocked by the user")]})
    worker = sender(db, transport)
    await drain(worker)
    assert sorted(transport.texts()) == ["x1", "y1"]  # x2 and x3 never tried
    assert [(await row(db, k))["status"] for k in ("x1", "x2", "x3", "y1")] == ["blocked"] * 3 + ["sent"]
    assert (await row(db, "x1"))["error"] == "Forbidden: bot was blocked by the user"
    identity = await db.fetchone("SELECT unreachable FROM identities WHERE chat_id = 'X'")
    assert identity is not None and identity["unreachable"] == 1
    # Later messages to the blocked chat are skipped as blocked.
    await queue(db, [("X", "x4")])
    await drain(worker)
    assert (await row(db, "x4"))["status"] == "blocked"
    assert transport.texts().count("x4") == 0
    assert worker.stats.blocked == 4


async def test_transient_errors_back_off_then_fail(db: Database) -> None:
    await queue(db, [("1", "flaky"), ("2", "fine")])
    transport = ScriptedTransport(script={"flaky": [Transient("TimedOut: timed out")] * 10})
    worker = sender(db, transport)
    await drain(worker)
    tries = transport.times("flaky")
    assert len(tries) == FAST.max_attempts
    # Waits are at least half the exponential ceiling: base, then 2 x base.
    gaps = [b - a for a, b in itertools.pairwise(tries)]
    assert gaps[0] >= FAST.backoff_base / 2
    assert gaps[1] >= FAST.backoff_base
    flaky = await row(db, "flaky")
    assert (flaky["status"], flaky["attempts"], flaky["error"]) == ("failed", 3, "TimedOut: timed out")
    assert (await row(db, "fine"))["status"] == "sent"
    assert (worker.stats.transient, worker.stats.failed) == (3, 1)


async def test_a_transient_error_that_clears_is_delivered(db: Database) -> None:
    await queue(db, [("1", "m")])
    transport = ScriptedTransport(script={"m": [Transient("502"), ConnectionResetError("reset")]})
    await drain(sender(db, transport))
    m = await row(db, "m")
    assert (m["status"], m["attempts"]) == ("sent", 3)
    assert m["error"] == "ConnectionResetError: reset"  # the last error stays as history


async def test_a_permanent_error_fails_at_once(db: Database) -> None:
    await queue(db, [("1", "bad")])
    transport = ScriptedTransport(script={"bad": [Permanent("Bad Request: chat not found")]})
    await drain(sender(db, transport))
    bad = await row(db, "bad")
    assert (bad["status"], bad["attempts"], bad["error"]) == ("failed", 1, "Bad Request: chat not found")


def test_backoff_schedule_doubles_with_jitter_up_to_the_cap() -> None:
    rng = random.Random(1)
    for failures, ceiling in [(1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0), (9, 300.0), (50, 300.0)]:
        for _ in range(50):
            delay = backoff_delay(failures, base=2.0, cap=300.0, rng=rng)
            assert ceiling / 2 <= delay <= ceiling
    spread = {round(backoff_delay(3, 2.0, 300.0, rng), 3) for _ in range(20)}
    assert len(spread) > 10  # jittered, not lockstep


async def test_per_chat_spacing_does_not_hold_up_other_chats(db: Database) -> None:
    messages = [("A", "a1"), ("A", "a2"), ("A", "a3"), ("B", "b1"), ("B", "b2")]
    messages += [(f"c{n}", f"other{n}") for n in range(20)]
    await queue(db, messages)
    transport = ScriptedTransport()
    await drain(sender(db, transport))
    a_times = transport.times("a1") + transport.times("a2") + transport.times("a3")
    assert all(
        later - earlier >= FAST.per_chat_interval - 0.005 for earlier, later in itertools.pairwise(a_times)
    )
    b_times = transport.times("b1") + transport.times("b2")
    assert b_times[1] - b_times[0] >= FAST.per_chat_interval - 0.005
    # The other chats did not wait for A's spacing: all were sent before A's second message.
    others = [call.at for call in transport.calls if call.text.startswith("other")]
    assert max(others) < a_times[1]
    assert transport.texts().index("b1") < 5


async def test_overall_rate_is_capped_and_reached(db: Database) -> None:
    config = replace(FAST, rate_per_second=50)
    await queue(db, [(str(n), f"m{n}") for n in range(110)])
    transport = ScriptedTransport(latency=0.02)
    await drain(sender(db, transport, config))
    times = sorted(call.at for call in transport.calls)
    assert max_in_window(times, 1.0) <= 50 + config.burst
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert 0.9 * 50 <= rate <= 1.1 * 50


async def test_quiet_hours_hold_reminders_and_ordinary_broadcasts(db: Database) -> None:
    evening = datetime(2026, 5, 15, 15, 30, tzinfo=UTC)  # 22:30 in Vietnam
    config = replace(FAST, quiet_start=time(21, 0), quiet_end=time(7, 0))
    await queue(db, [("1", "reminder")], kind="reminder", now=evening)
    await queue(db, [("2", "broadcast")], kind="broadcast", now=evening)
    await queue(db, [("3", "urgent broadcast")], kind="broadcast", now=evening, urgent=True)
    await queue(db, [("4", "approval")], kind="approval", now=evening)
    transport = ScriptedTransport()
    worker = sender(db, transport, config, clock=lambda: evening)

    async def two_sent() -> bool:
        return (await outbox.counts(db)).sent == 2

    async with running(worker):
        await wait_until(two_sent)
        await asyncio.sleep(0.1)  # time enough to send the held rows too, were they not held
    assert sorted(transport.texts()) == ["approval", "urgent broadcast"]
    morning = iso(datetime(2026, 5, 16, 0, 0, tzinfo=UTC))  # 07:00 in Vietnam
    for key in ("reminder", "broadcast"):
        held = await row(db, key)
        assert (held["status"], held["next_attempt_at"], held["attempts"]) == ("pending", morning, 0)
    assert worker.stats.deferred_quiet == 2


async def test_stop_finishes_sends_under_way_and_gives_back_the_rest(db: Database) -> None:
    await queue(db, [(str(n), f"m{n}") for n in range(40)])
    transport = ScriptedTransport(latency=0.3)
    worker = sender(db, transport, replace(FAST, rate_per_second=20))
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    await asyncio.sleep(0.2)
    stop.set()
    await task
    progress = await outbox.counts(db)
    assert progress.sending == 0
    assert progress.sent == len(transport.calls) > 0
    assert progress.pending == 40 - progress.sent
    untouched = await db.fetchall("SELECT attempts FROM outbox WHERE status = 'pending'")
    assert {r["attempts"] for r in untouched} == {0}


@pytest.mark.single_process
async def test_rows_left_sending_by_a_crash_are_sent_at_start(db: Database) -> None:
    await queue(db, [("1", "m1"), ("2", "m2")])
    async with db.transaction() as conn:
        # The crashed process had m1 in hand, its lease still running: on SQLite (one process
        # at a time) the restarted sender takes it back at once rather than after the lease.
        crashed = outbox.Lease("crashed-process", utcnow() + timedelta(minutes=1))
        await outbox.claim(conn, CHANNEL, utcnow(), 1, lease=crashed)
    transport = ScriptedTransport()
    worker = sender(db, transport)
    await drain(worker)
    assert sorted(transport.texts()) == ["m1", "m2"]
    assert worker.stats.recovered == 1
    assert (await row(db, "m1"))["attempts"] == 2


async def test_wake_picks_up_new_rows_before_the_next_poll(db: Database) -> None:
    transport = ScriptedTransport()
    worker = sender(db, transport, replace(FAST, poll_interval=5.0))

    async def called() -> bool:
        return bool(transport.calls)

    async with running(worker):
        await asyncio.sleep(0.05)  # the sender found nothing and sleeps for the poll interval
        await queue(db, [("1", "late")])
        worker.wake()
        await wait_until(called, within=1.0)
    assert transport.texts() == ["late"]


async def test_an_unreadable_payload_fails_the_row_without_stopping_the_queue(db: Database) -> None:
    await queue(db, [("1", "broken"), ("2", "fine")])
    async with db.transaction() as conn:
        await conn.execute("UPDATE outbox SET payload = '{\"v\": 2}' WHERE dedupe_key = 'broken'")
    transport = ScriptedTransport()
    await drain(sender(db, transport))
    assert transport.texts() == ["fine"]
    broken = await row(db, "broken")
    assert broken["status"] == "failed"
    assert "unreadable payload" in str(broken["error"])


async def test_a_row_due_later_is_sent_when_due(db: Database) -> None:
    delay = 0.3
    async with db.transaction() as conn:
        await outbox.enqueue(
            conn,
            channel=CHANNEL,
            chat_id="1",
            reply=Reply("later"),
            dedupe_key="later",
            kind="notice",
            now=utcnow(),
            not_before=utcnow() + timedelta(seconds=delay),
        )
    transport = ScriptedTransport()
    started = asyncio.get_running_loop().time()
    await drain(sender(db, transport))
    assert transport.times("later")[0] - started >= delay - 0.01
