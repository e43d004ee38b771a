from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.periods import (
    CalendarIssue,
    MonthDay,
    Period,
    PeriodError,
    ReportingCalendar,
    ReportKind,
    ReportLevel,
    ReportSchedule,
    current_reporting_period,
    next_due,
    parse_period,
    standard_period,
)

TODAY = date(2026, 5, 15)


@pytest.mark.parametrize(
    ("period", "start", "end", "label"),
    [
        (Period.month(2026, 5), date(2026, 5, 1), date(2026, 5, 31), "2026-05"),
        (Period.month(2028, 2), date(2028, 2, 1), date(2028, 2, 29), "2028-02"),
        (Period.month(2026, 2), date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        (Period.quarter(2026, 1), date(2026, 1, 1), date(2026, 3, 31), "2026-Q1"),
        (Period.quarter(2026, 2), date(2026, 4, 1), date(2026, 6, 30), "2026-Q2"),
        (Period.quarter(2026, 4), date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        (Period.half(2026, 1), date(2026, 1, 1), date(2026, 6, 30), "2026-H1"),
        (Period.half(2026, 2), date(2026, 7, 1), date(2026, 12, 31), "2026-H2"),
        (Period.year(2026), date(2026, 1, 1), date(2026, 12, 31), "2026"),
        (
            Period.custom(date(2026, 1, 1), date(2026, 3, 31)),
            date(2026, 1, 1),
            date(2026, 3, 31),
            "2026-01-01..2026-03-31",
        ),
    ],
)
def test_constructors(period: Period, start: date, end: date, label: str) -> None:
    assert (period.start, period.end, period.label) == (start, end, label)


def test_period_membership_and_length() -> None:
    q = Period.quarter(2026, 1)
    assert date(2026, 3, 31) in q
    assert date(2026, 4, 1) not in q
    assert "2026-03-01" not in q
    assert q.days == 90
    assert Period.year(2028).days == 366


@pytest.mark.parametrize(
    "build",
    [
        lambda: Period.quarter(2026, 5),
        lambda: Period.half(2026, 3),
        lambda: Period.month(2026, 13),
        lambda: Period.custom(date(2026, 2, 1), date(2026, 1, 1)),
    ],
)
def test_constructors_reject_impossible_periods(build: object) -> None:
    with pytest.raises(ValueError):
        build()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05", Period.month(2026, 5)),
        ("2026-5", Period.month(2026, 5)),
        ("2026-Q2", Period.quarter(2026, 2)),
        ("2026-q1", Period.quarter(2026, 1)),
        ("2026-H1", Period.half(2026, 1)),
        ("2025-H2", Period.half(2025, 2)),
        ("2026", Period.year(2026)),
        ("năm 2025", Period.year(2025)),
        ("2026-01-01..2026-03-31", Period.custom(date(2026, 1, 1), date(2026, 3, 31))),
        ("2026-1-1 .. 2026-3-31", Period.custom(date(2026, 1, 1), date(2026, 3, 31))),
        ("tháng 5/2026", Period.month(2026, 5)),
        ("thang 4 nam 2026", Period.month(2026, 4)),
        ("quý II/2026", Period.quarter(2026, 2)),
        ("Quý 1/2026", Period.quarter(2026, 1)),
        ("tháng này", Period.month(2026, 5)),
        ("tháng trước", Period.month(2026, 4)),
        ("quý này", Period.quarter(2026, 2)),
        ("quý trước", Period.quarter(2026, 1)),
        ("năm nay", Period.year(2026)),
        ("năm ngoái", Period.year(2025)),
        ("  2026-Q2 ", Period.quarter(2026, 2)),
    ],
)
def test_parse_period(text: str, expected: Period) -> None:
    assert parse_period(text, TODAY) == expected


def test_relative_periods_cross_year_boundaries() -> None:
    jan = date(2026, 1, 10)
    assert parse_period("tháng trước", jan) == Period.month(2025, 12)
    assert parse_period("quý trước", jan) == Period.quarter(2025, 4)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", PeriodError.EMPTY),
        ("  ", PeriodError.EMPTY),
        ("hôm qua", PeriodError.UNRECOGNISED),
        ("2026-Q", PeriodError.UNRECOGNISED),
        ("26", PeriodError.UNRECOGNISED),
        ("2026-13", PeriodError.INVALID),
        ("2026-00", PeriodError.INVALID),
        ("2026-Q5", PeriodError.INVALID),
        ("2026-Q0", PeriodError.INVALID),
        ("2026-H3", PeriodError.INVALID),
        ("0000", PeriodError.INVALID),
        ("2026-03-31..2026-01-01", PeriodError.INVALID),
        ("2026-02-30..2026-03-31", PeriodError.INVALID),
        ("2026-06", PeriodError.FUTURE),
        ("2026-Q3", PeriodError.FUTURE),
        ("2027", PeriodError.FUTURE),
    ],
)
def test_parse_period_errors(text: str, error: PeriodError) -> None:
    assert parse_period(text, TODAY) is error


@given(st.text(max_size=40))
def test_parse_period_never_raises(text: str) -> None:
    result = parse_period(text, TODAY)
    assert isinstance(result, (Period, PeriodError))
    if isinstance(result, Period):
        assert result.start <= TODAY


@given(st.integers(2000, 2026), st.integers(1, 12))
def test_labels_round_trip(year: int, month: int) -> None:
    for period in (Period.month(year, month), Period.quarter(year, (month + 2) // 3), Period.year(year)):
        if period.start <= TODAY:
            assert parse_period(period.label, TODAY) == period


# --------------------------------------------------------------------------- reporting calendar

CAL = ReportingCalendar()


def test_default_commune_reports() -> None:
    reports = CAL.instances(2026, ReportLevel.COMMUNE)
    assert [(r.kind, r.period.label, r.cutoff, r.due) for r in reports] == [
        (ReportKind.SIX_MONTH, "2026-H1", date(2026, 5, 31), date(2026, 6, 5)),
        (ReportKind.ANNUAL, "2026", date(2026, 11, 30), date(2026, 12, 5)),
    ]


def test_default_province_reports() -> None:
    reports = CAL.instances(2026, ReportLevel.PROVINCE)
    assert [(r.kind, r.due) for r in reports] == [
        (ReportKind.ANNUAL, date(2026, 11, 28)),
        (ReportKind.ANNUAL_OFFICIAL, date(2027, 2, 20)),
    ]
    assert reports[1].period == Period.year(2026)


@pytest.mark.parametrize(
    ("today", "level", "kind", "label"),
    [
        (date(2026, 1, 1), ReportLevel.COMMUNE, ReportKind.SIX_MONTH, "2026-H1"),
        (date(2026, 5, 31), ReportLevel.COMMUNE, ReportKind.SIX_MONTH, "2026-H1"),
        # After the 6-month cut-off, records count towards the annual report.
        (date(2026, 6, 1), ReportLevel.COMMUNE, ReportKind.ANNUAL, "2026"),
        (date(2026, 11, 30), ReportLevel.COMMUNE, ReportKind.ANNUAL, "2026"),
        # December is past every cut-off: still this year's annual report.
        (date(2026, 12, 20), ReportLevel.COMMUNE, ReportKind.ANNUAL, "2026"),
        (date(2026, 12, 20), ReportLevel.PROVINCE, ReportKind.ANNUAL_OFFICIAL, "2026"),
    ],
)
def test_current_reporting_period(today: date, level: ReportLevel, kind: ReportKind, label: str) -> None:
    current = current_reporting_period(today, CAL, level)
    assert current is not None
    assert (current.kind, current.period.label) == (kind, label)


@pytest.mark.parametrize(
    ("today", "level", "kind", "due"),
    [
        (date(2026, 5, 15), ReportLevel.COMMUNE, ReportKind.SIX_MONTH, date(2026, 6, 5)),
        (date(2026, 6, 5), ReportLevel.COMMUNE, ReportKind.SIX_MONTH, date(2026, 6, 5)),
        (date(2026, 6, 6), ReportLevel.COMMUNE, ReportKind.ANNUAL, date(2026, 12, 5)),
        (date(2026, 12, 6), ReportLevel.COMMUNE, ReportKind.SIX_MONTH, date(2027, 6, 5)),
        (date(2026, 12, 6), ReportLevel.PROVINCE, ReportKind.ANNUAL_OFFICIAL, date(2027, 2, 20)),
        # In January the previous year's official annual report is still the next one due.
        (date(2027, 1, 10), ReportLevel.PROVINCE, ReportKind.ANNUAL_OFFICIAL, date(2027, 2, 20)),
        (date(2027, 2, 21), ReportLevel.PROVINCE, ReportKind.ANNUAL, date(2027, 11, 28)),
    ],
)
def test_next_due(today: date, level: ReportLevel, kind: ReportKind, due: date) -> None:
    report = next_due(today, CAL, level)
    assert report is not None
    assert (report.kind, report.due) == (kind, due)


def test_next_due_official_report_belongs_to_previous_year() -> None:
    report = next_due(date(2027, 1, 10), CAL, ReportLevel.PROVINCE)
    assert report is not None and report.period == Period.year(2026)


def test_calendar_is_data() -> None:
    # A province that wants quarterly commune reports due on the 10th of the next month.
    quarterly = tuple(
        ReportSchedule(
            ReportKind.QUARTERLY,
            start=MonthDay(3 * q - 2, 1),
            end=MonthDay(3 * q, 31 if q in (1, 4) else 30),
            cutoff=MonthDay(3 * q, 31 if q in (1, 4) else 30),
            due={ReportLevel.COMMUNE: MonthDay(3 * q + 1 if q < 4 else 1, 10, years_after=0 if q < 4 else 1)},
        )
        for q in (1, 2, 3, 4)
    )
    cal = ReportingCalendar(quarterly)
    report = next_due(date(2026, 4, 2), cal, ReportLevel.COMMUNE)
    assert report is not None
    assert report.kind is ReportKind.QUARTERLY
    assert report.period == Period.quarter(2026, 1)
    assert report.due == date(2026, 4, 10)
    assert cal.issues() == []
    assert next_due(date(2026, 4, 2), ReportingCalendar(()), ReportLevel.COMMUNE) is None
    assert current_reporting_period(date(2026, 4, 2), ReportingCalendar(()), ReportLevel.COMMUNE) is None


def test_month_day_clamps_feb_29() -> None:
    assert MonthDay(2, 29).on(2026) == date(2026, 2, 28)
    assert MonthDay(2, 29).on(2028) == date(2028, 2, 29)
    assert MonthDay(2, 20, years_after=1).on(2026) == date(2027, 2, 20)


def test_default_calendar_inconsistencies_are_reported() -> None:
    # The defaults follow the brief, and two of them cannot both hold: the province must send the
    # annual report on 28/11, before its own data cut-off (30/11) and before the communes' due
    # date (05/12). issues() makes that visible instead of hiding it.
    assert CAL.issues() == [
        (ReportKind.ANNUAL, CalendarIssue.DUE_BEFORE_CUTOFF),
        (ReportKind.ANNUAL, CalendarIssue.COMMUNE_DUE_AFTER_PROVINCE),
    ]


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), "2026"),
        (date(2026, 7, 1), date(2026, 12, 31), "2026-H2"),
        (date(2026, 4, 1), date(2026, 6, 30), "2026-Q2"),
        (date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        (date(2026, 2, 1), date(2026, 2, 27), "2026-02-01..2026-02-27"),
        (date(2025, 12, 1), date(2026, 1, 31), "2025-12-01..2026-01-31"),
    ],
)
def test_standard_period_labels(start: date, end: date, label: str) -> None:
    assert standard_period(start, end).label == label
