from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.dates import (
    DateError,
    DateWarning,
    add_months,
    check_case_date,
    format_date,
    parse_user_date,
)

TODAY = date(2026, 5, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hôm nay", date(2026, 5, 15)),
        ("Hôm nay", date(2026, 5, 15)),
        ("hom nay", date(2026, 5, 15)),
        ("  nay ", date(2026, 5, 15)),
        ("hôm qua", date(2026, 5, 14)),
        ("hom qua", date(2026, 5, 14)),
        ("hôm kia", date(2026, 5, 13)),
        ("hôm nay.", date(2026, 5, 15)),
        ("12/03/2026", date(2026, 3, 12)),
        ("1/3/2026", date(2026, 3, 1)),
        ("01-03-2026", date(2026, 3, 1)),
        ("01.03.2026", date(2026, 3, 1)),
        ("12 / 3 / 2026", date(2026, 3, 12)),
        ("12 3 2026", date(2026, 3, 12)),
        ("12/3/26", date(2026, 3, 12)),
        ("5/1/09", date(2009, 1, 5)),
        ("ngày 12/3/2026", date(2026, 3, 12)),
        ("ngày 12 tháng 3 năm 2026", date(2026, 3, 12)),
        ("2026-03-12", date(2026, 3, 12)),
        ("15/5/2026", date(2026, 5, 15)),  # today itself is fine
        ("12/3", date(2026, 3, 12)),
        ("15/5", date(2026, 5, 15)),
        ("16/5", date(2025, 5, 16)),  # d/m still ahead this year → last year
        ("28/12", date(2025, 12, 28)),
        ("1/1/2000", date(2000, 1, 1)),
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_parses(text: str, expected: date) -> None:
    assert parse_user_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", DateError.EMPTY),
        ("   ", DateError.EMPTY),
        ("mai", DateError.UNRECOGNISED),
        ("tuần trước", DateError.UNRECOGNISED),
        ("12", DateError.UNRECOGNISED),
        ("12/3/202", DateError.UNRECOGNISED),
        ("123/1/2026", DateError.UNRECOGNISED),
        ("12/3/2026 abc", DateError.UNRECOGNISED),
        ("31/02/2026", DateError.INVALID),
        ("29/02/2026", DateError.INVALID),
        ("0/1", DateError.INVALID),
        ("13/13", DateError.INVALID),
        ("32/1/2026", DateError.INVALID),
        ("1/13/2026", DateError.INVALID),
        ("16/05/2026", DateError.FUTURE),
        ("1/1/2027", DateError.FUTURE),
        ("1/1/27", DateError.FUTURE),  # two-digit year one ahead reads as 2027, not 1927
        ("31/12/1999", DateError.TOO_OLD),
        ("1/1/85", DateError.TOO_OLD),  # 1985
    ],
)
def test_rejects(text: str, error: DateError) -> None:
    assert parse_user_date(text, TODAY) is error


def test_d_m_without_year_for_a_day_that_does_not_exist_is_invalid() -> None:
    assert parse_user_date("29/2", date(2026, 3, 1)) is DateError.INVALID
    assert parse_user_date("29/2", date(2024, 3, 1)) == date(2024, 2, 29)


def test_yesterday_crosses_year_boundary() -> None:
    assert parse_user_date("hôm qua", date(2026, 1, 1)) == date(2025, 12, 31)


@given(st.text(max_size=60))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    result = parse_user_date(text, TODAY)
    assert isinstance(result, (date, DateError))
    if isinstance(result, date):
        assert date(2000, 1, 1) <= result <= TODAY


@given(st.dates(min_value=date(2000, 1, 1), max_value=TODAY))
def test_formatted_dates_round_trip(d: date) -> None:
    assert parse_user_date(format_date(d), TODAY) == d


@pytest.mark.parametrize(
    ("d", "recognised_on", "expected"),
    [
        (date(2026, 5, 1), date(2026, 1, 1), []),
        (date(2026, 5, 1), None, []),
        (date(2025, 12, 31), date(2026, 1, 1), [DateWarning.BEFORE_RECOGNITION]),
        (date(2025, 5, 15), None, []),  # exactly 365 days back: fine
        (date(2025, 5, 14), None, [DateWarning.OVER_A_YEAR]),
        (date(2024, 1, 1), date(2025, 1, 1), [DateWarning.BEFORE_RECOGNITION, DateWarning.OVER_A_YEAR]),
    ],
)
def test_case_date_warnings(d: date, recognised_on: date | None, expected: list[DateWarning]) -> None:
    assert check_case_date(d, TODAY, recognised_on) == expected


def test_format_date_pads() -> None:
    assert format_date(date(2026, 3, 5)) == "05/03/2026"


@pytest.mark.parametrize(
    ("d", "months", "expected"),
    [
        (date(2026, 1, 15), 6, date(2026, 7, 15)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 10, 31), 1, date(2026, 11, 30)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 1), -1, date(2025, 12, 1)),
    ],
)
def test_add_months(d: date, months: int, expected: date) -> None:
    assert add_months(d, months) == expected
