"""Cutting an over-long text at a word boundary (issue 13 item 6)."""

from __future__ import annotations

import pytest

from bot.domain.vntext import cut_at_word


@pytest.mark.parametrize(
    ("text", "limit", "kept", "dropped"),
    [
        ("ngắn", 10, "ngắn", ""),
        ("hai hộ tranh chấp lối đi", 10, "hai hộ", "tranh chấp lối đi"),
        ("hai hộ tranh", 12, "hai hộ tranh", ""),
        ("hai hộ tranh chấp", 12, "hai hộ tranh", "chấp"),  # the space right after the limit
        ("hai hộ, tranh chấp", 8, "hai hộ,", "tranh chấp"),
        ("dòng một\ndòng hai", 12, "dòng một", "dòng hai"),
        ("x" * 20, 5, "xxxxx", "x" * 15),  # one long word is cut inside it
    ],
)
def test_cut_at_word(text: str, limit: int, kept: str, dropped: str) -> None:
    assert cut_at_word(text, limit) == (kept, dropped)
    assert len(cut_at_word(text, limit)[0]) <= limit
