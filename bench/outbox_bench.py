"""Outbox benchmark: a broadcast to 10,000 recipients through the sender and a fake Telegram that
enforces Telegram's flood limits — once straight through, once killed with SIGKILL half-way.

Run: ``python bench/outbox_bench.py [--recipients N] [--scale K] [--json]``.

Telegram allows ~30 messages/s; the bot is configured for 25/s (``OUTBOX_RATE_PER_SECOND``),
leaving room for interactive replies. At that pace 10,000 messages take 400 s, so the run is
scaled: the fake's limits (30/s overall, 1/s per chat) and the sender's (25/s, 1 s spacing)
are all multiplied by ``--scale`` (10 by default: 300/s and 250/s). Ratios — sustained rate
over the configured rate — carry over to the real limits.

Each scenario runs the sender in a child process (``tests/outbox/drain_worker.py``): the real
sender, Telegram transport and PTB ``Bot``, only the network replaced. The fake logs every
accepted message with fsync; that log is what "reached users". Targets: sustained rate
≥ 0.95 of the configured limit, no duplicates on a clean run, nothing lost after the kill and
no more duplicates than rows that were in flight (status ``sending``) at the kill.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from tests.outbox.crash_harness import Report, WorkerOptions, run_scenario  # noqa: E402

TELEGRAM_OVERALL_PER_SECOND = 30


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Outbox sender benchmark against a rate-limited fake Telegram"
    )
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--scale", type=float, default=10.0, help="multiply every limit by this")
    parser.add_argument(
        "--latency",
        type=float,
        nargs=2,
        default=(0.02, 0.08),
        metavar=("MIN", "MAX"),
        help="seconds per call",
    )
    parser.add_argument(
        "--spurious-429", type=float, default=0.002, help="share of random 429s from the fake"
    )
    parser.add_argument("--json", action="store_true", help="print the raw reports as JSON")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    configured = Settings(_env_file=None).outbox_rate_per_second  # type: ignore[call-arg]
    options = WorkerOptions(
        scale=args.scale,
        rate=configured * args.scale,
        latency=tuple(args.latency),
        spurious_429=args.spurious_429,
    )
    with tempfile.TemporaryDirectory(prefix="outbox-bench-") as tmp:
        work = Path(tmp)
        clean = run_scenario(work / "clean", rows=args.recipients, chats=args.recipients, options=options)
        crash = run_scenario(
            work / "crash", rows=args.recipients, chats=args.recipients, options=options, kill_at=0.5
        )
    if args.json:
        print(
            json.dumps({"options": asdict(options), "clean": asdict(clean), "crash": asdict(crash)}, indent=2)
        )
    return print_summary(args, options, clean, crash)


def print_summary(args: argparse.Namespace, options: WorkerOptions, clean: Report, crash: Report) -> int:
    fraction = clean.rate_per_second / options.rate
    (clean_run,) = clean.runs
    (restart,) = crash.runs
    checks = [
        ("sustained rate ≥ 0.95 of the limit", fraction >= 0.95),
        ("clean run: nothing lost", clean.lost == 0),
        ("clean run: no duplicates", clean.duplicates == 0),
        ("clean run: every 429 rescheduled", clean_run["throttled"] == clean_run["fake_429"]),
        ("crash: nothing lost", crash.lost == 0),
        ("crash: duplicates ≤ in flight at the kill", crash.duplicates <= (crash.in_flight_at_kill or 0)),
    ]
    fake_cap = TELEGRAM_OVERALL_PER_SECOND * args.scale
    print(f"Outbox benchmark — {args.recipients:,} recipients, limits scaled ×{args.scale:g}")
    print(f"  sender limit {options.rate:g}/s (= {options.rate / args.scale:g}/s × {args.scale:g}); ", end="")
    print(f"fake Telegram {fake_cap:g}/s overall, {args.scale:g}/s per chat; latency {options.latency} s")
    print("Clean run")
    print(f"  sustained rate      {clean.rate_per_second:8.1f}/s  = {fraction:.3f} of the configured limit")
    print(f"  busiest second      {clean_run['fake_max_per_second']:8d}    (fake cap {fake_cap:g})")
    print(
        f"  429s received       {clean_run['fake_429']:8d}    rescheduled and sent: {clean_run['throttled']}"
    )
    print(f"  delivered/duplic.   {clean.unique_delivered:8d} / {clean.duplicates}")
    print(f"  wall time           {clean.wall_seconds:8.1f} s  (child process, start to exit)")
    print("Killed with SIGKILL at ~50 %, restarted")
    print(f"  killed after        {crash.killed_after_lines:8d} delivered")
    print(f"  in flight at kill   {crash.in_flight_at_kill:8d}    (rows 'sending', returned to the queue)")
    print(f"  lost                {crash.lost:8d}")
    print(f"  duplicates          {crash.duplicates:8d}")
    print(f"  429s after restart  {restart['fake_429']:8d}")
    print(f"  wall time           {crash.wall_seconds:8.1f} s")
    for name, passed in checks:
        print(f"  [{'ok' if passed else 'FAIL'}] {name}")
    return 0 if all(passed for _, passed in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
