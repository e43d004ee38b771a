"""``kb check``: every rule of docs/knowledge-format.md that a reviewer should not have to eyeball."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bot.kb.loader import Loaded, load_folder
from bot.kb.model import Problem
from bot.training.content import load_bank


def check(folder: Path) -> list[Problem]:
    """Load ``folder`` and return every problem found (empty when the content is clean)."""
    loaded = load_folder(folder)
    problems = validate(loaded)
    # The training bank (lessons, questions) must cite passages that exist in this same folder.
    bank = load_bank(folder / "training", known_refs={p.ref for p in loaded.passages})
    return problems + bank.problems


def validate(loaded: Loaded) -> list[Problem]:
    """Cross-passage rules on already loaded content, plus the problems met while parsing."""
    problems = list(loaded.problems)
    problems.extend(_duplicate_refs(loaded))
    problems.extend(_numbering(loaded))
    problems.extend(_cites(loaded))
    return sorted(problems, key=lambda p: (p.path, p.line, p.code))


def _duplicate_refs(loaded: Loaded) -> list[Problem]:
    counts = Counter(p.ref for p in loaded.passages)
    seen: set[str] = set()
    problems: list[Problem] = []
    for p in loaded.passages:
        if counts[p.ref] > 1:
            if p.ref in seen:
                problems.append(Problem(p.path, p.line, "duplicate-ref", f"reference {p.ref} is used twice"))
            seen.add(p.ref)
    return problems


def _numbering(loaded: Loaded) -> list[Problem]:
    problems: list[Problem] = []
    for doc in loaded.documents.values():
        numbers = loaded.articles_by_file.get(doc.path, [])
        if doc.article_range is None:
            continue
        first, last = doc.article_range
        counts = Counter(n for n, _ in numbers)
        for n, line in numbers:
            if not first <= n <= last:
                problems.append(
                    Problem(doc.path, line, "numbering", f"Điều {n} is outside article_range {first}..{last}")
                )
        reported: set[int] = set()
        for n, line in numbers:
            if counts[n] > 1 and n in reported:
                problems.append(Problem(doc.path, line, "numbering", f"Điều {n} appears more than once"))
            reported.add(n)
        absent = [n for n in range(first, last + 1) if n not in counts]
        if absent:
            problems.append(
                Problem(
                    doc.path,
                    1,
                    "numbering",
                    "articles absent (add them, with @missing if the text is unknown): "
                    + ", ".join(str(n) for n in absent),
                )
            )
        order = [n for n, _ in numbers]
        if order != sorted(order):
            problems.append(Problem(doc.path, 1, "numbering", "articles are not in ascending order"))
    return problems


def _cites(loaded: Loaded) -> list[Problem]:
    refs = {p.ref for p in loaded.passages}
    problems: list[Problem] = []
    for p in loaded.passages:
        for cited in p.cites:
            if cited not in refs:
                problems.append(Problem(p.path, p.line, "cites", f"{p.ref} cites unknown reference {cited}"))
    return problems
