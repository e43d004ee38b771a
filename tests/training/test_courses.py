"""Courses, invitations, check-in by code, ticking, late corrections, lists and indicators."""

from __future__ import annotations

import io
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.domain.broadcasts import Audience, Group
from bot.domain.enums import Role
from bot.domain.people import Person
from bot.reports.training_xlsx import attendance_workbook
from bot.services import training
from bot.storage import reminders as reminders_repo
from bot.storage import training as repo
from bot.storage.training import SessionRow
from bot.texts import training as tt
from tests.flows.support import KHANH_KHE, TAN_DOAN, World, add_person, count, outbox_for, reload

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TOPICS = {"luat-hoa-giai": "Luật Hòa giải ở cơ sở", "ky-nang": "Kỹ năng hòa giải"}


def _draft(**changes: object) -> training.CourseDraft:
    values: dict[str, object] = {
        "title": "Tập huấn hòa giải viên xã Tân Đoàn",
        "place": "Hội trường UBND xã",
        "starts_on": date(2026, 3, 10),
        "ends_on": date(2026, 3, 11),
        "topics": ("luat-hoa-giai",),
        "trainer_ids": (),
        "audience": Audience(frozenset({Group.MEDIATORS}), communes=(TAN_DOAN,)),
    }
    values.update(changes)
    return training.CourseDraft(**values)  # type: ignore[arg-type]


async def _course(world: World, officer: Person | None = None, **changes: object) -> training.Created:
    async with world.app.db.transaction() as tx:
        return await training.create_course(
            tx, officer or world.officer, _draft(**changes), TOPICS, world.app.clock()
        )


async def _session(world: World, course_id: int, officer: Person | None = None) -> SessionRow:
    async with world.app.db.transaction() as tx:
        return await training.open_session(tx, officer or world.officer, course_id, world.app.clock(), TZ)


async def _check_in(world: World, person: Person, code: str) -> training.CheckIn:
    async with world.app.db.transaction() as tx:
        return await training.check_in(tx, person, code, world.app.clock())


async def test_course_invitation_checkin_list_and_indicator(world: World) -> None:
    app = world.app
    async with app.db.transaction() as tx:
        before = await repo.training_counts(tx, TAN_DOAN)
    untrained = {
        r.id for r in await reminders_repo.untrained_recognised_by(app.db, TAN_DOAN, date(2026, 3, 1))
    }
    assert world.med.id in untrained

    created = await _course(world)
    # The invitation is a training broadcast (RSVP buttons) to the commune's four mediators.
    assert created.invited == 4
    invitation = [r for _, kind, r in await outbox_for(app, world.med.id) if kind == "broadcast"]
    assert "Tập huấn hòa giải viên xã Tân Đoàn" in invitation[0].text
    assert any(c.value.startswith("go:rsvp:") for c in invitation[0].choices)

    session = await _session(world, created.course_id)
    assert len(session.code) == 6 and session.code.isdigit()
    done = await _check_in(world, world.med, f" {session.code[:3]} {session.code[3:]} ")
    assert done.course.id == created.course_id
    await _check_in(world, world.med2, session.code)

    with pytest.raises(training.TrainingError) as twice:
        await _check_in(world, world.med, session.code)
    assert twice.value.message.startswith("Bạn đã được điểm danh")

    async with app.db.transaction() as tx:
        sheet = await training.sheet(tx, world.officer, created.course_id)
        after = await repo.training_counts(tx, TAN_DOAN)
    assert [r.full_name for r in sheet.rows] == ["Hoàng Thị Lan", "Lăng Văn Tài"]
    assert {r.method for r in sheet.rows} == {"code"}
    assert "Có mặt ít nhất một buổi: 2 (50%)" in training.summary_text(sheet)
    book = load_workbook(io.BytesIO(attendance_workbook(sheet))).active
    assert book is not None and book["G4"].value == "Ký tên"
    lines = [row for row in book.iter_rows(min_row=5, values_only=True)]
    assert len(lines) == 4  # every invitee has a line to sign, present or not
    assert [line[4] for line in lines].count("Tự điểm danh bằng mã") == 2
    assert after.trained_attendance == before.trained_attendance + 2
    assert (await reload(app, world.med.id)).trained_on == session.held_on
    untrained = {
        r.id for r in await reminders_repo.untrained_recognised_by(app.db, TAN_DOAN, date(2026, 3, 1))
    }
    assert world.med.id not in untrained and world.med_b.id in untrained


async def test_wrong_expired_and_early_codes_are_explained(world: World) -> None:
    created = await _course(world)
    session = await _session(world, created.course_id)
    with pytest.raises(training.TrainingError) as wrong:
        await _check_in(world, world.med, "12345x")
    assert "không đúng" in wrong.value.message
    world.app.clock.advance(hours=4)  # type: ignore[attr-defined]
    with pytest.raises(training.TrainingError) as late:
        await _check_in(world, world.med, session.code)
    assert "đã hết hạn" in late.value.message
    assert await count(world.app, "SELECT COUNT(*) FROM training_attendance") == 0


async def test_uninvited_refused_unless_course_admits_everyone(world: World) -> None:
    outsider = await add_person(world.app, Role.MEDIATOR, commune=KHANH_KHE, name="Hà Văn Khoa", sex="male")
    closed = await _course(world)
    session = await _session(world, closed.course_id)
    with pytest.raises(training.TrainingError) as refused:
        await _check_in(world, outsider, session.code)
    assert refused.value.message == tt.NOT_INVITED.format(title="Tập huấn hòa giải viên xã Tân Đoàn")

    opened = await _course(
        world, world.province, open_checkin=True, audience=Audience(frozenset({Group.MEDIATORS}))
    )
    open_session = await _session(world, opened.course_id, world.province)
    assert (await _check_in(world, outsider, open_session.code)).course.id == opened.course_id


async def test_tick_and_late_correction_with_reason(world: World) -> None:
    app = world.app
    created = await _course(world)
    session = await _session(world, created.course_id)
    async with app.db.transaction() as tx:
        assert await training.tick(
            tx, world.officer, session.id, [world.med.id, world.leader.id], app.clock()
        ) == (2, 0)
        assert await training.tick(tx, world.officer, session.id, [world.med.id], app.clock()) == (0, 1)
    notices = [r.text for _, kind, r in await outbox_for(app, world.leader.id) if kind == "notice"]
    assert any("ghi nhận có mặt" in text for text in notices)

    app.clock.advance(days=1)  # type: ignore[attr-defined]
    async with app.db.transaction() as tx:
        with pytest.raises(training.TrainingError) as no_reason:
            await training.correct(tx, world.officer, session.id, world.med_b.id, " ok ", app.clock())
        assert no_reason.value.message == tt.REASON_NEEDED
        assert await training.correct(
            tx, world.officer, session.id, world.med_b.id, "Quên điểm danh, có ký sổ", app.clock()
        )
        rows = await repo.attendance(tx, created.course_id)
    fixed = next(r for r in rows if r.person_id == world.med_b.id)
    assert (fixed.method, fixed.reason) == ("correction", "Quên điểm danh, có ký sổ")


async def test_scope_violations_are_refused(world: World) -> None:
    created = await _course(world)
    session = await _session(world, created.course_id)
    app = world.app
    async with app.db.transaction() as tx:
        for stranger in (world.officer2, world.med):
            with pytest.raises(PermissionError):
                await training.sheet(tx, stranger, created.course_id)
            with pytest.raises(PermissionError):
                await training.open_session(tx, stranger, created.course_id, app.clock(), TZ)
            with pytest.raises(PermissionError):
                await training.tick(tx, stranger, session.id, [world.med.id], app.clock())
        with pytest.raises(PermissionError):
            await training.create_course(tx, world.med, _draft(), TOPICS, app.clock())
        # A commune officer cannot invite another commune's people.
        with pytest.raises(PermissionError):
            await training.create_course(
                tx,
                world.officer,
                _draft(audience=Audience(frozenset({Group.MEDIATORS}), communes=(KHANH_KHE,))),
                TOPICS,
                app.clock(),
            )
        assert [c.id for c in await training.my_courses(tx, world.officer2)] == []
        assert [c.id for c in await training.my_courses(tx, world.province)] == [created.course_id]


async def test_course_fields_are_validated(world: World) -> None:
    cases = [
        ({"topics": ("khong-co",)}, tt.UNKNOWN_TOPIC.format(topic="khong-co")),
        ({"ends_on": date(2026, 3, 9)}, tt.BAD_DATES),
        ({"title": "Lớp"}, tt.TITLE_LENGTH),
        ({"trainer_ids": (world.med.id,)}, tt.NOT_A_TRAINER.format(name=world.med.full_name)),
    ]
    for changes, message in cases:
        with pytest.raises(training.TrainingError) as bad:
            await _course(world, **changes)
        assert bad.value.message == message
    assert await count(world.app, "SELECT COUNT(*) FROM training_courses") == 0


async def test_history_shows_attendance_or_the_imported_date(world: World) -> None:
    created = await _course(world)
    session = await _session(world, created.course_id)
    await _check_in(world, world.med, session.code)
    me = await reload(world.app, world.med.id)
    async with world.app.db.transaction() as tx:
        mine = await training.history_text(tx, me)
        await tx.execute(
            "UPDATE people SET trained_on = '2024-06-01', trained_source = 'import' WHERE id = ?",
            (world.med_b.id,),
        )
    other = await reload(world.app, world.med_b.id)
    async with world.app.db.transaction() as tx:
        imported = await training.history_text(tx, other)
        counts = await repo.training_counts(tx, TAN_DOAN)
    assert "Tập huấn hòa giải viên xã Tân Đoàn" in mine
    assert imported == tt.HISTORY_IMPORTED.format(day="01/06/2024")
    assert (counts.trained_attendance, counts.trained_import) == (1, 1)


async def test_indicators_separate_training_from_self_study_and_respect_scope(world: World) -> None:
    created = await _course(world)
    session = await _session(world, created.course_id)
    await _check_in(world, world.med, session.code)
    app = world.app
    async with app.db.transaction() as tx:
        await repo.complete_lesson(tx, world.med2.id, "luat-hoa-giai-01", 3, 3, app.clock())
        await repo.set_weekly(tx, world.med_b.id, True, app.clock())
        text = await training.indicators_text(tx, world.officer, TAN_DOAN)
        province = await training.indicators_text(tx, world.province, None)
        with pytest.raises(PermissionError):
            await training.indicators_text(tx, world.officer2, TAN_DOAN)
        with pytest.raises(PermissionError):
            await training.indicators_text(tx, world.officer, None)
    assert "1/4 hòa giải viên đã được tập huấn (25%)" in text
    assert "1 theo điểm danh, 0 theo danh sách nhập" in text
    assert "Tự học (ghi riêng, không tính là tập huấn): 1/4 hòa giải viên (25%)" in text
    assert "1 người nhận câu hỏi hằng tuần" in text
    assert "1/4 hòa giải viên" in province


async def test_profile_shows_training_history(world: World) -> None:
    created = await _course(world)
    session = await _session(world, created.course_id)
    await _check_in(world, world.med, session.code)
    profile = await world.chat("med")("/hoso")
    assert "Đã tham dự tập huấn" in profile and "Tập huấn hòa giải viên xã Tân Đoàn" in profile
