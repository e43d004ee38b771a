"""Whole numbers typed by people.

``str.isdigit()`` is true for «²» and «①», which ``int()`` refuses: checking one and converting
with the other crashed several steps on a forged or odd input. Every place that reads a typed
number uses :func:`whole_number` instead.
"""

from __future__ import annotations


def whole_number(text: str, limit: int = 9) -> int | None:
    """The non-negative whole number ``text`` is (spaces around allowed; decimal digits of any
    script, e.g. fullwidth «１２»), or None — also for more than ``limit`` digits."""
    digits = text.strip()
    if not digits or len(digits) > limit or not digits.isdecimal():
        return None
    return int(digits)
