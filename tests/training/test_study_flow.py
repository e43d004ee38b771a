"""``/hoc`` through the engine: lesson, quiz with feedback, progress that survives a restart;
``/diemdanh`` by code."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.broadcasts import Audience, Group
from bot.domain.enums import Role
from bot.services import training
from bot.training.content import Bank
from tests.flows.support import TAN_DOAN, Chat, Clock, add_person, add_team, opened


async def test_lesson_quiz_and_progress_resume_after_restart(tmp_path: Path, bank: Bank) -> None:
    clock = Clock()
    async with opened(tmp_path, clock) as app:
        app.training = bank
        await add_person(app, Role.MEDIATOR, name="Hoàng Thị Lan", user="lan")
        chat = Chat(app, "lan")
        home = await chat("/hoc")
        assert "đã xong 0/2 bài" in home
        lesson = await chat("1")  # "Học bài tiếp: Bài một"
        assert "Bài một" in lesson and "luat-35-2013:dieu-4" in lesson
        first = await chat("1")  # start the quiz
        assert "Câu 1/3: Câu một?" in first
        assert "✅ Đúng!" in await chat("a")  # letter, lower case
        assert "Chưa rõ bạn chọn" in await chat("không rõ")
        wrong = await chat("2")  # number: option 2 ("Hai") is wrong, the answer is C
        assert "❌ Chưa đúng. Đáp án đúng là C. Ba" in wrong and "Câu 3/3" in wrong

    async with opened(tmp_path, clock) as app:  # restart: the quiz resumes at question 3
        app.training = bank
        chat = Chat(app, "lan")
        done = await chat("Đỏ")  # the option text
        assert "✅ Đúng!" in done and "đúng 2/3 câu" in done
        assert "Tự học được ghi nhận riêng" in done
        home = await chat("/hoc")
        assert "đã xong 1/2 bài" in home and "Học bài tiếp: Bài hai" in home
        assert "Đã bật" in await chat("Bật câu hỏi hằng tuần")
        rows = await app.db.fetchall("SELECT chosen, correct FROM quiz_answers ORDER BY id")
        assert [tuple(r) for r in rows] == [(0, 1), (1, 0), (1, 1)]


async def test_class_of_thirty_checks_in_through_the_chat(tmp_path: Path) -> None:
    clock = Clock()
    async with opened(tmp_path, clock) as app:
        officer = await add_person(app, Role.COMMUNE_OFFICER, name="Lương Thị Hạnh")
        team = await add_team(app, TAN_DOAN, "Thôn Nà Pàn")
        for i in range(30):
            await add_person(app, Role.MEDIATOR, team=team, name=f"Học viên {i:02d}", user=f"hv{i}")
        draft = training.CourseDraft(
            title="Tập huấn kỹ năng hòa giải",
            place="Nhà văn hóa thôn Nà Pàn",
            starts_on=clock.now.date(),
            ends_on=clock.now.date(),
            topics=("luat-hoa-giai",),
            trainer_ids=(),
            audience=Audience(frozenset({Group.MEDIATORS}), communes=(TAN_DOAN,)),
        )
        async with app.db.transaction() as tx:
            created = await training.create_course(tx, officer, draft, {"luat-hoa-giai": "Luật"}, clock.now)
            session = await training.open_session(
                tx, officer, created.course_id, clock.now, ZoneInfo("Asia/Ho_Chi_Minh")
            )
        for i in range(30):
            chat = Chat(app, f"hv{i}")
            assert "Nhập mã điểm danh" in await chat("/diemdanh")
            if i == 0:
                assert "không đúng" in await chat("000")
            assert "✅ Đã điểm danh" in await chat(session.code)
        again = Chat(app, "hv0")
        await again("/diemdanh")
        assert "đã được điểm danh buổi này rồi" in await again(session.code)
        async with app.db.transaction() as tx:
            sheet = await training.sheet(tx, officer, created.course_id)
        assert len(sheet.rows) == 30
        assert "Có mặt ít nhất một buổi: 30 (100%)" in training.summary_text(sheet)
