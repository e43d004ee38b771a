"""Matching a typed answer to one of the offered choices.

Zalo and the console show choices as a numbered list, and Telegram users often type instead
of pressing: an answer may be the button value, its number, its label, the label without
diacritics, or the label with a small typo.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from bot.conversation.messages import Choice
from bot.domain.vntext import fold

# A typo is "small" when the folded strings are this similar (0–100) …
_TYPO_MIN_SCORE = 85.0
# … and clearly closer to one label than to the runner-up.
_TYPO_MARGIN = 6.0
_NUMBER = re.compile(r"^\s*(?:so\s*)?(\d{1,3})\s*[.)]?\s*$")
_EMOJI_PREFIX = re.compile(r"^[^\w]+", re.UNICODE)


def _label_key(label: str) -> str:
    # Labels may carry a leading emoji ("✅ Đồng ý"): users never type it.
    return fold(_EMOJI_PREFIX.sub("", label))


def match_choice(text: str, choices: Sequence[Choice]) -> Choice | None:
    """Return the choice the user meant, or None when the answer matches none clearly."""
    if not choices or not text.strip():
        return None
    raw = text.strip()
    # A typed number is always a position in the list the user sees: values are often database
    # ids, and matching "1" against an id opened the wrong case.
    number = _NUMBER.match(fold(raw))
    if number:
        index = int(number.group(1))
        if 1 <= index <= len(choices):
            return choices[index - 1]
        return None
    for choice in choices:
        if raw == choice.value and not _looks_numeric(choice.value):
            return choice
    typed = _label_key(raw)
    keys = [_label_key(choice.label) for choice in choices]
    for choice, key in zip(choices, keys, strict=True):
        if typed == key:
            return choice
    if len(typed) < 3:
        return None
    # Part of a long label: its first word(s) ("duyet" for "✅ Duyệt đăng ký", "dat" for "Đất
    # đai" — a whole first word, so three letters are enough), or two or more words found in one
    # label only ("khong thanh"). A single word from the middle ("không" in "Hòa giải không
    # thành") is too easily an answer to something else, so it does not count.
    several_words = " " in typed
    partial = [
        c
        for c, key in zip(choices, keys, strict=True)
        if key.startswith(typed + " ") or (several_words and f" {typed} " in f" {key} ")
    ]
    if len(partial) == 1:
        return partial[0]
    scored = process.extract(typed, keys, scorer=fuzz.ratio, limit=2)
    _, best_score, best_index = scored[0]
    runner_up = scored[1][1] if len(scored) > 1 else 0.0
    if best_score >= _TYPO_MIN_SCORE and best_score - runner_up >= _TYPO_MARGIN:
        return choices[best_index]
    return None


def _looks_numeric(value: str) -> bool:
    """Whether a choice value looks like an id (digits, possibly with a prefix such as ``go:x:12``)."""
    return any(part.isdigit() for part in value.split(":"))


def numbered(choices: Sequence[Choice]) -> str:
    """Render choices as a numbered list (for channels without buttons and for re-prompts)."""
    return "\n".join(f"{i}. {choice.label}" for i, choice in enumerate(choices, start=1))
