"""The real-question sets (tests/kb/real_dev.jsonl, real_test.jsonl, real_fresh.jsonl) are well-formed.

These files are the yardstick for issue 12: questions real people wrote, each with its source
page and gold references. The checks keep later additions honest: every field present, gold refs
that exist in the KB, a URL per item, no duplicate ids or questions, phone variants pointing at
an original in the same part, and the deterministic dev/test split respected. The fresh set
(collected after two tuning rounds, measured before any change made for it) stays outside the
split; its items must not be near-duplicates of any item of the other sets or of the eval set.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest
from rapidfuzz import fuzz, process

from bot.kb import KnowledgeBase
from bot.kb.normalize import folded

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
PARTS = {"dev": HERE / "real_dev.jsonl", "test": HERE / "real_test.jsonl", "fresh": HERE / "real_fresh.jsonl"}
SPLIT = ("dev", "test")
# Folded-text similarity (rapidfuzz ratio, 0-100) at or above which a fresh item repeats another one.
NEAR_DUPLICATE = 80.0
FIELDS = {"id", "q", "gold", "in_scope", "diacritics", "source_url", "kind", "variant_of", "note"}


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kb_bench", ROOT / "bench" / "kb_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _rows_of(path: Path) -> list[dict[str, object]]:
    text = path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _rows(part: str) -> list[dict[str, object]]:
    return _rows_of(PARTS[part])


def _gold(row: dict[str, object]) -> list[str]:
    gold = row["gold"]
    assert isinstance(gold, list)
    return [str(g) for g in gold]


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict[str, object]]]:
    return {part: _rows(part) for part in PARTS}


def test_fields_and_values(rows: dict[str, list[dict[str, object]]]) -> None:
    for part, items in rows.items():
        assert items, part
        for r in items:
            assert set(r) == FIELDS, r["id"]
            q = str(r["q"])
            assert q.strip() and unicodedata.normalize("NFC", q) == q, r["id"]
            assert str(r["source_url"]).startswith(("http://", "https://")), r["id"]
            assert r["kind"] in ("original", "phone"), r["id"]
            assert isinstance(r["in_scope"], bool) and isinstance(r["diacritics"], bool)
            assert isinstance(r["gold"], list)
            # in scope needs gold; out of scope has none
            assert bool(r["gold"]) == r["in_scope"], r["id"]
            assert str(r["note"]).strip(), r["id"]


def test_gold_refs_exist(rows: dict[str, list[dict[str, object]]], real_kb: KnowledgeBase) -> None:
    unknown = {
        (r["id"], g) for items in rows.values() for r in items for g in _gold(r) if real_kb.passage(g) is None
    }
    assert not unknown


def test_no_duplicates(rows: dict[str, list[dict[str, object]]]) -> None:
    every = [r for items in rows.values() for r in items]
    ids = [r["id"] for r in every]
    assert len(ids) == len(set(ids))
    questions = [" ".join(str(r["q"]).lower().split()) for r in every]
    assert len(questions) == len(set(questions))


def test_variants_point_at_originals_in_the_same_part(rows: dict[str, list[dict[str, object]]]) -> None:
    for items in rows.values():
        originals = {r["id"]: r for r in items if r["kind"] == "original"}
        for r in items:
            if r["kind"] == "original":
                assert r["variant_of"] is None, r["id"]
                continue
            source = originals.get(r["variant_of"])
            assert source is not None, r["id"]
            assert r["gold"] == source["gold"] and r["in_scope"] == source["in_scope"], r["id"]
            assert not r["diacritics"], r["id"]


def test_split_is_the_hash_split_and_disjoint(rows: dict[str, list[dict[str, object]]]) -> None:
    bench = _bench()
    for part in SPLIT:
        for r in rows[part]:
            assert bench.real_part(r["variant_of"] or r["id"]) == part, r["id"]
    assert not {r["id"] for r in rows["dev"]} & {r["id"] for r in rows["test"]}


def test_fresh_items_are_new(rows: dict[str, list[dict[str, object]]]) -> None:
    """No fresh question is a near-copy of an earlier one (only fresh ids are reported)."""
    earlier = [folded(str(r["q"])) for part in SPLIT for r in rows[part]]
    earlier += [folded(str(r["q"])) for r in _rows_of(HERE / "eval_questions.jsonl")]
    repeated = [
        r["id"]
        for r in rows["fresh"]
        if process.extractOne(folded(str(r["q"])), earlier, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE)
    ]
    assert not repeated
    assert {str(r["id"])[:3] for r in rows["fresh"]} == {"rf-"}


def test_bench_reports_each_set(real_kb: KnowledgeBase) -> None:
    bench = _bench()
    passages = {p.ref: p for p in real_kb.passages()}
    items = _rows("dev")
    out = bench.evaluate_real(bench.ranker(real_kb), items, passages)
    in_scope = sum(1 for r in items if r["in_scope"])
    outcomes = ("answered_correct", "answered_wrong", "declined_in_scope", "suggested")
    assert sum(out[k]["count"] for k in outcomes) == in_scope
    assert out["out_of_scope"] == len(items) - in_scope
    declined, not_answered = out["out_of_scope_declined"]["count"], out["out_of_scope_not_answered"]["count"]
    assert declined <= not_answered <= out["out_of_scope"]
    assert out["phone"]["pairs"] == sum(1 for r in items if r["kind"] == "phone" and r["in_scope"])
