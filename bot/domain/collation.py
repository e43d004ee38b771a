"""Vietnamese alphabetical order: the one sort key for names in every list and export.

Python's default order compares code points, which puts «Bình Gia» before «Bắc Sơn» (``ì`` is
U+00EC, ``ắ`` U+1EAF) and «Đ» after «Z»; SQLite's ``ORDER BY`` does the same. Vietnamese
readers expect the dictionary order:

1. letters first, in the Vietnamese alphabet, where ă, â, đ, ê, ô, ơ, ư are letters of their
   own: a < ă < â < b < c < d < đ < e < ê < g < … < o < ô < ơ < … < u < ư < v < x < y (f, j, w,
   z of foreign names where the Latin alphabet has them);
2. then, between names with the same letters, the tones, in the dictionary order: none,
   huyền, hỏi, ngã, sắc, nặng («Ba» < «Bà» < «Bả» < «Bã» < «Bá» < «Bạ»);
3. then case (lower before upper).

Runs of digits compare as numbers, so «tổ 2» comes before «tổ 10». Text is compared after
canonicalising the tone placement (``hoà`` = ``hòa``).

Hand-written rather than ICU because PyICU is a native build of a large C++ library, and the
Vietnamese alphabet is small and fixed; ``tests/domain/test_collation.py`` checks it against the
dictionary's examples.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

from bot.domain.vntext import canonical

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# The five tones as combining marks (NFD), in dictionary order; breve, circumflex and horn make
# letters of their own (see _letter).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_PIECES = re.compile(r"\d+|\D")

T = TypeVar("T")
# A sort key: letters-and-digits, then tones, then case.
Key = tuple[tuple[tuple[int, int], ...], tuple[int, ...], tuple[int, ...]]


def _letter(base: str, marks: str) -> str:
    """The Vietnamese letter of a base letter and its non-tone marks (u + horn → ư, …)."""
    if "\u031b" in marks:
        return {"o": "ơ", "u": "ư"}.get(base, base)
    if "\u0306" in marks and base == "a":
        return "ă"
    if "\u0302" in marks:
        return {"a": "â", "e": "ê", "o": "ô"}.get(base, base)
    return base


def sort_key(text: str) -> Key:
    """The key that sorts ``text`` in Vietnamese alphabetical order (see the module doc)."""
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    cases: list[int] = []
    folded = canonical(text)
    for piece, original in zip(_PIECES.findall(folded), _PIECES.findall(text), strict=False):
        if piece.isdigit():
            primary.append((2, int(piece)))
            continue
        decomposed = unicodedata.normalize("NFD", piece)
        base, marks = decomposed[0], decomposed[1:]
        letter = _letter(base, marks)
        if letter in _RANK:
            primary.append((3, _RANK[letter]))
            tones.append(next((_TONES[m] for m in marks if m in _TONES), 0))
            cases.append(1 if original[:1].isupper() else 0)
        elif piece.isspace():
            primary.append((0, 0))
        elif piece.isalpha():
            primary.append((4, ord(base)))  # a letter outside the Vietnamese alphabet
        else:
            primary.append((1, ord(piece)))  # punctuation sorts before letters and digits
    return tuple(primary), tuple(tones), tuple(cases)


def sort_names(names: Iterable[str]) -> list[str]:
    """``names`` in Vietnamese alphabetical order."""
    return sorted(names, key=sort_key)


def sorted_by(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """``items`` ordered by ``name(item)`` in Vietnamese alphabetical order (stable for ties)."""
    return sorted(items, key=lambda item: sort_key(name(item)))


__all__ = ["Key", "sort_key", "sort_names", "sorted_by"]
