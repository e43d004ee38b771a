"""One rounding rule for every figure the bot shows: half away from zero, on the decimal value.

Python's ``round`` and f-string formatting round half to even on the binary value, so 6.25
became "6,2" in a sentence while a spreadsheet showed the same share as "6,3%" (Excel and
LibreOffice round half away from zero) and a chart "6%". Text, charts and workbooks now take
their figures from here (``bot.texts.stats.decimal``/``percent`` format them), so one share reads
the same everywhere.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def rounded(value: float, digits: int = 1) -> Decimal:
    """``value`` rounded half away from zero to ``digits`` decimals.

    The float is read by its shortest repr ("0.285", not 0.28499999999999998), so a share
    computed as 57/200 rounds as the 28.5 % it is.
    """
    exact = Decimal(repr(float(value)))
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def rounded_percent(share: float, digits: int = 1) -> Decimal:
    """A share 0..1 as a percentage rounded like :func:`rounded`: 0.0625 → 6.3 (one decimal)."""
    return (Decimal(repr(float(share))) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def rounded_share(share: float, digits: int = 1) -> float:
    """The share whose percentage is :func:`rounded_percent` (for a cell formatted "0.0%")."""
    return float(rounded_percent(share, digits) / 100)


__all__ = ["rounded", "rounded_percent", "rounded_share"]
