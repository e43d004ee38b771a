"""``/hoso`` as people use it: see everything held, correct it, and leave with contact data erased."""

from __future__ import annotations

from bot.conversation.messages import Reply
from bot.domain.enums import PersonStatus, Role
from bot.runtime import App
from bot.services import notify
from bot.texts import privacy as tp
from tests.flows.support import World, add_person, count, notice_version, reload, report_case


async def test_hoso_shows_everything_held(app: App, world: World) -> None:
    case = await report_case(app, world.med)
    med = world.chat("med")
    await med("/hoso")
    shown = await med.press("my_data")
    assert tp.MY_DATA_HEADER in shown and "Hoàng Thị Lan" in shown
    assert "Tài khoản trò chuyện: console" in shown  # identities
    assert f"Đồng ý thông báo phiên bản {notice_version(app)}: Đồng ý" in shown  # consents
    assert f"Vụ việc bạn đã ghi: 1 ({case.code})" in shown  # reports as author
    assert "Nơi hoạt động: xã Tân Đoàn, tổ Thôn Nà Pàn; công nhận hòa giải viên ngày 2025-09-01" in shown
    assert "dân tộc thiểu số: có" in shown and tp.MY_DATA_WHO_SAW in shown
    assert "Bạn muốn làm gì?" in shown  # back at the profile menu


async def test_hoso_corrects_name_phone_and_ethnicity(app: App, world: World) -> None:
    med = world.chat("med")
    await med("/hoso")
    await med.press("edit_name")
    await med("Hoàng Thị Lành")
    await med.press("edit_phone")
    await med("0977 111 222")
    assert tp.ETHNICITY_PURPOSE in await med.press("edit_ethnic")
    assert tp.ETHNIC_SAVED in await med(tp.SKIP)  # withdrawn: stored as unanswered
    person = await reload(app, world.med.id)
    assert (person.full_name, person.phone, person.ethnic_minority) == (
        "Hoàng Thị Lành",
        "+84977111222",
        None,
    )


async def test_leaving_erases_contact_data_and_pseudonymises_cases(app: App, world: World) -> None:
    case = await report_case(app, world.med)
    async with app.db.transaction() as tx:  # a reminder still waiting to be sent
        await notify.notify_person(tx, world.med.id, Reply("Nhắc việc"), "test:1", "notice", app.clock())
    med = world.chat("med")
    await med("/baocao")  # a conversation under way …
    async with app.db.transaction() as tx:  # … and replies kept for a redelivery, not yet sent
        await tx.execute(
            "UPDATE inbound_seen SET replies = '[\"Hoàng Thị Lan\"]', replies_total = 1, replies_sent = 0 "
            "WHERE chat_id = 'med'"
        )
    await med("/hoso")
    await med.press("leave")
    assert tp.LEAVE_ERASES in med.text
    assert tp.LEFT_DONE in await med("có")
    person = await app.db.fetchone(
        "SELECT full_name, phone, sex, ethnic_minority, status FROM people WHERE id = ?", (world.med.id,)
    )
    assert person is not None
    assert tuple(person) == ("Hòa giải viên, tổ Thôn Nà Pàn (đã rời)", None, None, None, "left")
    assert await count(app, "SELECT COUNT(*) FROM identities WHERE person_id = ?", world.med.id) == 0
    assert await count(app, "SELECT COUNT(*) FROM sessions WHERE chat_id = 'med'") == 0  # … is dropped
    kept = "SELECT COUNT(*) FROM inbound_seen WHERE chat_id = 'med' AND replies LIKE '%Hoàng Thị Lan%'"
    assert await count(app, kept) == 0
    row = await app.db.fetchone("SELECT status, payload FROM outbox WHERE dedupe_key LIKE 'test:1:%'")
    assert row is not None and (row["status"], row["payload"]) == ("cancelled", "{}")
    # The case stays as an official record, its author shown by role and team only.
    author = await app.db.fetchone(
        "SELECT p.full_name FROM cases c JOIN people p ON p.id = c.reported_by WHERE c.code = ?", (case.code,)
    )
    assert author is not None and author[0] == "Hòa giải viên, tổ Thôn Nà Pàn (đã rời)"
    # The consent stays as proof that the person was told; the commune officer learns of the leave.
    assert await count(app, "SELECT COUNT(*) FROM privacy_consents WHERE person_id = ?", world.med.id) == 1
    assert await count(app, "SELECT COUNT(*) FROM outbox WHERE person_id = ?", world.officer.id) == 1
    # The chat is a stranger now: the bot greets it as new.
    assert "📝 Đăng ký" in await med("menu")


async def test_officers_and_pending_applicants_can_leave_too(app: App, world: World) -> None:
    officer2 = world.chat("officer2")
    await officer2("/hoso")
    assert tp.LEAVE_CONFIRM_SELF in await officer2.press("leave")
    assert tp.LEFT_DONE_OFFICER in await officer2("có")
    gone = await reload(app, world.officer2.id)
    assert (gone.full_name, gone.phone, gone.status) == (
        "Công chức Tư pháp xã/phường (đã rời)",
        None,
        PersonStatus.LEFT,
    )
    pending = await add_person(
        app, Role.MEDIATOR, team=world.team_b, name="Nông Thị Hiền", status=PersonStatus.PENDING, user="hien"
    )
    hien = world.chat("hien")
    await hien("/hoso")
    await hien.press("leave")
    assert tp.LEFT_DONE in await hien("có")
    assert (await reload(app, pending.id)).status == PersonStatus.LEFT
