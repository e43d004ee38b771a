from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.workers.quiet_hours import in_quiet_hours, next_allowed

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NIGHT = (time(21, 0), time(7, 0))


def local(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 5, 15, 20, 59), local(2026, 5, 15, 20, 59)),  # before the window: now
        (local(2026, 5, 15, 21, 0), local(2026, 5, 16, 7, 0)),  # start is inside
        (local(2026, 5, 15, 23, 30), local(2026, 5, 16, 7, 0)),  # evening: tomorrow morning
        (local(2026, 5, 16, 0, 0), local(2026, 5, 16, 7, 0)),  # after midnight: this morning
        (local(2026, 5, 16, 6, 59), local(2026, 5, 16, 7, 0)),
        (local(2026, 5, 16, 7, 0), local(2026, 5, 16, 7, 0)),  # end is outside
        (local(2026, 12, 31, 22, 0), local(2027, 1, 1, 7, 0)),  # across the year
    ],
)
def test_night_window_crossing_midnight(moment: datetime, expected: datetime) -> None:
    assert next_allowed(moment, *NIGHT, VN) == expected
    assert next_allowed(moment, *NIGHT, VN).tzinfo == UTC


def test_instants_in_other_zones_are_judged_in_local_time() -> None:
    # 15:30 UTC is 22:30 in Vietnam: quiet until 07:00 local = 00:00 UTC next day.
    moment = datetime(2026, 5, 15, 15, 30, tzinfo=UTC)
    assert in_quiet_hours(moment, *NIGHT, VN)
    assert next_allowed(moment, *NIGHT, VN) == datetime(2026, 5, 16, 0, 0, tzinfo=UTC)


def test_window_within_one_day() -> None:
    lunch = (time(12, 0), time(13, 30))
    assert next_allowed(local(2026, 5, 15, 12, 15), *lunch, VN) == local(2026, 5, 15, 13, 30)
    assert next_allowed(local(2026, 5, 15, 11, 59), *lunch, VN) == local(2026, 5, 15, 11, 59)
    assert not in_quiet_hours(local(2026, 5, 15, 22, 0), *lunch, VN)


def test_equal_start_and_end_means_no_quiet_hours() -> None:
    assert not in_quiet_hours(local(2026, 5, 15, 3, 0), time(0, 0), time(0, 0), VN)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_allowed(datetime(2026, 5, 15, 22, 0), *NIGHT, VN)


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)),
    st.times(),
    st.times(),
)
def test_next_allowed_is_the_earliest_instant_outside_the_window(
    moment: datetime, start: time, end: time
) -> None:
    allowed = next_allowed(moment, start, end, VN)
    assert allowed >= moment
    assert not in_quiet_hours(allowed, start, end, VN)
    # Nothing earlier would do: the instant just before the answer (after the moment) is quiet.
    before = allowed - timedelta(microseconds=1)
    if allowed > moment and before > moment:
        assert in_quiet_hours(before, start, end, VN)
    assert allowed - moment <= timedelta(days=1)
