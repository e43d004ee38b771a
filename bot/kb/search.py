"""From a question to ranked passages and a decision (answer / suggest / decline).

Order of the steps, each able to settle the question before the next:

1. empty input → decline;
2. an article named ("điều 12", "d418 blttds") → direct lookup (a long question that only
   quotes an article we lack goes on to ranking);
3. a neighbouring regime named (court, commercial, labour mediation, arbitration, prison
   terms, fines, land mediation at the commune) → decline with where it belongs, unless the
   question is nearly one of our own FAQ questions explaining that regime;
4. ranking (BM25 over clauses + fuzzy FAQ/title match, weighted by cue phrases) and the
   confidence gate; a question using words of our subject is offered the best passage with
   alternatives rather than declined.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.kb.index import FloatArray, Index, RankConfig, Repair
from bot.kb.model import Decision, Document, Hit, Passage, Regime, SearchResult
from bot.kb.normalize import (
    STOPWORDS,
    ArticleRef,
    PhraseMatcher,
    asking_part,
    bigrams,
    content_terms,
    find_article_refs,
    paraphrase,
    proper_name_positions,
    strip_scaffolding,
    terms,
)

PARTIAL_FACTOR = 0.75
# A question naming a missing article is looked up directly unless it says this much more.
CITING_QUESTION_TERMS = 10
PLAN_FACTOR = 0.85
# Targets and tasks are what plans are about: with these words they keep their full weight.
PLAN_PHRASES: tuple[str, ...] = (
    "chi tieu",
    "muc tieu",
    "phan tram",
    "ke hoach",
    "de an",
    "nhiem vu",
    "den nam",
)
DEFAULT_DOC = "luat-35-2013"  # "điều 12" alone means the Law on grassroots mediation

# Neighbouring regimes, as folded phrases after abbreviation expansion. Narrow on purpose:
# "xử lý vi phạm hành chính" and "truy cứu trách nhiệm hình sự" are in scope (Điều 3 says
# they cannot be mediated), only sanctions' amounts and other mediation bodies are not.
REGIME_PHRASES: dict[Regime, tuple[str, ...]] = {
    Regime.COURT: (
        "hoa giai tai toa",
        "hoa giai o toa",
        "hoa giai doi thoai",
        "doi thoai tai toa",
        "hoa giai vien tai toa",
        "hoa giai vien cua toa",
        "hoa giai vien toa",
        "hoa giai cua toa",
        "toa an hoa giai",
        "phien hoa giai",
        "hoa giai trong to tung",
        "hoa giai vu an",
    ),
    Regime.COMMERCIAL: (
        "hoa giai thuong mai",
        "tranh chap thuong mai",
        "hoa giai vien thuong mai",
        "trung tam hoa giai",
        # A company's disputes; a company supporting mediation (KH 115, NĐ 15 Điều 3) is ours.
        "tranh chap + doanh nghiep",
    ),
    Regime.LABOUR: (
        "hoa giai lao dong",
        "hoa giai vien lao dong",
        "tranh chap lao dong",
        "hop dong lao dong",
        "sa thai",
        "nguoi su dung lao dong",
        "no luong",
        "cham luong",
        # Questions on labour law itself (contest items: "theo pháp luật lao động, …").
        "phap luat lao dong",
        "bo luat lao dong",
        "luat lao dong",
        "tuoi lao dong",
    ),
    Regime.ARBITRATION: ("trong tai",),
    Regime.CRIMINAL: (
        "phat tu",
        "ngoi tu",
        "di tu",
        "bi tu",
        "nam tu",
        "an tu",
        "tu chung than",
        "tu hinh",
        "bo luat hinh su",
        "truy to",
        "khoi to",
        "toi danh",
        "hinh phat",
        "co y gay thuong tich",
    ),
    Regime.ADMIN_FINE: (
        "phat bao nhieu",
        "phat tien",
        "xu phat",
        "muc phat",
        "nop phat",
        "phat hanh chinh",
    ),
    Regime.LAND_COMMUNE: (
        "hoa giai tai uy ban",
        "hoa giai o uy ban",
        "uy ban nhan dan xa hoa giai",
        "uy ban xa hoa giai",
        "luat dat dai",
        "hoa giai + dat + uy ban",
        "hoa giai + dat + bat buoc",
    ),
    # Other laws' substance (the neighbouring topics of our subject). Words like "thừa kế" or
    # "bạo lực gia đình" also occur in questions on mediating such disputes, so these regimes
    # fire only when the question holds no word of mediation (REGIME_EXCEPTIONS).
    Regime.FAMILY_LAW: (
        "luat hon nhan",
        "hon nhan va gia dinh",
        "tuoi ket hon",
        "do tuoi ket hon",
        "dang ky ket hon",
        "ket hon hop phap",
        "tai san rieng",
        "noi cu tru",
        "bao luc gia dinh",
    ),
    Regime.INHERITANCE: (
        "thua ke",
        "di chuc",
    ),
    Regime.LAND_TITLE: (
        "so do",
        "so hong",
        "giay chung nhan quyen su dung dat",
        "cap giay chung nhan",
        "dat dai + thu tuc hanh chinh",
        "tranh chap dat dai + hanh chinh",
    ),
}
# Phrases that cancel a regime: the court *recognising* a grassroots settlement
# (BLTTDS Điều 416–419) is in scope; an inheritance or family dispute the parties want
# mediated ("tranh chấp thừa kế có hòa giải được không") is ours.
_MEDIATION_WORDS = ("hoa giai",)
REGIME_EXCEPTIONS: dict[Regime, tuple[str, ...]] = {
    Regime.COURT: ("cong nhan",),
    Regime.FAMILY_LAW: _MEDIATION_WORDS,
    Regime.INHERITANCE: _MEDIATION_WORDS,
    Regime.LAND_TITLE: _MEDIATION_WORDS,
}

# Words of grassroots mediation and of the disputes it handles. A question holding one is
# about our subject even when its wording matches no passage well (a long story, a
# paraphrase): it gets the best passage with alternatives instead of a decline. Off-topic
# questions ("giá vàng hôm nay", "thủ tục đăng ký xe máy") hold none of them.
DOMAIN_PHRASES: tuple[str, ...] = (
    "hoa giai",
    "to hoa giai",
    "hang xom",
    "mau thuan",
    "xich mich",
    "bat hoa",
    "cai nhau",
    "cai va",
    "vo chong",
    "ly hon",
    "bo nhau",
    "nuoi con",
    "lien ke",
    "lan dat",
    "lan chiem",
    "loi di",
    "ranh gioi",
    "thu lao",
    # The Law's own word for what is mediated (mâu thuẫn, tranh chấp, vi phạm pháp luật);
    # other bodies' disputes (commercial, labour, land at the commune) are regimes first.
    "tranh chap",
)

# "Kỹ năng …" asks how to mediate, which our practice guides explain; statutes and plans
# mention skills only as a training goal ("bồi dưỡng kỹ năng"), so guides weigh more.
SKILL_PHRASES: tuple[str, ...] = ("ky nang", "bi quyet", "kinh nghiem hoa giai")
SKILL_GUIDE_BOOST = 1.5

# How to use the bot (commands, reports, profile) is explained in two files whose text
# shares words with the law ("trách nhiệm", "trưởng thôn", "hồ sơ"); they lead only when
# the question is about the bot, otherwise they weigh less.
BOT_USAGE_FILES = frozenset({"su-dung-bot", "hd-su-dung-tro-ly"})
BOT_PHRASES: tuple[str, ...] = (
    "tro ly",
    "bot",
    "lenh",
    "go",
    "bam",
    "nut",
    "menu",
    "bao cao",
    "baocao",
    "vuviec",
    "hoso",
    "thongke",
    "thong ke",
    "ho so",
    "dang ky",
    "huy",
    "quay lai",
    "khong dau",
    "viet tat",
    "nhap",
    "cap nhat",
    "su dung",
    "cach dung",
    "ung dung",
    "zalo",
    "telegram",
    "dien thoai",
)
BOT_USAGE_FACTOR = 0.6

NAMED_STATUTE_BOOST = 2.0
NAMED_TOPIC_BOOST = 1.3
HISTORY_BOOST = 2.0

# Questions about earlier rules: only they may be answered from expired documents.
HISTORY_PHRASES: tuple[str, ...] = (
    "truoc day",
    "het hieu luc",
    "ngay xua",
    "truoc kia",
    "hoi truoc",
    "luc truoc",
    "muc cu",
    "quy dinh cu",
    "van ban cu",
    "thong tu cu",
    "che do cu",
    "cu la",
    "cu thi",
    "truoc nam 2023",
    "truoc 2023",
    "nam 2014",
    "tu nam 2014",
    "con hieu luc",
    "lich su",
    "da bi thay",
    "bi thay the",
    "thay the",
)

# Words that name a document type, read from the document number's suffix; they let
# "nghị định 15" or "thông tư 56" name a document without a curated alias.
_NUMBER_TYPES: tuple[tuple[str, str], ...] = (
    ("ttlt", "thong tu lien tich"),
    ("nqlt", "nghi quyet lien tich"),
    ("nd", "nghi dinh"),
    ("tt", "thong tu"),
    ("qd", "quyet dinh"),
    ("kh", "ke hoach"),
    ("qh", "luat"),
)


@dataclass(frozen=True, slots=True)
class GateConfig:
    """Thresholds of the confidence gate (see docs/kb.md for how they were chosen)."""

    answer_coverage: float = 0.7
    suggest_coverage: float = 0.4
    answer_fuzzy: float = 85.0
    suggest_fuzzy: float = 70.0
    min_margin: float = 0.05
    # A clear lead answers even at middling coverage: chatty questions ("cho em hỏi … ạ")
    # keep words no passage has, yet one passage stands well above the rest.
    clear_margin: float = 0.2
    clear_coverage: float = 0.4
    # … and without a word of our subject it needs more of its words covered.
    clear_coverage_off_subject: float = 0.55
    fuzzy_min_coverage: float = 0.3
    # A neighbouring regime named in a question that is almost exactly one of our FAQ/guide
    # questions (which explain the difference) is answered from that FAQ, not declined.
    regime_fuzzy: float = 90.0
    # A story told around the question ("Chào luật sư, tôi tên là …") keeps coverage low,
    # yet on our subject one passage can stand far above every other one: it answers, down to
    # the on-subject floor (0.2 left a 37-word story with a 0.5 lead as a "Có phải…" list).
    dominant_margin: float = 0.4
    dominant_coverage: float = 0.1
    # On our subject (Cues.domain) the best passage is offered with alternatives down to
    # this coverage: a declined in-scope question is worse than a list with the answer in it.
    domain_coverage: float = 0.1
    pair_weight: float = 0.5  # share of word pairs in the coverage (the rest: single words)


@dataclass(slots=True)
class Ranking:
    """Everything computed for one question; answers are built from it."""

    question: str
    tokens: list[str]
    decision: Decision
    order: list[int] = field(default_factory=list)  # passage indices, best first
    scores: list[float] = field(default_factory=list)
    unit_scores: FloatArray | None = None
    repairs: list[Repair] = field(default_factory=list)
    regime: Regime | None = None
    direct: bool = False
    clause: int | None = None
    history: bool = False
    not_found_article: str | None = None
    coverage: float = 0.0
    fuzzy: float = 0.0
    gate: Decision = Decision.DECLINE  # the gate's decision before a regime overrides it
    domain: bool = False  # the question uses a word of grassroots mediation (Cues.domain)


class Searcher:
    """Ranks passages for questions; holds the index and the document alias table."""

    def __init__(
        self,
        documents: dict[str, Document],
        passages: list[Passage],
        config: RankConfig | None = None,
        gate: GateConfig | None = None,
    ) -> None:
        self.documents = documents
        self.passages = passages
        self.index = Index(passages, config)
        self.gate = gate or GateConfig()
        self.by_ref = {p.ref: i for i, p in enumerate(passages)}
        self.phrases = PhraseTables(_alias_table(documents))
        history = np.array([p.history for p in passages], dtype=bool)
        # Passages about earlier rules: expired ones and our own notes citing them.
        history_related = history | np.array(
            [any(c in self.by_ref and passages[self.by_ref[c]].history for c in p.cites) for p in passages],
            dtype=bool,
        )
        # Missing articles rank below any passage with text: they can only say "not collected".
        missing = np.where([p.missing for p in passages], 0.5, 1.0)
        # Partial articles quote only some clauses: a complete answer on the same topic
        # (the FAQ citing the Law's article) serves better, unless they clearly win. An
        # expired rule is kept only in part on purpose and has no complete rival.
        missing = missing * np.where([p.partial and not p.history for p in passages], PARTIAL_FACTOR, 1.0)
        # Plans set targets and tasks in the vocabulary of the law ("tiêu chuẩn", "công nhận
        # hòa giải viên"); a question on a rule is answered by the law, so plan passages weigh
        # less unless the question speaks of targets or tasks (PLAN_PHRASES) or names a document.
        plan = np.array([documents[p.doc_id].kind == "plan" for p in passages], dtype=bool)
        self.plan_factor = np.where(plan, PLAN_FACTOR, 1.0).astype(np.float32)
        # Per-passage factors of the final score, fixed for the KB; one multiplication per
        # question. Expired passages are out unless the question is about earlier rules.
        self.factors_now = (missing * ~history).astype(np.float32)
        self.factors_history = (missing * np.where(history_related, HISTORY_BOOST, 1.0)).astype(np.float32)
        guide = np.array([documents[p.doc_id].kind == "guide" for p in passages], dtype=bool)
        self.skill_boost = np.where(guide, SKILL_GUIDE_BOOST, 1.0).astype(np.float32)
        usage = np.array([Path(p.path).stem in BOT_USAGE_FILES for p in passages], dtype=bool)
        self.not_bot_factor = np.where(usage, BOT_USAGE_FACTOR, 1.0).astype(np.float32)
        by_doc: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(passages):
            by_doc[p.doc_id].append(i)
        self.passages_of = {d: np.asarray(idx, dtype=np.intp) for d, idx in by_doc.items()}

    # --- public ------------------------------------------------------------------------

    def rank(self, question: str) -> Ranking:
        """Run every step on ``question`` and return the full ranking with its decision."""
        tokens = terms(question)
        ranking = Ranking(question, tokens, Decision.DECLINE)
        if not content_terms(tokens):
            return ranking
        query = paraphrase(tokens)
        cues = self.phrases.read(query)
        if cues.domain:
            without = self._without_names(question, tokens)
            if without is not tokens:
                query = paraphrase(without)
                cues = self.phrases.read(query)
        named = [doc_id for doc_id, _ in cues.named]
        ranking.history = cues.history or any(self.documents[d].expired for d in named)
        refs = find_article_refs(tokens)
        if refs:
            self._direct(ranking, refs[0], named)
            if ranking.not_found_article is None or len(content_terms(tokens)) < CITING_QUESTION_TERMS:
                return ranking
            # A long question quoting an article we do not hold ("Khoản 7 Điều 27 BLTTDS quy
            # định … đề nghị làm rõ …") asks about its content, not for the article itself.
            ranking = Ranking(question, tokens, Decision.DECLINE, history=ranking.history)
        ranking.regime = cues.regime
        ranking.domain = cues.domain
        self._score(ranking, cues, query)
        self._confirm_by_asking_part(ranking)
        if ranking.regime is not None and self._asks_our_explainer(ranking):
            # "Hòa giải lao động có theo Luật hòa giải ở cơ sở không?" is one of our own FAQ
            # questions: the FAQ on how that regime differs answers it better than a decline.
            ranking.regime = None
        if ranking.regime is not None:
            ranking.decision = Decision.DECLINE
        return ranking

    def _confirm_by_asking_part(self, ranking: Ranking) -> None:
        """Answer, not just offer, when a message's asking sentence alone finds the same answer.

        A citizen tells the case, then asks ("… Vậy tôi có thể tiếp tục hòa giải không?"):
        the story's words lower the coverage of every passage, so the best one, though right,
        is only offered in a list. Searched alone, the asking sentence may say too little
        ("Tôi phải làm sao?" covers unrelated passages), so it is trusted only when the
        two readings agree: its own gate answers, and with the same passage (or the article
        that passage cites) as the whole message, which must itself have been worth offering
        (a "Có phải…" list, never a decline: a message whose words cover nothing stays so).
        """
        if ranking.gate is not Decision.SUGGEST or not ranking.domain or ranking.regime is not None:
            return
        asking = asking_part(ranking.question)
        if asking is None or not ranking.order:
            return
        n_asking = len(content_terms(terms(asking)))
        if n_asking < 2 or n_asking >= len(content_terms(ranking.tokens)):
            return
        alone = self.rank(asking)
        if (
            alone.decision is Decision.ANSWER
            and alone.order
            and self._same_answer(alone.order[0], ranking.order[0])
        ):
            ranking.gate = ranking.decision = Decision.ANSWER

    def _same_answer(self, first: int, second: int) -> bool:
        """The same passage, or an FAQ/guide and the article it cites (stricter than :meth:`_agree`).

        Two passages citing a common article may still answer different questions (an
        emergency guide and the FAQ on ending a mediation both cite Điều 23).
        """
        a, b = self.passages[first], self.passages[second]
        return first == second or a.ref in b.cites or b.ref in a.cites

    def _without_names(self, question: str, tokens: list[str]) -> list[str]:
        """The tokens of an on-subject question without the names it mentions.

        Only on our subject: elsewhere unknown names are what keeps an off-topic question's
        coverage low ("xe khách đi Hà Nội mấy giờ chạy" would be offered a list without them).
        """
        names = proper_name_positions(question, self._known_pair, tokens)
        if not names:
            return tokens
        query = [t for i, t in enumerate(tokens) if i not in names]
        return query if content_terms(query) else tokens

    def _known_pair(self, first: str, second: str) -> bool:
        return f"{first}_{second}" in self.index.idf

    def _asks_our_explainer(self, ranking: Ranking) -> bool:
        """Whether the question is, nearly word for word, one of our FAQ/guide questions."""
        if not ranking.order or ranking.fuzzy < self.gate.regime_fuzzy:
            return False
        return self.passages[ranking.order[0]].kind != "article"

    def result(self, ranking: Ranking, k: int) -> SearchResult:
        """The public view of a ranking: top ``k`` hits and the decision."""
        hits = [
            Hit(
                ref=self.passages[i].ref,
                title=self.passages[i].title,
                score=round(float(s), 4),
                cites=list(self.passages[i].cites),
            )
            for i, s in zip(ranking.order[:k], ranking.scores[:k], strict=False)
        ]
        return SearchResult(
            question=ranking.question,
            decision=ranking.decision.value,
            hits=hits,
            regime=ranking.regime,
            did_you_mean=self.did_you_mean(ranking),
            direct=ranking.direct,
            clause=ranking.clause,
            history=ranking.history,
            not_found_article=ranking.not_found_article,
        )

    def did_you_mean(self, ranking: Ranking) -> str | None:
        """The repaired question written with diacritics, when a token was repaired."""
        if not ranking.repairs:
            return None
        repaired, _ = self.index.repair(ranking.tokens)
        return self.index.display(repaired)

    def _named_boost(self, named: list[str]) -> FloatArray:
        # Naming a statute ("nghị định 15") is a strong wish for it; a guide's alias is
        # usually just its topic ("tranh chấp đất đai"), so it weighs less.
        boost = np.ones(len(self.passages), dtype=np.float32)
        for d in named:
            statute = self.documents[d].kind in ("law", "plan")
            if d in self.passages_of:
                boost[self.passages_of[d]] = NAMED_STATUTE_BOOST if statute else NAMED_TOPIC_BOOST
        return boost

    def _without_statute_names(self, tokens: list[str], named: list[tuple[str, range]]) -> list[str]:
        # "thông tư liên tịch 100" says which document, not what about: it boosts that
        # document instead of matching every passage that mentions a circular.
        drop: set[int] = set()
        for doc_id, span in named:
            if self.documents[doc_id].kind in ("law", "plan"):
                drop.update(span)
        kept = [t for i, t in enumerate(tokens) if i not in drop]
        return kept if content_terms(kept) else tokens

    # --- steps -------------------------------------------------------------------------

    def _direct(self, ranking: Ranking, ref: ArticleRef, named: list[str]) -> None:
        ranking.direct = True
        ranking.clause = ref.clause
        if named:
            candidates = [d for d in named if f"{d}:dieu-{ref.number}" in self.by_ref]
            if not candidates:
                ranking.not_found_article = f"{named[0]}:dieu-{ref.number}"
                return
        else:
            candidates = [d for d in self.documents if f"{d}:dieu-{ref.number}" in self.by_ref]
            if DEFAULT_DOC in candidates:
                candidates = [DEFAULT_DOC]
            # An expired document's article is shown only when nothing in force has the number.
            in_force = [d for d in candidates if not self.documents[d].expired]
            if in_force and not ranking.history:
                candidates = in_force
            if not candidates:
                ranking.not_found_article = f":dieu-{ref.number}"
                return
        ranking.order = [self.by_ref[f"{d}:dieu-{ref.number}"] for d in candidates]
        ranking.scores = [1.0] * len(candidates)
        ranking.decision = Decision.ANSWER if len(candidates) == 1 else Decision.SUGGEST

    def _score(self, ranking: Ranking, cues: Cues, query: list[str]) -> None:
        named = cues.named
        cfg = self.index.config
        asked = strip_scaffolding(self._without_statute_names(query, named), framing=False)
        if cfg.typo_repair:
            asked, ranking.repairs = self.index.repair(asked)
        tokens = strip_scaffolding(asked)
        content = content_terms(tokens)
        query_terms = content + (_topic_bigrams(tokens) if cfg.bigrams else [])
        unit_scores = self.index.unit_scores(query_terms)
        ranking.unit_scores = unit_scores
        pooled = self.index.pool(unit_scores)
        top = float(pooled.max()) if len(pooled) else 0.0
        combined = pooled / top if top > 0 else pooled.copy()
        fuzzy = self.index.fuzzy_scores(" ".join(asked))
        if cfg.fuzzy_weight:
            combined = combined + cfg.fuzzy_weight * np.clip((fuzzy - 60.0) / 40.0, 0.0, 1.0)
        if named:
            combined = combined * self._named_boost([doc_id for doc_id, _ in named])
        combined = combined * (self.factors_history if ranking.history else self.factors_now)
        if cues.skill:
            combined = combined * self.skill_boost
        if not cues.bot:
            combined = combined * self.not_bot_factor
        if not (cues.plan or named):
            combined = combined * self.plan_factor
        ranked = np.argsort(-combined, kind="stable")
        ranked = ranked[combined[ranked] > 0]
        order: list[int] = ranked.tolist()
        ranking.order = order
        ranking.scores = combined[ranked].tolist()
        if not order:
            return
        best = order[0]
        repaired = {t for r in ranking.repairs for t in r.replacement}
        ranking.coverage = self._coverage(tokens, repaired, best)
        ranking.fuzzy = float(fuzzy[best])
        ranking.gate = self._gate(ranking, len(content))
        ranking.decision = ranking.gate

    def _coverage(self, tokens: list[str], repaired: set[str], passage: int) -> float:
        """Share of the question's topic words and word pairs (weighted by rarity) in the passage.

        Words the KB has never seen weigh as much as the rarest word: a question about the
        weather or football is mostly made of them, so its coverage stays low. Folding makes
        many syllables ambiguous ("ban" is bạn, bán, bản, ban), so adjacent pairs of topic
        words count as much as the single words. A repaired word counts half.
        """
        have = self.index.passage_terms[passage]
        content = content_terms(tokens)
        pairs = _content_pairs(tokens)
        parts: list[float] = []
        for group in (content, pairs):
            total = found = 0.0
            for term in group:
                w = self.index.idf.get(term, self.index.max_idf)
                total += w
                if term in have:
                    found += w * (0.5 if term in repaired else 1.0)
            parts.append(found / total if total else -1.0)
        uni, pair = parts
        if pair < 0:
            return max(uni, 0.0)
        w = self.gate.pair_weight
        return (1 - w) * uni + w * pair

    def _gate(self, ranking: Ranking, n_content: int) -> Decision:
        g = self.gate
        margin = ranking.scores[0] - self._runner_up(ranking)
        # A close wording match to an FAQ question counts only if some topic word matches
        # too: short strings like "giá vàng hôm nay bao nhiêu" are near many "… bao nhiêu".
        fuzzy = ranking.fuzzy if ranking.coverage >= g.fuzzy_min_coverage else 0.0
        if fuzzy >= g.answer_fuzzy:
            return Decision.ANSWER
        if n_content < 2:
            # One folded syllable ("ten", "ban") is too ambiguous to answer from.
            return Decision.SUGGEST if fuzzy >= g.suggest_fuzzy else Decision.DECLINE
        if ranking.coverage >= g.answer_coverage and margin >= g.min_margin:
            return Decision.ANSWER
        clear_coverage = g.clear_coverage if ranking.domain else g.clear_coverage_off_subject
        if ranking.coverage >= clear_coverage and margin >= g.clear_margin:
            return Decision.ANSWER
        if ranking.domain and ranking.coverage >= g.dominant_coverage and margin >= g.dominant_margin:
            return Decision.ANSWER
        if ranking.coverage >= g.suggest_coverage or fuzzy >= g.suggest_fuzzy:
            return Decision.SUGGEST
        if ranking.domain and ranking.coverage >= g.domain_coverage:
            return Decision.SUGGEST
        return Decision.DECLINE

    def _runner_up(self, ranking: Ranking) -> float:
        """Score of the best passage that is a real alternative to the top one.

        An FAQ entry and the article it cites (or two guides citing each other, or an FAQ
        and a guide citing the same article) say the same thing; their closeness is
        agreement, not doubt, so it does not narrow the margin. Nor do two sections of one
        practice guide: they are parts of the same advice ("lắng nghe", "khách quan"), and the
        answer names the guide (real dev: +2 answered and correct, no wrong answer added).
        """
        top = ranking.order[0]
        for i, score in zip(ranking.order[1:], ranking.scores[1:], strict=False):
            if not self._agree(top, i):
                return score
        return 0.0

    def _agree(self, first: int, second: int) -> bool:
        """Whether two passages give the same answer (see :meth:`_runner_up`)."""
        a, b = self.passages[first], self.passages[second]
        if first == second or a.ref in b.cites or b.ref in a.cites or not set(a.cites).isdisjoint(b.cites):
            return True
        return a.doc_id == b.doc_id and self.documents[a.doc_id].kind == "guide"


def _topic_bigrams(tokens: list[str]) -> list[str]:
    # Pairs of two scaffolding words ("co duoc", "la gi") say nothing about the topic.
    content = set(content_terms(tokens))
    return [
        b
        for b, (x, y) in zip(bigrams(tokens), itertools.pairwise(tokens), strict=False)
        if x in content or y in content
    ]


def _content_pairs(tokens: list[str]) -> list[str]:
    """Adjacent pairs of topic words, as index terms ("tranh_chap", "dat_dai")."""
    return [f"{a}_{b}" for a, b in itertools.pairwise(tokens) if a not in STOPWORDS and b not in STOPWORDS]


# Yes/no cues, each a field of Cues: any one of its phrases sets it.
_FLAG_PHRASES: dict[str, tuple[str, ...]] = {
    "history": HISTORY_PHRASES,
    "domain": DOMAIN_PHRASES,
    "skill": SKILL_PHRASES,
    "bot": BOT_PHRASES,
    "plan": PLAN_PHRASES,
}

# What a list of phrases tells: (flag, None) for the yes/no cues, ("regime", r) or ("unless", r) for the
# phrases that cancel regime r.
_RuleKey = tuple[str, Regime | None]


@dataclass(frozen=True, slots=True)
class Cues:
    """What the fixed phrases say about a question."""

    named: list[tuple[str, range]]  # documents named by alias, longest alias first, with its tokens
    history: bool = False  # asks about earlier rules
    regime: Regime | None = None  # names a neighbouring regime
    domain: bool = False  # uses a word of grassroots mediation or its disputes
    skill: bool = False  # asks about mediation skills
    bot: bool = False  # asks about using the bot
    plan: bool = False  # speaks of targets, tasks, plans


class PhraseTables:
    """Document aliases, history phrases and regime phrases, matched in one pass per question."""

    def __init__(self, aliases: list[tuple[tuple[str, ...], str]]) -> None:
        self._alias_docs = [doc_id for _, doc_id in aliases]
        self._alias_lengths = [len(phrase) for phrase, _ in aliases]
        phrases = [phrase for phrase, _ in aliases]
        part_ids: dict[tuple[str, ...], int] = {}
        # Part → the (rule, all parts of one alternative) it belongs to: a question's few
        # matched parts lead straight to the alternatives worth checking.
        self._uses: dict[int, list[tuple[_RuleKey, frozenset[int]]]] = defaultdict(list)

        def add(key: _RuleKey, texts: tuple[str, ...]) -> None:
            # "a + b" means both phrases occur somewhere in the question.
            for text in texts:
                parts: set[int] = set()
                for part in text.split(" + "):
                    phrase = tuple(part.split())
                    if phrase not in part_ids:
                        part_ids[phrase] = len(phrases)
                        phrases.append(phrase)
                    parts.add(part_ids[phrase])
                for pid in parts:
                    self._uses[pid].append((key, frozenset(parts)))

        for flag, texts in _FLAG_PHRASES.items():
            add((flag, None), texts)
        for regime, texts in REGIME_PHRASES.items():
            add(("regime", regime), texts)
            add(("unless", regime), REGIME_EXCEPTIONS.get(regime, ()))
        self._matcher = PhraseMatcher(phrases)

    def read(self, tokens: list[str]) -> Cues:
        """Named documents, history and regime of a question's tokens."""
        found = self._matcher.first_positions(tokens)
        met = {key for pid in found for key, parts in self._uses.get(pid, ()) if parts <= found.keys()}
        # Regimes in their declared order: the first one named, unless its exception is.
        regime = next((r for r in REGIME_PHRASES if ("regime", r) in met and ("unless", r) not in met), None)
        flags = {flag: (flag, None) in met for flag in _FLAG_PHRASES}
        return Cues(self._named(found), regime=regime, **flags)

    def _named(self, found: dict[int, int]) -> list[tuple[str, range]]:
        # Aliases come longest first, and each counts at its first occurrence only: one
        # inside a longer alias already taken is part of that name, not a second one.
        named: list[tuple[str, range]] = []
        taken: set[int] = set()
        for pid in sorted(pid for pid in found if pid < len(self._alias_docs)):
            span = range(found[pid], found[pid] + self._alias_lengths[pid])
            if any(i in taken for i in span):
                continue
            taken.update(span)
            doc_id = self._alias_docs[pid]
            if all(doc_id != d for d, _ in named):
                named.append((doc_id, span))
        return named


def _alias_table(documents: dict[str, Document]) -> list[tuple[tuple[str, ...], str]]:
    """(folded phrase, doc id) pairs, longest phrase first so "thông tư liên tịch 100" wins."""
    table: set[tuple[tuple[str, ...], str]] = set()
    for doc in documents.values():
        if doc.kind == "faq":
            continue
        names = [*doc.aliases, doc.short, doc.title, doc.id.replace("-", " ")]
        if doc.number:
            names.append(doc.number)
            names.extend(_number_aliases(doc.number))
        for name in names:
            phrase = tuple(terms(name))
            if len(phrase) >= 2 or (phrase and not phrase[0].isdigit() and len(phrase[0]) > 3):
                table.add((phrase, doc.id))
    return sorted(table, key=lambda item: (-len(item[0]), item[1]))


def _number_aliases(number: str) -> list[str]:
    # "15/2014/NĐ-CP" → "nghi dinh 15", "nghi dinh 15 2014"; "35/2013/QH13" → "luat 35".
    parts = terms(number.replace("/", " ").replace("-", " "))
    if not parts or not parts[0].isdigit():
        return []
    lettered = [seg for seg in number.split("/")[1:] if any(ch.isalpha() for ch in seg)]
    suffix = "".join(ch for ch in (lettered[0] if lettered else "").lower() if ch.isalpha())
    suffix = suffix.replace("đ", "d")
    for code, words in _NUMBER_TYPES:
        if suffix.startswith(code):
            first = parts[0].lstrip("0") or "0"
            year = parts[1] if len(parts) > 1 and parts[1].isdigit() else ""
            out = [f"{words} {first}", f"{words} {parts[0]}"]
            if year:
                out.append(f"{words} {first} {year}")
                out.append(f"{first} {year}")
            return out
    return []
