"""Legal deadlines around a case and a mediator.

* Mediation starts within 3 days of assignment (Art. 20.2 Luật HGCS: "Trong thời hạn 03 ngày, kể
  từ ngày được phân công…") — calendar days, not working days.
* The parties may ask a court to recognise a successful mediation within 6 months of the
  agreement (Art. 418.1 BLTTDS 2015).
* New mediators are to be trained within 6 months of recognition (Kế hoạch 115 target).

Month arithmetic clamps to the month's end (31/8 + 6 months = 28/2, or 29/2 in a leap year).
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.dates import add_months

START_WITHIN_DAYS = 3
COURT_RECOGNITION_MONTHS = 6
TRAINING_WITHIN_MONTHS = 6


def start_deadline(assigned_on: date) -> date:
    """Last day to start mediating an assigned case (Art. 20.2): assignment day + 3 days."""
    return assigned_on + timedelta(days=START_WITHIN_DAYS)


def court_recognition_deadline(agreed_on: date) -> date:
    """Last day to file for court recognition of the agreement (BLTTDS Art. 418): + 6 months."""
    return add_months(agreed_on, COURT_RECOGNITION_MONTHS)


def training_deadline(recognised_on: date) -> date:
    """Date by which a newly recognised mediator should be trained (Kế hoạch 115): + 6 months."""
    return add_months(recognised_on, TRAINING_WITHIN_MONTHS)


def days_left(deadline: date, today: date) -> int:
    """Days from today to the deadline: 0 on the day itself, negative once it has passed."""
    return (deadline - today).days


def is_approaching(deadline: date, today: date, days_before: int) -> bool:
    """True from ``days_before`` days ahead up to and including the deadline day itself."""
    remaining = days_left(deadline, today)
    return 0 <= remaining <= days_before


def is_overdue(deadline: date, today: date) -> bool:
    """True once the deadline day has passed."""
    return today > deadline


__all__ = [
    "COURT_RECOGNITION_MONTHS",
    "START_WITHIN_DAYS",
    "TRAINING_WITHIN_MONTHS",
    "court_recognition_deadline",
    "days_left",
    "is_approaching",
    "is_overdue",
    "start_deadline",
    "training_deadline",
]
