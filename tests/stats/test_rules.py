"""Pure pieces of the statistics: the training-window shortcut, months, and Vietnamese formatting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.dates import add_months
from bot.domain.kpi import IndicatorCode, Targets, indicator
from bot.domain.periods import Period
from bot.services.stats import months_of, recognition_window
from bot.texts import stats as ts

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(DAYS, st.integers(min_value=0, max_value=400), st.integers(min_value=-400, max_value=400))
def test_recognition_window_matches_the_deadline_rule(first: date, length: int, offset: int) -> None:
    """A recognition date is in the window exactly when its 6-month deadline falls in the range."""
    last = first + timedelta(days=length)
    window = recognition_window(first, last)
    probe = add_months(first, -6) + timedelta(days=offset)
    inside = window is not None and window[0] <= probe <= window[1]
    assert inside == (first <= add_months(probe, 6) <= last)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        # 29, 30 and 31 August all reach their deadline on 28 February (2026 is not a leap year).
        (date(2026, 2, 28), date(2026, 2, 28), (date(2025, 8, 28), date(2025, 8, 31))),
        (date(2026, 4, 1), date(2026, 6, 30), (date(2025, 10, 1), date(2025, 12, 31))),
        (date(2026, 3, 1), date(2026, 2, 1), None),
    ],
)
def test_recognition_window_examples(first: date, last: date, expected: tuple[date, date] | None) -> None:
    assert recognition_window(first, last) == expected


def test_months_of_a_period() -> None:
    labels = [m.label for m in months_of(Period.custom(date(2025, 11, 15), date(2026, 2, 1)))]
    assert labels == ["2025-11", "2025-12", "2026-01", "2026-02"]


@pytest.mark.parametrize(
    ("period", "title", "kind"),
    [
        (Period.month(2026, 5), "tháng 5/2026", "Tháng"),
        (Period.quarter(2026, 2), "quý II/2026", "Quý"),
        (Period.half(2026, 1), "6 tháng đầu năm 2026", "6 tháng"),
        (Period.half(2026, 2), "6 tháng cuối năm 2026", "6 tháng"),
        (Period.year(2025), "năm 2025", "Năm"),
        (Period.custom(date(2026, 1, 1), date(2026, 3, 31)), "từ 01/01/2026 đến 31/03/2026", ""),
    ],
)
def test_period_titles(period: Period, title: str, kind: str) -> None:
    assert ts.period_title(period) == title
    assert ts.period_kind(period) == kind


def test_numbers_the_vietnamese_way() -> None:
    assert ts.number(12_300_000) == "12.300.000"
    assert ts.percent(0.8571) == "85,7%"
    assert ts.percent(None) == "–"
    assert ts.decimal(1.25, 2) == "1,25"


TARGETS = Targets()


@pytest.mark.parametrize(
    ("code", "num", "den", "line", "gap"),
    [
        (
            IndicatorCode.SUCCESS_RATE,
            30,
            35,
            "✅ Tỷ lệ hòa giải thành: 85,7% (30/35 vụ việc) — mục tiêu ≥85%",
            "+0,7 điểm %",
        ),
        # 17/20 is exactly 85%: met (exact fractions, not floats).
        (
            IndicatorCode.SUCCESS_RATE,
            17,
            20,
            "✅ Tỷ lệ hòa giải thành: 85,0% (17/20 vụ việc) — mục tiêu ≥85%",
            "+0,0 điểm %",
        ),
        (
            IndicatorCode.TRAINED,
            31,
            50,
            "⚠️ Hòa giải viên được bồi dưỡng: 62,0% (31/50 người) — mục tiêu 80–90%, còn thiếu 18,0 điểm %",
            "-18,0 điểm %",
        ),
        # A strict target missed by landing on it: no "còn thiếu 0,0".
        (
            IndicatorCode.PILOT_SUCCESS_RATE,
            9,
            10,
            "⚠️ Tỷ lệ hòa giải thành ở xã điểm: 90,0% (9/10 vụ việc) — mục tiêu >90%",
            "+0,0 điểm %",
        ),
        (
            IndicatorCode.TRAINERS_PER_100_TEAMS,
            3,
            250,
            "✅ Tập huấn viên cấp tỉnh / 100 tổ: 1,2 (3 người/250 tổ) — mục tiêu ≥1",
            "+0,2",
        ),
        (
            IndicatorCode.NEW_TRAINED_6M,
            0,
            0,
            "➖ Hòa giải viên mới được bồi dưỡng trong 6 tháng: chưa có số liệu — mục tiêu 100%",
            "",
        ),
    ],
)
def test_indicator_lines(code: IndicatorCode, num: int, den: int, line: str, gap: str) -> None:
    ind = indicator(code, num, den, TARGETS.get(code))
    assert ts.indicator_line(ind) == line
    assert ts.indicator_gap(ind) == gap
