"""In-memory search index: BM25 over clause-level units, a vocabulary for typo repair,
and the short strings (titles, FAQ question variants) matched fuzzily.

A *unit* is what BM25 scores: a passage's title (with its keywords), each numbered clause
(or paragraph) and each FAQ question variant. Scores are pooled per passage with ``max``,
so a long article (TT 56 Điều 3 has 20 clauses of spending items) is not diluted by its
length and a short one is not favoured for being short.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.domain.vntext import canonical
from bot.kb.model import Passage
from bot.kb.normalize import STOPWORDS, bigrams, expand, telex_fold, terms, tokenize, word_tokens, words

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


class Bm25:
    """BM25 over units: bm25s's Lucene variant, same formulas and float types (same scores).

    Stored term by term: for each term, the units containing it and their weights. Built
    with a few numpy passes over the whole corpus (bm25s loops over units in Python, which
    was a third of the build of a 10,000-passage corpus); a query adds its terms' columns.
    """

    def __init__(self, units: list[list[str]], k1: float, b: float) -> None:
        self.n_units = len(units)
        flat = list(itertools.chain.from_iterable(units))
        self.term_ids = {t: i for i, t in enumerate(dict.fromkeys(flat))}
        n_terms = len(self.term_ids)
        code = _code_dtype(n_terms * self.n_units)
        term = np.fromiter(map(self.term_ids.__getitem__, flat), dtype=code, count=len(flat))
        lengths = np.fromiter(map(len, units), dtype=np.int64, count=len(units))
        unit = np.repeat(np.arange(self.n_units, dtype=code), lengths)
        # One entry per (term, unit) with its count, ordered by term then unit: the columns.
        entries, tf = np.unique(term * self.n_units + unit, return_counts=True)
        col, row = np.divmod(entries, max(self.n_units, 1))
        per_term = np.bincount(col, minlength=n_terms)
        self.starts = np.concatenate(([0], np.cumsum(per_term)))
        self.rows = row.astype(np.int32)
        n = self.n_units
        idf = np.array([math.log(1 + (n - d + 0.5) / (d + 0.5)) for d in per_term.tolist()], dtype=np.float32)
        # bm25s's arithmetic: float32 counts and idf, the length normalisation in float64.
        avg_len = float(lengths.mean()) if flat else 1.0
        norm = k1 * ((1 - b) + b * lengths / avg_len)
        tf32 = tf.astype(np.float32)
        self.weights: FloatArray = (idf[col] * (tf32 / (norm[row] + tf32))).astype(np.float32)

    def scores(self, query_terms: list[str]) -> FloatArray:
        """Score of every unit: the sum of its weights for the query terms (repeats count again)."""
        out = np.zeros(self.n_units, dtype=np.float32)
        ids = [i for t in query_terms if (i := self.term_ids.get(t)) is not None]
        if not ids:
            return out
        # All the terms' columns gathered into one index array and added in one call, in
        # query order (the order bm25s adds them in, so the float32 sums are the same).
        cols = np.asarray(ids)
        lo = self.starts[cols]
        sizes = self.starts[cols + 1] - lo
        entries = np.repeat(lo - (np.cumsum(sizes) - sizes), sizes) + np.arange(sizes.sum())
        np.add.at(out, self.rows[entries], self.weights[entries])
        return out


class Index:
    """BM25 + vocabulary + fuzzy strings over a fixed list of passages."""

    def __init__(self, passages: list[Passage], config: RankConfig | None = None) -> None:
        self.config = config or RankConfig()
        self.passages = passages
        unit_terms: list[list[str]] = []
        unit_passage: list[int] = []
        unit_clause: list[int] = []
        unit_kind: list[int] = []
        self.passage_terms: list[frozenset[str]] = []
        df: Counter[str] = Counter()
        # Every unit's words in canonical spelling, one flat list: counted in bulk at the end.
        spelled: list[str] = []
        spelled_lengths: list[int] = []
        self.fuzzy_choices: list[str] = []
        fuzzy_owner: list[int] = []
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
                # Split once: the same words give the search terms and the spellings.
                text_words = words(text)
                toks = expand(word_tokens(text_words))
                if self.config.bigrams:
                    toks += bigrams(toks)
                unit_terms.append(toks)
                unit_passage.append(pi)
                unit_clause.append(ci)
                unit_kind.append(kind)
                seen.update(toks)
                spelled.extend(map(_canonical_word, text_words))
                spelled_lengths.append(len(text_words))
            self.passage_terms.append(frozenset(seen))
            df.update(seen)
            for s in (p.title, *p.questions):
                # Stored with sorted words: the query is compared by token_sort_ratio, and
                # sorting the choices once here lets each query use plain ratio.
                self.fuzzy_choices.append(" ".join(sorted(terms(s))))
                fuzzy_owner.append(pi)
        self.unit_passage = np.asarray(unit_passage, dtype=np.int32)
        # Units and fuzzy strings are stored passage by passage, each passage with at least
        # its title: pooling per passage is a max over consecutive runs (reduceat).
        self.unit_starts = _run_starts(self.unit_passage, len(passages))
        self.unit_clause = np.asarray(unit_clause, dtype=np.int32)
        self.unit_kind = np.asarray(unit_kind, dtype=np.int32)
        self.fuzzy_starts = _run_starts(np.asarray(fuzzy_owner, dtype=np.int32), len(passages))
        self.df = df
        self.vocab = sorted(t for t in df if "_" not in t and not t.isdigit())
        self.vocab_set = frozenset(self.vocab)
        self.bigram_set = frozenset(t for t in df if "_" in t)
        n = max(len(passages), 1)
        self.idf = {t: float(np.log(1 + (n - c + 0.5) / (c + 0.5))) for t, c in df.items()}
        self.max_idf = float(np.log(1 + (n + 0.5) / 0.5))
        self.forms, self.pair_forms = _spellings(spelled, spelled_lengths)
        self.bm25 = Bm25(unit_terms, self.config.k1, self.config.b)

    # --- scoring -----------------------------------------------------------------------

    def unit_scores(self, query_terms: list[str]) -> FloatArray:
        """BM25 score of every unit for the query terms (unknown terms are ignored)."""
        return self.bm25.scores(query_terms)

    def units_of(self, passage: int) -> slice:
        """The passage's units (stored one passage after another)."""
        end = self.unit_starts[passage + 1] if passage + 1 < len(self.unit_starts) else len(self.unit_passage)
        return slice(int(self.unit_starts[passage]), int(end))

    def pool(self, unit_scores: FloatArray) -> FloatArray:
        """Per-passage score: the best unit."""
        if not self.passages:
            return np.zeros(0, dtype=np.float32)
        pooled: FloatArray = np.maximum.reduceat(unit_scores, self.unit_starts)
        return pooled

    def fuzzy_scores(self, query: str) -> FloatArray:
        """Per-passage best fuzzy similarity (0..100) of the query to its title or @q variants.

        token_sort_ratio: the query's words sorted here, the choices' at build time.
        """
        if not query or not self.fuzzy_choices:
            return np.zeros(len(self.passages), dtype=np.float32)
        sorted_query = " ".join(sorted(query.split()))
        sims = process.cdist([sorted_query], self.fuzzy_choices, scorer=fuzz.ratio, dtype=np.float32)[0]
        pooled: FloatArray = np.maximum.reduceat(sims, self.fuzzy_starts)
        return pooled

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


def _code_dtype(n_codes: int) -> type[np.integer[Any]]:
    """The narrowest integer type for codes below ``n_codes`` (pairs packed into one number).

    np.unique sorts, and sorting millions of 32-bit codes takes half the time of 64-bit ones.
    """
    return np.uint32 if n_codes <= 2**32 else np.int64


def _run_starts(owner: npt.NDArray[np.int32], n: int) -> npt.NDArray[np.intp]:
    """Index of the first entry of each of ``n`` owners in a sorted owner array (each owns ≥ 1)."""
    return np.searchsorted(owner, np.arange(n), side="left")


_PUNCT = ".,;:()[]«»\"'!?…-–/"


@functools.lru_cache(maxsize=1 << 16)
def _canonical_word(word: str) -> str:
    # Per word through a cache: canonical() is Unicode work per character and a corpus
    # repeats a few thousand words (tone placement never reaches across a space).
    return canonical(word)


def _spellings(spelled: list[str], lengths: list[int]) -> tuple[dict[str, str], dict[str, str]]:
    """Most frequent spelling of each folded syllable and syllable pair, for "did you mean".

    ``spelled`` holds every unit's words one after another (``lengths`` words per unit);
    pairs do not cross units. Ties go to the spelling seen first.
    """
    # Words and pairs counted as integer codes with numpy: a 10,000-passage corpus has
    # millions of pairs, and counting them as Python tuples dominated the build.
    first_seen = dict.fromkeys(spelled)  # distinct words in order of first occurrence
    ids = {w: i for i, w in enumerate(first_seen)}
    code = np.fromiter(map(ids.__getitem__, spelled), dtype=_code_dtype(len(ids) ** 2), count=len(spelled))
    counts = np.bincount(code, minlength=len(ids))
    same_unit = np.ones(max(len(code) - 1, 0), dtype=bool)
    unit_ends = np.cumsum(np.asarray(lengths, dtype=np.int64))[:-1]
    same_unit[unit_ends[(unit_ends > 0) & (unit_ends < len(code))] - 1] = False
    pair_codes = (code[:-1] * len(ids) + code[1:])[same_unit]
    pairs, first, pair_counts = np.unique(pair_codes, return_index=True, return_counts=True)
    by_first = np.argsort(first, kind="stable")
    distinct = list(first_seen)
    keys = [_word_key(w.strip(_PUNCT)) for w in distinct]
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for key, n in zip(keys, counts.tolist(), strict=True):
        if key is not None:
            forms[key[0]][key[1]] += n
    pair_forms: dict[str, Counter[str]] = defaultdict(Counter)
    for pair, n in zip(pairs[by_first].tolist(), pair_counts[by_first].tolist(), strict=True):
        ka, kb = keys[pair // len(ids)], keys[pair % len(ids)]
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
