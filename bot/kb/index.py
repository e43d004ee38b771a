"""In-memory search index: BM25 over clause-level units, a vocabulary for typo repair,
and the short strings (titles, FAQ question variants) matched fuzzily.

A *unit* is what BM25 scores: a passage's title (with its keywords), each numbered clause
(or paragraph) and each FAQ question variant. Scores are pooled per passage with ``max``,
so a long article (TT 56 Điều 3 has 20 clauses of spending items) is not diluted by its
length and a short one is not favoured for being short.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass

import bm25s
import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.domain.vntext import canonical
from bot.kb.model import Passage
from bot.kb.normalize import STOPWORDS, bigrams, telex_fold, terms, tokenize

FloatArray = npt.NDArray[np.float32]

UNIT_TITLE = 0
UNIT_CLAUSE = 1
UNIT_QUESTION = 2


@dataclass(frozen=True, slots=True)
class RankConfig:
    """Switches and weights of the ranker; the bench flips them one at a time."""

    bigrams: bool = True
    clause_units: bool = True  # False: one unit per passage (title + whole text)
    fuzzy_weight: float = 0.6  # weight of the FAQ-question/title fuzzy match
    typo_repair: bool = True
    k1: float = 1.2
    b: float = 0.75


@dataclass(frozen=True, slots=True)
class Repair:
    """One query token replaced by a vocabulary token."""

    original: str
    replacement: tuple[str, ...]


def _unit_terms(text: str, use_bigrams: bool) -> list[str]:
    toks = terms(text)
    return toks + bigrams(toks) if use_bigrams else toks


class Index:
    """BM25 + vocabulary + fuzzy strings over a fixed list of passages."""

    def __init__(self, passages: list[Passage], config: RankConfig | None = None) -> None:
        self.config = config or RankConfig()
        self.passages = passages
        unit_tokens: list[list[str]] = []
        unit_passage: list[int] = []
        unit_clause: list[int] = []
        unit_kind: list[int] = []
        self.passage_terms: list[frozenset[str]] = []
        df: Counter[str] = Counter()
        # Counted in bulk (C speed); folded into spellings once at the end.
        words: Counter[str] = Counter()
        word_pairs: Counter[tuple[str, str]] = Counter()
        self.fuzzy_choices: list[str] = []
        self.fuzzy_owner: list[int] = []
        for pi, p in enumerate(passages):
            title = " ".join([p.title, *p.keywords])
            units: list[tuple[int, int, str]] = [(UNIT_TITLE, -1, title)]
            if not p.missing:
                if self.config.clause_units:
                    units.extend((UNIT_CLAUSE, ci, c) for ci, c in enumerate(p.clauses))
                else:
                    units[0] = (UNIT_TITLE, -1, title + "\n" + p.text)
            units.extend((UNIT_QUESTION, -1, q) for q in p.questions)
            seen: set[str] = set()
            for kind, ci, text in units:
                toks = _unit_terms(text, self.config.bigrams)
                unit_tokens.append(toks)
                unit_passage.append(pi)
                unit_clause.append(ci)
                unit_kind.append(kind)
                seen.update(toks)
                split = canonical(text).split()
                words.update(split)
                word_pairs.update(itertools.pairwise(split))
            self.passage_terms.append(frozenset(seen))
            df.update(seen)
            for s in (p.title, *p.questions):
                self.fuzzy_choices.append(" ".join(terms(s)))
                self.fuzzy_owner.append(pi)
        self.unit_passage = np.asarray(unit_passage, dtype=np.int32)
        self.unit_clause = np.asarray(unit_clause, dtype=np.int32)
        self.unit_kind = np.asarray(unit_kind, dtype=np.int32)
        self.fuzzy_owner_arr = np.asarray(self.fuzzy_owner, dtype=np.int32)
        self.df = df
        self.vocab = sorted(t for t in df if "_" not in t and not t.isdigit())
        self.vocab_set = frozenset(self.vocab)
        self.bigram_set = frozenset(t for t in df if "_" in t)
        n = max(len(passages), 1)
        self.idf = {t: float(np.log(1 + (n - c + 0.5) / (c + 0.5))) for t, c in df.items()}
        self.max_idf = float(np.log(1 + (n + 0.5) / 0.5))
        self.forms, self.pair_forms = _spellings(words, word_pairs)
        self.bm25 = bm25s.BM25(k1=self.config.k1, b=self.config.b)
        # An index over nothing still has to answer (an empty knowledge folder in tests).
        self.bm25.index(unit_tokens or [[""]], show_progress=False)
        self.vocab_ids: dict[str, int] = dict(self.bm25.vocab_dict)

    # --- scoring -----------------------------------------------------------------------

    def unit_scores(self, query_terms: list[str]) -> FloatArray:
        """BM25 score of every unit for the query terms (unknown terms are ignored)."""
        ids = [self.vocab_ids[t] for t in query_terms if t in self.vocab_ids]
        if not ids:
            return np.zeros(len(self.unit_passage), dtype=np.float32)
        scores: FloatArray = self.bm25.get_scores_from_ids(ids)
        return scores

    def pool(self, unit_scores: FloatArray) -> FloatArray:
        """Per-passage score: the best unit."""
        pooled = np.zeros(len(self.passages), dtype=np.float32)
        np.maximum.at(pooled, self.unit_passage, unit_scores)
        return pooled

    def fuzzy_scores(self, query: str) -> FloatArray:
        """Per-passage best fuzzy similarity (0..100) of the query to its title or @q variants."""
        out = np.zeros(len(self.passages), dtype=np.float32)
        if not query or not self.fuzzy_choices:
            return out
        sims = process.cdist([query], self.fuzzy_choices, scorer=fuzz.token_sort_ratio, dtype=np.float32)[0]
        np.maximum.at(out, self.fuzzy_owner_arr, sims)
        return out

    # --- typo repair ---------------------------------------------------------------------

    def repair(self, tokens: list[str]) -> tuple[list[str], list[Repair]]:
        """Replace tokens unknown to the KB by the likeliest vocabulary token(s).

        Tried in order: Telex reading ("giair" → "giai"), a missing space ("hoagiai" →
        "hoa giai", only when the pair occurs in the KB), then an edit-distance match that
        must be close (1 edit up to 6 letters, 2 beyond) and, for short tokens, form a pair
        with a neighbour that the KB contains, so random words are not pulled in.
        """
        out: list[str] = []
        repairs: list[Repair] = []
        for i, tok in enumerate(tokens):
            if tok in self.vocab_set or tok.isdigit() or tok in STOPWORDS or len(tok) < 3:
                out.append(tok)
                continue
            prev = out[-1] if out else ""  # already repaired: "giair vein" → "giai" + ?
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            fixed = self._repair_one(tok, prev, nxt)
            if fixed is None:
                out.append(tok)
            else:
                out.extend(fixed)
                repairs.append(Repair(tok, fixed))
        return out, repairs

    def _repair_one(self, tok: str, prev: str, nxt: str) -> tuple[str, ...] | None:
        telex = telex_fold(tok)
        if telex != tok and telex in self.vocab_set:
            return (telex,)
        for cut in range(1, len(tok)):
            left, right = tok[:cut], tok[cut:]
            if f"{left}_{right}" in self.bigram_set:
                return (left, right)
        if len(tok) < 4:
            return None
        # OSA counts a swap of two letters ("vein" for "vien") as one edit.
        max_dist = 1 if len(tok) <= 6 else 2
        candidates = process.extract(tok, self.vocab, scorer=OSA.distance, score_cutoff=max_dist, limit=8)
        if not candidates:
            return None

        def support(cand: str) -> int:
            return int(f"{prev}_{cand}" in self.bigram_set) + int(f"{cand}_{nxt}" in self.bigram_set)

        best = min(candidates, key=lambda c: (c[1], -support(c[0]), -self.df[c[0]]))
        # Short words are often real words the KB lacks ("bong" in "bóng đá"): accept a
        # repair only when it forms a pair the KB knows with a neighbour.
        if len(tok) <= 5 and support(best[0]) == 0:
            return None
        return (best[0],)

    def display(self, tokens: list[str]) -> str:
        """Folded tokens written back with diacritics, as the KB usually spells them.

        Pairs are looked up first because folded syllables are ambiguous alone
        ("thu lao" → "thù lao", not "thủ lao").
        """
        out: list[str] = []
        i = 0
        while i < len(tokens):
            pair = f"{tokens[i]}_{tokens[i + 1]}" if i + 1 < len(tokens) else ""
            if pair in self.pair_forms:
                out.append(self.pair_forms[pair])
                i += 2
            else:
                out.append(self.forms.get(tokens[i], tokens[i]))
                i += 1
        return " ".join(out)


_PUNCT = ".,;:()[]«»\"'!?…-–/"


def _spellings(words: Counter[str], pairs: Counter[tuple[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """Most frequent spelling of each folded syllable and syllable pair, for "did you mean"."""
    keys = {w: _word_key(w.strip(_PUNCT)) for w in words}
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for word, n in words.items():
        key = keys[word]
        if key is not None:
            forms[key[0]][key[1]] += n
    pair_forms: dict[str, Counter[str]] = defaultdict(Counter)
    for (a, b), n in pairs.items():
        ka, kb = keys[a], keys[b]
        if ka is not None and kb is not None:
            pair_forms[f"{ka[0]}_{kb[0]}"][f"{ka[1]} {kb[1]}"] += n
    return (
        {t: c.most_common(1)[0][0] for t, c in forms.items()},
        {t: c.most_common(1)[0][0] for t, c in pair_forms.items()},
    )


def _word_key(word: str) -> tuple[str, str] | None:
    toks = tokenize(word)
    if len(toks) != 1 or toks[0].isdigit():
        return None
    return toks[0], word
