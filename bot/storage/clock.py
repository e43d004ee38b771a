"""How instants are taken and stored: UTC, ISO 8601 with microseconds (compared as text)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current instant in UTC (one place, so tests can reason about stored times)."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Format an instant for storage: ISO 8601 in UTC, second precision is not enough for ordering."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
