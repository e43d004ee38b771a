"""``/lophoc`` through the console: create a course, open check-in, tick, correct, list."""

from __future__ import annotations

from bot.domain.enums import Role
from bot.services import privacy
from tests.databases import write
from tests.flows.support import World, add_person, count, outbox_for


async def test_officer_runs_a_course_in_the_chat(world: World) -> None:
    app = world.app
    trainer = await add_person(app, Role.MEDIATOR, team=world.team_a, name="Bế Văn Giảng", sex="male")
    await write(app.db, "UPDATE people SET is_trainer = 1 WHERE id = ?", (trainer.id,))
    officer = world.chat("officer")
    assert "Tạo lớp mới" in await officer("/lophoc")
    assert "Tên lớp" in await officer("Tạo lớp mới")
    assert "Tên lớp cần" in await officer("Lớp")
    await officer("Tập huấn Luật Hòa giải ở cơ sở")
    await officer("Hội trường UBND xã Tân Đoàn")
    assert "Chưa đọc được ngày" in await officer("ngày mai nhé")
    await officer("20/03/2026")
    topics = await officer("như trên")
    assert "1. Luật Hòa giải" in topics
    assert "Hãy gõ các số trong danh sách" in await officer("99")
    trainers = await officer("1")
    assert "Bế Văn Giảng" in trainers
    await officer("1")
    await officer("Tất cả hòa giải viên")
    confirm = await officer("Không")
    assert "20/03/2026" in confirm and "Bế Văn Giảng" in confirm
    menu = await officer("Lưu và gửi thư mời")
    assert "Đã lưu lớp" in menu and "gửi thư mời đến 5 người" in menu
    invitation = [r for _, kind, r in await outbox_for(app, world.med.id) if kind == "broadcast"]
    assert "Tập huấn Luật Hòa giải ở cơ sở" in invitation[0].text

    assert "Chưa có buổi nào đang điểm danh" in await officer("Đánh dấu người có mặt")
    opened = await officer("Mở điểm danh buổi hôm nay")
    code = next(line.split(": ")[1] for line in opened.splitlines() if line.startswith("Mã điểm danh"))

    med = world.chat("med")
    await med("/diemdanh")
    assert "✅ Đã điểm danh" in await med(code)

    ticking = await officer("Đánh dấu người có mặt")
    assert "✔️ Hoàng Thị Lan" in ticking
    assert "Đã ghi có mặt 2 người (1 người đã có tên từ trước)" in await officer("1, 2, 3")

    app.clock.advance(hours=5)  # type: ignore[attr-defined]
    # After hours away the engine asks whether to go on; the course menu comes back.
    assert "Tiếp tục hay hủy" in await officer("Ghi bổ sung (sau buổi học)")
    assert "Bạn muốn làm gì" in await officer("Tiếp tục")
    fix = await officer("Ghi bổ sung (sau buổi học)")
    assert "Ghi bổ sung cho buổi" in fix
    names = [line for line in fix.splitlines() if line[:1].isdigit()]
    absent = next(line.split(". ", 1)[0] for line in names if "Triệu Thị Hoa" in line)
    await officer(absent)
    assert "cần có lý do" in await officer("ok")
    assert "Đã ghi bổ sung Triệu Thị Hoa" in await officer("Quên điểm danh, có ký sổ")

    listed = await officer("Danh sách điểm danh (Excel)")
    assert "Có mặt ít nhất một buổi: 4" in listed
    assert any(r.attachment is not None and r.attachment.filename.endswith(".xlsx") for r in officer.replies)
    assert await count(app, "SELECT COUNT(*) FROM training_attendance") == 4
    # The sheet names invitees and attendees: the export is in the access audit, and an attendee
    # asking "who saw my data?" finds it.
    [course_id] = [r[0] for r in await app.db.fetchall("SELECT id FROM training_courses")]
    audit = await app.db.fetchall("SELECT actor_id, action, scope FROM access_audit")
    assert [tuple(r) for r in audit] == [(world.officer.id, "training_list", f"course:{course_id}")]
    [entry] = await privacy.list_audit(app.db, subject_id=world.med.id)
    assert (entry.actor, entry.scope) == ("Lương Thị Hạnh", f"course:{course_id}")


async def test_mediators_cannot_open_the_course_flow(world: World) -> None:
    assert "không dành cho tài khoản của bạn" in await world.chat("med")("/lophoc")
