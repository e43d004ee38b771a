"""Queuing, scope, cancelling and progress of announcements (the service, without the conversation)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.conversation.messages import Attachment, Channel, FileRef, Reply
from bot.domain.broadcasts import MAX_MESSAGE_CHARS, Audience, Group
from bot.domain.enums import Role
from bot.services import broadcasts
from bot.services.broadcasts import BroadcastError, Draft
from bot.storage import broadcasts as repo
from bot.storage import outbox
from bot.texts import broadcast as tb
from bot.texts import outbox as to
from tests.broadcast.helpers import ALL_MEDIATORS, mark_sent, notices_to, send, statuses
from tests.flows.support import KHANH_KHE, TAN_DOAN, Clock, World, add_person, count

TAN_DOAN_MEDIATORS = Audience(frozenset({Group.MEDIATORS}), communes=(TAN_DOAN,))


async def test_queues_one_row_per_reachable_chat_in_one_go(world: World) -> None:
    app = world.app
    await add_person(app, Role.MEDIATOR, team=world.team_b, name="Không Có Chat")
    queued = await send(
        app, world.province, Draft("Mời dự hội nghị tổng kết công tác hòa giải", ALL_MEDIATORS)
    )
    assert (queued.count.people, queued.count.unreachable, queued.count.messages) == (5, 1, 4)
    rows = await app.db.fetchall(
        "SELECT dedupe_key, kind, person_id, channel, chat_id, urgent, payload FROM outbox "
        "WHERE broadcast_id = ? ORDER BY person_id",
        (queued.id,),
    )
    assert [r["dedupe_key"] for r in rows] == [
        f"bc:{queued.id}:{p.id}:console" for p in (world.leader, world.med, world.med2, world.med_b)
    ]
    assert {(r["kind"], r["channel"], r["urgent"]) for r in rows} == {("broadcast", "console", 0)}
    reply = outbox.decode_reply(rows[0]["payload"])
    assert reply.text == "\n\n".join(
        [tb.HEADER_PROVINCE, "Mời dự hội nghị tổng kết công tác hòa giải", tb.OPT_OUT_HINT]
    )
    assert reply.choices == []
    stored = await app.db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (queued.id,))
    assert stored is not None
    assert (stored["recipients"], stored["unreachable"], stored["scope_commune"]) == (5, 1, None)
    assert stored["created_by"] == world.province.id


async def test_training_invitation_carries_rsvp_buttons_and_a_link(world: World) -> None:
    draft = Draft(
        "Tập huấn kỹ năng hòa giải ngày 20/3 tại hội trường UBND xã",
        TAN_DOAN_MEDIATORS,
        link="https://stp.langson.gov.vn/tap-huan.pdf",
        training=True,
    )
    queued = await send(world.app, world.officer, draft)
    row = await world.app.db.fetchone(
        "SELECT payload FROM outbox WHERE broadcast_id = ? LIMIT 1", (queued.id,)
    )
    assert row is not None
    reply = outbox.decode_reply(row["payload"])
    assert reply.text.startswith("📢 THÔNG BÁO CỦA UBND XÃ TÂN ĐOÀN\n\nTập huấn")
    assert "📎 Tài liệu: https://stp.langson.gov.vn/tap-huan.pdf" in reply.text
    assert tb.RSVP_HINT in reply.text
    assert [(c.label, c.value) for c in reply.choices] == [
        ("✅ Sẽ tham dự", f"go:rsvp:{queued.id}:yes"),
        ("❌ Không tham dự", f"go:rsvp:{queued.id}:no"),
        ("📩 Đã nhận", f"go:rsvp:{queued.id}:ack"),
    ]
    assert all(len(c.value.encode()) <= 64 for c in reply.choices)  # Telegram's callback data limit


async def test_a_commune_officer_cannot_broadcast_outside_their_commune(world: World) -> None:
    app = world.app
    for audience in (
        ALL_MEDIATORS,
        Audience(frozenset({Group.MEDIATORS}), communes=(KHANH_KHE,)),
        Audience(frozenset({Group.OFFICERS}), pilot=True, communes=(TAN_DOAN,)),
    ):
        with pytest.raises(PermissionError):
            await send(app, world.officer, Draft("Thông báo họp tổ hòa giải", audience))
    assert await count(app, "SELECT COUNT(*) FROM broadcasts") == 0
    assert await count(app, "SELECT COUNT(*) FROM outbox") == 0
    queued = await send(app, world.officer, Draft("Thông báo họp tổ hòa giải", TAN_DOAN_MEDIATORS))
    assert queued.count.people == 4
    stored = await app.db.fetchone("SELECT scope_commune FROM broadcasts WHERE id = ?", (queued.id,))
    assert stored is not None and stored["scope_commune"] == TAN_DOAN


async def test_mediators_cannot_broadcast_and_only_admins_send_urgent(world: World) -> None:
    app = world.app
    with pytest.raises(PermissionError):
        await send(app, world.leader, Draft("Họp tổ tối nay", TAN_DOAN_MEDIATORS))
    with pytest.raises(PermissionError):
        await send(app, world.province, Draft("Khẩn: mưa lũ", ALL_MEDIATORS, urgent=True))
    admin = await add_person(app, Role.ADMIN, commune=None, name="Quản Trị Viên", user="admin")
    queued = await send(app, admin, Draft("Khẩn: mưa lũ", ALL_MEDIATORS, urgent=True))
    assert (
        await count(app, "SELECT COUNT(*) FROM outbox WHERE broadcast_id = ? AND urgent = 1", queued.id) == 4
    )


async def test_scheduled_broadcast_waits_for_its_time(world: World, clock: Clock) -> None:
    at = clock.now + timedelta(days=1)
    queued = await send(world.app, world.province, Draft("Nhắc lịch họp giao ban", ALL_MEDIATORS, send_at=at))
    assert queued.send_at == at
    rows = await world.app.db.fetchall(
        "SELECT next_attempt_at FROM outbox WHERE broadcast_id = ?", (queued.id,)
    )
    assert {row["next_attempt_at"] for row in rows} == {at.isoformat(timespec="microseconds")}
    # A time already past when confirmed simply sends now.
    late = await send(world.app, world.province, Draft("Nhắc lại", ALL_MEDIATORS, send_at=clock.now))
    assert late.send_at is None


async def test_refuses_too_long_text_and_an_audience_nobody_can_receive(world: World) -> None:
    app = world.app
    with pytest.raises(BroadcastError) as too_long:
        await send(app, world.province, Draft("x" * MAX_MESSAGE_CHARS, ALL_MEDIATORS))
    assert "quá giới hạn 2000 ký tự" in too_long.value.message
    with pytest.raises(BroadcastError) as nobody:
        await send(app, world.province, Draft("Mời giảng viên họp", Audience(frozenset({Group.TRAINERS}))))
    assert nobody.value.message == tb.NOBODY


async def test_the_line_about_the_file_must_fit_too(world: World) -> None:
    app = world.app
    fits = "x" * (MAX_MESSAGE_CHARS - len(broadcasts.render(tb.HEADER_PROVINCE, "", None, False)))
    ref = FileRef(Channel.TELEGRAM, "BQACAgUAAxkBAAIBd2Z7pdf")
    attachment = Attachment("tap-huan.pdf", "application/pdf", ref=ref)
    with pytest.raises(BroadcastError) as too_long:
        await send(app, world.province, Draft(fits, ALL_MEDIATORS, attachment=attachment))
    line = tb.FILE_ELSEWHERE.format(name="tap-huan.pdf", channel="Telegram")
    assert too_long.value.message.startswith(f"Thông báo dài {MAX_MESSAGE_CHARS + len(line) + 2} ký tự")
    assert await count(app, "SELECT COUNT(*) FROM broadcasts") == 0
    queued = await send(app, world.province, Draft(fits, ALL_MEDIATORS))
    assert queued.count.messages == 4


async def test_a_file_reaches_only_its_own_channel_by_reference(world: World) -> None:
    """The world's mediators are on the console: a Telegram file id means nothing there."""
    ref = FileRef(Channel.TELEGRAM, "AgACAgUAAxkBAAIBeGZx", photo=True)
    draft = Draft(
        "Lịch tập huấn tháng 4", ALL_MEDIATORS, attachment=Attachment("ảnh.jpg", "image/jpeg", ref=ref)
    )
    queued = await send(world.app, world.province, draft)
    rows = await world.app.db.fetchall("SELECT payload FROM outbox WHERE broadcast_id = ?", (queued.id,))
    line = tb.FILE_ELSEWHERE.format(name="ảnh.jpg", channel="Telegram")
    expected = "\n\n".join([tb.HEADER_PROVINCE, "Lịch tập huấn tháng 4", line, tb.OPT_OUT_HINT])
    assert [outbox.decode_reply(row["payload"]) for row in rows] == [Reply(expected)] * 4
    stored = await repo.get(world.app.db.reader, queued.id)
    assert stored is not None and stored.attachment == draft.attachment


async def test_opted_out_people_are_skipped(world: World) -> None:
    app = world.app
    async with app.db.transaction() as tx:
        assert await broadcasts.set_announcements(tx, world.med2, False, app.clock())
    queued = await send(app, world.province, Draft("Thông báo chung toàn tỉnh", ALL_MEDIATORS))
    assert world.med2.id not in await statuses(app, queued.id)
    assert queued.count.opted_out == 1


async def test_cancel_mid_way_keeps_sent_rows_and_cancels_pending_ones(world: World) -> None:
    app = world.app
    queued = await send(app, world.officer, Draft("Thông báo họp tổ hòa giải", TAN_DOAN_MEDIATORS))
    await mark_sent(app, queued.id, [world.leader.id, world.med.id])
    async with app.db.transaction() as tx:
        # One row is with the platform right now: it ends as its send ends.
        await tx.execute(
            "UPDATE outbox SET status = 'sending' WHERE broadcast_id = ? AND person_id = ?",
            (queued.id, world.med2.id),
        )
        with pytest.raises(PermissionError):
            await broadcasts.cancel(tx, world.officer2, queued.id, app.clock())  # another commune's officer
    async with app.db.transaction() as tx:
        assert await broadcasts.cancel(tx, world.officer, queued.id, app.clock()) == 1
    assert await statuses(app, queued.id) == {
        world.leader.id: "sent",
        world.med.id: "sent",
        world.med2.id: "sending",
        world.med_b.id: "cancelled",
    }
    stored = await app.db.fetchone("SELECT cancelled_at FROM broadcasts WHERE id = ?", (queued.id,))
    assert stored is not None and stored["cancelled_at"] is not None
    async with app.db.transaction() as tx:  # the province may cancel any; nothing is left to cancel
        assert await broadcasts.cancel(tx, world.province, queued.id, app.clock()) == 0


async def test_progress_notices_at_each_ten_percent_step_and_at_the_end(world: World) -> None:
    app = world.app
    people = [
        await add_person(app, Role.MEDIATOR, team=world.team_b, name=f"Hòa Giải Viên {i}", user=f"hgv{i}")
        for i in range(16)
    ]
    queued = await send(app, world.province, Draft("Thông báo kế hoạch năm", ALL_MEDIATORS, training=True))
    ids = [p.id for p in (world.leader, world.med, world.med2, world.med_b, *people)]
    assert await broadcasts.report_progress(app.db, app.clock()) == 0  # nothing sent yet

    await mark_sent(app, queued.id, ids[:2])  # 10%
    assert await broadcasts.report_progress(app.db, app.clock()) == 1
    assert await broadcasts.report_progress(app.db, app.clock()) == 0  # the same step once
    await mark_sent(app, queued.id, ids[2:7])  # 35%: steps 20 and 30 passed, 30 is reported
    assert await broadcasts.report_progress(app.db, app.clock()) == 1
    async with app.db.transaction() as tx:
        await repo.record_rsvp(tx, queued.id, world.med.id, repo.RsvpAnswer.YES, app.clock())
        await tx.execute(
            "UPDATE outbox SET status = 'blocked' WHERE broadcast_id = ? AND person_id = ?",
            (queued.id, ids[7]),
        )
        await tx.execute(
            "UPDATE outbox SET status = 'failed' WHERE broadcast_id = ? AND person_id = ?",
            (queued.id, ids[8]),
        )
    await mark_sent(app, queued.id, ids[9:])
    assert await broadcasts.report_progress(app.db, app.clock()) == 1
    assert await broadcasts.report_progress(app.db, app.clock()) == 0  # finished: no longer followed

    notices = await notices_to(app, world.province, f"bc-progress:{queued.id}:")
    keys = await app.db.fetchall(
        "SELECT dedupe_key FROM outbox WHERE person_id = ? AND kind = 'notice' ORDER BY id",
        (world.province.id,),
    )
    assert [k["dedupe_key"] for k in keys] == [
        f"bc-progress:{queued.id}:10:console",
        f"bc-progress:{queued.id}:30:console",
        f"bc-progress:{queued.id}:end:console",
    ]
    assert to.progress(outbox.OutboxCounts(sent=2, pending=18)) in notices[0].text
    final = notices[-1].text
    assert final.startswith(f"📣 Thông báo #{queued.id} «Thông báo kế hoạch năm»: Đã gửi 18/20 tin")
    assert "1 người đã chặn Trợ lý" in final and "1 tin gửi không thành công" in final
    assert "Đã gửi xong." in final
    assert tb.PROGRESS_RSVP.format(yes=1, no=0, ack=0) in final


async def test_a_cancelled_broadcast_gets_its_final_report(world: World) -> None:
    app = world.app
    queued = await send(app, world.officer, Draft("Thông báo họp tổ hòa giải", TAN_DOAN_MEDIATORS))
    await mark_sent(app, queued.id, [world.leader.id])
    async with app.db.transaction() as tx:
        await broadcasts.cancel(tx, world.officer, queued.id, app.clock())
    assert await broadcasts.report_progress(app.db, app.clock()) == 1
    (final,) = await notices_to(app, world.officer, f"bc-progress:{queued.id}:")
    assert "Đã gửi 1/4 tin" in final.text and "3 tin đã hủy" in final.text
