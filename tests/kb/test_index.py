"""The index's numerics against what they replaced: BM25 against bm25s, the fuzzy match
against rapidfuzz's token_sort_ratio, pooling against a plain max; spellings."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from bot.kb import KnowledgeBase
from bot.kb.index import Bm25, Index
from bot.kb.model import Passage
from bot.kb.normalize import bigrams, terms

_SYLLABLES = ["hoa", "giai", "vien", "to", "thu", "lao", "dat", "dai", "xa", "hoa_giai", "giai_vien"]


def _assert_same_as_bm25s(units: list[list[str]], queries: list[list[str]]) -> None:
    ours = Bm25(units, k1=1.2, b=0.75)
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index(units, show_progress=False)
    vocab = reference.vocab_dict
    for query in queries:
        ids = [vocab[t] for t in query if t in vocab]
        expected = reference.get_scores_from_ids(ids) if ids else np.zeros(len(units), dtype=np.float32)
        # Same formulas and float types; tolerance only for NumPy 1's float32 promotion.
        np.testing.assert_allclose(ours.scores(query), expected, rtol=1e-6, atol=0)


def _passage_units(kb: KnowledgeBase) -> list[list[str]]:
    units = []
    for p in kb.passages():
        for text in (" ".join([p.title, *p.keywords]), *p.clauses, *p.questions):
            toks = terms(text)
            units.append(toks + bigrams(toks))
    return units


def test_bm25_matches_bm25s_on_fixture(good_kb: KnowledgeBase) -> None:
    units = _passage_units(good_kb)
    queries = [units[i][:6] for i in range(0, len(units), 2)] + [["hoa", "hoa", "giai"], ["khong", "co"]]
    _assert_same_as_bm25s(units, queries)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(_SYLLABLES), max_size=12), min_size=1, max_size=8).filter(
        lambda units: any(units)
    ),
    st.lists(st.sampled_from([*_SYLLABLES, "unknown"]), max_size=6),
)
def test_bm25_matches_bm25s_on_random_corpora(units: list[list[str]], query: list[str]) -> None:
    # Empty units, repeated terms and repeated query terms included.
    _assert_same_as_bm25s(units, [query])


def test_index_over_nothing() -> None:
    assert Bm25([], k1=1.2, b=0.75).scores(["hoa"]).shape == (0,)
    assert not Bm25([[], []], k1=1.2, b=0.75).scores(["hoa"]).any()
    empty = Index([])
    assert empty.pool(empty.unit_scores(["hoa"])).shape == empty.fuzzy_scores("hoa").shape == (0,)


@pytest.mark.parametrize(
    "question", ["so nguoi to hoa giai", "to hoa giai co bao nhieu nguoi", "lắng nghe", "xyz"]
)
def test_fuzzy_scores_are_token_sort_ratio(good_kb: KnowledgeBase, question: str) -> None:
    index = good_kb.searcher.index
    query = " ".join(terms(question))
    expected = [
        max(fuzz.token_sort_ratio(query, " ".join(terms(s))) for s in (p.title, *p.questions))
        for p in good_kb.passages()
    ]
    np.testing.assert_allclose(index.fuzzy_scores(query), expected, rtol=1e-6)


def test_pooling_is_per_passage_max(good_kb: KnowledgeBase) -> None:
    index = good_kb.searcher.index
    scores = index.unit_scores(["hoa", "giai", "hoa_giai"])
    pooled = index.pool(scores)
    for pi in range(len(good_kb.passages())):
        units = index.units_of(pi)
        assert set(index.unit_passage[units]) == {pi}
        assert pooled[pi] == scores[units].max()
    assert index.units_of(len(good_kb.passages()) - 1).stop == len(index.unit_passage)


def _passage(ref: str, *clauses: str) -> Passage:
    return Passage(ref=ref, doc_id="d", kind="section", title="", text="\n".join(clauses), clauses=clauses)


def test_spellings_most_frequent_first_seen_on_ties() -> None:
    passages = [
        _passage("d:1", "Thù lao và thủ lao", "thù lao"),
        _passage("d:2", "Hoà giải viên", "giải: hóa giải"),
    ]
    index = Index(passages)
    assert index.forms["thu"] == "thù"  # 2 × thù, 1 × thủ
    assert index.forms["hoa"] == "hòa"  # tie (hòa, hóa): the first seen, in canonical placement
    assert index.pair_forms["thu_lao"] == "thù lao"
    assert index.pair_forms["hoa_giai"] == "hòa giải"
    # Pairs stay inside a clause: "lao" ends one, "thù" starts the next.
    assert "lao_thu" not in index.pair_forms
