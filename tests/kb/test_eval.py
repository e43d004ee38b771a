"""Regression guard: the ranker's accuracy on the eval set stays above a floor."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from bot.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
EVAL = Path(__file__).parent / "eval_questions.jsonl"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kb_bench", ROOT / "bench" / "kb_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_eval_set_shape() -> None:
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 150
    assert all(set(r) == {"q", "gold", "in_scope", "diacritics"} for r in rows)
    assert sum(not r["diacritics"] for r in rows) >= 0.4 * len(rows)
    assert sum(not r["in_scope"] for r in rows) >= 25
    assert all(r["gold"] for r in rows if r["in_scope"])


def test_eval_gold_refs_exist(real_kb: KnowledgeBase) -> None:
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    unknown = {g for r in rows for g in r["gold"] if real_kb.passage(g) is None}
    assert not unknown


def test_accuracy_floor(real_kb: KnowledgeBase) -> None:
    bench = _bench()
    rows = bench.load_eval(EVAL)
    passages = {p.ref: p for p in real_kb.passages()}
    result = bench.evaluate(bench.ranker(real_kb), rows, passages)
    assert result["top1"] >= 0.85
    assert result["top3"] >= 0.93
    assert abs(result["top1_dia"] - result["top1_nodia"]) <= 0.06
    assert result["decline_recall"] >= 0.9
    assert result["wrong_decline"] <= 0.05
