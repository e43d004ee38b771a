"""Checking data rows: cells read by field, flags, phones and dates parsed, problems collected,
and rows that repeat one another marked.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from bot.domain.dates import EARLIEST_YEAR, DateError, parse_user_date
from bot.domain.phone import normalize_vn_mobile
from bot.services.importing.report import Problem
from bot.services.importing.tables import Header, SourceRow, compare_key
from bot.texts import importer as t

MAX_TEXT = 100  # longest name or team name we accept; longer is a pasted paragraph

_TRUE = frozenset({"co", "c", "1", "x", "yes", "y", "true", "dung", "phai"})
_FALSE = frozenset({"khong", "k", "ko", "0", "no", "n", "false", "sai"})

_FULL_DATE = re.compile(r"^(?:\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{4}-\d{1,2}-\d{1,2})$")
_MIDNIGHT = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?$")


def parse_bool(text: str) -> bool | None:
    """True for "có", "x", "1"…, False for "không", "0"…, None for anything else."""
    key = compare_key(text)
    return True if key in _TRUE else False if key in _FALSE else None


def _phone(text: str) -> str | None:
    # A number cell drops the leading zero ("912345678"); in a phone column that is what a
    # 9-digit mobile number means, so give it back before normalising.
    compact = re.sub(r"[\s.\-]", "", text)
    if re.fullmatch(r"[35789]\d{8}", compact):
        compact = "0" + compact
    return normalize_vn_mobile(compact)


def _date(text: str, today: date) -> date | str:
    """A full date (dd/mm/yyyy or ISO), or the reason it is not one."""
    value = _MIDNIGHT.sub("", text.strip())
    if not _FULL_DATE.match(value):
        return t.BAD_DATE_FORMAT.format(value=text)
    parsed = parse_user_date(value, today)
    if isinstance(parsed, date):
        return parsed
    if parsed is DateError.FUTURE:
        return t.BAD_DATE_FUTURE.format(value=text)
    if parsed is DateError.TOO_OLD:
        return t.BAD_DATE_TOO_OLD.format(value=text, year=EARLIEST_YEAR)
    if parsed is DateError.INVALID:
        return t.BAD_DATE_INVALID.format(value=text)
    return t.BAD_DATE_FORMAT.format(value=text)


class Row:
    """One data row being checked: reads cells by field and collects problems."""

    def __init__(self, row: SourceRow, header: Header) -> None:
        self.row = row
        self.header = header
        self.problems: list[Problem] = []

    def text(self, name: str) -> str:
        """The cell of a field, "" when it is empty or the file has no such column."""
        position = self.header.index.get(name)
        return "" if position is None else self.row.cell(position)

    def has(self, name: str) -> bool:
        """Whether the file has a column for the field."""
        return name in self.header.index

    def fail(self, name: str | None, message: str) -> None:
        """Record a problem with a field (``None``: with the row as a whole)."""
        column = self.header.column_name(name) if name is not None and self.has(name) else None
        self.problems.append(Problem(self.row.number, column, message))

    def required(self, name: str) -> str | None:
        """A field that must be filled in, at most ``MAX_TEXT`` long; None (and a problem) if not."""
        value = self.text(name)
        if not value:
            # A missing column is reported once for the file, not again on every row.
            if self.has(name):
                self.fail(name, t.REQUIRED_VALUE)
            return None
        if len(value) > MAX_TEXT:
            self.fail(name, t.TOO_LONG.format(limit=MAX_TEXT))
            return None
        return value

    def flag(self, name: str) -> bool | None:
        """A yes/no field; None when empty or (with a problem) not a yes or a no."""
        value = self.text(name)
        if not value:
            return None
        parsed = parse_bool(value)
        if parsed is None:
            self.fail(name, t.BAD_BOOL.format(value=value))
        return parsed

    def phone(self, name: str) -> str | None:
        """A mobile number, normalised; None when empty or (with a problem) not one."""
        value = self.text(name)
        if not value:
            return None
        parsed = _phone(value)
        if parsed is None:
            self.fail(name, t.BAD_PHONE.format(value=value))
        return parsed

    def date(self, name: str, today: date) -> date | None:
        """A full date, not in the future nor too old; None when empty or (with a problem) not one."""
        value = self.text(name)
        if not value:
            return None
        parsed = _date(value, today)
        if isinstance(parsed, str):
            self.fail(name, parsed)
            return None
        return parsed


D = TypeVar("D")


@dataclass(slots=True)
class Checked(Generic[D]):
    """A data row, what it would write (None when it cannot), and its problems."""

    row: SourceRow
    draft: D | None
    problems: list[Problem]


def mark_duplicates(
    checked: Sequence[Checked[D]],
    key_of: Callable[[Checked[D]], object],
    message: Callable[[Checked[D], list[int]], Problem],
    keep_first: bool,
) -> None:
    """Add a problem to rows sharing a key; ``keep_first`` spares the first of each group."""
    groups: dict[object, list[Checked[D]]] = defaultdict(list)
    for item in checked:
        key = key_of(item)
        if key is not None:
            groups[key].append(item)
    for group in groups.values():
        if len(group) < 2:
            continue
        for position, item in enumerate(group):
            if keep_first and position == 0:
                continue
            others = [other.row.number for other in group if other is not item]
            if keep_first:
                others = others[:1]
            item.problems.append(message(item, others))
