"""Vietnamese text normalisation shared by choice matching, search and validation.

Pure functions, no I/O. Three forms of a text matter:

* ``nfc`` — what we store and show (Unicode NFC, control characters removed);
* ``canonical`` — lower case with one tone placement for word-final oa/oe/uy
  (``hoà`` → ``hòa``, ``thuỷ`` → ``thủy``) so both spellings compare equal;
* ``fold`` — lower case without any diacritics and ``đ`` → ``d``, the form a user
  typing on a phone without a Vietnamese keyboard produces.
"""

from __future__ import annotations

import re
import unicodedata

# Two placements of the tone mark coexist for word-final "oa", "oe", "uy": "hòa"/"hoà",
# "khỏe"/"khoẻ", "thủy"/"thuỷ". The statutes use the first; we canonicalise to it.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_LETTER_AFTER = r"(?![a-zA-Z\u0300-\u036f])"
_MOVE = re.compile(
    rf"([oO])([aAeE])([{_TONES}]){_LETTER_AFTER}|(?<![qQ])([uU])([yY])([{_TONES}]){_LETTER_AFTER}"
)

_CONTROL = re.compile(
    r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)
_SPACES = re.compile(r"\s+")


def clean_input(text: str) -> str:
    """Normalise user input: lone surrogates dropped, NFC, control characters removed.

    Keeps newlines and tabs as spaces-equivalent whitespace; never raises.
    """
    safe = text.encode("utf-8", "ignore").decode("utf-8") if _has_surrogates(text) else text
    safe = unicodedata.normalize("NFC", safe)
    return _CONTROL.sub("", safe)


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def squeeze(text: str) -> str:
    """Collapse runs of whitespace to single spaces and strip the ends."""
    return _SPACES.sub(" ", text).strip()


def canonical(text: str) -> str:
    """Lower-case NFC text with one tone placement for oa/oe/uy (hoà → hòa, thuỷ → thủy)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    moved = _MOVE.sub(_move_tone, decomposed)
    return unicodedata.normalize("NFC", moved)


def _move_tone(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return match.group(1) + match.group(3) + match.group(2)
    return match.group(4) + match.group(6) + match.group(5)


def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d, whitespace squeezed: the phone-typed form."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return squeeze(unicodedata.normalize("NFC", stripped))


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese diacritic (or đ)."""
    return fold(text) != squeeze(text.lower())


def display_name(name: str) -> str:
    """A person's name as shown: each word typed all in lower (or upper) case gets a capital
    first letter ("tran thi lan" → "Tran Thi Lan"); words typed in mixed case stay as typed."""
    words = squeeze(name).split(" ")
    return " ".join(w.capitalize() if w.islower() or w.isupper() else w for w in words)


def cut_at_word(text: str, limit: int) -> tuple[str, str]:
    """Split ``text`` into (kept, dropped) so that ``kept`` has at most ``limit`` characters and
    ends at a word boundary (with any trailing punctuation of that word); a single word longer
    than the limit is cut inside it. ``kept + dropped`` is the text with the whitespace at the
    cut removed."""
    if len(text) <= limit:
        return text, ""
    head = text[: limit + 1]
    space = max(head.rfind(" "), head.rfind("\n"))
    cut = space if space > 0 else limit
    return text[:cut].rstrip(), text[cut:].lstrip()


__all__ = ["canonical", "clean_input", "cut_at_word", "display_name", "fold", "has_diacritics", "squeeze"]
