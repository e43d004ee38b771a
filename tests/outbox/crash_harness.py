"""Drain an outbox in a child process, optionally kill -9 it half-way and restart it; then count
what reached the fake Telegram: lost messages, duplicates, rows in flight at the kill, rate.

Shared by the crash test (small, fast) and ``bench/outbox_bench.py`` (10,000 recipients).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.conversation.messages import Reply
from bot.storage import outbox
from bot.storage.db import SqliteDatabase, utcnow
from bot.storage.outbox import OutboxMessage

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """Command-line options of :mod:`tests.outbox.drain_worker`."""

    scale: float = 1.0
    rate: float = 25.0
    latency: tuple[float, float] = (0.0, 0.0)
    spurious_429: float = 0.0

    def argv(self) -> list[str]:
        return [
            f"--scale={self.scale}",
            f"--rate={self.rate}",
            "--latency",
            str(self.latency[0]),
            str(self.latency[1]),
            f"--spurious-429={self.spurious_429}",
        ]


@dataclass(slots=True)
class Report:
    """What one scenario delivered, read from the fake's log and the database."""

    rows: int
    delivered_lines: int = 0
    unique_delivered: int = 0
    lost: int = 0
    duplicates: int = 0
    killed_after_lines: int | None = None
    in_flight_at_kill: int | None = None
    wall_seconds: float = 0.0
    rate_per_second: float = 0.0  # deliveries per second between the first and the last
    final_status: dict[str, int] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)


async def fill(db_path: Path, rows: int, chats: int) -> None:
    """Queue ``rows`` messages (text = dedupe key ``m<n>``) round-robin over ``chats`` chats."""
    now = utcnow()
    messages = (
        OutboxMessage("telegram", str(1_000_000 + n % chats), Reply(f"m{n}"), f"m{n}", outbox.Kind.BROADCAST)
        for n in range(rows)
    )
    async with SqliteDatabase(db_path) as db, db.transaction() as conn:
        await outbox.enqueue_many(conn, messages, now)


async def statuses(db_path: Path) -> dict[str, int]:
    async with SqliteDatabase(db_path) as db:
        rows = await db.fetchall("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
    return {row["status"]: row["n"] for row in rows}


def start_worker(db_path: Path, log: Path, stats: Path, options: WorkerOptions) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "tests.outbox.drain_worker", f"--db={db_path}", f"--log={log}"]
    return subprocess.Popen([*command, f"--stats={stats}", *options.argv()], cwd=ROOT)


def count_lines(log: Path) -> int:
    try:
        with log.open("rb") as fh:
            return sum(1 for _ in fh)
    except FileNotFoundError:
        return 0


def kill_when(log: Path, process: subprocess.Popen[bytes], lines: int, timeout: float) -> int:
    """SIGKILL ``process`` once ``log`` has ``lines`` lines; return how many it had then."""
    deadline = time.monotonic() + timeout
    while (seen := count_lines(log)) < lines:
        if process.poll() is not None:
            raise RuntimeError(f"worker ended (code {process.returncode}) before the kill, at {seen} lines")
        if time.monotonic() > deadline:
            process.kill()
            raise TimeoutError(f"only {seen} of {lines} lines after {timeout}s")
        time.sleep(0.002)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return count_lines(log)


def finish(process: subprocess.Popen[bytes], stats: Path, timeout: float) -> dict[str, Any]:
    if process.wait(timeout=timeout) != 0:
        raise RuntimeError(f"worker failed with code {process.returncode}")
    result: dict[str, Any] = json.loads(stats.read_text("utf-8"))
    return result


def run_scenario(
    workdir: Path,
    *,
    rows: int,
    chats: int,
    options: WorkerOptions,
    kill_at: float | None = None,
    timeout: float = 300.0,
) -> Report:
    """Fill a fresh database, drain it (killing the worker at ``kill_at`` of the rows and
    restarting it), and report what the fake Telegram received."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_path, log = workdir / "outbox.sqlite3", workdir / "delivered.log"
    for stale in (db_path, log):
        stale.unlink(missing_ok=True)
    asyncio.run(fill(db_path, rows, chats))
    report = Report(rows=rows)
    started = time.monotonic()
    worker = start_worker(db_path, log, workdir / "stats-1.json", options)
    if kill_at is not None:
        report.killed_after_lines = kill_when(log, worker, int(rows * kill_at), timeout)
        report.in_flight_at_kill = asyncio.run(statuses(db_path)).get("sending", 0)
        worker = start_worker(db_path, log, workdir / "stats-2.json", options)
        report.runs.append(finish(worker, workdir / "stats-2.json", timeout))
    else:
        report.runs.append(finish(worker, workdir / "stats-1.json", timeout))
    report.wall_seconds = time.monotonic() - started
    _read_log(log, rows, report)
    report.final_status = asyncio.run(statuses(db_path))
    return report


def _read_log(log: Path, rows: int, report: Report) -> None:
    lines = [line.split("\t") for line in log.read_text("utf-8").splitlines()]
    seen = Counter(text for _, _, text in lines)
    report.delivered_lines = len(lines)
    report.unique_delivered = len(seen)
    report.duplicates = report.delivered_lines - report.unique_delivered
    report.lost = sum(1 for n in range(rows) if f"m{n}" not in seen)
    moments = sorted(float(at) for at, _, _ in lines)
    # The kill and restart pause is part of the wall time, not of the sending rate.
    if report.killed_after_lines is None and len(moments) > 1:
        report.rate_per_second = (len(moments) - 1) / (moments[-1] - moments[0])
