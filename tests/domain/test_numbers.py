"""Typed whole numbers: digits that ``isdigit()`` accepts but ``int()`` refuses are not numbers."""

from __future__ import annotations

import pytest

from bot.domain.numbers import whole_number


@pytest.mark.parametrize(("text", "number"), [("12", 12), (" 7 ", 7), ("０", 0), ("１２", 12), ("٣", 3)])
def test_numbers(text: str, number: int) -> None:
    assert whole_number(text) == number


@pytest.mark.parametrize("text", ["", " ", "²", "①", "𝟙x", "-1", "1.5", "1e9", "12a", "9" * 10])
def test_not_numbers(text: str) -> None:
    assert whole_number(text) is None
