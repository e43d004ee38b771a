"""Shared fixtures: the small fixture KBs and the real knowledge folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb import KnowledgeBase

FIXTURES = Path(__file__).parent / "fixtures"
REAL = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture(scope="session")
def good_kb() -> KnowledgeBase:
    """The clean fixture KB (one law, one expired circular, a guide, an FAQ)."""
    return KnowledgeBase.load(FIXTURES / "good")


@pytest.fixture(scope="session")
def real_kb() -> KnowledgeBase:
    """The repository's knowledge base (skipped while the content is not there yet)."""
    kb = KnowledgeBase.load(REAL)
    if kb.passage("luat-35-2013:dieu-7") is None:
        pytest.skip("knowledge/ does not hold Luật 35/2013 yet")
    return kb
