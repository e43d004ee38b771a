"""Reporting periods and the statistical reporting calendar.

A ``Period`` is a closed range of calendar dates with a machine label ("2026-05", "2026-Q2",
"2026-H1", "2026", "2026-01-01..2026-03-31") that :func:`parse_period` reads back.

The reporting calendar is data: TT 03/2019/TT-BTP fixed a 6-month report (1/1–30/6, actual data
to 31/5) and an annual report (1/1–31/12, actual data to 30/11) plus an official annual report due
20/02 of the next year; TT 17/2025/TT-BTP replaced that regime and its dates were not obtained
[check], and communes report earlier than the province. So every date here is a default of
``ReportingCalendar`` that configuration can replace, and :meth:`ReportingCalendar.issues` points
out inconsistent settings instead of the code assuming them away.
"""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.domain.dates import add_months
from bot.domain.vntext import clean_input, fold


class PeriodError(StrEnum):
    """Why a typed period was rejected."""

    EMPTY = "empty"
    UNRECOGNISED = "unrecognised"
    INVALID = "invalid"  # month 13, quarter 5, a range ending before it starts
    FUTURE = "future"  # starts after today


@dataclass(frozen=True, slots=True)
class Period:
    """Dates ``start``..``end``, both inclusive."""

    start: date
    end: date
    label: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends before it starts: {self.start}..{self.end}")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """Calendar month, label "2026-05"."""
        last = _calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), f"{year:04d}-{month:02d}")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """Calendar quarter 1–4, label "2026-Q2"."""
        if not 1 <= quarter <= 4:
            raise ValueError(f"quarter must be 1–4, not {quarter}")
        start = date(year, 3 * quarter - 2, 1)
        return cls(start, _month_end(add_months(start, 2)), f"{year:04d}-Q{quarter}")

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        """Half year 1–2, label "2026-H1"."""
        if half not in (1, 2):
            raise ValueError(f"half must be 1 or 2, not {half}")
        start = date(year, 1 if half == 1 else 7, 1)
        return cls(start, _month_end(add_months(start, 5)), f"{year:04d}-H{half}")

    @classmethod
    def year(cls, year: int) -> Period:
        """Calendar year, label "2026"."""
        return cls(date(year, 1, 1), date(year, 12, 31), f"{year:04d}")

    @classmethod
    def custom(cls, start: date, end: date) -> Period:
        """Any range, label "2026-01-01..2026-03-31"."""
        return cls(start, end, f"{start.isoformat()}..{end.isoformat()}")


def standard_period(start: date, end: date) -> Period:
    """The period start..end, labelled as a month, quarter, half or year when it is one."""
    candidates = [
        Period.year(start.year),
        Period.half(start.year, 1 if start.month <= 6 else 2),
        Period.quarter(start.year, (start.month + 2) // 3),
        Period.month(start.year, start.month),
    ]
    for candidate in candidates:
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    return Period.custom(start, end)


def _month_end(d: date) -> date:
    return date(d.year, d.month, _calendar.monthrange(d.year, d.month)[1])


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"(?P<y>\d{4})"
_ISO_DAY = r"\d{4}-\d{1,2}-\d{1,2}"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("range", re.compile(rf"(?P<a>{_ISO_DAY})\s*(?:\.\.|–|—|->|den)\s*(?P<b>{_ISO_DAY})")),
    ("month", re.compile(rf"{_YEAR}-(?P<n>\d{{1,2}})")),
    ("month", re.compile(rf"thang\s*(?P<n>\d{{1,2}})\s*(?:/|-|nam)\s*{_YEAR}")),
    ("quarter", re.compile(rf"{_YEAR}-q(?P<n>\d)")),
    ("quarter", re.compile(rf"(?:quy|q)\s*(?P<n>\d|iv|i{{1,3}})\s*(?:/|-|nam)\s*{_YEAR}")),
    ("half", re.compile(rf"{_YEAR}-h(?P<n>\d)")),
    ("year", re.compile(rf"(?:nam\s*)?{_YEAR}")),
)
# Relative names a user may type; the value is (kind, offset back from the current one).
_RELATIVE: dict[str, tuple[str, int]] = {
    "thang nay": ("month", 0),
    "thang truoc": ("month", 1),
    "quy nay": ("quarter", 0),
    "quy truoc": ("quarter", 1),
    "nam nay": ("year", 0),
    "nam truoc": ("year", 1),
    "nam ngoai": ("year", 1),
}


def parse_period(text: str, today: date) -> Period | PeriodError:
    """Parse "2026-05", "2026-Q2", "2026-H1", "2026", "2026-01-01..2026-03-31"; never raises.

    Also understood (without diacritics too): "tháng 5/2026", "quý II/2026", "năm 2026",
    "tháng này", "tháng trước", "quý này", "quý trước", "năm nay", "năm ngoái". A period that
    starts after ``today`` is FUTURE; one that merely ends after today (the current month) is fine.
    """
    folded = fold(clean_input(text)).strip(" .,;")
    if not folded:
        return PeriodError.EMPTY
    if folded in _RELATIVE:
        kind, back = _RELATIVE[folded]
        return _relative(kind, back, today)
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(folded)
        if match:
            period = _build(kind, match)
            if isinstance(period, Period) and period.start > today:
                return PeriodError.FUTURE
            return period
    return PeriodError.UNRECOGNISED


def _build(kind: str, match: re.Match[str]) -> Period | PeriodError:
    try:
        if kind == "range":
            start, end = date.fromisoformat(_iso(match["a"])), date.fromisoformat(_iso(match["b"]))
            return Period.custom(start, end) if start <= end else PeriodError.INVALID
        year = int(match["y"])
        if year < 1:
            return PeriodError.INVALID
        if kind == "year":
            return Period.year(year)
        number_text = match["n"]
        number = _ROMAN[number_text] if number_text in _ROMAN else int(number_text)
        if kind == "month":
            return Period.month(year, number)
        if kind == "quarter":
            return Period.quarter(year, number)
        return Period.half(year, number)
    except ValueError:
        return PeriodError.INVALID


def _iso(text: str) -> str:
    # date.fromisoformat wants zero padding: "2026-1-5" → "2026-01-05".
    year, month, day = text.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _relative(kind: str, back: int, today: date) -> Period:
    if kind == "month":
        anchor = add_months(date(today.year, today.month, 1), -back)
        return Period.month(anchor.year, anchor.month)
    if kind == "quarter":
        index = today.year * 4 + (today.month - 1) // 3 - back
        return Period.quarter(index // 4, index % 4 + 1)
    return Period.year(today.year - back)


# --------------------------------------------------------------------------- reporting calendar


class ReportKind(StrEnum):
    """Periodic statistical reports on grassroots mediation."""

    QUARTERLY = "quarterly"  # not in the default calendar; for a regime that asks for it
    SIX_MONTH = "six_month"
    ANNUAL = "annual"
    ANNUAL_OFFICIAL = "annual_official"


class ReportLevel(StrEnum):
    """Who sends the report: a commune to the province, or the province to the ministry."""

    COMMUNE = "commune"
    PROVINCE = "province"


class CalendarIssue(StrEnum):
    """Inconsistencies :meth:`ReportingCalendar.issues` can find in a configuration."""

    CUTOFF_OUTSIDE_PERIOD = "cutoff_outside_period"
    DUE_BEFORE_CUTOFF = "due_before_cutoff"
    COMMUNE_DUE_AFTER_PROVINCE = "commune_due_after_province"


@dataclass(frozen=True, slots=True)
class MonthDay:
    """A yearly date: day/month, ``years_after`` the period's year (20/02 of the next year = 1)."""

    month: int
    day: int
    years_after: int = 0

    def on(self, year: int) -> date:
        """The date in the given period year; 29/02 becomes 28/02 in common years."""
        actual_year = year + self.years_after
        last = _calendar.monthrange(actual_year, self.month)[1]
        return date(actual_year, self.month, min(self.day, last))


@dataclass(frozen=True, slots=True)
class ReportSchedule:
    """One recurring report: its period, data cut-off and due date per sending level."""

    kind: ReportKind
    start: MonthDay
    end: MonthDay
    cutoff: MonthDay
    due: Mapping[ReportLevel, MonthDay] = field(default_factory=dict)

    def period(self, year: int) -> Period:
        """The concrete period for a year; its label is the standard one when there is one."""
        return standard_period(self.start.on(year), self.end.on(year))


@dataclass(frozen=True, slots=True)
class ReportInstance:
    """A report for a given year and sending level."""

    kind: ReportKind
    level: ReportLevel
    period: Period
    cutoff: date
    due: date


_DEFAULT_SCHEDULES: tuple[ReportSchedule, ...] = (
    ReportSchedule(
        ReportKind.SIX_MONTH,
        start=MonthDay(1, 1),
        end=MonthDay(6, 30),
        cutoff=MonthDay(5, 31),
        # Province → ministry date for the 6-month report not found [check]: left unset.
        due={ReportLevel.COMMUNE: MonthDay(6, 5)},
    ),
    ReportSchedule(
        ReportKind.ANNUAL,
        start=MonthDay(1, 1),
        end=MonthDay(12, 31),
        cutoff=MonthDay(11, 30),
        due={ReportLevel.COMMUNE: MonthDay(12, 5), ReportLevel.PROVINCE: MonthDay(11, 28)},
    ),
    ReportSchedule(
        ReportKind.ANNUAL_OFFICIAL,
        start=MonthDay(1, 1),
        end=MonthDay(12, 31),
        cutoff=MonthDay(12, 31),
        due={ReportLevel.PROVINCE: MonthDay(2, 20, years_after=1)},
    ),
)


@dataclass(frozen=True, slots=True)
class ReportingCalendar:
    """The reports due each year. Defaults follow the domain notes; all of it is configurable."""

    schedules: tuple[ReportSchedule, ...] = _DEFAULT_SCHEDULES

    def instances(self, year: int, level: ReportLevel) -> list[ReportInstance]:
        """The reports a level owes for the period year ``year``, by due date."""
        found = [
            ReportInstance(s.kind, level, s.period(year), s.cutoff.on(year), s.due[level].on(year))
            for s in self.schedules
            if level in s.due
        ]
        return sorted(found, key=lambda r: r.due)

    def issues(self) -> list[tuple[ReportKind, CalendarIssue]]:
        """Settings that cannot all be right (checked on a leap year, 2028)."""
        year = 2028
        problems: list[tuple[ReportKind, CalendarIssue]] = []
        for s in self.schedules:
            period = s.period(year)
            cutoff = s.cutoff.on(year)
            if cutoff not in period:
                problems.append((s.kind, CalendarIssue.CUTOFF_OUTSIDE_PERIOD))
            if any(due.on(year) < cutoff for due in s.due.values()):
                problems.append((s.kind, CalendarIssue.DUE_BEFORE_CUTOFF))
            commune, province = s.due.get(ReportLevel.COMMUNE), s.due.get(ReportLevel.PROVINCE)
            if commune and province and commune.on(year) > province.on(year):
                problems.append((s.kind, CalendarIssue.COMMUNE_DUE_AFTER_PROVINCE))
        return problems


def _instances_around(today: date, cal: ReportingCalendar, level: ReportLevel) -> list[ReportInstance]:
    # A report of year Y can be due in Y+1 (official annual, 20/02), so look one year each way.
    return [r for year in (today.year - 1, today.year, today.year + 1) for r in cal.instances(year, level)]


def current_reporting_period(
    today: date, calendar: ReportingCalendar, level: ReportLevel = ReportLevel.COMMUNE
) -> ReportInstance | None:
    """The report that records made today count towards.

    Among reports whose period contains today, the one whose data cut-off is the nearest not yet
    passed (in May: the 6-month report; in August: the annual one). After every cut-off (in
    December) the longest-running one is still current. None if no period contains today.
    """
    containing = [r for r in _instances_around(today, calendar, level) if today in r.period]
    open_ = [r for r in containing if r.cutoff >= today]
    if open_:
        return min(open_, key=lambda r: (r.cutoff, r.due))
    if containing:
        return max(containing, key=lambda r: (r.period.end, r.cutoff, r.due))
    return None


def next_due(
    today: date, calendar: ReportingCalendar, level: ReportLevel = ReportLevel.COMMUNE
) -> ReportInstance | None:
    """The next report this level must send (due today or later), None if the calendar is empty."""
    upcoming = [r for r in _instances_around(today, calendar, level) if r.due >= today]
    return min(upcoming, key=lambda r: (r.due, r.period.start), default=None)


__all__ = [
    "CalendarIssue",
    "MonthDay",
    "Period",
    "PeriodError",
    "ReportInstance",
    "ReportKind",
    "ReportLevel",
    "ReportSchedule",
    "ReportingCalendar",
    "current_reporting_period",
    "next_due",
    "parse_period",
    "standard_period",
]
