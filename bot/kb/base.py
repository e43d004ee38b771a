"""The knowledge base facade the conversation engine talks to."""

from __future__ import annotations

from pathlib import Path

from bot.domain.vntext import clean_input
from bot.kb.answer import build_answer, render_full
from bot.kb.index import RankConfig
from bot.kb.loader import Loaded, load_folder
from bot.kb.model import Answer, Document, Passage, Problem, SearchResult
from bot.kb.search import GateConfig, Searcher


class KnowledgeBase:
    """Curated passages with an in-memory index: search, answer, full text."""

    def __init__(
        self,
        loaded: Loaded,
        config: RankConfig | None = None,
        gate: GateConfig | None = None,
    ) -> None:
        self.problems: list[Problem] = list(loaded.problems)
        # With duplicated references the first passage wins; `kb check` reports the rest.
        seen: set[str] = set()
        unique: list[Passage] = []
        for p in loaded.passages:
            if p.ref not in seen:
                seen.add(p.ref)
                unique.append(p)
        self.searcher = Searcher(loaded.documents, unique, config, gate)

    @classmethod
    def load(
        cls, folder: Path, config: RankConfig | None = None, gate: GateConfig | None = None
    ) -> KnowledgeBase:
        """Read ``folder`` (law/, guides/, faq/) and build the index."""
        return cls(load_folder(folder), config, gate)

    @property
    def documents(self) -> dict[str, Document]:
        """Documents by id (all FAQ files share the id ``faq``)."""
        return self.searcher.documents

    def search(self, question: str, k: int = 5) -> SearchResult:
        """Top ``k`` passages for ``question`` and the gate's decision."""
        return self.searcher.result(self.searcher.rank(clean_input(question)), k)

    def answer(self, question: str, max_len: int = 4000) -> Answer:
        """A ready-to-send reply (≤ ``max_len`` characters) with references and options."""
        return build_answer(self.searcher, self.searcher.rank(clean_input(question)), max_len)

    def passage(self, ref: str) -> Passage | None:
        """The passage with reference ``ref``, if any."""
        i = self.searcher.by_ref.get(ref)
        return None if i is None else self.searcher.passages[i]

    def passages(self) -> list[Passage]:
        """All passages in file order."""
        return list(self.searcher.passages)

    def render_full(self, ref: str, max_len: int = 4000) -> list[str]:
        """The whole passage split into message chunks of at most ``max_len`` characters."""
        return render_full(self.searcher, ref, max_len)
