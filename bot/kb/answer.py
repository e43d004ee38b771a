"""Turn a ranking into a channel-neutral answer, and split long texts into message-sized chunks.

An answer quotes the statute (never paraphrases it): the clause(s) that matched best, then
the citation line. FAQ and guide answers are our own words and end with the articles they
rely on.
"""

from __future__ import annotations

import re

import numpy as np

from bot.kb.index import UNIT_CLAUSE
from bot.kb.model import Answer, Decision, Document, Passage, Regime
from bot.kb.search import Ranking, Searcher
from bot.texts import kb as t

WHOLE_ARTICLE_CHARS = 700  # shorter articles are quoted whole: cutting them saves little
MAX_CLAUSES = 2
CLAUSE_KEEP_RATIO = 0.7  # a second clause is quoted when it scores this close to the best
SUGGESTIONS = 3
LABEL_CHARS = 60

_REGIME_TEXT: dict[Regime, str] = {
    Regime.COURT: t.REGIME_COURT,
    Regime.COMMERCIAL: t.REGIME_COMMERCIAL,
    Regime.LABOUR: t.REGIME_LABOUR,
    Regime.ARBITRATION: t.REGIME_ARBITRATION,
    Regime.CRIMINAL: t.REGIME_CRIMINAL,
    Regime.ADMIN_FINE: t.REGIME_ADMIN_FINE,
    Regime.LAND_COMMUNE: t.REGIME_LAND_COMMUNE,
    Regime.FAMILY_LAW: t.REGIME_FAMILY_LAW,
    Regime.INHERITANCE: t.REGIME_INHERITANCE,
    Regime.LAND_TITLE: t.REGIME_LAND_TITLE,
}
_CLAUSE_NUMBER = re.compile(r"^(\d+)\.\s")
_SENTENCE_END = re.compile(r"(?<=[.;:!?…])\s+")


def build_answer(searcher: Searcher, ranking: Ranking, max_len: int = 4000) -> Answer:
    """The reply for a ranked question, never longer than ``max_len`` characters."""
    did_you_mean = searcher.did_you_mean(ranking)
    if ranking.decision == Decision.ANSWER and ranking.order:
        passage = searcher.passages[ranking.order[0]]
        answer = _answer_passage(searcher, ranking, passage, max_len)
    elif ranking.decision == Decision.SUGGEST and ranking.order:
        answer = _suggest(searcher, ranking, max_len)
    else:
        answer = _decline(searcher, ranking)
    if did_you_mean and answer.decision != Decision.DECLINE:
        text = t.DID_YOU_MEAN.format(text=did_you_mean) + "\n" + answer.text
        answer = Answer(
            text=_fit(text, max_len),
            decision=answer.decision,
            refs=answer.refs,
            suggestions=answer.suggestions,
            full_ref=answer.full_ref,
            regime=answer.regime,
            did_you_mean=did_you_mean,
        )
    return answer


# --- answer ------------------------------------------------------------------------------


def _answer_passage(searcher: Searcher, ranking: Ranking, passage: Passage, max_len: int) -> Answer:
    doc = searcher.documents[passage.doc_id]
    notes = _notes(doc, passage)
    if passage.missing:
        text = t.MISSING_ARTICLE.format(header=header(doc, passage), doc=doc.short)
        return Answer(text=_fit(text, max_len), decision=Decision.ANSWER.value, refs=[passage.ref])
    chosen = _chosen_clauses(searcher, ranking, passage)
    body_parts = [passage.clauses[i] for i in chosen]
    whole = len(chosen) == len(passage.clauses)
    if not whole and chosen and chosen[0] > 0:
        body_parts.insert(0, t.ELLIPSIS)
    citation = citation_line(searcher, passage, [passage.clauses[i] for i in chosen])
    footer = [citation]
    full_ref: str | None = None
    if not whole:
        full_ref = passage.ref
        footer.append(t.FULL_TEXT_HINT)
    elif passage.kind == "faq" and passage.cites and passage.cites[0] in searcher.by_ref:
        full_ref = passage.cites[0]
    head = [header(doc, passage), *notes]
    budget = max_len - sum(len(x) + 1 for x in head + footer)
    body = _fit("\n".join(body_parts), max(budget, 0))
    if body != "\n".join(body_parts) and full_ref is None:
        full_ref = passage.ref
    text = "\n".join([*head, body, *footer])
    refs = [passage.ref, *[c for c in passage.cites if c in searcher.by_ref]]
    return Answer(text=_fit(text, max_len), decision=Decision.ANSWER.value, refs=refs, full_ref=full_ref)


def _chosen_clauses(searcher: Searcher, ranking: Ranking, passage: Passage) -> list[int]:
    n = len(passage.clauses)
    if n == 0:
        return []
    if ranking.clause is not None:
        for i, clause in enumerate(passage.clauses):
            m = _CLAUSE_NUMBER.match(clause)
            if m and int(m.group(1)) == ranking.clause:
                return [i]
    if ranking.direct or len(passage.text) <= WHOLE_ARTICLE_CHARS or ranking.unit_scores is None:
        return list(range(n))
    units = searcher.index.units_of(searcher.by_ref[passage.ref])
    idx = units.start + np.nonzero(searcher.index.unit_kind[units] == UNIT_CLAUSE)[0]
    if len(idx) == 0:
        return list(range(n))
    scores = ranking.unit_scores[idx]
    best = float(scores.max())
    if best <= 0:
        return list(range(n))
    pairs = [
        (float(s), int(searcher.index.unit_clause[u]))
        for u, s in zip(idx, scores, strict=True)
        if s >= CLAUSE_KEEP_RATIO * best
    ]
    pairs.sort(key=lambda pair: -pair[0])
    return sorted(ci for _, ci in pairs[:MAX_CLAUSES])


def _notes(doc: Document, passage: Passage) -> list[str]:
    notes: list[str] = []
    if doc.expired:
        notes.append(t.EXPIRED_NOTE.format(doc=doc.short))
    elif doc.status != "in_force" and doc.status_note:
        notes.append(t.STATUS_NOTE.format(note=doc.status_note))
    if passage.partial:
        notes.append(t.PARTIAL_NOTE.format(note=passage.partial_note))
    return notes


def header(doc: Document, passage: Passage) -> str:
    """First line shown above a passage: document and article or section title."""
    if passage.kind == "faq":
        return t.HEADER_FAQ.format(title=passage.title)
    if passage.number is not None:
        return t.HEADER_ARTICLE.format(doc=doc.short, n=passage.number, title=passage.title)
    return t.HEADER_SECTION.format(doc=doc.short, title=passage.title)


def citation_line(searcher: Searcher, passage: Passage, clauses: list[str] | None = None) -> str:
    """ "Căn cứ: …" for a passage: the article itself, or the references an FAQ/guide cites."""
    if passage.kind == "article":
        items = [_cite(searcher, passage, clauses)]
    elif passage.cites:
        items = [
            _cite(searcher, searcher.passages[searcher.by_ref[c]])
            for c in passage.cites
            if c in searcher.by_ref
        ]
    else:
        items = [_cite(searcher, passage)]
    return t.CITATION.format(items=t.CITE_SEP.join(items))


def _cite(searcher: Searcher, passage: Passage, clauses: list[str] | None = None) -> str:
    doc = searcher.documents[passage.doc_id]
    if passage.number is None:
        return t.CITE_SECTION.format(title=passage.title, doc=doc.short)
    article = t.ARTICLE.format(n=passage.number)
    numbered = [m for c in clauses or [] if (m := _CLAUSE_NUMBER.match(c))]
    if clauses and len(numbered) == 1 and len(clauses) == 1 and len(passage.clauses) > 1:
        article = t.CLAUSE_OF_ARTICLE.format(clause=numbered[0].group(1), n=passage.number)
    if doc.number and doc.number not in doc.short:
        return t.CITE_ARTICLE_NUMBER.format(article=article, doc=doc.short, number=doc.number)
    return t.CITE_ARTICLE.format(article=article, doc=doc.short)


# --- suggest / decline -------------------------------------------------------------------------


def suggestion_label(searcher: Searcher, passage: Passage) -> str:
    """A short button label naming a passage."""
    doc = searcher.documents[passage.doc_id]
    if passage.kind == "faq":
        label = t.SUGGEST_LABEL_FAQ.format(title=passage.title)
    elif passage.number is not None:
        label = t.SUGGEST_LABEL_ARTICLE.format(n=passage.number, doc=doc.short, title=passage.title)
    else:
        label = t.SUGGEST_LABEL_SECTION.format(title=passage.title, doc=doc.short)
    return cut_label(label)


def cut_label(label: str, limit: int = LABEL_CHARS) -> str:
    """``label`` within ``limit`` characters, cut at a word boundary with "…".

    A button reading "Điều 8 Luật Hòa giải ở cơ sở: Bầu, công nhận hòa g…" looks broken;
    the last whole word (without a dangling comma or colon) reads as intended.
    """
    if len(label) <= limit:
        return label
    head = label[: limit - 1]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:–-(") + "…"


def _suggest(searcher: Searcher, ranking: Ranking, max_len: int) -> Answer:
    """The best passage answered, with the next candidates offered once, as choices only.

    An unsure bot still shows its best answer: a mediator reads it and, if it is not the
    point, picks an alternative. The alternatives are not listed in the text as well —
    every channel already shows the choices (buttons or a numbered list).
    """
    best = searcher.passages[ranking.order[0]]
    others = [searcher.passages[i] for i in ranking.order[1:SUGGESTIONS]]
    suggestions = [(suggestion_label(searcher, p), p.ref) for p in others]
    frame = [t.SUGGEST_BEST, *([t.SUGGEST_ALSO] if suggestions else [])]
    budget = max_len - sum(len(x) + 1 for x in frame)
    quoted = _answer_passage(searcher, ranking, best, max(budget, 0))
    # Only the alternatives are offered after a suggestion, so the hint to open the whole
    # article would point to nothing.
    body = quoted.text.replace("\n" + t.FULL_TEXT_HINT, "")
    text = "\n".join([t.SUGGEST_BEST, body, *frame[1:]])
    return Answer(
        text=_fit(text, max_len),
        decision=Decision.SUGGEST.value,
        refs=[*quoted.refs[:1], *(ref for _, ref in suggestions)],
        suggestions=suggestions,
    )


def _decline(searcher: Searcher, ranking: Ranking) -> Answer:
    suggestions: list[tuple[str, str]] = []
    if ranking.regime is not None:
        text = _REGIME_TEXT[ranking.regime] + "\n" + t.NOT_LEGAL_ADVICE
        # Our own FAQ/guide may explain how that regime differs from grassroots mediation.
        top = searcher.passages[ranking.order[0]] if ranking.order else None
        if top is not None and top.kind != "article" and ranking.gate == Decision.ANSWER:
            suggestions = [(suggestion_label(searcher, top), top.ref)]
            text += "\n" + t.SEE_ALSO
    elif ranking.not_found_article is not None:
        doc_id, _, art = ranking.not_found_article.partition(":dieu-")
        article = t.ARTICLE.format(n=art)
        doc = searcher.documents.get(doc_id)
        if doc is not None and doc.article_range is not None:
            first, last = doc.article_range
            text = t.ARTICLE_NOT_FOUND.format(doc=doc.short, article=article, first=first, last=last)
        else:
            text = t.ARTICLE_NOT_IN_KB.format(article=article)
        text += "\n" + t.NOT_LEGAL_ADVICE
    elif not ranking.tokens:
        text = t.DECLINE_EMPTY
    elif ranking.coverage < 0.2:
        text = t.DECLINE_OFF_TOPIC
    else:
        text = t.DECLINE_NOTHING
    return Answer(
        text=text,
        decision=Decision.DECLINE.value,
        refs=[ref for _, ref in suggestions],
        suggestions=suggestions,
        regime=ranking.regime,
    )


# --- full text and chunking ------------------------------------------------------------------


def render_full(searcher: Searcher, ref: str, max_len: int = 4000) -> list[str]:
    """A passage's whole text (header, notes, text, citation) in chunks of at most ``max_len``."""
    i = searcher.by_ref.get(ref)
    if i is None:
        return []
    passage = searcher.passages[i]
    doc = searcher.documents[passage.doc_id]
    if passage.missing:
        return chunk(t.MISSING_ARTICLE.format(header=header(doc, passage), doc=doc.short), max_len)
    blocks = [header(doc, passage), *_notes(doc, passage), *passage.clauses]
    if passage.kind != "article" or passage.cites:
        blocks.append(citation_line(searcher, passage))
    else:
        blocks.append(citation_line(searcher, passage, list(passage.clauses)))
    return pack(blocks, max_len)


def pack(blocks: list[str], max_len: int) -> list[str]:
    """Join blocks with newlines into as few chunks ≤ ``max_len`` as possible, in order.

    A block longer than ``max_len`` is split at line, then sentence, then word boundaries;
    only a single word longer than ``max_len`` is cut mid-word.
    """
    pieces: list[str] = []
    for block in blocks:
        pieces.extend(_split(block, max_len, 0))
    return _join(pieces, "\n", max_len)


def chunk(text: str, max_len: int = 4000) -> list[str]:
    """Split ``text`` into chunks ≤ ``max_len`` at paragraph, line, sentence or word boundaries."""
    return pack([p for p in text.split("\n\n") if p.strip()], max_len)


def _split(text: str, max_len: int, level: int) -> list[str]:
    if len(text) <= max_len:
        return [text]
    if level == 0:
        parts, sep = text.split("\n"), "\n"
    elif level == 1:
        parts, sep = _SENTENCE_END.split(text), " "
    elif level == 2:
        parts, sep = text.split(" "), " "
    else:
        return [text[i : i + max_len] for i in range(0, len(text), max_len)]
    if len(parts) == 1:
        return _split(text, max_len, level + 1)
    subs: list[str] = []
    for part in parts:
        subs.extend(_split(part, max_len, level + 1))
    return _join(subs, sep, max_len)


def _join(pieces: list[str], sep: str, max_len: int) -> list[str]:
    out: list[str] = []
    current = ""
    for piece in pieces:
        if not current:
            current = piece
        elif len(current) + len(sep) + len(piece) <= max_len:
            current = current + sep + piece
        else:
            out.append(current)
            current = piece
    if current:
        out.append(current)
    return out


def _fit(text: str, max_len: int) -> str:
    """``text`` cut to ``max_len`` at a boundary, marked with an ellipsis when cut."""
    if len(text) <= max_len:
        return text
    if max_len <= len(t.ELLIPSIS) + 1:
        return text[:max_len]
    first = pack([text], max_len - len(t.ELLIPSIS) - 1)[0]
    return first + "\n" + t.ELLIPSIS
