"""Plain types of the knowledge base: documents, passages, problems, search results, answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Decision(StrEnum):
    """What the bot does with a question."""

    ANSWER = "answer"  # one passage answers it; quote it with its citation
    SUGGEST = "suggest"  # unsure: offer the top candidates
    DECLINE = "decline"  # out of scope or nothing relevant: point to the justice officer


class Regime(StrEnum):
    """Neighbouring mediation or sanction regimes that share vocabulary but are out of scope."""

    COURT = "court"
    COMMERCIAL = "commercial"
    LABOUR = "labour"
    ARBITRATION = "arbitration"
    CRIMINAL = "criminal"
    ADMIN_FINE = "admin_fine"
    LAND_COMMUNE = "land_commune"
    # Substance of other laws, asked without a word of mediation (see search.REGIME_EXCEPTIONS).
    FAMILY_LAW = "family_law"
    INHERITANCE = "inheritance"
    LAND_TITLE = "land_title"


@dataclass(frozen=True, slots=True)
class Document:
    """One file's front matter: a statute, plan, guide or the FAQ."""

    id: str
    kind: str  # law | plan | guide | faq
    title: str
    short: str
    number: str = ""
    issuer: str = ""
    signed: str = ""
    effective: str = ""
    status: str = "in_force"  # in_force | expired | partially_superseded | in_progress
    status_note: str = ""
    completeness: str = "complete"
    article_range: tuple[int, int] | None = None
    aliases: tuple[str, ...] = ()
    source: str = ""
    path: str = ""

    @property
    def expired(self) -> bool:
        """True when the whole document is no longer in force."""
        return self.status == "expired"


@dataclass(frozen=True, slots=True)
class Passage:
    """One level-2 section: an article, a plan/guide section or an FAQ entry."""

    ref: str
    doc_id: str
    kind: str  # article | section | faq
    title: str
    text: str
    chapter: str = ""
    number: int | None = None  # article number
    clauses: tuple[str, ...] = ()  # numbered clauses (articles) or paragraphs (other passages)
    cites: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    missing: bool = False
    missing_note: str = ""
    partial: bool = False
    partial_note: str = ""
    history: bool = False
    path: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing ``kb check`` complains about, with where it is."""

    path: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.code}] {self.message}"


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked passage."""

    ref: str
    title: str
    score: float
    cites: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ranked hits and what the confidence gate decided."""

    question: str
    decision: str
    hits: list[Hit]
    regime: Regime | None = None
    did_you_mean: str | None = None
    direct: bool = False  # the question named an article ("điều 12")
    clause: int | None = None  # the clause it named, if any
    history: bool = False  # the question is about expired rules
    not_found_article: str | None = None  # "Điều 99" when a named article does not exist

    @property
    def answered(self) -> bool:
        """True when the top hit is given as the answer."""
        return self.decision == Decision.ANSWER


@dataclass(frozen=True, slots=True)
class Answer:
    """A channel-neutral reply to a question."""

    text: str
    decision: str
    refs: list[str] = field(default_factory=list)
    suggestions: list[tuple[str, str]] = field(default_factory=list)  # (label, ref)
    full_ref: str | None = None  # offer "xem toàn văn" for this passage
    regime: Regime | None = None
    did_you_mean: str | None = None
