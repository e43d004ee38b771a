"""Several outbox senders on one PostgreSQL database (issue 16, plan §4).

Two measurements:

1. **Two-sender drain** — two worker processes (``tests/outbox/multi_sender.py``), each one
   :class:`OutboxSender` on its own pool, drain ``--messages`` notices over ``--chats`` chats
   at a shared ``--rate``. Printed from the merged send logs: sends, duplicates, chats whose
   messages went out of order, the split, the combined rate and the busiest second.
2. **Claim latency at ``--pending`` pending rows**, on SQLite (a file in a temporary folder) and
   on PostgreSQL: the sender's claim transaction (shared budget, the one-statement claim, budget
   write-back), ``--claims`` times, each claimed batch then marked sent as the sender would.

Usage::

    python bench/outbox_multi_bench.py --url postgresql://hoagiai@127.0.0.1:55441/postgres \
        [--messages 10000] [--chats 500] [--rate 300] [--pending 100000] [--claims 200]

Each run uses a throwaway schema (dropped at the end). Without ``--url`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.conversation.messages import Reply  # noqa: E402
from bot.storage import outbox  # noqa: E402
from bot.storage.db import Database, SqliteDatabase, utcnow  # noqa: E402
from bot.storage.engines.postgres import PostgresDatabase  # noqa: E402
from tests.outbox.multi_sender import (  # noqa: E402
    CHANNEL,
    read_logs,
    seed,
    sender_config,
    worker_command,
)


def in_schema(url: str, schema: str) -> str:
    """``url`` with ``search_path`` set to ``schema`` (asyncpg passes it on as a server setting)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["search_path"] = schema
    return urlunsplit(parts._replace(query=urlencode(query)))


async def with_schema(url: str, create: bool) -> str:
    """Create (or, with ``create`` false, drop) the bench's schema; returns its URL."""
    admin = await asyncpg.connect(url)
    try:
        if create:
            schema = f"bench_{uuid.uuid4().hex[:12]}"
            await admin.execute(f"CREATE SCHEMA {schema}")
            return in_schema(url, schema)
        schema = dict(parse_qsl(urlsplit(url).query))["search_path"]
        await admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        return url
    finally:
        await admin.close()


async def two_sender_drain(url: str, args: argparse.Namespace) -> None:
    schema_url = await with_schema(url, create=True)
    try:
        db = PostgresDatabase(schema_url, pool_min=1, pool_max=2)
        await db.open()
        try:
            await seed(db, args.messages, args.chats)
        finally:
            await db.close()
        with tempfile.TemporaryDirectory() as folder:
            logs = [Path(folder) / "a.jsonl", Path(folder) / "b.jsonl"]
            started = time.monotonic()
            workers = [
                await asyncio.create_subprocess_exec(
                    *worker_command(schema_url, log, args.rate, args.per_chat, n), cwd=ROOT
                )
                for n, log in enumerate(logs)
            ]
            codes = [await worker.wait() for worker in workers]
            wall = time.monotonic() - started
            report = read_logs(logs)
        config = sender_config(args.rate, args.per_chat)
        print(f"two-sender drain ({args.messages} messages, {args.chats} chats, shared rate {args.rate:g}/s)")
        print(f"  exit codes               {codes}")
        print(f"  sends                    {report.sends} (split {report.per_sender})")
        print(f"  sent twice               {report.duplicates}")
        print(f"  chats out of order       {report.out_of_order_chats}")
        print(f"  first→last send          {report.seconds:.2f} s (processes ran {wall:.2f} s)")
        print(f"  combined rate            {report.rate:.1f}/s (limit {args.rate:g}/s)")
        print(
            f"  busiest second           {report.max_per_second} "
            f"(bound: rate + bucket {config.budget_capacity} + 2 × claim {config.batch_size})"
        )
    finally:
        await with_schema(schema_url, create=False)


async def claim_latency(db: Database, label: str, args: argparse.Namespace) -> None:
    """Seed ``--pending`` rows over 5,000 chats, then time the sender's claim transaction."""
    started = time.perf_counter()
    for start in range(0, args.pending, 20_000):
        count = min(20_000, args.pending - start)
        batch = [
            outbox.OutboxMessage(
                channel=CHANNEL,
                chat_id=str(n % 5_000),
                reply=Reply(f"m{n}"),
                dedupe_key=f"lat-{n}",
                kind=outbox.Kind.NOTICE,
            )
            for n in range(start, start + count)
        ]
        async with db.transaction() as conn:
            await outbox.enqueue_many(conn, batch, utcnow())
    if db.engine == "postgresql":
        async with db.transaction() as conn:
            await conn.execute("ANALYZE outbox")
    seeded = time.perf_counter() - started
    config = sender_config(args.rate, 0.0)
    times: list[float] = []
    for _ in range(args.claims):
        began = time.perf_counter()
        async with db.transaction() as conn:
            now = utcnow()
            budget = await outbox.take_budget(conn, CHANNEL, now, 1e9, config.budget_capacity)
            lease = outbox.Lease("bench", now + timedelta(minutes=1))
            limit = min(config.batch_size, int(budget.tokens))
            claim = await outbox.claim(conn, CHANNEL, now, limit, lease=lease, skip_locked=db.skip_locked)
            await outbox.spend_budget(conn, CHANNEL, budget.tokens - len(claim.rows), budget.as_of)
        times.append((time.perf_counter() - began) * 1000)
        async with db.transaction() as conn:
            await outbox.mark_sent(conn, [(row.id, utcnow()) for row in claim.rows])
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"claim at {args.pending:,} pending ({label}): median {statistics.median(times):.2f} ms, "
        f"p95 {p95:.2f} ms, max {times[-1]:.2f} ms over {len(times)} claims of {config.batch_size} "
        f"(seeded in {seeded:.1f} s)"
    )


async def main(args: argparse.Namespace) -> None:
    await two_sender_drain(args.url, args)
    with tempfile.TemporaryDirectory() as folder:
        async with SqliteDatabase(Path(folder) / "bench.sqlite3") as sqlite_db:
            await claim_latency(sqlite_db, "sqlite", args)
    schema_url = await with_schema(args.url, create=True)
    try:
        async with PostgresDatabase(schema_url, pool_min=1, pool_max=2) as pg_db:
            await claim_latency(pg_db, "postgresql", args)
    finally:
        await with_schema(schema_url, create=False)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a PostgreSQL server (the bench makes and drops its own schema)")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--rate", type=float, default=300.0, help="the shared send rate, messages a second")
    parser.add_argument("--per-chat", type=float, default=0.02, help="seconds between two sends to a chat")
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=200)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    if not arguments.url:
        print("outbox_multi_bench: no --url given, nothing measured (needs a PostgreSQL server)")
        sys.exit(0)
    asyncio.run(main(arguments))
