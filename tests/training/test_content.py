"""The training content loader and its ``kb check`` rules."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.kb.check import check
from bot.kb.cli import default_knowledge
from bot.training.content import Bank, load_bank
from tests.training.conftest import FIXTURES, KNOWN_REFS


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "training"
    shutil.copytree(FIXTURES, target)
    return target


def _break(folder: Path, old: str, new: str, count: int = 1) -> None:
    path = folder / "questions" / "m-test.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _codes(folder: Path) -> set[str]:
    return {p.code for p in load_bank(folder, KNOWN_REFS).problems}


def test_fixture_bank_loads_in_order(bank: Bank) -> None:
    assert [lesson.id for lesson in bank.ordered_lessons()] == ["m-test-01", "m-test-02"]
    assert len(bank.questions_for("m-test-01")) == 3
    assert bank.questions["q-m-test-002"].answer_letter == "C"


def test_answer_outside_options_is_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _break(folder, 'answer = "A"', 'answer = "D"')  # question 1 has three options
    assert "answer" in _codes(folder)
    assert "q-m-test-001" not in load_bank(folder, KNOWN_REFS).questions


def test_two_answers_are_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _break(folder, 'answer = "A"', 'answer = "AB"')
    assert "answer" in _codes(folder)


def test_unknown_reference_is_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _break(folder, 'ref = "luat-35-2013:dieu-4"', 'ref = "luat-35-2013:dieu-999"')
    assert "ref" in _codes(folder)


def test_duplicate_stem_after_folding_is_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _break(folder, 'stem = "Câu hai?"', 'stem = "cau mot?"')
    bank = load_bank(folder, KNOWN_REFS)
    assert {p.code for p in bank.problems} == {"duplicate-stem"}
    assert "q-m-test-001" not in bank.questions and "q-m-test-002" not in bank.questions


def test_duplicate_id_and_options_are_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _break(folder, 'id = "q-m-test-002"', 'id = "q-m-test-001"')
    _break(folder, '["Xanh", "Đỏ", "Vàng"]', '["Xanh", "xanh", "Vàng"]')
    assert {"duplicate-id", "options"} <= _codes(folder)


def test_long_lesson_and_unknown_module_are_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    lessons = folder / "lessons" / "m-test.toml"
    text = lessons.read_text(encoding="utf-8")
    text = text.replace("Hòa giải dựa trên sự tự nguyện của các bên.", "x" * 601)
    text = text.replace('module = "m-test"\ntitle = "Bài hai"', 'module = "m-khac"\ntitle = "Bài hai"')
    lessons.write_text(text, encoding="utf-8")
    codes = _codes(folder)
    assert {"lesson-length", "module-unknown"} <= codes


def test_lesson_with_too_few_or_too_many_questions_is_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _break(folder, 'lesson = "m-test-02"', 'lesson = "m-test-01"', count=3)  # 6 on lesson 1, 0 on 2
    problems = load_bank(folder, KNOWN_REFS).problems
    assert sorted(p.message for p in problems if p.code == "lesson-quiz") == [
        "m-test-01: 6 questions attached (3–5 expected)",
        "m-test-02: 0 questions attached (3–5 expected)",
    ]


def test_repository_content_passes_kb_check() -> None:
    problems = [p for p in check(default_knowledge()) if "training" in p.path]
    assert problems == []
    assert load_bank(default_knowledge() / "training").questions
