"""Flagging trainers in ``/lophoc``: find by name or phone, add, remove, within one's scope; the
flag feeds course trainers and the trainer indicator."""

from __future__ import annotations

import pytest

from bot.domain.enums import Role
from bot.services import trainers
from bot.storage import training as repo
from tests.flows.support import KHANH_KHE, TAN_DOAN, World, add_person


async def test_officer_adds_and_removes_a_trainer_in_the_chat(world: World) -> None:
    app = world.app
    officer = world.chat("officer")
    await officer("/lophoc")
    listed = await officer("Giảng viên, báo cáo viên")
    assert "trong phạm vi bạn quản lý (0)" in listed and "(chưa có ai)" in listed
    assert "Bỏ khỏi danh sách" not in listed
    assert "Gõ họ tên" in await officer("Thêm giảng viên")
    assert "Không tìm thấy ai tên «Lành»" in await officer("Lành")
    assert "Không tìm thấy ai tên «Vi Thị Nga»" in await officer("Vi Thị Nga")  # another commune
    picked = await officer("hoang lan")
    assert "Hoàng Thị Lan — Hòa giải viên" in picked
    added = await officer("1")
    assert "✅ Đã ghi nhận Hoàng Thị Lan là giảng viên" in added and "• Hoàng Thị Lan" in added
    async with app.db.transaction() as tx:
        counts = await repo.training_counts(tx, TAN_DOAN)
    assert counts.trainers == 1 and counts.trainers_trained == 0

    # The course conversation now offers her as a trainer.
    await officer("Về danh sách lớp")
    await officer("Tạo lớp mới")
    for line in ("Tập huấn kỹ năng", "Hội trường UBND xã", "20/03/2026", "như trên"):
        await officer(line)
    assert "1. Hoàng Thị Lan" in await officer("1")
    await officer("hủy")

    await officer("/lophoc")
    await officer("Giảng viên, báo cáo viên")
    await officer("Bỏ khỏi danh sách")
    removed = await officer("Hoàng Thị Lan")
    assert "Đã bỏ Hoàng Thị Lan khỏi danh sách giảng viên" in removed and "(0)" in removed


async def test_phone_search_and_already_flagged(world: World) -> None:
    officer = world.chat("officer")
    assert world.med2.phone is not None
    local = "0" + world.med2.phone.removeprefix("+84")
    await officer("/lophoc")
    await officer("Giảng viên, báo cáo viên")
    await officer("Thêm giảng viên")
    assert "Lăng Văn Tài" in await officer(local)
    await officer("1")
    await officer("Thêm giảng viên")
    await officer(local)
    assert "Lăng Văn Tài đã có trong danh sách giảng viên" in await officer("1")


async def test_scope_is_checked_in_the_service(world: World) -> None:
    app = world.app
    far = await add_person(app, Role.MEDIATOR, commune=KHANH_KHE, name="Hoàng Thị Lan")
    async with app.db.transaction() as tx:
        assert [p.id for p in await trainers.find(tx, world.officer, "Hoàng Thị Lan")] == [world.med.id]
        found = await trainers.find(tx, world.province, "Hoàng Thị Lan")
        assert {p.id for p in found} == {world.med.id, far.id}
        with pytest.raises(PermissionError):
            await trainers.set_trainer(tx, world.officer, far.id, True, app.clock())
        with pytest.raises(PermissionError):
            await trainers.set_trainer(tx, world.med, world.med2.id, True, app.clock())
        with pytest.raises(PermissionError):
            await trainers.find(tx, world.med, "Lan")
        _, changed = await trainers.set_trainer(tx, world.province, far.id, True, app.clock())
        assert changed
        assert await trainers.listed(tx, world.officer) == []
        assert await trainers.listed(tx, world.province) == [(far.id, "Hoàng Thị Lan")]


def test_name_matching_is_by_whole_words() -> None:
    assert trainers.matches("Hoàng Lan", "Hoàng Thị Lan")
    assert trainers.matches("hoang thi lan", "Hoàng Thị Lan")
    assert not trainers.matches("Lan", "Vi Thị Lành")
    assert not trainers.matches("  ", "Hoàng Thị Lan")
