"""Every step of every flow, driven with awkward input: no apology, no English, no silence
(issue 13: «the fuzz of every step ends with 0 apologies»). Bounded in time; the longer run
is ``bench/fuzz_bench.py``."""

from __future__ import annotations

from pathlib import Path

from bot.config import DEFAULT_KNOWLEDGE_DIR, Settings
from bot.kb import KnowledgeBase
from bot.runtime import open_app
from tests.flows.support import Clock
from tests.fuzz.driver import SUITE_PRESSES, SUITE_TEXTS, Fuzzer


async def test_every_step_survives_the_corpus(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    kb = KnowledgeBase.load(DEFAULT_KNOWLEDGE_DIR)
    async with open_app(settings, kb=kb, clock=Clock()) as app:
        report = await Fuzzer(app, seed=13).run(SUITE_TEXTS, SUITE_PRESSES, walks=1, budget_seconds=15)
    problems = "\n".join(f"{p.persona} {p.flow}/{p.step} {p.sent}: {p.reply}" for p in report.problems[:20])
    assert not report.problems, f"{len(report.problems)} problems:\n{problems}"
    # The run is only worth something if it reached most of the bot (71 steps of 16 flows on an
    # idle machine in about 12 s); on a loaded one the budget may stop it earlier.
    flows = {flow for flow, _ in report.steps}
    least = (20, 6) if report.truncated else (60, 15)
    assert (len(report.steps), len(flows)) >= least, sorted(report.steps)
