"""Knowledge base: load curated legal content, search it, and answer with citations."""

from bot.kb.base import KnowledgeBase
from bot.kb.model import Answer, Decision, Document, Hit, Passage, Problem, Regime, SearchResult

__all__ = [
    "Answer",
    "Decision",
    "Document",
    "Hit",
    "KnowledgeBase",
    "Passage",
    "Problem",
    "Regime",
    "SearchResult",
]
