"""Training records and personal data: the data-subject view counts one's training records, and
the attendance list and contest ranking exports (they name people) are in the access audit."""

from __future__ import annotations

from bot.services import privacy, study
from bot.training.content import Bank
from tests.flows.support import World
from tests.training.test_courses import _check_in, _course, _session


async def test_my_data_counts_attendance_self_study_and_the_weekly_switch(world: World, bank: Bank) -> None:
    app = world.app
    async with app.db.transaction() as tx:
        before = await privacy.describe_my_data(tx, world.med.id)
    assert "0 buổi tập huấn đã điểm danh; 0 bài tự học đã xong, 0 câu trả lời" in before
    assert "nhận câu hỏi hằng tuần: không; đã dự 0 vòng hội thi" in before

    created = await _course(world)
    session = await _session(world, created.course_id)
    await _check_in(world, world.med, session.code)
    lesson = bank.ordered_lessons()[0]
    async with app.db.transaction() as tx:
        for question in bank.questions_for(lesson.id):
            await study.mark(tx, world.med, question, "A", lesson.id, app.clock())
        await study.finish_lesson(tx, world.med, lesson, 1, 3, app.clock())
        await study.set_weekly(tx, world.med, True, app.clock())
        after = await privacy.describe_my_data(tx, world.med.id)
    assert "1 buổi tập huấn đã điểm danh; 1 bài tự học đã xong, 3 câu trả lời" in after
    assert "nhận câu hỏi hằng tuần: có" in after


async def test_attendance_and_ranking_exports_are_audited(world: World, bank: Bank) -> None:
    app = world.app
    app.training = bank
    officer = world.chat("officer")
    await officer("/lophoc")
    await officer("Tạo lớp mới")
    for line in ("Tập huấn Luật Hòa giải", "Hội trường UBND xã", "20/03/2026", "như trên", "1"):
        await officer(line)
    await officer("chưa có")
    await officer("Tất cả hòa giải viên")
    await officer("Không")
    await officer("Lưu và gửi thư mời")
    await officer("Danh sách điểm danh (Excel)")
    assert any(r.attachment is not None for r in officer.replies)

    await officer("/thi")
    await officer("Mở vòng thi mới")
    await officer("Hội thi vòng 1")
    await officer("3")
    await officer("1")
    await officer("30")
    await officer("/thi")
    await officer("Kết quả: Hội thi vòng 1")
    assert any(r.attachment is not None for r in officer.replies)

    rows = await app.db.fetchall(
        "SELECT action, scope, actor_id FROM access_audit WHERE action = 'training_list'"
    )
    # Scoped to the course and the round, so "who saw my data?" finds exactly their people.
    course_id = (await app.db.fetchall("SELECT id FROM training_courses"))[0][0]
    round_id = (await app.db.fetchall("SELECT id FROM contest_rounds"))[0][0]
    assert [tuple(r) for r in rows] == [
        ("training_list", f"course:{course_id}", world.officer.id),
        ("training_list", f"contest:{round_id}", world.officer.id),
    ]
    mine = await privacy.list_audit(app.db, subject_id=world.med.id)
    # The invitee is on the attendance list; the ranking names only those who answered.
    assert [e.scope for e in mine if e.action == "training_list"] == [f"course:{course_id}"]
    assert "xuất danh sách điểm danh, kết quả hội thi" in privacy.format_audit(mine)
