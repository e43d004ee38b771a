"""Drain a database's Telegram outbox into the fake Bot API, logging every delivered message.

Run from the project root as ``python -m tests.outbox.drain_worker --db FILE --log FILE``. The
crash test and the benchmark start it, kill it with SIGKILL half-way, and start it again: the
log (one fsync'd line per message the fake accepted) is the ground truth of what reached users.

Sends through the real path — :class:`OutboxSender`, :class:`TelegramTransport`, PTB's ``Bot`` —
with only the network replaced. Exits when nothing is left to send and writes the sender's and
the fake's counters as JSON to ``--stats``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import time
import warnings
from dataclasses import asdict
from datetime import time as clock_time
from pathlib import Path

from telegram.warnings import PTBDeprecationWarning

from bot.storage import outbox
from bot.storage.db import Database, SqliteDatabase
from bot.workers.outbox_sender import OutboxSender, SenderConfig
from bot.workers.telegram_transport import TelegramTransport
from tests.outbox.fake_telegram import FakeBotApi

CHANNEL = "telegram"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--log", type=Path, required=True, help="append one line per delivered message")
    parser.add_argument("--stats", type=Path, help="write counters here as JSON at the end")
    parser.add_argument("--scale", type=float, default=1.0, help="Telegram's limits times this")
    parser.add_argument("--rate", type=float, default=25.0, help="the sender's messages per second")
    parser.add_argument("--latency", type=float, nargs=2, default=(0.0, 0.0), metavar=("MIN", "MAX"))
    parser.add_argument("--spurious-429", type=float, default=0.0, help="share of random 429s")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


async def drain(args: argparse.Namespace) -> dict[str, object]:
    api = FakeBotApi(
        scale=args.scale,
        latency=tuple(args.latency),
        spurious_429=args.spurious_429,
        seed=args.seed,
        log_path=args.log,
    )
    config = SenderConfig(
        rate_per_second=args.rate,
        per_chat_interval=1.0 / args.scale,
        quiet_start=clock_time(0, 0),
        quiet_end=clock_time(0, 0),
        poll_interval=0.1,
    )
    started = time.monotonic()
    async with SqliteDatabase(args.db) as db:
        sender = OutboxSender(db, CHANNEL, TelegramTransport(api.bot()), config)
        stop = asyncio.Event()
        task = asyncio.create_task(sender.run(stop))
        await _until_all_sent(db, task)
        stop.set()
        await task
    api.close()
    return {
        **asdict(sender.stats),
        "fake_accepted": len(api.accepted),
        "fake_429": api.throttled,
        "fake_max_per_second": api.max_in_window(1.0),
        "elapsed": time.monotonic() - started,
    }


async def _until_all_sent(db: Database, sender_task: asyncio.Task[None]) -> None:
    while True:
        if sender_task.done() or not (await outbox.counts(db, channel=CHANNEL)).remaining:
            return
        await asyncio.sleep(0.05)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="drain_worker: %(message)s")
    warnings.filterwarnings("ignore", category=PTBDeprecationWarning)
    args = parse_args()
    stats = asyncio.run(drain(args))
    if args.stats is not None:
        args.stats.write_text(json.dumps(stats), "utf-8")


if __name__ == "__main__":
    main()
