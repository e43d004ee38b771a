"""``/vuviec``: outcome updates with an audit trail, follow-up notes, who may change what, and the
commune officer's read-only view with "ask for an update"."""

from __future__ import annotations

from datetime import date

from bot.domain.enums import Role
from bot.runtime import App
from bot.texts import cases as tc
from bot.texts import common as t
from tests.flows.support import World, add_person, count, outbox_for, report_case


async def _events(app: App, case_id: int) -> list[tuple[object, ...]]:
    rows = await app.db.fetchall(
        "SELECT kind, person_id, field, old_value, new_value FROM case_events WHERE case_id = ? ORDER BY id",
        (case_id,),
    )
    return [tuple(row) for row in rows]


async def test_reporter_records_the_outcome_with_audit_rows(world: World) -> None:
    case = await report_case(world.app, world.med)
    med = world.chat("med")
    reply = await med("/vuviec")
    assert reply.startswith(tc.PICK_CASE)
    assert f"1. ⏳ {case.code} · Đất đai · 02/03/2026" in reply
    reply = await med("1")
    assert reply.startswith(tc.CASE_CARD.format(code=case.code, team="Thôn Nà Pàn", lines="").rstrip())
    assert "Thù lao" not in reply  # remuneration is for officers
    assert tc.RECORD_OUTCOME in reply and tc.ASK_UPDATE not in reply
    assert (await med("Ghi kết quả")).startswith(tc.ASK_OUTCOME)
    await med.play(["Hòa giải thành", "Có văn bản, không yêu cầu Tòa án"])
    reply = await med("1/3")
    assert reply.startswith(tc.OUTCOME_BEFORE_RECEIVED.format(outcome="01/03/2026", received="02/03/2026"))
    reply = await med("hôm nay")
    assert reply == tc.OUTCOME_SAVED.format(code=case.code, outcome="Hòa giải thành")

    stored = await world.app.db.fetchone("SELECT * FROM cases WHERE id = ?", (case.id,))
    assert stored is not None
    assert (stored["outcome"], stored["outcome_on"], stored["written_agreement"]) == (
        "thanh",
        "2026-03-10",
        1,
    )
    assert stored["wants_court_recognition"] == 0
    assert await _events(world.app, case.id) == [
        ("created", world.med.id, None, None, case.code),
        ("changed", world.med.id, "outcome", "dang_hoa_giai", "thanh"),
        ("changed", world.med.id, "written_agreement", None, "1"),
        ("changed", world.med.id, "wants_court_recognition", None, "0"),
        ("changed", world.med.id, "outcome_on", None, "2026-03-10"),
    ]
    # The history shows the change; a concluded case offers no outcome button any more.
    await med.play(["/vuviec", "1"])
    assert tc.RECORD_OUTCOME not in med.text
    reply = await med("Lịch sử thay đổi")
    assert tc.HISTORY_CHANGE.format(field="kết quả", old="Đang hòa giải", new="Hòa giải thành") in reply
    assert "Hoàng Thị Lan" in reply  # who changed it, by name
    assert tc.HISTORY_CREATED in reply


async def test_khong_thanh_update_records_the_next_step(world: World) -> None:
    case = await report_case(world.app, world.med)
    await world.chat("med").play(
        ["/vuviec", "1", "1", "Hòa giải không thành", "Tổ chuyển/báo cơ quan có thẩm quyền"]
    )
    await world.chat("med").play(["hôm qua"])
    events = await _events(world.app, case.id)
    assert ("changed", world.med.id, "next_step", None, "referred") in events
    assert ("changed", world.med.id, "outcome_on", None, "2026-03-09") in events


async def test_follow_up_note(world: World) -> None:
    case = await report_case(world.app, world.med, outcome="thanh")
    med = world.chat("med")
    await med.play(["/vuviec", "1"])
    assert (await med("Ghi chú theo dõi thực hiện")) == tc.ASK_NOTE
    reply = await med("Hai hộ đã dựng lại hàng rào theo thỏa thuận, gọi 0912345678")
    assert reply.startswith(tc.MASKED.format(n=1))
    assert tc.NOTE_SAVED.format(code=case.code) in reply
    kind, person, field, old, new = (await _events(world.app, case.id))[-1]
    assert (kind, person, field, old) == ("note", world.med.id, None, None)
    assert isinstance(new, str) and new.startswith("Hai hộ đã dựng lại hàng rào") and "0912345678" not in new


async def test_summary_correction_is_audited(world: World) -> None:
    case = await report_case(world.app, world.med)
    reply = await world.chat("med").play(
        ["/vuviec", "1", "Sửa tóm tắt", "Tranh chấp lối đi chung giữa ba hộ"]
    )
    assert reply == tc.SUMMARY_SAVED.format(code=case.code)
    assert (await _events(world.app, case.id))[-1] == (
        "changed",
        world.med.id,
        "summary",
        "Tranh chấp lối đi chung giữa hai hộ",
        "Tranh chấp lối đi chung giữa ba hộ",
    )


async def test_team_leader_may_update_a_teammates_case(world: World) -> None:
    case = await report_case(world.app, world.med)
    leader = world.chat("leader")
    reply = await leader.play(["/vuviec", "1"])
    assert tc.RECORD_OUTCOME in reply
    await leader.play(["1", "Hòa giải không thành", "Tiếp tục hòa giải", "hôm nay"])
    assert leader.text == tc.OUTCOME_SAVED.format(code=case.code, outcome="Hòa giải không thành")
    assert ("changed", world.leader.id, "outcome", "dang_hoa_giai", "khong_thanh") in await _events(
        world.app, case.id
    )


async def test_plain_mediator_may_not_update_a_teammates_case(world: World) -> None:
    case = await report_case(world.app, world.med)
    med2 = world.chat("med2")
    reply = await med2.play(["/vuviec", "1"])
    assert tc.NOT_YOURS in reply
    assert tc.RECORD_OUTCOME not in reply and tc.ADD_NOTE not in reply and tc.EDIT_SUMMARY not in reply
    assert reply.endswith(f"1. {tc.HISTORY}")
    assert await count(world.app, "SELECT COUNT(*) FROM case_events WHERE case_id = ?", case.id) == 1


async def test_mediator_of_another_team_cannot_see_the_case(world: World) -> None:
    case = await report_case(world.app, world.med)
    other = world.chat("med_b")
    assert await other("/vuviec") == tc.NO_CASES
    assert await other.press(f"go:cases:{case.id}") == tc.CASE_NOT_VISIBLE


async def test_commune_officer_reads_and_asks_for_an_update(world: World) -> None:
    case = await report_case(world.app, world.med, outcome="thanh")
    officer = world.chat("officer")
    reply = await officer("/vuviec")
    assert reply.startswith(tc.PICK_CASE_OFFICER.format(commune="xã Tân Đoàn"))
    reply = await officer("1")
    assert tc.CASE_REMUNERATION.format(amount="400.000") in reply
    assert tc.RECORD_OUTCOME not in reply and tc.ADD_NOTE not in reply
    assert tc.ASK_UPDATE in reply
    assert await officer("Đề nghị tổ cập nhật") == tc.UPDATE_ASKED.format(code=case.code)

    [(channel, kind, message)] = await outbox_for(world.app, world.med.id)
    assert (channel, kind) == ("console", "notice")
    assert message.text == tc.UPDATE_REQUESTED.format(code=case.code, summary=case.summary)
    assert [c.value for c in message.choices] == [f"go:cases:{case.id}"]
    # Asking twice the same day queues one message.
    await officer.play(["/vuviec", "1", "Đề nghị tổ cập nhật"])
    assert len(await outbox_for(world.app, world.med.id)) == 1
    # The mediator's button opens the case.
    reply = await world.chat("med").press(f"go:cases:{case.id}")
    assert reply.startswith(f"Vụ việc {case.code}")


async def test_remuneration_follows_the_outcome_and_settings(world: World) -> None:
    await report_case(world.app, world.med, outcome="khong_thanh")
    reply = await world.chat("officer").play(["/vuviec", "1"])
    assert tc.CASE_REMUNERATION.format(amount="300.000") in reply
    world.app.settings.remuneration_per_case = 250_000
    reply = await world.chat("officer").play(["/vuviec", "1"])
    assert tc.CASE_REMUNERATION.format(amount="250.000") in reply


async def test_officer_of_another_commune_is_refused(world: World) -> None:
    case = await report_case(world.app, world.med)
    other = world.chat("officer2")
    assert await other("/vuviec") == tc.NO_CASES_COMMUNE
    assert await other.press(f"go:cases:{case.id}") == tc.CASE_NOT_VISIBLE
    assert await outbox_for(world.app, world.med.id) == []


async def test_province_officer_is_told_instead_of_an_error(world: World) -> None:
    await report_case(world.app, world.med)
    # They have no commune of their own to list, and their menu does not offer the list.
    assert await world.chat("province")("/vuviec") == t.NOT_ALLOWED
    assert "Vụ việc của tổ" not in await world.chat("province")("menu")
    admin = await add_person(world.app, Role.ADMIN, commune=None, name="Nông Văn Quản", user="admin")
    assert admin.active
    assert "Vụ việc của tổ" not in await world.chat("admin")("menu")
    for user in ("med", "leader", "officer"):
        assert "Vụ việc của tổ" in await world.chat(user)("menu"), user


async def test_case_list_puts_open_cases_first(world: World) -> None:
    old_open = await report_case(world.app, world.med, received=date(2026, 1, 5))
    done = await report_case(world.app, world.med, outcome="thanh", received=date(2026, 3, 1))
    out = await report_case(world.app, world.med2, outcome="ngoai_pham_vi", received=date(2026, 2, 1))
    reply = await world.chat("leader")("/vuviec")
    lines = reply.splitlines()[1:]
    assert [line.split(" · ")[0][3:].strip() for line in lines] == [
        f"⏳ {old_open.code}",
        f"✅ {done.code}",
        f"🚫 {out.code}",
    ]
