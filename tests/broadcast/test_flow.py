"""/thongbao end to end on the console: composing, audience toggles, preview, scheduling, urgency,
the home screen with cancel and history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.broadcasts import Audience, Group
from bot.domain.enums import Role
from bot.runtime import App
from bot.services.broadcasts import Draft
from bot.storage.db import iso
from bot.texts import broadcast as tb
from bot.texts import zalo as tz
from tests.broadcast.helpers import send, statuses
from tests.flows.support import TAN_DOAN, Chat, Clock, World, add_person, count
from tests.reminders.helpers import local

TEXT = "Mời các hòa giải viên dự tập huấn kỹ năng hòa giải ngày 20/3/2026 tại hội trường UBND xã."


@pytest.fixture
def app_with_flow(world: World) -> App:
    return world.app


async def test_province_officer_composes_for_a_commune_with_an_invitation(
    world: World, app_with_flow: App
) -> None:
    chat = world.chat("province")
    assert (await chat("/thongbao")).startswith(tb.ASK_TEXT.format(limit=2000, header=tb.HEADER_PROVINCE))
    assert (await chat(TEXT)).startswith(tb.ASK_FILE.format(limit=50))
    assert (await chat(tb.NO_FILE)).startswith(tb.ASK_LINK)
    reply = await chat(tb.NO_LINK)
    assert reply.startswith(tb.ASK_AUDIENCE)
    assert "1. ⬜ Tất cả hòa giải viên" in reply and tb.ADD_COMMUNE in reply and tb.PILOT in reply

    reply = await chat("1")
    assert "1. ☑️ Tất cả hòa giải viên" in reply
    assert tb.AUDIENCE_COUNT.format(people=4, unreachable=0) in reply
    assert "Phạm vi: toàn tỉnh" in reply
    assert (await chat("Thêm xã, phường")) == tb.ASK_COMMUNE
    assert "xã Tân Đoàn" in await chat("tan doan")
    reply = await chat("1")
    assert reply.startswith(tb.ASK_AUDIENCE) and "Phạm vi: xã Tân Đoàn" in reply
    assert tb.CLEAR_COMMUNES in reply

    assert (await chat("Tiếp tục")).startswith(tb.ASK_TRAINING)
    assert (await chat("Có")).startswith(tb.ASK_SCHEDULE.split("{")[0])
    reply = await chat("Gửi ngay")
    assert reply.startswith(tb.PREVIEW)
    preview = "\n\n".join([tb.HEADER_PROVINCE, TEXT, tb.RSVP_HINT, tb.OPT_OUT_HINT])
    assert f"{tb.RULE}\n{preview}\n{tb.RULE}" in reply
    # Everyone here uses the console: only its line, never Telegram's buttons or Zalo's words.
    labels = "✅ Sẽ tham dự · ❌ Không tham dự · 📩 Đã nhận"
    assert f"Trên kênh dòng lệnh: kèm các lựa chọn đánh số {labels}." in reply
    assert "Trên Telegram" not in reply and "Trên Zalo" not in reply
    assert "Người nhận: Tất cả hòa giải viên — xã Tân Đoàn" in reply
    assert "Số người nhận: 4; trong đó 0 người chưa kết nối Trợ lý" in reply
    assert tb.SUMMARY_WHEN_NOW in reply and tb.EDIT_LABELS["urgent"] not in reply

    reply = await chat("Gửi")
    assert reply == tb.QUEUED.format(id=1, reached=4, people=4, messages=4, missing="")
    assert (
        await count(world.app, "SELECT COUNT(*) FROM outbox WHERE broadcast_id = 1 AND kind = 'broadcast'")
        == 4
    )
    stored = await world.app.db.fetchone("SELECT text, training, audience FROM broadcasts WHERE id = 1")
    assert stored is not None and stored["text"] == TEXT and stored["training"] == 1


async def test_commune_officer_only_sees_their_commune(world: World, app_with_flow: App) -> None:
    chat = world.chat("officer")
    header = tb.HEADER_COMMUNE.format(commune="XÃ TÂN ĐOÀN")
    assert header in await chat("/thongbao")
    await chat("Họp tổ trưởng các tổ hòa giải sáng thứ Hai tuần sau.")
    await chat("1")  # no file
    reply = await chat("1")  # no link
    assert tb.ADD_COMMUNE not in reply and tb.PILOT not in reply
    assert "Phạm vi: xã Tân Đoàn" in reply
    assert tb.AUDIENCE_COUNT.format(people=1, unreachable=0) in await chat("Tổ trưởng tổ hòa giải")
    await chat.play(["Tiếp tục", "Không", "Gửi ngay"])
    assert (await chat("Gửi")).startswith(
        tb.QUEUED.format(id=1, reached=1, people=1, messages=1, missing="")[:20]
    )
    assert list(await statuses(world.app, 1)) == [world.leader.id]


async def test_admin_schedules_and_sends_urgent(world: World, app_with_flow: App, clock: Clock) -> None:
    await add_person(world.app, Role.ADMIN, commune=None, name="Quản Trị Viên", user="admin")
    chat = world.chat("admin")
    await chat.play(["/thongbao", TEXT, tb.NO_FILE, tb.NO_LINK, "1", "Tiếp tục", "Không"])
    assert (await chat("11/03/2026 08:00")).startswith(tb.ASK_URGENT.format(start="21:00", end="07:00"))
    reply = await chat("Không")
    assert tb.SUMMARY_WHEN.format(at="08:00 ngày 11/03/2026") in reply
    assert "giờ nghỉ" not in reply

    await chat("Sửa thời gian gửi")
    reply = await chat("11/3 22h30")  # quiet hours: the confirmation says when it will really go
    assert tb.SUMMARY_WHEN.format(at="22:30 ngày 11/03/2026") in reply
    assert tb.SUMMARY_QUIET.format(start="21:00", end="07:00", at="07:00 ngày 12/03/2026") in reply
    await chat("Sửa: gửi khẩn")
    reply = await chat("Có")
    assert tb.SUMMARY_URGENT in reply and "giờ nghỉ (" not in reply

    assert (await chat("Gửi")).startswith("🕒 Thông báo #1 sẽ được gửi lúc 22:30 ngày 11/03/2026")
    rows = await world.app.db.fetchall("SELECT urgent, next_attempt_at FROM outbox WHERE broadcast_id = 1")
    assert {(r["urgent"], r["next_attempt_at"]) for r in rows} == {(1, iso(local(2026, 3, 11, 22, 30)))}


async def test_bad_answers_are_explained(world: World, app_with_flow: App) -> None:
    chat = world.chat("province")
    await chat("/thongbao")
    assert (await chat("Họp")).startswith(tb.TEXT_TOO_SHORT)
    reply = await chat("x" * 2100)
    assert reply.startswith(f"{tb.TEXT_WHAT} dài 2") and "quá giới hạn 2000." in reply
    await chat(TEXT)
    assert (await chat("stp.langson.gov.vn")).startswith(tb.FILE_EXPECTED)  # the file step types nothing
    assert (await chat(tb.NO_FILE)).startswith(tb.ASK_LINK)
    assert (await chat("stp.langson.gov.vn")).startswith(tb.LINK_BAD)
    assert (await chat("https://stp.langson.gov.vn/a.pdf")).startswith(tb.ASK_AUDIENCE)
    assert (await chat("Tiếp tục")).startswith(tb.NEED_GROUP)
    await chat.play(["1", "Tiếp tục", "Không"])
    assert (await chat("mai nhé")).startswith(
        tb.SCHEDULE_BAD.format(text="mai nhé", example="11/03/2026 08:00")
    )
    assert (await chat("01/03/2026 08:00")).startswith("Thời gian 08:00 ngày 01/03/2026 đã qua.")
    assert (await chat("01/12/2026 08:00")).startswith(tb.SCHEDULE_TOO_FAR.format(days=60))
    assert (await chat("31/02/2026 08:00")).startswith(
        tb.SCHEDULE_BAD.format(text="31/02/2026 08:00", example="11/03/2026 08:00")
    )
    reply = await chat("Gửi ngay")
    assert "📎 Tài liệu: https://stp.langson.gov.vn/a.pdf" in reply


async def test_nobody_reachable_keeps_the_user_at_the_confirmation(world: World, app_with_flow: App) -> None:
    chat = world.chat("province")
    await chat.play(
        ["/thongbao", TEXT, tb.NO_FILE, tb.NO_LINK, "Giảng viên, báo cáo viên", "Tiếp tục", "Không"]
    )
    assert "Số người nhận: 0" in await chat("Gửi ngay")
    assert (await chat("Gửi")).startswith(tb.NOBODY)
    assert await count(world.app, "SELECT COUNT(*) FROM broadcasts") == 0


async def test_home_cancels_a_running_broadcast_and_shows_history(
    world: World, app_with_flow: App, clock: Clock
) -> None:
    app = world.app
    audience = Audience(frozenset({Group.MEDIATORS}), communes=(TAN_DOAN,))
    queued = await send(app, world.officer, Draft(TEXT, audience, send_at=clock.now + timedelta(hours=2)))
    chat = world.chat("officer")
    reply = await chat("/thongbao")
    assert reply.startswith(tb.HOME) and tb.HOME_RUNNING in reply
    assert (
        f"#{queued.id} «Mời các hòa giải viên dự tập huấn kỹ nă…» — Hẹn gửi lúc 12:00 ngày 10/03/2026."
        in reply
    )
    reply = await chat("2")
    assert reply.startswith(f"Hủy thông báo #{queued.id}")
    assert (await chat("Có")) == tb.CANCEL_DONE.format(id=queued.id, n=4)
    assert set((await statuses(app, queued.id)).values()) == {"cancelled"}

    reply = await chat("/thongbao")
    assert tb.HOME_RUNNING not in reply
    reply = await chat("Lịch sử thông báo")
    assert reply.startswith(tb.HISTORY_TITLE)
    assert f"#{queued.id} · 10:00 ngày 10/03/2026" in reply
    assert "Người nhận: Tất cả hòa giải viên — xã Tân Đoàn" in reply
    assert "Đã gửi 0/4 tin; 4 tin đã hủy." in reply and "Đã hủy lúc 10:00 ngày 10/03/2026." in reply
    # Another commune's officer sees none of it.
    assert (await world.chat("officer2")("/thongbao")).startswith(tb.ASK_TEXT[:30])


async def test_mediators_may_not_broadcast(world: World, app_with_flow: App) -> None:
    reply = await world.chat("med")("/thongbao")
    assert reply == "Chức năng này không dành cho tài khoản của bạn."


async def test_over_long_announcement_is_kept_and_can_be_cut(world: World, app_with_flow: App) -> None:
    chat = world.chat("officer")
    await chat("/thongbao")
    long = " ".join(["Mời các hòa giải viên dự tập huấn kỹ năng hòa giải."] * 60)
    reply = await chat(long)
    assert reply.startswith(tb.TEXT_WHAT)
    assert "1. ✂️ Dùng bản đã cắt" in reply
    assert (await chat("1")).startswith(tb.ASK_FILE.format(limit=50))
    session = await chat.session()
    assert session is not None
    kept = session.data["text"]
    # Cut at a word, to what fits beside the header.
    assert long.startswith(kept) and 1800 < len(kept) < 2000 and long[len(kept)] == " "


async def _move_to(app: App, person_id: int, channel: str) -> None:
    """The person's chat is on ``channel`` instead of the console."""
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE identities SET channel = ? WHERE person_id = ?", (channel, person_id))


async def _invitation_preview(chat: Chat, audience: str) -> str:
    await chat.play(["/thongbao", TEXT, tb.NO_FILE, tb.NO_LINK, audience, "Tiếp tục", "Có"])
    return await chat("Gửi ngay")


async def test_invitation_preview_says_what_each_channel_shows(world: World, app_with_flow: App) -> None:
    await _move_to(world.app, world.med.id, "zalo")
    await _move_to(world.app, world.med2.id, "telegram")
    reply = await _invitation_preview(world.chat("officer"), "Tất cả hòa giải viên")
    labels = " · ".join(tb.RSVP_LABELS.values())
    assert f"Trên Telegram: kèm các lựa chọn {labels}." in reply
    # Zalo has no buttons: its recipients read the typed-words line in place of the shared hint.
    assert f"Trên Zalo: không kèm lựa chọn; dòng hướng dẫn trả lời là: {tz.PHRASES[tb.RSVP_HINT]}" in reply
    assert f"Trên kênh dòng lệnh: kèm các lựa chọn đánh số {labels}." in reply
    assert "(kèm các lựa chọn:" not in reply


async def test_invitation_preview_names_only_the_channels_the_audience_uses(
    world: World, app_with_flow: App
) -> None:
    await _move_to(world.app, world.leader.id, "telegram")
    reply = await _invitation_preview(world.chat("officer"), "Tổ trưởng tổ hòa giải")
    assert "Trên Telegram: kèm các lựa chọn" in reply
    assert "Trên Zalo" not in reply and "Trên kênh dòng lệnh" not in reply
