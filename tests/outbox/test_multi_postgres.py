"""Two outbox senders and two schedulers on one PostgreSQL database (skipped without
TEST_DATABASE_URL): every message sent once, in order per chat, within the shared rate; the
rules run once per period."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.storage import outbox
from bot.storage.db import utcnow
from bot.storage.engines.postgres import PostgresDatabase
from tests.flows.support import settings_for
from tests.outbox.multi_sender import (
    CHANNEL,
    LoggingTransport,
    drain,
    read_logs,
    seed,
    sender_config,
    worker_command,
)
from tests.postgres.conftest import pg_schema_url, pg_url
from tests.reminders.lease_support import count_rule_runs, run_side_by_side

__all__ = ["pg_schema_url", "pg_url"]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def shared(pg_schema_url: str) -> AsyncIterator[tuple[PostgresDatabase, PostgresDatabase]]:
    """Two engines (two pools: two processes' worth of connections) on one migrated schema."""
    first = PostgresDatabase(pg_schema_url, pool_min=1, pool_max=4, timeout_seconds=30)
    second = PostgresDatabase(pg_schema_url, pool_min=1, pool_max=4, timeout_seconds=30)
    await first.open()
    await second.open()
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def test_two_sender_processes_drain_10000_messages_once_each_within_the_rate(
    shared: tuple[PostgresDatabase, PostgresDatabase], pg_schema_url: str, tmp_path: Path
) -> None:
    db, _ = shared
    rate, messages, chats = 300.0, 10_000, 500
    await seed(db, messages, chats)
    logs = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    workers = [
        await asyncio.create_subprocess_exec(*worker_command(pg_schema_url, log, rate, 0.02, n), cwd=ROOT)
        for n, log in enumerate(logs)
    ]
    try:
        async with asyncio.timeout(120):
            assert [await worker.wait() for worker in workers] == [0, 0]
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()
    report = read_logs(logs)
    config = sender_config(rate, 0.02)
    print(
        f"\ntwo senders: {report.sends} sends ({report.per_sender}) in {report.seconds:.2f} s = "
        f"{report.rate:.0f}/s (limit {rate:.0f}/s), busiest second {report.max_per_second}, "
        f"duplicates {report.duplicates}, chats out of order {report.out_of_order_chats}"
    )
    counts = await outbox.counts(db, channel=CHANNEL)
    assert (report.sends, report.duplicates, counts.sent, counts.remaining) == (messages, 0, messages, 0)
    assert report.out_of_order_chats == 0
    assert min(report.per_sender) > messages // 10, "one sender did (nearly) all the work"
    # The shared bucket hands out at most its capacity plus the rate times the time elapsed,
    # so over the drain the two together keep to the rate. Tokens are taken at the claim and a
    # claimed row waits in its sender's queue (for its chat, for the CPU) before it is sent, so
    # the span of the sends may be shorter than that of the claims by that wait (under 1 s).
    # Within one second they may exceed the rate by the rows each already had in hand: at
    # most one claim's worth per sender on top of the bucket's capacity.
    assert report.sends <= config.budget_capacity + rate * (report.seconds + 1.0)
    assert report.max_per_second <= rate + config.budget_capacity + 2 * config.batch_size


async def test_two_senders_in_one_process_never_share_a_row(
    shared: tuple[PostgresDatabase, PostgresDatabase], tmp_path: Path
) -> None:
    first, second = shared
    await seed(first, 2_000, 100)
    config = sender_config(2_000.0, 0.0)
    paths = [tmp_path / "1.jsonl", tmp_path / "2.jsonl"]
    with paths[0].open("w") as log1, paths[1].open("w") as log2:
        await asyncio.gather(
            drain(first, LoggingTransport(log1), config), drain(second, LoggingTransport(log2), config)
        )
    report = read_logs(paths)
    assert (report.sends, report.duplicates, report.out_of_order_chats) == (2_000, 0, 0)
    assert all(n > 0 for n in report.per_sender)


async def test_a_live_senders_rows_survive_another_senders_start(
    shared: tuple[PostgresDatabase, PostgresDatabase], tmp_path: Path
) -> None:
    """PostgreSQL is shared: a sender starting takes back only expired leases, never the rows
    another live process is sending."""
    first, second = shared
    await seed(first, 3, 3)
    async with first.transaction() as conn:
        lease = outbox.Lease("live-process", utcnow() + timedelta(minutes=1))
        claim = await outbox.claim(conn, CHANNEL, utcnow(), 1, lease=lease, skip_locked=first.skip_locked)
    (held,) = claim.rows
    log_path = tmp_path / "log.jsonl"
    with log_path.open("w") as log:
        stats, before = await drain_except(second, LoggingTransport(log), held.id)
    assert stats["recovered"] == 0
    assert before == ("sending", "live-process")
    assert held.payload not in log_path.read_text("utf-8")
    assert len(log_path.read_text("utf-8").splitlines()) == 2  # the other two chats' rows


async def drain_except(
    db: PostgresDatabase, transport: LoggingTransport, held: int
) -> tuple[dict[str, object], tuple[str, str]]:
    """Drain until only the row ``held`` (someone else's) remains; return the sender's stats
    and that row's status and holder as the sender left it."""
    sender_task = asyncio.create_task(drain(db, transport, sender_config(100.0, 0.0)))

    async def others_left() -> int:
        found = await db.fetchone(
            "SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending') AND id <> ?", (held,)
        )
        return int(found["n"]) if found is not None else 0

    async with asyncio.timeout(10):
        while True:
            if not await others_left():
                break
            await asyncio.sleep(0.02)
    row = await db.fetchone("SELECT status, claimed_by FROM outbox WHERE id = ?", (held,))
    assert row is not None
    async with db.transaction() as conn:  # let the sender's loop end: the other process finished
        await conn.execute("UPDATE outbox SET status = 'sent' WHERE id = ?", (held,))
    return await sender_task, (row["status"], row["claimed_by"])


async def test_two_schedulers_run_the_rules_once_per_period(
    shared: tuple[PostgresDatabase, PostgresDatabase],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = shared
    record = count_rule_runs(monkeypatch)
    await run_side_by_side([first, second], settings_for(tmp_path), seconds=1.5, interval=0.3)
    assert record.by(second) == 0
    assert 3 <= record.by(first) <= 7
    times = [at for _, at in record.runs]
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.29
