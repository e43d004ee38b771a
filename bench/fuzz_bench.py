"""The exhaustive fuzz of every step of every flow (the suite runs a bounded version).

    python bench/fuzz_bench.py [--walks 3] [--seed 13] [--budget SECONDS]

Walks every flow for every persona ``--walks`` times with the full corpus of
``tests/fuzz/driver.py`` (numbers, digits of other scripts, emoji, empty and very long texts,
words without diacritics, commands, forged button values, contacts, files, stickers) and
prints what it covered and every reply that was an apology, empty, or English. Exits with
status 1 when there is any.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import DEFAULT_KNOWLEDGE_DIR, Settings  # noqa: E402
from bot.kb import KnowledgeBase  # noqa: E402
from bot.runtime import open_app  # noqa: E402
from tests.flows.support import Clock  # noqa: E402
from tests.fuzz.driver import Fuzzer, Report  # noqa: E402


async def _run(walks: int, seed: int, budget: float | None) -> Report:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), _env_file=None)  # type: ignore[call-arg]
        kb = KnowledgeBase.load(DEFAULT_KNOWLEDGE_DIR)
        async with open_app(settings, kb=kb, clock=Clock()) as app:
            return await Fuzzer(app, seed=seed).run(walks=walks, budget_seconds=budget, pauses=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walks", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--budget", type=float, default=None, help="stop after this many seconds")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # refused scopes are logged by design; not the point here
    report = asyncio.run(_run(args.walks, args.seed, args.budget))
    flows = sorted({flow for flow, _ in report.steps})
    covered = f"steps: {len(report.steps)}  flows: {len(flows)}"
    print(f"inputs: {report.inputs}  {covered}  seconds: {report.seconds:.1f}")
    print("flows: " + ", ".join(flows))
    print(f"problems: {len(report.problems)}")
    for problem in report.problems:
        print(f"  {problem.persona} {problem.flow}/{problem.step} {problem.sent}: {problem.reply}")
    return 1 if report.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
