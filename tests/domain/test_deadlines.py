from datetime import date

import pytest

from bot.domain.deadlines import (
    court_recognition_deadline,
    days_left,
    is_approaching,
    is_overdue,
    start_deadline,
    training_deadline,
)


@pytest.mark.parametrize(
    ("assigned", "expected"),
    [
        (date(2026, 3, 1), date(2026, 3, 4)),
        (date(2026, 12, 30), date(2027, 1, 2)),
        (date(2028, 2, 27), date(2028, 3, 1)),
    ],
)
def test_start_deadline_is_three_calendar_days(assigned: date, expected: date) -> None:
    assert start_deadline(assigned) == expected


@pytest.mark.parametrize(
    ("agreed", "expected"),
    [
        (date(2026, 1, 15), date(2026, 7, 15)),
        (date(2025, 8, 31), date(2026, 2, 28)),
        (date(2027, 8, 31), date(2028, 2, 29)),
        (date(2026, 8, 29), date(2027, 2, 28)),
        (date(2026, 12, 31), date(2027, 6, 30)),
        (date(2026, 7, 31), date(2027, 1, 31)),
    ],
)
def test_court_recognition_six_months_clamped(agreed: date, expected: date) -> None:
    assert court_recognition_deadline(agreed) == expected


def test_training_deadline() -> None:
    assert training_deadline(date(2026, 3, 31)) == date(2026, 9, 30)
    assert training_deadline(date(2026, 1, 1)) == date(2026, 7, 1)


@pytest.mark.parametrize(
    ("today", "days_before", "approaching", "overdue", "left"),
    [
        (date(2026, 6, 1), 7, False, False, 9),
        (date(2026, 6, 3), 7, True, False, 7),
        (date(2026, 6, 10), 7, True, False, 0),  # the deadline day itself
        (date(2026, 6, 11), 7, False, True, -1),
        (date(2026, 6, 10), 0, True, False, 0),
        (date(2026, 6, 9), 0, False, False, 1),
    ],
)
def test_approaching_and_overdue(
    today: date, days_before: int, approaching: bool, overdue: bool, left: int
) -> None:
    deadline = date(2026, 6, 10)
    assert is_approaching(deadline, today, days_before) is approaching
    assert is_overdue(deadline, today) is overdue
    assert days_left(deadline, today) == left
