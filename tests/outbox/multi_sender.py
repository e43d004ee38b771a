"""Several outbox senders on one PostgreSQL database: seeding, a counting transport, and a worker
process that drains the queue with one sender and logs every send.

Run from the project root as ``python -m tests.outbox.multi_sender --url URL --log FILE``; the
two-sender test and ``bench/outbox_multi_bench.py`` start two of them on one database and merge
their logs (one JSON line per send: wall-clock time, chat, text), which are the ground truth of
what reached the fake platform. Exits when nothing is left to send.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import time as clock_time
from pathlib import Path
from typing import TextIO

from bot.conversation.messages import Reply
from bot.storage import outbox
from bot.storage.db import Database, utcnow
from bot.storage.engines.postgres import PostgresDatabase
from bot.workers.outbox_sender import Delivered, OutboxSender, SenderConfig, SendOutcome
from tests.outbox.fake_telegram import max_in_window

CHANNEL = "telegram"


def sender_config(rate: float, per_chat_interval: float) -> SenderConfig:
    """A sender at ``rate`` a second, no quiet hours, short polls (the test's pace)."""
    return SenderConfig(
        rate_per_second=rate,
        per_chat_interval=per_chat_interval,
        quiet_start=clock_time(0, 0),
        quiet_end=clock_time(0, 0),
        poll_interval=0.05,
        flush_interval=0.02,
    )


async def seed(db: Database, messages: int, chats: int) -> None:
    """Queue ``messages`` notices round-robin over ``chats`` chats; text ``chat:seq``."""
    now = utcnow()
    batch = [
        outbox.OutboxMessage(
            channel=CHANNEL,
            chat_id=str(n % chats),
            reply=Reply(f"{n % chats}:{n // chats}"),
            dedupe_key=f"multi-{n}",
            kind=outbox.Kind.NOTICE,
        )
        for n in range(messages)
    ]
    async with db.transaction() as conn:
        await outbox.enqueue_many(conn, batch, now)


@dataclass
class LoggingTransport:
    """Delivers everything after a short random latency and logs each send as a JSON line."""

    log: TextIO
    rng: random.Random = field(default_factory=random.Random)
    sent: int = 0

    async def send(self, chat_id: str, reply: Reply) -> SendOutcome:
        self.log.write(json.dumps({"at": time.time(), "chat": chat_id, "text": reply.text}) + "\n")
        self.sent += 1
        await asyncio.sleep(self.rng.uniform(0.0, 0.005))
        return Delivered()


async def drain(db: Database, transport: LoggingTransport, config: SenderConfig) -> dict[str, object]:
    """Run one sender until the channel has nothing left (any sender's work counts)."""
    sender = OutboxSender(db, CHANNEL, transport, config)
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    while True:
        if task.done() or not (await outbox.counts(db, channel=CHANNEL)).remaining:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await task
    return asdict(sender.stats)


@dataclass(frozen=True)
class DrainReport:
    """What the merged logs of several senders show."""

    sends: int
    distinct: int
    seconds: float
    max_per_second: int
    out_of_order_chats: int
    per_sender: list[int]

    @property
    def duplicates(self) -> int:
        return self.sends - self.distinct

    @property
    def rate(self) -> float:
        return self.sends / self.seconds if self.seconds else 0.0


def read_logs(paths: list[Path]) -> DrainReport:
    """Merge the senders' logs: duplicates, time span, busiest second, per-chat order."""
    entries: list[dict[str, object]] = []
    per_sender = []
    for path in paths:
        lines = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
        per_sender.append(len(lines))
        entries += lines
    entries.sort(key=lambda e: float(str(e["at"])))
    times = [float(str(e["at"])) for e in entries]
    last_seq: dict[str, int] = defaultdict(lambda: -1)
    out_of_order: set[str] = set()
    for entry in entries:
        chat, seq = str(entry["text"]).split(":")
        if int(seq) <= last_seq[chat]:
            out_of_order.add(chat)
        last_seq[chat] = int(seq)
    return DrainReport(
        sends=len(entries),
        distinct=len({str(e["text"]) for e in entries}),
        seconds=(times[-1] - times[0]) if len(times) > 1 else 0.0,
        max_per_second=max_in_window(times, 1.0) if times else 0,
        out_of_order_chats=len(out_of_order),
        per_sender=per_sender,
    )


def worker_command(url: str, log: Path, rate: float, per_chat_interval: float, seed: int) -> list[str]:
    """The command line that runs one worker process."""
    return [
        sys.executable,
        "-m",
        "tests.outbox.multi_sender",
        "--url",
        url,
        "--log",
        str(log),
        "--rate",
        str(rate),
        "--per-chat",
        str(per_chat_interval),
        "--seed",
        str(seed),
    ]


async def _worker(args: argparse.Namespace) -> None:
    config = sender_config(args.rate, args.per_chat)
    db = PostgresDatabase(args.url, pool_min=1, pool_max=4, timeout_seconds=30)
    await db.open(migrate=False)
    try:
        with args.log.open("w", encoding="utf-8", buffering=1) as log:
            await drain(db, LoggingTransport(log, random.Random(args.seed)), config)
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--per-chat", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    asyncio.run(_worker(parser.parse_args()))


if __name__ == "__main__":
    main()
