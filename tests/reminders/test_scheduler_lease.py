"""The scheduler's lease: taken, refused while another holder's runs, taken after it expired;
the rules run once per period with two schedulers on one database."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.storage import leases
from bot.storage.db import Database, SqliteDatabase, iso, utcnow
from bot.workers import scheduler
from tests.flows.support import settings_for
from tests.reminders.lease_support import count_rule_runs, run_side_by_side

NOW = datetime(2026, 5, 15, 3, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


class SharedSqliteDatabase(SqliteDatabase):
    """SQLite standing in for a database several live processes share: nothing another holder
    left is taken at start (what PostgreSQL does), so the lease alone decides."""

    single_process = False


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with SqliteDatabase(tmp_path / "lease.sqlite3") as database:
        yield database


async def take(db: Database, holder: str, now: datetime, *, force: bool = False) -> bool:
    async with db.transaction() as conn:
        return await leases.take(conn, scheduler.SCHEDULER_LEASE, holder, now, LEASE, force=force)


async def holder(db: Database) -> tuple[str, str] | None:
    found = await db.fetchone("SELECT holder, expires_at FROM leases WHERE name = 'scheduler'")
    return None if found is None else (found["holder"], found["expires_at"])


async def test_lease_is_taken_refused_renewed_and_passed_on_after_expiry(db: Database) -> None:
    assert await take(db, "A", NOW)
    assert await holder(db) == ("A", iso(NOW + LEASE))
    assert not await take(db, "B", NOW + timedelta(minutes=5))  # A's lease still runs
    assert await take(db, "A", NOW + timedelta(minutes=5))  # renewal by the holder
    assert await holder(db) == ("A", iso(NOW + timedelta(minutes=15)))
    assert not await take(db, "B", NOW + timedelta(minutes=14))
    assert await take(db, "B", NOW + timedelta(minutes=16))  # A stopped renewing: B's now
    assert await holder(db) == ("B", iso(NOW + timedelta(minutes=26)))
    assert not await take(db, "A", NOW + timedelta(minutes=17))


async def test_forced_take_and_giving_up(db: Database) -> None:
    assert await take(db, "predecessor", NOW)
    assert await take(db, "restarted", NOW + timedelta(minutes=1), force=True)
    async with db.transaction() as conn:
        await leases.give_up(conn, scheduler.SCHEDULER_LEASE, "predecessor")  # not its any more
    assert await holder(db) == ("restarted", iso(NOW + timedelta(minutes=11)))
    async with db.transaction() as conn:
        await leases.give_up(conn, scheduler.SCHEDULER_LEASE, "restarted")
    assert await holder(db) is None
    assert await take(db, "next", NOW + timedelta(minutes=2))


def test_holder_ids_differ_between_runs_of_one_process() -> None:
    first, second = leases.holder_id(), leases.holder_id()
    assert first != second
    assert first.rsplit(":", 1)[0] == second.rsplit(":", 1)[0]  # same host and pid


async def test_two_schedulers_on_one_shared_database_run_the_rules_once_per_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = count_rule_runs(monkeypatch)
    settings = settings_for(tmp_path)
    path = tmp_path / "shared.sqlite3"
    async with SharedSqliteDatabase(path) as first, SharedSqliteDatabase(path) as second:
        await run_side_by_side([first, second], settings, seconds=1.5, interval=0.3)
        assert record.by(second) == 0
        # About one run per 0.3 s over 1.5 s (the first at start), never two in one period;
        # the lower bound is loose because a loaded machine delays the ticks.
        assert 3 <= record.by(first) <= 7
        times = [at for _, at in record.runs]
        assert min(b - a for a, b in itertools.pairwise(times)) >= 0.29
        # The first stopped and handed the lease on: the second takes over at once.
        assert await holder(first) is None
        record.runs.clear()
        await run_side_by_side([second], settings, seconds=0.1, interval=0.2)
        assert record.by(second) == 1


async def test_a_shared_database_waits_for_a_dead_holders_lease_to_expire(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = count_rule_runs(monkeypatch)
    async with SharedSqliteDatabase(tmp_path / "shared.sqlite3") as db:
        async with db.transaction() as conn:
            # A process that died holding the lease for another 0.4 s.
            await leases.take(conn, scheduler.SCHEDULER_LEASE, "dead", utcnow(), timedelta(seconds=0.4))
        started = asyncio.get_running_loop().time()
        await run_side_by_side([db], settings_for(tmp_path), seconds=0.7, interval=0.2)
    assert record.runs, "the rules never ran after the dead holder's lease expired"
    assert record.runs[0][1] - started >= 0.35


async def test_on_sqlite_a_restart_takes_the_lease_at_once(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One process at a time on SQLite: a lease still running belongs to the crashed
    predecessor, and the restarted scheduler catches up at once instead of after it."""
    record = count_rule_runs(monkeypatch)
    async with db.transaction() as conn:
        await leases.take(conn, scheduler.SCHEDULER_LEASE, "crashed", utcnow(), timedelta(hours=1))
    settings: Settings = settings_for(tmp_path)
    await run_side_by_side([db], settings, seconds=0.05, interval=0.2)
    assert record.by(db) == 1
