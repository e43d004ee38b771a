"""Mask personal identifiers in free text before it is logged or shown to other people.

Case descriptions are typed by mediators and often carry the parties' phone numbers or ID-card
numbers. ``mask_sensitive`` replaces the digits of anything that looks like a Vietnamese phone
number (mobile or landline, local or +84 form), a CCCD (12 digits) or CMND (9 digits) with "*",
keeping only the last two digits so a reader can still tell two numbers apart; e-mail local parts
are starred except their first character. Masking keeps the text length and every other
character, so positions in the text stay meaningful.

Deliberately NOT masked: dates ("12/03/2026", "12.03.2026") and money followed by a currency word
("300.000 đ", "300.000.000 đồng"). A bare 9- or 12-digit amount without a currency word is masked:
for privacy a false positive is cheaper than a leaked ID number.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# The lookbehind makes matching start only at the beginning of a run: linear on long text.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)

# A "chain" is digit runs joined by single separators (space, dot, dash), optionally preceded by
# an international prefix "+84" / "(+84)". Chains are split into space-separated parts, and the
# parts are then grouped into numbers (see _mask_chain).
_PREFIX = r"(?:\(\s?\+?\s?84\s?\)|\+\s?84)"
_CHAIN = re.compile(rf"(?<![0-9])(?P<prefix>{_PREFIX}[ .\-]?)?[0-9]+(?:[ .\-][0-9]+)*")
_PART = re.compile(r"[0-9]+(?:[.\-][0-9]+)*")
_DIGIT_GROUP = re.compile(r"[0-9]+")
# d.m.yyyy or d-m-yyyy: a date written with dots must never be glued to a neighbouring number.
_DOTTED_DATE = re.compile(r"(0?[1-9]|[12][0-9]|3[01])[.\-](0?[1-9]|1[0-2])[.\-](19|20)[0-9]{2}")
# A currency word right after a number means it is money, not an identifier ("đồng ý" = agree).
_CURRENCY_AFTER = re.compile(
    r"\s*(?:(?:đồng|dong)(?!\s+(?:ý|y|thời|thoi|chí|chi|bào|bao)\b)"
    r"|đ|₫|vnđ|vnd|d|k|nghìn|nghin|ngàn|ngan|triệu|trieu|tr|tỷ|ty|usd|\$)(?!\w)",
    re.IGNORECASE,
)

_MAX_DIGITS = 13  # the longest form we mask: "0084" + 9 digits
_MOBILE_LOCAL = re.compile(r"0[35789][0-9]{8}")
_LANDLINE_LOCAL = re.compile(r"02[0-9]{9}")


def mask_sensitive(text: str) -> tuple[str, int]:
    """Return ``(masked_text, number_of_items_masked)``; never raises, keeps the length."""
    out: list[str] = []
    count = 0
    cursor = 0
    for email in _EMAIL.finditer(text):
        segment, found = _mask_numbers(text[cursor : email.start()])
        out.append(segment)
        count += found
        out.append(_mask_email(email.group()))
        count += 1
        cursor = email.end()
    segment, found = _mask_numbers(text[cursor:])
    out.append(segment)
    return "".join(out), count + found


def _mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    # Keep the first letter only when something else is hidden, so "a@x.vn" is fully starred.
    kept = local[0] if len(local) >= 2 else ""
    return kept + "*" * (len(local) - len(kept)) + "@" + domain


def _mask_numbers(text: str) -> tuple[str, int]:
    chars = list(text)
    count = 0
    for chain in _CHAIN.finditer(text):
        count += _mask_chain(text, chain, chars)
    return "".join(chars), count


def _mask_chain(text: str, chain: re.Match[str], chars: list[str]) -> int:
    """Find identifiers among the space-separated parts of one chain and star them in ``chars``.

    Phones are looked for first because they are more constrained (leading 0 / 84), then ID
    numbers among the parts not yet used; each pass takes, from the left, the longest run of
    parts that forms a valid number.
    """
    body_start = chain.end("prefix") if chain.group("prefix") else chain.start()
    # Pattern.finditer with pos/endpos reports absolute offsets into ``text``.
    parts = [(m.start(), m.end()) for m in _PART.finditer(text, body_start, chain.end())]
    has_prefix = chain.group("prefix") is not None
    used = [False] * len(parts)
    count = 0
    for is_valid in (_is_phone, _is_id_number):
        i = 0
        while i < len(parts):
            j = _longest_valid_run(text, parts, used, i, has_prefix, is_valid)
            if j is None:
                i += 1
                continue
            start = chain.start() if (i == 0 and has_prefix) else parts[i][0]
            _star(chars, start, parts[j][1])
            for k in range(i, j + 1):
                used[k] = True
            count += 1
            i = j + 1
    return count


def _longest_valid_run(
    text: str,
    parts: list[tuple[int, int]],
    used: list[bool],
    i: int,
    has_prefix: bool,
    is_valid: Callable[[str, bool], bool],
) -> int | None:
    best: int | None = None
    digits = ""
    first = text[parts[i][0] : parts[i][1]]
    for j in range(i, len(parts)):
        if used[j]:
            break
        piece = text[parts[j][0] : parts[j][1]]
        # Gluing parts across spaces is only plausible for short digit groups ("0912 345 678",
        # "001 234 567 890"); it must not glue a year or a dotted date onto a phone number.
        if j > i and not (_gluable(piece) and _gluable(first, leading=True)):
            break
        digits += re.sub(r"[^0-9]", "", piece)
        if len(digits) > _MAX_DIGITS:
            break  # nothing longer can be valid; also keeps long digit runs linear
        prefixed = has_prefix and i == 0
        # "84.300.000.000 đ" is money even though 84 + 9 digits is also a phone's shape; a "+84"
        # in front still makes it a phone.
        if is_valid(digits, prefixed) and (prefixed or not _looks_like_money(text, parts[j][1], digits)):
            best = j
    return best


def _looks_like_money(text: str, end: int, digits: str) -> bool:
    # Amounts never start with 0, while phones always do and CCCD numbers do too (province code
    # 001–096); so only a number without a leading zero followed by a currency word is money.
    return not digits.startswith("0") and _CURRENCY_AFTER.match(text, end) is not None


def _gluable(piece: str, leading: bool = False) -> bool:
    if _DOTTED_DATE.fullmatch(piece):
        return False
    groups = _DIGIT_GROUP.findall(piece)
    if leading and len(groups[0]) < 3:
        # Numbers are written "0912 345 678" or "001 234 567 890": a spaced number never opens
        # with a 1–2 digit group, while a spaced date ("12 03 2026 …") does.
        return False
    return all(len(group) <= 4 for group in groups)


def _is_phone(digits: str, prefixed: bool) -> bool:
    if prefixed:
        national = digits if digits.startswith("0") else "0" + digits
    elif digits.startswith("0084"):
        national = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        national = "0" + digits[2:]
    else:
        national = digits
    return bool(_MOBILE_LOCAL.fullmatch(national) or _LANDLINE_LOCAL.fullmatch(national))


def _is_id_number(digits: str, prefixed: bool) -> bool:
    # CCCD has 12 digits, the older CMND 9; a number after "+84" is a phone, not an ID.
    return not prefixed and len(digits) in (9, 12)


def _star(chars: list[str], start: int, end: int) -> None:
    """Replace the digits in chars[start:end] with "*", keeping the last two digits."""
    positions = [k for k in range(start, end) if chars[k].isascii() and chars[k].isdigit()]
    for k in positions[:-2]:
        chars[k] = "*"


__all__ = ["mask_sensitive"]
