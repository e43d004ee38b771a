"""Running schedulers side by side and counting who ran the rules (SQLite and PostgreSQL tests)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from bot.config import Settings
from bot.services import broadcasts
from bot.storage.db import Database
from bot.workers import scheduler


@dataclass
class RuleRuns:
    """Which database (standing for a process) ran the rules, and when (loop time)."""

    runs: list[tuple[int, float]] = field(default_factory=list)

    def by(self, db: Database) -> int:
        return sum(1 for who, _ in self.runs if who == id(db))


def count_rule_runs(monkeypatch: pytest.MonkeyPatch) -> RuleRuns:
    """Replace the scheduler's jobs by a recorder: the lease, not the jobs, is under test."""
    record = RuleRuns()

    async def run_once(db: Database, *_: object) -> scheduler.RunResult:
        record.runs.append((id(db), asyncio.get_running_loop().time()))
        return scheduler.RunResult()

    async def report_progress(db: Database, now: datetime) -> None:
        return None

    monkeypatch.setattr(scheduler, "run_once", run_once)
    monkeypatch.setattr(broadcasts, "report_progress", report_progress)
    return record


async def run_side_by_side(
    dbs: Sequence[Database], settings: Settings, seconds: float, interval: float
) -> None:
    """Run one scheduler per database for ``seconds``, started in order, then stop them all."""
    stop = asyncio.Event()
    tasks = []
    for db in dbs:
        tasks.append(
            asyncio.create_task(
                scheduler.run_scheduler(
                    db, settings, stop, interval_seconds=interval, progress_seconds=interval / 4
                )
            )
        )
        await asyncio.sleep(interval / 8)  # the first one is under way before the next starts
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
