"""Knowledge-base search benchmark: accuracy on the eval set, latency, build time.

Run: ``python bench/kb_bench.py [--knowledge DIR] [--eval FILE] [--no-synthetic] [--json]``.

Besides the eval set written by the team, the real-question sets (``tests/kb/real_dev.jsonl``,
tune on it; ``tests/kb/real_test.jsonl``, report on it, never tune on it; ``tests/kb/real_fresh.jsonl``,
collected after two tuning rounds and measured before any change made for it, kept as its own
set outside the dev/test split) are scored one by one
with the gate's outcome: answered and correct, answered but wrong, declined although in scope,
out-of-scope declined, phone-style variants against their originals, and p95 latency.

Scoring (documented in docs/kb.md): a hit is correct when its reference is in the
question's gold list, or is cited by a gold FAQ/guide passage (FAQ refs and the statute refs
they cite both count), or is an FAQ/guide passage that cites a gold ref (its answer ends with
that article's citation). Top-k counts in-scope questions with a correct hit among the first
k; a decline is "correct" for out-of-scope questions only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.kb.base import KnowledgeBase  # noqa: E402
from bot.kb.index import RankConfig  # noqa: E402
from bot.kb.loader import Loaded, load_folder  # noqa: E402
from bot.kb.model import Passage  # noqa: E402
from bot.kb.normalize import folded, tokenize  # noqa: E402

EVAL = ROOT / "tests" / "kb" / "eval_questions.jsonl"
REAL_DEV = ROOT / "tests" / "kb" / "real_dev.jsonl"
REAL_TEST = ROOT / "tests" / "kb" / "real_test.jsonl"
REAL_FRESH = ROOT / "tests" / "kb" / "real_fresh.jsonl"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a system returned for one question: ranked refs and whether it declined."""

    refs: list[str]
    declined: bool
    answered: bool = False


System = Callable[[str], Outcome]


def load_eval(path: Path) -> list[dict[str, object]]:
    """The eval questions, one JSON object per line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def acceptable(gold: list[str], passages: dict[str, Passage]) -> set[str]:
    """Gold refs plus the refs cited by gold FAQ/guide passages."""
    ok = set(gold)
    for ref in gold:
        p = passages.get(ref)
        if p is not None:
            ok.update(p.cites)
    return ok


def is_correct(ref: str, ok: set[str], passages: dict[str, Passage]) -> bool:
    """A ref is correct when acceptable, or when it is an FAQ/guide citing an acceptable ref."""
    if ref in ok:
        return True
    p = passages.get(ref)
    return p is not None and any(c in ok for c in p.cites)


def evaluate(system: System, rows: list[dict[str, object]], passages: dict[str, Passage]) -> dict[str, float]:
    """Top-1/top-3/MRR (in scope), decline precision/recall, split by diacritics."""
    stats: dict[str, list[float]] = {
        k: []
        for k in ("top1", "top3", "mrr", "top1_dia", "top1_nodia", "top3_dia", "top3_nodia", "wrong_decline")
    }
    tp = fp = fn = 0
    for row in rows:
        out = system(str(row["q"]))
        in_scope = bool(row["in_scope"])
        if not in_scope:
            tp += out.declined
            fn += not out.declined
            continue
        fp += out.declined
        ok = acceptable([str(g) for g in row["gold"]], passages)  # type: ignore[attr-defined]
        ranks = [i for i, r in enumerate(out.refs[:10]) if is_correct(r, ok, passages)]
        rank = ranks[0] + 1 if ranks else 0
        top1 = float(rank == 1)
        top3 = float(0 < rank <= 3)
        stats["top1"].append(top1)
        stats["top3"].append(top3)
        stats["mrr"].append(1.0 / rank if rank else 0.0)
        suffix = "dia" if row["diacritics"] else "nodia"
        stats[f"top1_{suffix}"].append(top1)
        stats[f"top3_{suffix}"].append(top3)
        stats["wrong_decline"].append(float(out.declined))
    result = {k: (statistics.fmean(v) if v else 0.0) for k, v in stats.items()}
    result["decline_precision"] = tp / (tp + fp) if tp + fp else 0.0
    result["decline_recall"] = tp / (tp + fn) if tp + fn else 0.0
    return result


def real_part(original_id: str) -> str:
    """The part ("dev" or "test") a real question belongs to, fixed forever by its original's id.

    A phone-style variant passes its ``variant_of`` so it lands with its original; the hash
    makes the split independent of file order, so adding items never moves old ones.
    """
    return "dev" if hashlib.sha256(original_id.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def evaluate_real(
    system: System, rows: list[dict[str, object]], passages: dict[str, Passage]
) -> dict[str, object]:
    """Gate outcomes on a real-question set, each as ``{"count", "share"}``.

    In scope (share of in-scope items): answered and correct (the gate answered and its top hit
    is correct), answered but wrong, declined although in scope, and the rest ("suggested").
    Out of scope: declined, and not answered (declined or only suggested), as shares of the
    out-of-scope items. Phone variants: top-1 / top-3 of the variants against the same
    measure on their originals.
    """
    inside = [r for r in rows if r["in_scope"]]
    outside = [r for r in rows if not r["in_scope"]]
    counts = {"answered_correct": 0, "answered_wrong": 0, "declined_in_scope": 0, "suggested": 0}
    top1: dict[str, float] = {}
    top3: dict[str, float] = {}
    for row in inside:
        out = system(str(row["q"]))
        ok = acceptable([str(g) for g in row["gold"]], passages)  # type: ignore[attr-defined]
        ranks = [i for i, r in enumerate(out.refs[:10]) if is_correct(r, ok, passages)]
        first_ok = bool(ranks) and ranks[0] == 0
        top1[str(row["id"])] = float(first_ok)
        top3[str(row["id"])] = float(bool(ranks) and ranks[0] < 3)
        if out.declined:
            counts["declined_in_scope"] += 1
        elif out.answered:
            counts["answered_correct" if first_ok else "answered_wrong"] += 1
        else:
            counts["suggested"] += 1
    outside_outcomes = [system(str(r["q"])) for r in outside]
    declined_out = sum(o.declined for o in outside_outcomes)
    # The target counts a "Có phải…" list for an out-of-scope question as not answered.
    not_answered_out = sum(not o.answered for o in outside_outcomes)
    phones = [r for r in inside if r.get("kind") == "phone" and str(r.get("variant_of")) in top1]
    originals = [str(r["variant_of"]) for r in phones]
    result: dict[str, object] = {
        "questions": len(rows),
        "in_scope": len(inside),
        "out_of_scope": len(outside),
        **{k: {"count": v, "share": _share(v, len(inside))} for k, v in counts.items()},
        "out_of_scope_declined": {"count": declined_out, "share": _share(declined_out, len(outside))},
        "out_of_scope_not_answered": {
            "count": not_answered_out,
            "share": _share(not_answered_out, len(outside)),
        },
        "phone": {
            "pairs": len(phones),
            "top1_phone": _share(int(sum(top1[str(r["id"])] for r in phones)), len(phones)),
            "top1_original": _share(int(sum(top1[o] for o in originals)), len(originals)),
            "top3_phone": _share(int(sum(top3[str(r["id"])] for r in phones)), len(phones)),
            "top3_original": _share(int(sum(top3[o] for o in originals)), len(originals)),
        },
    }
    return result


def ranker(kb: KnowledgeBase) -> System:
    """The production ranker: hits and the gate's decision."""

    def run(q: str) -> Outcome:
        res = kb.search(q, k=10)
        return Outcome([h.ref for h in res.hits], res.decision == "decline", res.decision == "answer")

    return run


def plain_bm25(loaded: Loaded) -> System:
    """Baseline: bm25s over whole passages, folded syllables, no expansion/bigrams/gate."""
    passages = loaded.passages
    retriever = bm25s.BM25()
    retriever.index([tokenize(p.title + "\n" + p.text) or [""] for p in passages], show_progress=False)
    vocab = retriever.vocab_dict

    def run(q: str) -> Outcome:
        ids = [vocab[t] for t in tokenize(q) if t in vocab]
        if not ids:
            return Outcome([], True)
        scores = retriever.get_scores_from_ids(ids)
        order = np.argsort(-scores)[:10]
        return Outcome([passages[i].ref for i in order if scores[i] > 0], float(scores.max()) <= 0)

    return run


def plain_fuzzy(loaded: Loaded, cutoff: float = 60.0) -> System:
    """Baseline: rapidfuzz WRatio of the folded question to each passage title and @q."""
    choices: list[str] = []
    owners: list[str] = []
    for p in loaded.passages:
        for s in (p.title, *p.questions):
            choices.append(folded(s))
            owners.append(p.ref)

    def run(q: str) -> Outcome:
        found = process.extract(folded(q), choices, scorer=fuzz.WRatio, limit=30)
        refs: list[str] = []
        for _, _score, i in found:
            if owners[i] not in refs:
                refs.append(owners[i])
        best = found[0][1] if found else 0.0
        return Outcome(refs[:10], best < cutoff)

    return run


def latency(fn: Callable[[str], object], questions: list[str], repeat: int = 3) -> tuple[float, float]:
    """p50 and p95 of one call, in milliseconds."""
    times: list[float] = []
    for _ in range(repeat):
        for q in questions:
            start = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.95)]


def throughput(fn: Callable[[str], object], questions: list[str], min_seconds: float = 2.0) -> float:
    """Calls per second, single-threaded, cycling through ``questions`` for at least ``min_seconds``.

    Whole passes over the set, so every question weighs the same; one warm-up pass first
    (caches of folded words and expansions fill on first use).
    """
    for q in questions:
        fn(q)
    calls = 0
    start = time.perf_counter()
    elapsed = 0.0
    while elapsed < min_seconds or calls == 0:
        for q in questions:
            fn(q)
        calls += len(questions)
        elapsed = time.perf_counter() - start
    return calls / elapsed


def synthetic(loaded: Loaded, size: int, seed: int = 7) -> Loaded:
    """A corpus of ``size`` passages made by shuffling real clauses and titles."""
    rng = random.Random(seed)
    clauses = [c for p in loaded.passages for c in p.clauses] or ["hòa giải ở cơ sở"]
    titles = [p.title for p in loaded.passages if p.title] or ["Tiêu đề"]
    out = Loaded(documents=dict(loaded.documents))
    real = list(loaded.passages)
    out.passages.extend(real)
    for i in range(size - len(real)):
        chosen = rng.sample(clauses, k=min(len(clauses), rng.randint(2, 8)))
        text = "\n".join(chosen)
        out.passages.append(
            replace(
                real[i % len(real)],
                ref=f"synth:{i}",
                title=rng.choice(titles),
                text=text,
                clauses=tuple(chosen),
                number=None,
                missing=False,
                history=False,
            )
        )
    return out


def fmt(row: dict[str, float]) -> str:
    """One table row of metrics, as percentages."""
    keys = (
        "top1",
        "top3",
        "mrr",
        "top1_dia",
        "top1_nodia",
        "top3_dia",
        "top3_nodia",
        "decline_precision",
        "decline_recall",
        "wrong_decline",
    )
    return " ".join(f"{100 * row[k]:6.1f}" for k in keys)


def _num(value: object) -> float:
    """A metric read back from the report (a number by construction)."""
    assert isinstance(value, int | float)
    return float(value)


def print_sets(per_set: dict[str, dict[str, object]]) -> None:
    """One block per set: ranking, gate outcomes (count and share), phone variants, p95."""
    for name, m in per_set.items():
        print(
            f"\nset {name}: {m['questions']} questions, {m['in_scope']} in scope, "
            f"{m['out_of_scope']} out of scope"
        )
        print(
            f"  top1 {100 * _num(m['top1']):5.1f}  top3 {100 * _num(m['top3']):5.1f}  "
            f"MRR {100 * _num(m['mrr']):5.1f}"
        )
        for key, label in (
            ("answered_correct", "answered and correct"),
            ("answered_wrong", "answered but wrong"),
            ("declined_in_scope", "declined although in scope"),
            ("suggested", "suggested (Có phải…)"),
            ("out_of_scope_declined", "out-of-scope declined"),
            ("out_of_scope_not_answered", "out-of-scope not answered"),
        ):
            cell = m[key]
            assert isinstance(cell, dict)
            print(f"  {label:28s} {cell['count']:4d}  {100 * cell['share']:5.1f} %")
        ph = m["phone"]
        assert isinstance(ph, dict)
        if ph["pairs"]:
            print(
                f"  phone variants ({ph['pairs']}): top1 {100 * ph['top1_phone']:5.1f} vs originals "
                f"{100 * ph['top1_original']:5.1f}; top3 {100 * ph['top3_phone']:5.1f} "
                f"vs {100 * ph['top3_original']:5.1f}"
            )
        print(f"  search p95 {_num(m['search_p95_ms']):.2f} ms")
    print()


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark tables (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument(
        "--real", type=Path, nargs="*", default=[REAL_DEV, REAL_FRESH, REAL_TEST], help="real-question sets"
    )
    parser.add_argument("--no-synthetic", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    rows = load_eval(args.eval)
    loaded = load_folder(args.knowledge)
    start = time.perf_counter()
    kb = KnowledgeBase(loaded)
    build_ms = (time.perf_counter() - start) * 1000
    passages = {p.ref: p for p in kb.passages()}

    systems: dict[str, System] = {"ranker": ranker(kb)}
    ablations = {
        "- bigrams": RankConfig(bigrams=False),
        "- clause units": RankConfig(clause_units=False),
        "- fuzzy FAQ/title": RankConfig(fuzzy_weight=0.0),
        "- typo repair": RankConfig(typo_repair=False),
    }
    for name, cfg in ablations.items():
        systems[f"ranker {name}"] = ranker(KnowledgeBase(loaded, cfg))
    systems["plain BM25"] = plain_bm25(loaded)
    systems["plain rapidfuzz"] = plain_fuzzy(loaded)

    report: dict[str, object] = {
        "questions": len(rows),
        "in_scope": sum(1 for r in rows if r["in_scope"]),
        "without_diacritics": sum(1 for r in rows if not r["diacritics"]),
        "passages": len(passages),
        "build_ms": round(build_ms, 1),
        "systems": {name: evaluate(fn, rows, passages) for name, fn in systems.items()},
    }
    sets = {"eval": rows} | {path.stem: load_eval(path) for path in args.real if path.exists()}
    per_set: dict[str, dict[str, object]] = {}
    for name, set_rows in sets.items():
        # the eval set has no ids; every set has the fields evaluate() reads
        set_rows = [{"id": str(i), "diacritics": True, **r} for i, r in enumerate(set_rows)]
        scored: dict[str, object] = dict(evaluate(ranker(kb), set_rows, passages))
        scored |= evaluate_real(ranker(kb), set_rows, passages)
        scored["search_p95_ms"] = latency(lambda q: kb.search(q), [str(r["q"]) for r in set_rows])[1]
        per_set[name] = scored
    report["sets"] = per_set
    questions = [str(r["q"]) for r in rows]
    p50, p95 = latency(lambda q: kb.search(q), questions)
    a50, a95 = latency(lambda q: kb.answer(q), questions)
    report["latency_ms"] = {"search_p50": p50, "search_p95": p95, "answer_p50": a50, "answer_p95": a95}
    report["answers_per_second"] = round(throughput(lambda q: kb.answer(q), questions), 1)
    if not args.no_synthetic:
        big = synthetic(loaded, 10_000)
        start = time.perf_counter()
        big_kb = KnowledgeBase(big)
        big_build = (time.perf_counter() - start) * 1000
        s50, s95 = latency(lambda q: big_kb.search(q), questions, repeat=1)
        report["synthetic_10k"] = {
            "passages": len(big.passages),
            "build_ms": round(big_build, 1),
            "search_p50": s50,
            "search_p95": s95,
        }

    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(
        f"eval set: {report['questions']} questions, {report['in_scope']} in scope, "
        f"{report['without_diacritics']} without diacritics; KB {report['passages']} passages, "
        f"index built in {build_ms:.0f} ms"
    )
    header = "  top1   top3    mrr  t1dia t1nodi  t3dia t3nodi decl-P decl-R wrongD"
    print(f"{'system':28s}{header}")
    for name, row in report["systems"].items():  # type: ignore[attr-defined]
        print(f"{name:28s}{fmt(row)}")
    print_sets(per_set)
    lat = report["latency_ms"]
    print(
        f"latency real KB: search p50 {lat['search_p50']:.2f} ms p95 {lat['search_p95']:.2f} ms; "  # type: ignore[index]
        f"answer p50 {lat['answer_p50']:.2f} ms p95 {lat['answer_p95']:.2f} ms"  # type: ignore[index]
    )
    print(f"throughput real KB: {report['answers_per_second']:.0f} answers/s (one thread, eval set)")
    if "synthetic_10k" in report:
        syn = report["synthetic_10k"]
        print(
            f"synthetic {syn['passages']} passages: build {syn['build_ms']:.0f} ms, "  # type: ignore[index]
            f"search p50 {syn['search_p50']:.2f} ms p95 {syn['search_p95']:.2f} ms"  # type: ignore[index]
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
