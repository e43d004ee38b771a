"""Answers to training invitations (buttons and typed words) and the announcements opt-out,
handled before any flow by :func:`bot.flows.rsvp.preflight`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.broadcasts import Audience, Group, RsvpAnswer
from bot.runtime import App
from bot.services import broadcasts
from bot.services.broadcasts import Draft, Queued
from bot.services.reminders import Rule
from bot.storage.db import iso
from bot.texts import broadcast as tb
from tests.broadcast.helpers import ALL_MEDIATORS, mark_sent, send, statuses
from tests.flows.support import TAN_DOAN, Chat, Clock, World
from tests.reminders.helpers import only, queued, record_case, run

INVITATION = Draft(
    "Mời dự lớp bồi dưỡng kỹ năng hòa giải ngày 20/3/2026",
    Audience(frozenset({Group.MEDIATORS}), communes=(TAN_DOAN,)),
    training=True,
)


async def _answers(app: App, broadcast_id: int) -> dict[int, str]:
    rows = await app.db.fetchall(
        "SELECT person_id, answer FROM training_rsvp WHERE broadcast_id = ? ORDER BY person_id",
        (broadcast_id,),
    )
    return {row["person_id"]: row["answer"] for row in rows}


async def _invite(world: World) -> Queued:
    return await send(world.app, world.officer, INVITATION)


async def test_rsvp_buttons_are_stored(world: World) -> None:
    invitation = await _invite(world)
    med = world.chat("med")
    assert await med.press(f"go:rsvp:{invitation.id}:yes") == tb.RSVP_SAVED[RsvpAnswer.YES]
    # "Received" after a firm answer does not erase it.
    assert await med.press(f"go:rsvp:{invitation.id}:ack") == tb.RSVP_KEPT.format(answer="✅ Sẽ tham dự")
    assert await med.press(f"go:rsvp:{invitation.id}:no") == tb.RSVP_SAVED[RsvpAnswer.NO]
    assert await world.chat("leader").press(f"go:rsvp:{invitation.id}:ack") == tb.RSVP_SAVED[RsvpAnswer.ACK]
    assert await _answers(world.app, invitation.id) == {world.leader.id: "ack", world.med.id: "no"}


async def test_rsvp_button_from_someone_not_invited_is_refused(world: World) -> None:
    invitation = await _invite(world)
    assert await world.chat("officer2").press(f"go:rsvp:{invitation.id}:yes") == tb.RSVP_STALE
    med = world.chat("med")  # one chat: its button presses get distinct message ids
    assert await med.press("go:rsvp:999:yes") == tb.RSVP_STALE
    ordinary = await send(
        world.app, world.province, Draft("Thông báo thường, không phải thư mời", ALL_MEDIATORS)
    )
    assert await med.press(f"go:rsvp:{ordinary.id}:yes") == tb.RSVP_STALE
    assert await _answers(world.app, invitation.id) == {}


async def test_typed_answers_right_after_a_delivered_invitation(world: World, clock: Clock) -> None:
    app = world.app
    invitation = await _invite(world)
    await mark_sent(app, invitation.id, [world.med2.id])
    assert await world.chat("med2")("Không tham dự!") == tb.RSVP_SAVED[RsvpAnswer.NO]
    assert await world.chat("med2")("se tham du") == tb.RSVP_SAVED[RsvpAnswer.YES]
    # Not delivered to med_b yet: the words are not an answer to anything, the bot carries on.
    reply = await world.chat("med_b")("đã nhận")
    assert reply not in tb.RSVP_SAVED.values()
    assert await _answers(app, invitation.id) == {world.med2.id: "yes"}

    # A week later the words no longer refer to that invitation.
    await mark_sent(app, invitation.id, [world.med_b.id])
    clock.advance(days=8)
    assert await world.chat("med_b")("đã nhận") not in tb.RSVP_SAVED.values()
    assert world.med_b.id not in await _answers(app, invitation.id)


async def test_typed_answer_goes_to_the_latest_invitation(world: World, clock: Clock) -> None:
    app = world.app
    first = await _invite(world)
    await mark_sent(app, first.id, [world.med.id])
    clock.advance(hours=1)
    second = await send(app, world.officer, INVITATION)
    await mark_sent(app, second.id, [world.med.id])
    assert await world.chat("med")("📩 Đã nhận") == tb.RSVP_SAVED[RsvpAnswer.ACK]
    assert await _answers(app, second.id) == {world.med.id: "ack"}
    assert await _answers(app, first.id) == {}


async def test_opt_out_stops_announcements_but_not_reminders(world: World, clock: Clock) -> None:
    app = world.app
    pending = await send(app, world.province, Draft("Thông báo chung số 1 gửi toàn tỉnh", ALL_MEDIATORS))
    med = world.chat("med")
    assert await med("Tắt thông báo") == tb.OPTED_OUT
    assert await med("tat thong bao") == tb.OPTED_OUT_ALREADY
    flag = await app.db.fetchone("SELECT announcements_opt_out FROM people WHERE id = ?", (world.med.id,))
    assert flag is not None and flag["announcements_opt_out"] == 1
    # Already queued announcements to them are withdrawn; others keep theirs.
    assert (await statuses(app, pending.id))[world.med.id] == "cancelled"
    assert (await statuses(app, pending.id))[world.med2.id] == "pending"
    # New announcements skip them …
    later = await send(app, world.province, Draft("Thông báo chung số 2 gửi toàn tỉnh", ALL_MEDIATORS))
    assert world.med.id not in await statuses(app, later.id)
    # … but reminders about their own cases still come.
    await record_case(app, world.med, received=date(2026, 3, 9))
    clock.advance(days=8)
    await run(app, only(Rule.STALE_CASE))
    assert len(await queued(app, world.med, "rem:stale:")) == 1

    assert await med("Bật thông báo") == tb.OPTED_IN
    assert await med("bat thong bao") == tb.OPTED_IN_ALREADY
    again = await send(app, world.province, Draft("Thông báo chung số 3 gửi toàn tỉnh", ALL_MEDIATORS))
    assert world.med.id in await statuses(app, again.id)


async def test_opt_out_words_work_in_the_middle_of_a_flow(world: World) -> None:
    med = world.chat("med")
    await med("/baocao")
    session_before = await med.app.db.fetchone("SELECT flow, step FROM sessions WHERE chat_id = 'med'")
    assert await med("huy dang ky nhan tin") == tb.OPTED_OUT
    session_after = await med.app.db.fetchone("SELECT flow, step FROM sessions WHERE chat_id = 'med'")
    assert session_after is not None
    assert session_before is not None and session_before["flow"] == "report"
    assert tuple(session_after) == tuple(session_before)


async def test_opt_out_before_registering(world: World) -> None:
    assert await Chat(world.app, "stranger")("tắt thông báo") == tb.OPT_NEEDS_REGISTRATION


async def test_delivered_invitation_lookup_uses_the_sent_time(world: World, clock: Clock) -> None:
    app = world.app
    invitation = await _invite(world)
    async with app.db.transaction() as tx:
        await tx.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ? WHERE broadcast_id = ? AND person_id = ?",
            (iso(clock.now - timedelta(days=6, hours=23)), invitation.id, world.leader.id),
        )
    assert await world.chat("leader")("sẽ tham dự") == tb.RSVP_SAVED[RsvpAnswer.YES]


async def test_the_organiser_sees_who_answered_and_the_history_is_not_a_dead_end(world: World) -> None:
    invitation = await _invite(world)
    await world.chat("med").press(f"go:rsvp:{invitation.id}:yes")
    await world.chat("leader").press(f"go:rsvp:{invitation.id}:no")
    officer = world.chat("officer")
    await officer("/thongbao")
    reply = await officer("Lịch sử thông báo")
    assert (
        tb.RSVP_NAMES.format(label=tb.RSVP_LABELS[RsvpAnswer.YES], n=1, names=world.med.shown_name) in reply
    )
    assert (
        tb.RSVP_NAMES.format(label=tb.RSVP_LABELS[RsvpAnswer.NO], n=1, names=world.leader.shown_name) in reply
    )
    assert reply.rstrip().endswith(tb.HISTORY_DONE)
    # A typed number answers the history's own question (here "new announcement"), not the law search.
    assert (await officer("1")).startswith(tb.ASK_TEXT[:30])
    with pytest.raises(PermissionError):
        async with world.app.db.transaction() as tx:
            await broadcasts.rsvp_names(tx, world.officer2, invitation.id)
