"""What ``synchronous=FULL`` costs per commit, against ``NORMAL``, on this machine's disk.

Each commit is the shape of one accepted step of a report: the de-duplication mark, the
session row and a small insert, in one write transaction through :class:`bot.storage.db.Database`.
The two modes alternate in rounds so that a busy machine disturbs both alike; the median and
the 95th percentile of the commit latency are printed per mode.

Usage: ``python bench/durability_bench.py [--commits 500] [--rounds 4] [--dir DIR]``
(``--dir`` on the disk the bot will use; the default temporary folder may be a RAM disk).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.storage.db import Database, SqliteDatabase, iso, utcnow


async def _commits(path: Path, mode: str, commits: int) -> list[float]:
    Database.synchronous = mode
    latencies: list[float] = []
    async with SqliteDatabase(path) as db:
        for n in range(commits):
            started = time.perf_counter()
            async with db.transaction() as tx:
                now = iso(utcnow())
                await tx.execute(
                    "INSERT INTO inbound_seen(channel, chat_id, message_id, seen_at) "
                    "VALUES ('bench', 'c', ?, ?)",
                    (f"{mode}-{n}-{time.monotonic_ns()}", now),
                )
                await tx.execute(
                    "INSERT INTO kb_feedback(at, ref, helpful) VALUES (?, 'bench:report-step', 1)", (now,)
                )
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


async def main(commits: int, rounds: int, folder: Path | None) -> None:
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        results: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
        for round_number in range(rounds):
            for mode in ("NORMAL", "FULL") if round_number % 2 == 0 else ("FULL", "NORMAL"):
                results[mode] += await _commits(Path(tmp) / f"{mode}.sqlite3", mode, commits)
    print(f"{commits * rounds} commits per mode, folder {folder or tempfile.gettempdir()}")
    for mode, values in results.items():
        values.sort()
        p95 = values[int(len(values) * 0.95)]
        print(f"{mode:6s}: median {statistics.median(values):6.3f} ms   p95 {p95:6.3f} ms")
    cost = statistics.median(results["FULL"]) - statistics.median(results["NORMAL"])
    print(f"FULL - NORMAL (median): {cost:+.3f} ms per commit")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    asyncio.run(main(args.commits, args.rounds, args.dir))
