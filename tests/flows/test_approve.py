"""Approving and rejecting registrations: the officer's conversation, the requester's notice, scope."""

from __future__ import annotations

from bot.domain.enums import PersonStatus, Role
from bot.domain.people import Person
from bot.texts import common as t
from bot.texts import register as tr
from tests.flows.support import TAN_DOAN, Chat, World, add_person, count, outbox_for, reload


async def _register(
    world: World, user: str, team_answer: str = "Thôn Nà Pàn", phone: str = "0912 000 777"
) -> Person:
    chat = Chat(world.app, user)
    await chat.play(
        ["/dangky", "Đồng ý", "1", "tan doan", "1", team_answer, "Nông Thị Hiền", "nu", "2", phone, "1"]
    )
    assert tr.SUBMITTED.split("(")[0] in chat.text
    row = await world.app.db.fetchone("SELECT person_id FROM identities WHERE external_id = ?", (user,))
    assert row is not None
    return await reload(world.app, int(row["person_id"]))


async def test_officer_approves_from_the_menu(world: World) -> None:
    pending = await _register(world, "newbie")
    officer = world.chat("officer")
    reply = await officer("menu")
    assert "✅ Duyệt đăng ký" in reply
    reply = await officer("duyet")
    assert reply.startswith(tr.PICK_PENDING.format(n=1))
    assert "1. Nông Thị Hiền — Hòa giải viên" in reply
    reply = await officer("1")
    assert "👤 Nông Thị Hiền" in reply and "Trạng thái: đang chờ duyệt" in reply
    reply = await officer("Duyệt")
    assert reply == tr.APPROVED_DONE.format(name="Nông Thị Hiền")

    approved = await reload(world.app, pending.id)
    assert approved.status == PersonStatus.ACTIVE
    row = await world.app.db.fetchone(
        "SELECT approved_by, status_reason FROM people WHERE id = ?", (pending.id,)
    )
    assert row is not None and (row["approved_by"], row["status_reason"]) == (world.officer.id, None)
    [(channel, kind, notice)] = await outbox_for(world.app, pending.id)
    assert (channel, kind, notice.text) == ("console", "notice", tr.YOU_ARE_APPROVED)
    # The approved mediator may now report.
    reply = await Chat(world.app, "newbie")("/baocao")
    assert reply.startswith("📋 Báo cáo vụ việc")
    # Nothing is left to approve.
    assert await officer("/duyet") == tr.NO_PENDING


async def test_officer_rejects_with_a_reason(world: World) -> None:
    pending = await _register(world, "newbie")
    officer = world.chat("officer")
    await officer.play(["/duyet", "1"])
    reply = await officer("Từ chối")
    assert reply == tr.ASK_REASON
    reply = await officer("no")
    assert reply.startswith(tr.REASON_BAD)
    reply = await officer("Không phải người của thôn Nà Pàn")
    assert reply == tr.REJECTED_DONE.format(name="Nông Thị Hiền")

    rejected = await reload(world.app, pending.id)
    assert rejected.status == PersonStatus.REJECTED
    row = await world.app.db.fetchone("SELECT status_reason FROM people WHERE id = ?", (pending.id,))
    assert row is not None and row["status_reason"] == "Không phải người của thôn Nà Pàn"
    [(_, kind, notice)] = await outbox_for(world.app, pending.id)
    assert kind == "notice"
    assert notice.text == tr.YOU_ARE_REJECTED.format(reason="Không phải người của thôn Nà Pàn")
    # A rejected person is not let in.
    assert await Chat(world.app, "newbie")("/baocao") == t.ACCOUNT_REJECTED


async def test_approving_a_mediator_of_a_new_thon_confirms_the_team(world: World) -> None:
    pending = await _register(world, "newbie", team_answer="Thôn Pò Mới")
    assert pending.team_id not in (world.team_a, world.team_b)
    team = await world.app.db.fetchone("SELECT confirmed FROM teams WHERE id = ?", (pending.team_id,))
    assert team is not None and team["confirmed"] == 0
    await world.chat("officer").play(["/duyet", "1", "1"])
    team = await world.app.db.fetchone("SELECT confirmed FROM teams WHERE id = ?", (pending.team_id,))
    assert team is not None and team["confirmed"] == 1


async def test_rejecting_the_only_mediator_of_a_new_thon_leaves_no_phantom_team(world: World) -> None:
    pending = await _register(world, "newbie", team_answer="Thôn Pò Mới")
    # While the registration waits, the proposal is no team: /to neither lists it nor moves people to it.
    officer = world.chat("officer")
    assert "Thôn Pò Mới" not in await officer("/to")
    await officer("Xong")
    await officer.play(["/duyet", "1", "2", "Thôn không có thật"])
    assert await count(world.app, "SELECT COUNT(*) FROM teams WHERE name = 'Thôn Pò Mới'") == 0
    rejected = await reload(world.app, pending.id)
    assert (rejected.status, rejected.team_id) == (PersonStatus.REJECTED, None)
    assert "Thôn Pò Mới" not in await officer("/to")
    await officer("Xong")
    # The next newcomer of the commune is not offered it.
    newcomer = Chat(world.app, "newcomer")
    await newcomer.play(["/dangky", "Đồng ý", "1", "tan doan"])
    offered = await newcomer("1")
    assert "Thôn Nà Pàn" in offered and "Thôn Pò Mới" not in offered


async def test_a_proposed_thon_another_newcomer_waits_for_survives_one_rejection(world: World) -> None:
    first = await _register(world, "newbie", team_answer="Thôn Pò Mới")
    second = await _register(world, "newbie2", team_answer="thon po moi", phone="0912000999")
    assert second.team_id == first.team_id
    await world.chat("officer").play(["/duyet", "1", "2", "Thôn không có thật"])
    team = await world.app.db.fetchone("SELECT confirmed FROM teams WHERE id = ?", (first.team_id,))
    assert team is not None and team["confirmed"] == 0


async def test_the_notification_button_opens_the_decision(world: World) -> None:
    pending = await _register(world, "newbie")
    [(_, _, request)] = await outbox_for(world.app, world.officer.id)
    officer = world.chat("officer")
    reply = await officer.press(request.choices[0].value)
    assert reply.startswith("👤 Nông Thị Hiền")
    assert reply.endswith("1. ✅ Duyệt\n2. ❌ Từ chối")
    await officer("1")
    assert (await reload(world.app, pending.id)).status == PersonStatus.ACTIVE
    # The same button pressed again later: the registration is no longer pending.
    reply = await officer.press(request.choices[0].value)
    assert reply == tr.NOT_PENDING


async def test_officer_of_another_commune_sees_nothing_and_is_refused(world: World) -> None:
    pending = await _register(world, "newbie")
    other = world.chat("officer2")
    assert await other("/duyet") == tr.NO_PENDING
    # A forwarded approval button does not let them decide either.
    reply = await other.press(f"go:approve:{pending.id}")
    assert reply == tr.NOT_IN_SCOPE
    assert (await reload(world.app, pending.id)).status == PersonStatus.PENDING


async def test_mediators_cannot_approve(world: World) -> None:
    await _register(world, "newbie")
    assert await world.chat("leader")("/duyet") == t.NOT_ALLOWED
    assert "Duyệt đăng ký" not in await world.chat("med")("menu")


async def test_commune_officers_are_approved_by_the_province_not_by_a_commune(world: World) -> None:
    chat = Chat(world.app, "new-officer")
    await chat.play(["/dangky", "Đồng ý", "3", "tan doan", "1", "Ma Thị Thu", "2", "2", "0356 789 012", "1"])
    assert await world.chat("officer")("/duyet") == tr.NO_PENDING
    province = world.chat("province")
    reply = await province("/duyet")
    assert "Ma Thị Thu — Công chức Tư pháp xã/phường" in reply
    await province.play(["1", "1"])
    row = await world.app.db.fetchone("SELECT status FROM people WHERE full_name = 'Ma Thị Thu'")
    assert row is not None and row["status"] == PersonStatus.ACTIVE


async def test_two_officers_deciding_the_same_registration(world: World) -> None:
    await add_person(world.app, Role.COMMUNE_OFFICER, commune=TAN_DOAN, name="Hà Thị Tươi", user="officer-b")
    pending = await _register(world, "newbie")
    first, second = world.chat("officer"), Chat(world.app, "officer-b")
    await first.play(["/duyet", "1"])
    await second.play(["/duyet", "1"])
    assert await first("1") == tr.APPROVED_DONE.format(name="Nông Thị Hiền")
    assert await second("2") == tr.ASK_REASON
    assert await second("Trùng hồ sơ") == tr.NOT_PENDING
    assert (await reload(world.app, pending.id)).status == PersonStatus.ACTIVE
    assert await count(world.app, "SELECT COUNT(*) FROM outbox WHERE person_id = ?", pending.id) == 1


async def test_a_forged_button_with_a_unicode_digit_is_refused_plainly(world: World) -> None:
    # "²".isdigit() is true but int("²") fails: the button must be refused, not crash.
    await _register(world, "newbie")
    reply = await world.chat("officer").press("go:approve:²")
    assert reply == tr.NOT_PENDING
