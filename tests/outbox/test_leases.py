"""Leases of claimed rows and the shared send budget (the parts of several senders that SQLite
can show too): who may take a row back, renewal while a send is slow, the bucket's arithmetic."""

from __future__ import annotations

import asyncio
import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.conversation.messages import Reply
from bot.storage import outbox
from bot.storage.db import Database, iso, utcnow
from bot.workers.outbox_sender import Delivered, OutboxSender, SendOutcome
from tests.outbox.helpers import CHANNEL, ScriptedTransport, queue, row, running, wait_until
from tests.outbox.test_sender import FAST

NOW = datetime(2026, 5, 15, 3, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


async def claim_as(db: Database, holder: str, until: datetime, now: datetime = NOW) -> list[str]:
    """Claim every claimable row for ``holder``; returns their dedupe keys."""
    async with db.transaction() as conn:
        claim = await outbox.claim(conn, CHANNEL, now, 100, lease=outbox.Lease(holder, until))
    return [r.dedupe_key for r in claim.rows]


async def test_a_claim_records_its_holder_and_lease(db: Database) -> None:
    await queue(db, [("A", "a1")], now=NOW)
    assert await claim_as(db, "host:1:aa", NOW + MINUTE) == ["a1"]
    stored = await row(db, "a1")
    assert (stored["status"], stored["claimed_by"], stored["claimed_until"]) == (
        "sending",
        "host:1:aa",
        iso(NOW + MINUTE),
    )


async def test_recovery_leaves_a_live_foreign_lease_alone(db: Database) -> None:
    """Another process is sending chat A's row (its lease runs a minute more); chat B's row
    belonged to a process whose lease ran out; chat C's row was claimed before leases existed."""
    await queue(db, [("A", "a1"), ("B", "b1"), ("C", "c1")], now=NOW)
    await claim_as(db, "live", NOW + MINUTE)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET claimed_by = 'dead', claimed_until = ? WHERE dedupe_key = 'b1'",
            (iso(NOW - timedelta(seconds=1)),),
        )
        await conn.execute(
            "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE dedupe_key = 'c1'"
        )
        assert await outbox.recover_in_flight(conn, CHANNEL, NOW) == 2
    statuses = {key: (await row(db, key))["status"] for key in ("a1", "b1", "c1")}
    assert statuses == {"a1": "sending", "b1": "pending", "c1": "pending"}
    # Once the live process's lease runs out too (it died), its row comes back.
    async with db.transaction() as conn:
        assert await outbox.recover_in_flight(conn, CHANNEL, NOW + 2 * MINUTE) == 1
    assert (await row(db, "a1"))["status"] == "pending"


async def test_a_single_process_restart_takes_back_running_leases_at_once(db: Database) -> None:
    await queue(db, [("A", "a1"), ("B", "b1")], now=NOW)
    await claim_as(db, "predecessor", NOW + MINUTE)
    async with db.transaction() as conn:
        assert await outbox.recover_in_flight(conn, CHANNEL, NOW) == 0
        assert await outbox.recover_in_flight(conn, CHANNEL, NOW, take_all=True) == 2
    stored = await row(db, "a1")
    assert (stored["status"], stored["claimed_by"], stored["claimed_until"]) == ("pending", None, None)


async def test_renewal_extends_only_the_holders_own_rows(db: Database) -> None:
    await queue(db, [("A", "a1"), ("B", "b1")], now=NOW)
    async with db.transaction() as conn:
        await outbox.claim(conn, CHANNEL, NOW, 1, lease=outbox.Lease("me", NOW + MINUTE))
        await outbox.claim(conn, CHANNEL, NOW, 1, lease=outbox.Lease("other", NOW + MINUTE))
        renewed = await outbox.renew_leases(conn, CHANNEL, outbox.Lease("me", NOW + 3 * MINUTE))
    assert renewed == 1
    assert (await row(db, "a1"))["claimed_until"] == iso(NOW + 3 * MINUTE)
    assert (await row(db, "b1"))["claimed_until"] == iso(NOW + MINUTE)
    async with db.transaction() as conn:
        assert await outbox.recover_in_flight(conn, CHANNEL, NOW + 2 * MINUTE) == 1
    assert (await row(db, "a1"))["status"] == "sending"


@pytest.mark.parametrize(
    ("tokens", "elapsed", "expected"),
    [
        (0.0, 0.0, 0.0),
        (0.0, 0.1, 2.5),  # 25 a second for a tenth of a second
        (1.5, 0.2, 6.5),
        (3.0, 10.0, 8.0),  # capped at the capacity however long the bucket sat idle
        (8.0, 1.0, 8.0),
        (4.0, -5.0, 4.0),  # another host's clock behind ours: nothing added, nothing taken
    ],
)
def test_refill_adds_the_rate_for_the_elapsed_time_up_to_the_capacity(
    tokens: float, elapsed: float, expected: float
) -> None:
    later = NOW + timedelta(seconds=elapsed)
    assert math.isclose(outbox.refill(tokens, NOW, later, rate=25.0, capacity=8.0), expected)


async def test_the_shared_bucket_starts_full_then_refills_by_elapsed_time(db: Database) -> None:
    async with db.transaction() as conn:
        assert await outbox.take_budget(conn, CHANNEL, NOW, 25.0, 8.0) == outbox.Budget(8.0, NOW)
        await outbox.spend_budget(conn, CHANNEL, 8.0 - 7, NOW)
    later = NOW + timedelta(seconds=0.2)
    async with db.transaction() as conn:
        budget = await outbox.take_budget(conn, CHANNEL, later, 25.0, 8.0)
        assert (math.isclose(budget.tokens, 6.0), budget.as_of) == (True, later)
        # A second sender of another channel has a bucket of its own.
        assert (await outbox.take_budget(conn, "zalo", later, 5.0, 2.0)).tokens == 2.0
        await outbox.spend_budget(conn, CHANNEL, 0.0, later)
    stored = await db.fetchone("SELECT tokens, updated_at FROM send_budget WHERE channel = ?", (CHANNEL,))
    assert stored is not None
    assert (stored["tokens"], stored["updated_at"]) == (0.0, iso(later))


async def test_a_claimer_that_waited_for_the_bucket_never_moves_its_time_back(db: Database) -> None:
    """Process A read the clock, then waited for the bucket's lock while B refilled and spent it
    at a later instant: A must see B's moment, or the seconds between would be refilled twice."""
    b_moment = NOW + timedelta(seconds=1)
    async with db.transaction() as conn:
        await outbox.take_budget(conn, CHANNEL, NOW - timedelta(seconds=10), 25.0, 8.0)
        await outbox.spend_budget(conn, CHANNEL, 0.0, b_moment)
    async with db.transaction() as conn:
        budget = await outbox.take_budget(conn, CHANNEL, NOW, 25.0, 8.0)  # A's earlier reading
        assert budget == outbox.Budget(0.0, b_moment)
        await outbox.spend_budget(conn, CHANNEL, budget.tokens, budget.as_of)
    async with db.transaction() as conn:
        budget = await outbox.take_budget(conn, CHANNEL, b_moment + timedelta(seconds=0.2), 25.0, 8.0)
    assert math.isclose(budget.tokens, 5.0)  # 0.2 s after B's moment, not 1.2 s after A's


async def test_an_empty_shared_bucket_holds_the_sender_back(db: Database) -> None:
    """Another process spent the bucket just now: this sender waits for the refill, at the
    configured rate, instead of sending at once."""
    config = replace(FAST, rate_per_second=40.0)
    async with db.transaction() as conn:
        await outbox.take_budget(conn, CHANNEL, utcnow(), config.rate_per_second, config.budget_capacity)
        await outbox.spend_budget(conn, CHANNEL, 0.0, utcnow())
    # Timed from the moment the bucket was emptied: the refill counts from then, however long
    # queueing and starting the sender take on a loaded machine.
    started = asyncio.get_running_loop().time()
    await queue(db, [(str(n), f"m{n}") for n in range(12)])
    transport = ScriptedTransport()
    async with running(OutboxSender(db, CHANNEL, transport, config)):

        async def all_sent() -> bool:
            return (await outbox.counts(db)).sent == 12

        await wait_until(all_sent)
    # 12 tokens at 40 a second take 0.3 s to appear; the first send waits for a whole claim's
    # worth (8 tokens, 0.2 s).
    assert transport.calls[0].at - started >= 0.15
    assert transport.calls[-1].at - started >= 0.28


class SlowTransport:
    """Holds every send until ``release`` is set."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.started = asyncio.Event()

    async def send(self, chat_id: str, reply: Reply) -> SendOutcome:
        self.started.set()
        await self.release.wait()
        return Delivered()


async def test_the_sender_renews_the_lease_of_a_slow_send(db: Database) -> None:
    await queue(db, [("A", "a1")])
    transport = SlowTransport()
    worker = OutboxSender(db, CHANNEL, transport, replace(FAST, lease_seconds=0.3))
    async with running(worker):
        await asyncio.wait_for(transport.started.wait(), 5)
        first = str((await row(db, "a1"))["claimed_until"])
        await asyncio.sleep(0.5)  # longer than the lease: it must have been renewed meanwhile
        stored = await row(db, "a1")
        assert (stored["status"], stored["claimed_by"]) == ("sending", worker.holder)
        assert str(stored["claimed_until"]) > first
        assert str(stored["claimed_until"]) > iso(utcnow())
        transport.release.set()

        async def sent() -> bool:
            return (await row(db, "a1"))["status"] == "sent"

        await wait_until(sent)
    assert worker.stats.recovered == 0


async def test_a_running_sender_takes_back_a_dead_senders_rows_but_not_a_live_ones(db: Database) -> None:
    transport = ScriptedTransport()
    worker = OutboxSender(db, CHANNEL, transport, replace(FAST, lease_seconds=0.3))
    await queue(db, [("W", "warm-up")])
    async with running(worker):

        async def started() -> bool:
            return (await row(db, "warm-up"))["status"] == "sent"

        await wait_until(started)  # past its start-up recovery, which takes every row on SQLite
        # Rows of two other processes appear after this sender started: one died just now
        # (its lease ran out), one is alive and keeps its lease a minute more.
        # Queued and claimed in one transaction, so this sender cannot claim them first.
        async with db.transaction() as conn:
            for chat, key in (("A", "dead-row"), ("B", "live-row")):
                await outbox.enqueue(
                    conn,
                    channel=CHANNEL,
                    chat_id=chat,
                    reply=Reply(key),
                    dedupe_key=key,
                    kind=outbox.Kind.NOTICE,
                    now=utcnow(),
                )
            await outbox.claim(conn, CHANNEL, utcnow(), 1, "A", lease=outbox.Lease("dead", utcnow()))
            await outbox.claim(conn, CHANNEL, utcnow(), 1, "B", lease=outbox.Lease("live", utcnow() + MINUTE))

        async def dead_row_sent() -> bool:
            return (await row(db, "dead-row"))["status"] == "sent"

        await wait_until(dead_row_sent)
    assert transport.texts() == ["warm-up", "dead-row"]
    assert worker.stats.recovered == 1
    assert (await row(db, "live-row"))["claimed_by"] == "live"
