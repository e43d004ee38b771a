"""Calendar dates typed by users: parsing, plausibility checks, display.

Users type "hôm nay", "hôm qua", "12/3", "12/03/2026", "12-3-26", "ngày 12 tháng 3 năm 2026"…
``today`` is always passed in (the local date in Asia/Ho_Chi_Minh, computed by the caller) so
these functions stay pure and testable.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.vntext import clean_input, fold

# Case records from before the product existed are still useful, but nothing in grassroots
# mediation predates the 1998 ordinance's era by much; an earlier year is almost surely a typo.
EARLIEST_YEAR = 2000


class DateError(StrEnum):
    """Why a typed date was rejected; the caller maps these to messages."""

    EMPTY = "empty"
    UNRECOGNISED = "unrecognised"
    INVALID = "invalid"  # looks like a date but no such day (31/02, 0/1, 13/13)
    FUTURE = "future"
    TOO_OLD = "too_old"


class DateWarning(StrEnum):
    """Plausible but unusual dates: ask the user to confirm, do not reject."""

    BEFORE_RECOGNITION = "before_recognition"  # before the mediator was recognised (Art. 8)
    OVER_A_YEAR = "over_a_year"  # more than 365 days ago


_RELATIVE: dict[str, int] = {
    "hom nay": 0,
    "nay": 0,
    "bua nay": 0,
    "hom qua": 1,
    "qua": 1,
    "bua qua": 1,
    "hom kia": 2,
}

# d/m[/y] with "/", "-" or "." (spaces allowed around them), or only spaces; also the spelled-out
# "12 thang 3 nam 2026" once folded.
_SEP = r"\s*(?:[/.\-]|\s|\bthang\b|\bnam\b)\s*"
_DMY = re.compile(rf"^(\d{{1,3}}){_SEP}(\d{{1,3}})(?:{_SEP}(\d{{1,5}}))?$")
_ISO = re.compile(r"^(\d{4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,2})$")
_LEADING_WORD = re.compile(r"^(?:ngay|vao ngay|hom)\s+(?=\d)")


def parse_user_date(text: str, today: date) -> date | DateError:
    """Parse a date as a Vietnamese user types it; never raises.

    Accepted: "hôm nay"/"nay", "hôm qua", "hôm kia" (with or without diacritics); d/m/yyyy with
    "/", "-", "." or spaces as separators; two-digit years; d/m without a year (this year, or
    last year when that day is still ahead); ISO yyyy-mm-dd; an optional leading "ngày".
    A full date after ``today`` is FUTURE; a year before 2000 is TOO_OLD.
    """
    folded = fold(clean_input(text)).strip(" .,;!?")
    if not folded:
        return DateError.EMPTY
    if folded in _RELATIVE:
        return today - timedelta(days=_RELATIVE[folded])
    folded = _LEADING_WORD.sub("", folded)

    iso = _ISO.match(folded)
    if iso:
        return _build(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), today)

    match = _DMY.match(folded)
    if not match:
        return DateError.UNRECOGNISED
    day_text, month_text, year_text = match.groups()
    if len(day_text) > 2 or len(month_text) > 2:
        return DateError.UNRECOGNISED
    day, month = int(day_text), int(month_text)

    if year_text is None:
        return _without_year(day, month, today)
    if len(year_text) == 2:
        year = _expand_two_digit_year(int(year_text), today)
    elif len(year_text) == 4:
        year = int(year_text)
    else:
        return DateError.UNRECOGNISED
    return _build(year, month, day, today)


def _expand_two_digit_year(yy: int, today: date) -> int:
    # "26" means 2026. A two-digit year just ahead of today stays in this century so that the
    # user hears "that is in the future" rather than "that is too old"; anything further ahead
    # is read as 19yy (a birth year typed short) and then rejected as TOO_OLD.
    candidate = 2000 + yy
    return candidate if candidate <= today.year + 1 else 1900 + yy


def _without_year(day: int, month: int, today: date) -> date | DateError:
    # Without a year the user means the most recent such day: in January "28/12" is last year.
    try:
        candidate = date(today.year, month, day)
    except ValueError:
        # 29/2 in a non-leap year: the most recent 29/2 is too far back to be what they meant.
        return DateError.INVALID
    if candidate > today:
        try:
            candidate = date(today.year - 1, month, day)
        except ValueError:
            return DateError.INVALID
    if candidate.year < EARLIEST_YEAR:
        return DateError.TOO_OLD
    return candidate


def _build(year: int, month: int, day: int, today: date) -> date | DateError:
    try:
        result = date(year, month, day)
    except ValueError:
        return DateError.INVALID
    if result.year < EARLIEST_YEAR:
        return DateError.TOO_OLD
    if result > today:
        return DateError.FUTURE
    return result


def check_case_date(d: date, today: date, recognised_on: date | None) -> list[DateWarning]:
    """Warnings for a case date that parsed fine but deserves a confirmation question."""
    warnings: list[DateWarning] = []
    if recognised_on is not None and d < recognised_on:
        warnings.append(DateWarning.BEFORE_RECOGNITION)
    if (today - d).days > 365:
        warnings.append(DateWarning.OVER_A_YEAR)
    return warnings


def add_months(d: date, months: int) -> date:
    """Same day ``months`` later (or earlier); clamped to the month's end (31/8 + 6 → 28 or 29/2).

    This is how the Civil Code counts a period in months (BLDS 2015 Art. 148 — not among the
    bundled legal texts): it ends on the corresponding day of the last month, or on that month's
    last day when there is none. Weekend/holiday extension is not applied: reminders should
    rather come early.
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last_day))


def format_date(d: date) -> str:
    """Display form used in Vietnam: dd/mm/yyyy."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


__all__ = [
    "EARLIEST_YEAR",
    "DateError",
    "DateWarning",
    "add_months",
    "check_case_date",
    "format_date",
    "parse_user_date",
]
