"""Quiet hours: the nightly window in which reminders and ordinary broadcasts wait for morning.

Pure functions (no clock, no I/O), so the rule is tested on its own and the sender only asks
"when may this go out?". Times of day are local (``Asia/Ho_Chi_Minh`` by default); instants in
and out are timezone-aware and returned in UTC, the form the outbox stores.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def in_quiet_hours(moment: datetime, start: time, end: time, tz: ZoneInfo) -> bool:
    """Whether ``moment`` falls inside the window ``[start, end)`` of local time.

    A window whose start is after its end crosses midnight (21:00–07:00); equal start and end
    means there are no quiet hours at all.
    """
    local = _local(moment, tz).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def next_allowed(moment: datetime, start: time, end: time, tz: ZoneInfo) -> datetime:
    """The earliest instant at or after ``moment`` outside quiet hours, in UTC."""
    if not in_quiet_hours(moment, start, end, tz):
        return moment.astimezone(UTC)
    local = _local(moment, tz)
    # Inside a midnight-crossing window before midnight, the window ends tomorrow morning.
    end_day = local.date() + timedelta(days=1) if start > end and local.time() >= start else local.date()
    return _at(end_day, end, tz)


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("quiet hours need a timezone-aware instant")
    return moment.astimezone(tz)


def _at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    # Round-tripping through UTC resolves a wall time skipped or repeated by a DST change
    # (none in Vietnam, but the zone is configurable).
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)
