"""Vietnamese mobile numbers: normalisation to E.164 and masking for logs."""

from __future__ import annotations

import re

# Mobile prefixes since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x (10 digits in all).
_MOBILE = re.compile(r"0[35789][0-9]{8}")
# Characters people put inside a number: spaces, dots, dashes, brackets.
_DECORATION = re.compile(r"[\s.\-()]")


def normalize_vn_mobile(text: str) -> str | None:
    """Return the E.164 form ("+84912345678") of a Vietnamese mobile number, or None.

    Accepts "0912 345 678", "0912.345.678", "+84912345678", "84912345678", "0084912345678",
    "(+84) 912-345-678" and "+84 0912…" (a redundant trunk zero). Never raises.
    """
    compact = _DECORATION.sub("", text.strip())
    if compact.startswith("+84"):
        national = _with_trunk_zero(compact[3:])
    elif compact.startswith("0084"):
        national = _with_trunk_zero(compact[4:])
    elif compact.startswith("84") and len(compact) == 11:
        # Only 11 digits: "84…" is the country code. A 10-digit "08…" never starts with 84.
        national = "0" + compact[2:]
    else:
        # A bare 9-digit "912345678" is rejected: it is as likely an old ID-card number.
        national = compact
    if not national.isascii() or not _MOBILE.fullmatch(national):
        return None
    return "+84" + national[1:]


def _with_trunk_zero(rest: str) -> str:
    return rest if rest.startswith("0") else "0" + rest


def mask_phone(e164: str) -> str:
    """Mask a number for logs: "+84912345678" → "+8491***678"; short input → "***"."""
    if len(e164) < 9:
        return "***"
    return e164[:5] + "***" + e164[-3:]


def display_phone(e164: str | None) -> str:
    """A stored number as Vietnamese users write it: "+84912345678" → "0912 345 678".

    Anything that is not a stored Vietnamese mobile number is shown unchanged ("—" when empty).
    """
    if not e164:
        return "—"
    if not (e164.startswith("+84") and len(e164) == 12 and e164[1:].isdigit()):
        return e164
    national = "0" + e164[3:]
    return f"{national[:4]} {national[4:7]} {national[7:]}"


__all__ = ["display_phone", "mask_phone", "normalize_vn_mobile"]
