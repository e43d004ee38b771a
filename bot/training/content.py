"""Load ``knowledge/training/`` (modules, lessons, questions in TOML) and check it.

The format is the content contract in ``docs/training-format.md``. Loading never raises on bad
content: every problem becomes a :class:`Problem` so ``kb check`` can list them all at once, and
the bot only serves the items that loaded cleanly.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.domain.vntext import fold
from bot.kb.model import Problem

LESSON_MAX_CHARS = 600
# A lesson's quiz is every question attached to it: the issue asks for 3–5 after each lesson.
QUIZ_MIN, QUIZ_MAX = 3, 5
LETTERS = "ABCD"
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LETTER_PREFIX = re.compile(r"^\s*[A-Da-d]\s*[.)]\s")


@dataclass(frozen=True, slots=True)
class Module:
    """A training module (chuyên đề) with the topics it covers."""

    id: str
    title: str
    order: int
    source: str
    topics: tuple[str, ...]
    # The item of the QĐ 2372/QĐ-BTP programme this module matches, filled only from that
    # programme's own text; "" while unconfirmed (see docs/training-format.md).
    framework: str = ""


@dataclass(frozen=True, slots=True)
class Lesson:
    """A short lesson read on a phone in about a minute."""

    id: str
    module: str
    title: str
    order: int
    text: str
    refs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Question:
    """A multiple-choice question; ``answer`` is the index of the correct option."""

    id: str
    module: str
    lesson: str
    stem: str
    options: tuple[str, ...]
    answer: int
    explain: str
    ref: str

    @property
    def answer_letter(self) -> str:
        """The correct option's letter (A..D)."""
        return LETTERS[self.answer]


@dataclass(slots=True)
class Bank:
    """Everything loaded from the training folder, plus the problems met on the way."""

    modules: dict[str, Module] = field(default_factory=dict)
    lessons: dict[str, Lesson] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def ordered_lessons(self) -> list[Lesson]:
        """Lessons in study order: by module order, then lesson order."""
        order = {m.id: m.order for m in self.modules.values()}
        return sorted(self.lessons.values(), key=lambda x: (order.get(x.module, 0), x.order, x.id))

    def questions_for(self, lesson_id: str) -> list[Question]:
        """The questions attached to a lesson, in id order."""
        return sorted((q for q in self.questions.values() if q.lesson == lesson_id), key=lambda q: q.id)


def load_bank(folder: Path, known_refs: Iterable[str] | None = None) -> Bank:
    """Load ``folder`` (the ``knowledge/training`` directory); when ``known_refs`` is given, also
    check that every reference resolves to one of them."""
    bank = Bank()
    refs = set(known_refs) if known_refs is not None else None
    modules_file = folder / "modules.toml"
    if modules_file.exists():
        for row, path in _tables(modules_file, "module", folder, bank):
            _module(row, path, bank)
    for file in sorted((folder / "lessons").glob("*.toml")):
        for row, path in _tables(file, "lesson", folder, bank):
            _lesson(row, path, bank, refs)
    for file in sorted((folder / "questions").glob("*.toml")):
        for row, path in _tables(file, "question", folder, bank):
            _question(row, path, bank, refs)
    bank.problems.extend(_quiz_sizes(bank))
    bank.problems.extend(_duplicate_stems(bank))
    _drop_duplicates(bank)
    return bank


def _tables(file: Path, key: str, folder: Path, bank: Bank) -> list[tuple[dict[str, Any], str]]:
    path = str(file.relative_to(folder.parent)) if folder.parent in file.parents else str(file)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        bank.problems.append(Problem(path, 0, "toml", str(exc)))
        return []
    rows = data.get(key, [])
    if not isinstance(rows, list):
        bank.problems.append(Problem(path, 0, "toml", f"[[{key}]] tables expected"))
        return []
    return [(row, path) for row in rows if isinstance(row, dict)]


def _text(row: dict[str, Any], name: str) -> str:
    value = row.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _strings(row: dict[str, Any], name: str) -> tuple[str, ...]:
    value = row.get(name, [])
    if not isinstance(value, list):
        return ()
    return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())


def _problem(path: str, item_id: str, code: str, message: str) -> Problem:
    # TOML gives no line numbers: the item's id says where the problem is.
    return Problem(path, 0, code, f"{item_id or '?'}: {message}")


def _module(row: dict[str, Any], path: str, bank: Bank) -> None:
    mid = _text(row, "id")
    if not _KEBAB.match(mid):
        bank.problems.append(_problem(path, mid, "module-id", "id must be kebab-case"))
        return
    if mid in bank.modules:
        bank.problems.append(_problem(path, mid, "duplicate-id", "module id used twice"))
        return
    title, source = _text(row, "title"), _text(row, "source")
    order = row.get("order")
    if not title or not source or not isinstance(order, int):
        bank.problems.append(
            _problem(path, mid, "module-fields", "title, source and integer order are required")
        )
        return
    bank.modules[mid] = Module(mid, title, order, source, _strings(row, "topics"), _text(row, "framework"))


def _lesson(row: dict[str, Any], path: str, bank: Bank, refs: set[str] | None) -> None:
    lid, module = _text(row, "id"), _text(row, "module")
    bad: list[Problem] = []
    if module not in bank.modules:
        bad.append(_problem(path, lid, "module-unknown", f"unknown module {module!r}"))
    elif not re.fullmatch(re.escape(module) + r"-\d{2}", lid):
        bad.append(_problem(path, lid, "lesson-id", f"id must be {module}-NN"))
    if lid in bank.lessons:
        bad.append(_problem(path, lid, "duplicate-id", "lesson id used twice"))
    text, title, order = _text(row, "text"), _text(row, "title"), row.get("order")
    if not text or not title or not isinstance(order, int):
        bad.append(_problem(path, lid, "lesson-fields", "title, text and integer order are required"))
    if len(text) > LESSON_MAX_CHARS:
        bad.append(
            _problem(path, lid, "lesson-length", f"text has {len(text)} characters (max {LESSON_MAX_CHARS})")
        )
    lesson_refs = _strings(row, "refs")
    if refs is not None:
        bad.extend(_problem(path, lid, "ref", f"unknown reference {r}") for r in lesson_refs if r not in refs)
    if bad:
        bank.problems.extend(bad)
        return
    assert isinstance(order, int)
    bank.lessons[lid] = Lesson(lid, module, title, order, text, lesson_refs)


def _question(row: dict[str, Any], path: str, bank: Bank, refs: set[str] | None) -> None:
    qid, module, lesson = _text(row, "id"), _text(row, "module"), _text(row, "lesson")
    options = _strings(row, "options")
    answer, ref = _text(row, "answer").upper(), _text(row, "ref")
    bad: list[Problem] = []
    if module not in bank.modules:
        bad.append(_problem(path, qid, "module-unknown", f"unknown module {module!r}"))
    elif not re.fullmatch(r"q-" + re.escape(module) + r"-\d{3}", qid):
        bad.append(_problem(path, qid, "question-id", f"id must be q-{module}-NNN"))
    if qid in bank.questions:
        bad.append(_problem(path, qid, "duplicate-id", "question id used twice"))
    if lesson and lesson not in bank.lessons:
        bad.append(_problem(path, qid, "lesson-unknown", f"unknown lesson {lesson!r}"))
    if not _text(row, "stem") or not _text(row, "explain"):
        bad.append(_problem(path, qid, "question-fields", "stem and explain are required"))
    if not 3 <= len(options) <= 4:
        bad.append(_problem(path, qid, "options", f"{len(options)} options (3 or 4 expected)"))
    if len({fold(o) for o in options}) != len(options):
        bad.append(_problem(path, qid, "options", "two options say the same thing"))
    if any(_LETTER_PREFIX.match(o) for o in options):
        bad.append(_problem(path, qid, "options", "options must not start with a letter prefix (A. …)"))
    if len(answer) != 1 or answer not in LETTERS[: len(options)]:
        bad.append(_problem(path, qid, "answer", f"answer {answer!r} is not one letter within the options"))
    if not ref:
        bad.append(_problem(path, qid, "ref", "a reference is required"))
    elif refs is not None and ref not in refs:
        bad.append(_problem(path, qid, "ref", f"unknown reference {ref}"))
    if bad:
        bank.problems.extend(bad)
        return
    bank.questions[qid] = Question(
        qid, module, lesson, _text(row, "stem"), options, LETTERS.index(answer), _text(row, "explain"), ref
    )


def _quiz_sizes(bank: Bank) -> list[Problem]:
    attached = Counter(q.lesson for q in bank.questions.values() if q.lesson)
    return [
        _problem(
            "knowledge/training/lessons",
            lesson.id,
            "lesson-quiz",
            f"{attached[lesson.id]} questions attached ({QUIZ_MIN}–{QUIZ_MAX} expected)",
        )
        for lesson in bank.ordered_lessons()
        if not QUIZ_MIN <= attached[lesson.id] <= QUIZ_MAX
    ]


def _duplicate_stems(bank: Bank) -> list[Problem]:
    stems = Counter(fold(q.stem) for q in bank.questions.values())
    return [
        _problem(
            "knowledge/training/questions", q.id, "duplicate-stem", "the same question is asked elsewhere"
        )
        for q in sorted(bank.questions.values(), key=lambda q: q.id)
        if stems[fold(q.stem)] > 1
    ]


def _drop_duplicates(bank: Bank) -> None:
    # Neither copy of a repeated question is served until a reviewer decides which one stays.
    counts = Counter(fold(q.stem) for q in bank.questions.values())
    for qid in [q.id for q in bank.questions.values() if counts[fold(q.stem)] > 1]:
        del bank.questions[qid]
