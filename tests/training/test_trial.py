"""The console trial of ``bench/training_trial.py`` (issue 15, "Done when") stays true: a class
of 30 checks in by code and moves the indicator, a mediator studies three real lessons, and the
weekly question arrives through the outbox and is answered by a typed letter."""

from __future__ import annotations

from pathlib import Path

from bench.training_trial import CLASS_SIZE, render, trial


async def test_trial_of_a_class_and_three_lessons(tmp_path: Path) -> None:
    report = await trial(tmp_path)
    assert (report.invited, report.delivered, report.checked_in, report.sheet_rows) == (CLASS_SIZE,) * 4
    assert report.rsvp_yes == 27
    assert report.sheet_headers[-1] == "Ký tên"
    assert "không đúng" in report.refusals[0] and "đã được điểm danh buổi này rồi" in report.refusals[1]
    assert "0/30 hòa giải viên đã được tập huấn" in report.indicator_before
    assert "30/30 hòa giải viên đã được tập huấn (100%); trong đó 30 theo điểm danh" in report.indicator_after
    assert len(report.lessons) == 3
    for run in report.lessons:
        assert 3 <= run.questions <= 5 and run.typed == run.questions + 3
        assert run.bot_ms < 5000 and 30 < run.reader_s < 300
    assert "📅 Câu hỏi ôn tập tuần này" in report.weekly_question
    assert report.weekly_feedback.startswith("✅ Đúng!")
    assert sum(report.by_chapter.values()) == report.bank_questions >= 150
    assert report.by_chapter["Luật Hòa giải ở cơ sở — Chương III. Hoạt động hòa giải ở cơ sở"] > 0
    assert "Question bank" in render(report)
