"""The usage guide and FAQ entries about training say what the bot does."""

from __future__ import annotations

from bot.texts import training as tt
from bot.training.content import QUIZ_MAX, QUIZ_MIN
from tests.flows.test_usage_docs import _entry


def test_self_study_entries_match_the_hoc_flow() -> None:
    for body in _entry("tu-hoc"):
        assert f"{QUIZ_MIN} đến {QUIZ_MAX} câu hỏi" in body
        assert "số, chữ cái (A, B, C, D)" in body
    [guide] = [b for b in _entry("tu-hoc") if "«" in b]
    assert f"«{tt.WEEKLY_ANSWER.split(' ', 1)[1]}»" in guide


def test_course_entries_name_the_menu_items() -> None:
    for body in _entry("lop-tap-huan"):
        assert f"«{tt.TRAINERS_MENU.split(' ', 1)[1]}»" in body
        assert "Excel" in body and "ký tên" in body
