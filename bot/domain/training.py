"""Pure rules of training and self-study: reading an answer, check-in codes, contest order."""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import date

from bot.domain.dates import add_months
from bot.domain.rounding import rounded
from bot.domain.vntext import fold

LETTERS = "ABCD"
CODE_DIGITS = 6
# A new mediator must be trained within this many months of recognition (Kế hoạch 115).
NEW_MEDIATOR_MONTHS = 6
_LETTER = re.compile(r"^([a-d])\s*[.):]?$")
_NUMBER = re.compile(r"^(\d{1,2})\s*[.)]?$")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)


def read_option(text: str, options: Sequence[str]) -> int | None:
    """The option index an answer names: its number (1..n), letter (A..D) or text (diacritics
    optional); None when it names none of them."""
    typed = fold(text).strip()
    number = _NUMBER.match(typed)
    if number:
        n = int(number.group(1))
        return n - 1 if 1 <= n <= len(options) else None
    letter = _LETTER.match(typed)
    if letter:
        index = LETTERS.lower().index(letter.group(1))
        return index if index < len(options) else None
    words = _EDGES.sub("", typed)
    for index, option in enumerate(options):
        if words and words == _EDGES.sub("", fold(option)):
            return index
    return None


def new_code() -> str:
    """A short check-in code: digits only, so it is typed easily on any phone keyboard."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def normalise_code(text: str) -> str:
    """The code as typed, without spaces, dashes or a leading '#'."""
    return re.sub(r"[\s\-#.]", "", text)


def contest_order(round_id: int, person_id: int, question_ids: Sequence[str]) -> list[str]:
    """The participant's own shuffled order of the round's questions: stable for that person
    (a restart shows the same order), different between people."""
    order = list(question_ids)
    random.Random(f"contest:{round_id}:{person_id}").shuffle(order)
    return order


def training_deadline(recognised_on: date) -> date:
    """The last day by which a new mediator should have been trained."""
    return add_months(recognised_on, NEW_MEDIATOR_MONTHS)


def per_hundred(count: int, teams: int) -> float | None:
    """``count`` per 100 teams (None without teams)."""
    return None if teams == 0 else float(rounded(100 * count / teams, 1))


def iso_week(day: date) -> str:
    """The ISO week a calendar day belongs to, e.g. ``2026-W11``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def choose_weekly(
    question_ids: Sequence[str], answered: Mapping[str, bool], person_id: int, week: str
) -> str | None:
    """The weekly question for a person: one never answered if any is left, else one never
    answered right, else any. The pick is stable for (person, week) so a retried run chooses
    the same question, and differs between people so a team does not all get the same one."""
    if not question_ids:
        return None
    fresh = [q for q in question_ids if q not in answered]
    missed = [q for q in question_ids if q in answered and not answered[q]]
    pool = sorted(fresh or missed or question_ids)
    return random.Random(f"weekly:{person_id}:{week}").choice(pool)
