"""``/start CODE``: invite codes that register a person directly in a role."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.enums import PersonStatus, Role
from bot.runtime import App
from bot.services import registration
from bot.texts import common as t
from bot.texts import privacy as tp
from bot.texts import register as tr
from tests.flows.support import TAN_DOAN, Chat, Clock, World, add_person, count


async def _invite(
    app: App, role: Role = Role.COMMUNE_OFFICER, commune: str | None = TAN_DOAN, days: float = 7
) -> str:
    async with app.db.transaction() as tx:
        invite = await registration.create_invite(tx, role, commune, None, timedelta(days=days), app.clock())
    return invite.code


async def test_valid_code_registers_an_active_officer(app: App) -> None:
    code = await _invite(app)
    chat = Chat(app, "lan")
    reply = await chat(f"/start {code}")
    assert tr.INVITE_WELCOME.format(role="Công chức Tư pháp xã/phường", place=" (xã Tân Đoàn)") in reply
    assert "Thông báo về dữ liệu cá nhân" in reply  # before the first personal question
    assert (await chat("Đồng ý")).endswith(tr.ASK_NAME)
    await chat("tran thi lan")
    reply = await chat("0912 345 678")
    assert reply == tr.INVITE_DONE.format(role="Công chức Tư pháp xã/phường", name="Tran Thi Lan")

    row = await app.db.fetchone(
        "SELECT p.id, p.role, p.status, p.commune_code, p.phone FROM people p "
        "JOIN identities i ON i.person_id = p.id WHERE i.external_id = 'lan'"
    )
    assert row is not None
    assert (row["role"], row["status"], row["commune_code"], row["phone"]) == (
        Role.COMMUNE_OFFICER,
        PersonStatus.ACTIVE,
        TAN_DOAN,
        "+84912345678",
    )
    invite = await app.db.fetchone("SELECT used_by, used_at FROM invites WHERE code = ?", (code,))
    assert invite is not None and invite["used_by"] == row["id"] and invite["used_at"] is not None
    consent = await app.db.fetchone("SELECT accepted, person_id FROM privacy_consents WHERE chat_id = 'lan'")
    assert consent is not None and (consent["accepted"], consent["person_id"]) == (1, row["id"])
    # Active at once: the officer's menu offers approvals (the notice is not asked again).
    assert "Duyệt đăng ký" in await chat("menu")


async def test_refusing_the_notice_keeps_the_code_unused(app: App) -> None:
    code = await _invite(app)
    chat = Chat(app, "u")
    await chat(f"/start {code}")
    assert tp.REFUSED in await chat("Không đồng ý")
    assert await count(app, "SELECT COUNT(*) FROM people") == 0
    invite = await app.db.fetchone("SELECT used_by FROM invites WHERE code = ?", (code,))
    assert invite is not None and invite["used_by"] is None


async def test_code_is_case_insensitive(app: App) -> None:
    code = await _invite(app, Role.PROVINCE_OFFICER, None)
    reply = await Chat(app, "u")(f"/start {code.lower()}")
    assert tr.INVITE_WELCOME.format(role="Cán bộ Sở Tư pháp", place="") in reply


async def test_reused_code_is_refused(app: App) -> None:
    code = await _invite(app)
    await Chat(app, "first").play([f"/start {code}", "Đồng ý", "Trần Thị Lan", "0912345678"])
    reply = await Chat(app, "second")(f"/start {code}")
    assert reply == tr.INVITE_INVALID
    assert await count(app, "SELECT COUNT(*) FROM people") == 1


async def test_expired_code_is_refused(app: App, clock: Clock) -> None:
    code = await _invite(app, days=7)
    clock.advance(days=7, seconds=1)
    assert await Chat(app, "u")(f"/start {code}") == tr.INVITE_INVALID
    assert await count(app, "SELECT COUNT(*) FROM people") == 0


async def test_code_expiring_during_the_conversation_is_refused_at_the_end(app: App, clock: Clock) -> None:
    code = await _invite(app, days=1 / 24)
    chat = Chat(app, "u")
    await chat.play([f"/start {code}", "Đồng ý", "Trần Thị Lan"])
    clock.advance(minutes=61)
    assert await chat("0912345678") == tr.INVITE_INVALID
    assert await count(app, "SELECT COUNT(*) FROM people") == 0


async def test_unknown_code_is_refused(app: App) -> None:
    assert await Chat(app, "u")("/start NOSUCHCODE") == tr.INVITE_INVALID


async def test_registered_person_cannot_redeem_a_code(world: World) -> None:
    code = await _invite(world.app)
    reply = await world.chat("med")(f"/start {code}")
    assert reply == tr.ALREADY_REGISTERED.format(status=tr.STATUS_LABELS[PersonStatus.ACTIVE])
    invite = await world.app.db.fetchone("SELECT used_by FROM invites WHERE code = ?", (code,))
    assert invite is not None and invite["used_by"] is None


async def test_phone_taken_keeps_the_code_unused(world: World) -> None:
    code = await _invite(world.app)
    assert world.med.phone is not None
    chat = Chat(world.app, "u")
    reply = await chat.play([f"/start {code}", "Đồng ý", "Trần Thị Lan", world.med.phone])
    # The taken number is refused at the phone step and the user may type another one.
    assert reply.startswith(tr.PHONE_TAKEN_RETRY)
    invite = await world.app.db.fetchone("SELECT used_by FROM invites WHERE code = ?", (code,))
    assert invite is not None and invite["used_by"] is None
    reply = await chat("0399 888 777")
    assert reply.startswith(
        tr.INVITE_DONE.format(role=tr.ROLE_LABELS[Role.COMMUNE_OFFICER], name="Trần Thị Lan")
    )
    invite = await world.app.db.fetchone("SELECT used_by FROM invites WHERE code = ?", (code,))
    assert invite is not None and invite["used_by"] is not None


async def test_mediator_invites_need_a_commune(app: App) -> None:
    with pytest.raises(registration.RegistrationError) as caught:
        await _invite(app, Role.MEDIATOR, None)
    assert caught.value.message == tr.INVITE_NEEDS_COMMUNE


async def test_invite_service_checks_expiry_and_use(app: App, clock: Clock) -> None:
    code = await _invite(app, days=2)
    async with app.db.transaction() as tx:
        invite = await registration.valid_invite(tx, f"  {code.lower()} ", clock())
        assert invite is not None and invite.role == Role.COMMUNE_OFFICER
        assert await registration.valid_invite(tx, code, clock() + timedelta(days=2)) is None
        await registration.redeem_invite(tx, invite, "console", "x", "Trần Thị Lan", "+84912345678", clock())
        assert await registration.valid_invite(tx, code, clock()) is None
        with pytest.raises(registration.RegistrationError):
            await registration.redeem_invite(
                tx, invite, "console", "y", "Lê Văn Nam", "+84912345679", clock()
            )


async def test_only_an_active_admin_may_create_an_invite_in_the_service(world: World) -> None:
    admin = await add_person(world.app, Role.ADMIN, commune=None, name="Nông Văn Quản", user="admin")
    async with world.app.db.transaction() as tx:
        for caller in (world.med, world.leader, world.officer, world.province):
            with pytest.raises(PermissionError):
                await registration.create_invite(
                    tx, Role.ADMIN, None, caller.id, timedelta(days=7), world.app.clock()
                )
        invite = await registration.create_invite(
            tx, Role.MEDIATOR, TAN_DOAN, admin.id, timedelta(days=7), world.app.clock()
        )
    assert invite.role == Role.MEDIATOR
    assert await count(world.app, "SELECT COUNT(*) FROM invites") == 1


async def test_moi_asks_where_the_invitee_works(world: World) -> None:
    await add_person(world.app, Role.ADMIN, commune=None, name="Nông Văn Quản", user="admin")
    admin = Chat(world.app, "admin")
    await admin("/moi")
    reply = await admin("Hòa giải viên")
    assert reply == tr.ASK_INVITE_COMMUNE
    assert "Bạn hoạt động" not in reply
    await admin("tan doan")
    reply = await admin("1")
    assert reply.startswith("Mã mời cho Hòa giải viên (xã Tân Đoàn): ")
    assert await world.chat("med")("/moi") == t.NOT_ALLOWED
