"""Shared fixtures for the training tests: the small bank under ``fixtures/training`` and the
app/world of the flow tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.training.content import Bank, load_bank
from tests.flows.support import app, clock, world

__all__ = ["FIXTURES", "KNOWN_REFS", "app", "bank", "clock", "world"]

FIXTURES = Path(__file__).parent / "fixtures" / "training"
KNOWN_REFS = {"luat-35-2013:dieu-4", "luat-35-2013:dieu-12"}


@pytest.fixture
def bank() -> Bank:
    """The fixture bank, loaded cleanly."""
    loaded = load_bank(FIXTURES, KNOWN_REFS)
    assert loaded.problems == []
    return loaded
