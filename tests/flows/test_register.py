"""Registration through the console channel: happy paths and every way an answer is refused."""

from __future__ import annotations

from bot.domain.enums import PersonStatus, Role, Sex
from bot.runtime import App
from bot.storage import people as people_repo
from bot.texts import common as t
from bot.texts import register as tr
from tests.flows.support import TAN_DOAN, Chat, World, count, outbox_for


async def _person_of(app: App, user: str) -> people_repo.Person | None:
    row = await app.db.fetchone(
        "SELECT person_id FROM identities WHERE channel = 'console' AND external_id = ?", (user,)
    )
    if row is None or row["person_id"] is None:
        return None
    async with app.db.transaction() as tx:
        return await people_repo.get_person(tx, row["person_id"])


async def test_mediator_registers_in_an_existing_team(world: World) -> None:
    chat = Chat(world.app, "newbie")
    await chat.channel.play(
        [
            "/start",
            "Đăng ký",
            "Đồng ý",
            "hoa giai vien",
            "tan doan",
            "1",
            "Thôn Nà Pàn",
            "nong thi hien",
            "nu",
            "dan toc thieu so",
            "0978 123 456",
            "Gửi đăng ký",
        ]
    )
    transcript = chat.transcript
    assert t.WELCOME_NEW.splitlines()[0] in transcript
    assert "👤 Nong Thi Hien" in transcript
    assert "tổ hòa giải Thôn Nà Pàn, xã Tân Đoàn" in transcript
    assert tr.SUBMITTED.split("{")[0] in transcript
    assert tr.APPROVER_COMMUNE.format(commune="xã Tân Đoàn") in transcript

    person = await _person_of(world.app, "newbie")
    assert person is not None
    assert (person.role, person.status) == (Role.MEDIATOR, PersonStatus.PENDING)
    # Stored as typed, shown capitalised.
    assert (person.full_name, person.sex, person.ethnic_minority) == ("nong thi hien", Sex.FEMALE, True)
    assert person.shown_name == "Nong Thi Hien"
    assert (person.phone, person.commune_code, person.team_id) == ("+84978123456", TAN_DOAN, world.team_a)

    # The commune's officer (and only they) is asked to approve, with a button opening the decision.
    [(channel, kind, request)] = await outbox_for(world.app, world.officer.id)
    assert (channel, kind) == ("console", "approval")
    assert "Nong Thi Hien" in request.text
    assert [c.value for c in request.choices] == [f"go:approve:{person.id}"]
    assert await outbox_for(world.app, world.officer2.id) == []
    assert await outbox_for(world.app, world.province.id) == []
    # The session is over.
    assert await count(world.app, "SELECT COUNT(*) FROM sessions WHERE chat_id = 'newbie'") == 0


async def test_mediator_names_a_new_thon_when_the_commune_has_no_team(app: App) -> None:
    chat = Chat(app, "u1")
    reply = await chat.play(["/dangky", "Đồng ý", "1", "khanh khe", "1"])
    assert "chưa có tổ hòa giải nào" in reply
    await chat.play(["Thôn Khòn Pầy", "Lộc Văn Dũng", "Nam", "Kinh", "0388 111 222"])
    assert "Thôn Khòn Pầy (tổ mới, chờ xã xác nhận), xã Khánh Khê" in chat.text
    await chat("1")
    person = await _person_of(app, "u1")
    assert person is not None and person.team_id is not None
    row = await app.db.fetchone("SELECT name, confirmed FROM teams WHERE id = ?", (person.team_id,))
    assert row is not None and (row["name"], row["confirmed"]) == ("Thôn Khòn Pầy", 0)
    # Nobody who could approve is registered yet: the user is told to alert the commune, nothing is queued.
    assert tr.SUBMITTED_NO_APPROVER.format(id=person.id) in chat.text
    assert await count(app, "SELECT COUNT(*) FROM outbox") == 0


async def test_commune_officer_registers_and_the_province_is_asked(world: World) -> None:
    chat = Chat(world.app, "new-officer")
    await chat.channel.play(
        [
            "/dangky",
            "Đồng ý",
            "Công chức Tư pháp xã/phường",
            "dong dang",
            "1",
            "Ma Thị Thu",
            "2",
            "1",
            "0356789012",
            "1",
        ]
    )
    assert "Nơi hoạt động: xã Đồng Đăng" in chat.transcript
    assert tr.APPROVER_PROVINCE in chat.transcript
    person = await _person_of(world.app, "new-officer")
    assert person is not None
    assert (person.role, person.status, person.commune_code, person.team_id) == (
        Role.COMMUNE_OFFICER,
        PersonStatus.PENDING,
        "06184",
        None,
    )
    assert person.ethnic_minority is False
    [(_, kind, request)] = await outbox_for(world.app, world.province.id)
    assert kind == "approval" and "Ma Thị Thu" in request.text
    assert await outbox_for(world.app, world.officer.id) == []


async def test_province_officer_is_not_asked_for_a_commune(app: App) -> None:
    chat = Chat(app, "prov")
    reply = await chat.play(["/dangky", "Đồng ý", "4"])
    assert reply == tr.ASK_NAME


async def test_unknown_commune_is_asked_again(app: App) -> None:
    chat = Chat(app, "u")
    reply = await chat.play(["/dangky", "Đồng ý", "1", "xyzzy qwerty"])
    assert tr.COMMUNE_NOT_FOUND.format(query="xyzzy qwerty") in reply
    assert reply.endswith(tr.ASK_COMMUNE)
    # … and "Tìm lại" in the list goes back to the search.
    await chat("tan doan")
    reply = await chat("Tìm lại")
    assert reply == tr.ASK_COMMUNE


async def test_name_with_digits_is_refused(world: World) -> None:
    chat = Chat(world.app, "u")
    reply = await chat.play(["/dangky", "Đồng ý", "1", "tan doan", "1", "1", "Nguyen Van 2"])
    assert reply.startswith(tr.NAME_BAD)
    assert reply.endswith(tr.ASK_NAME)
    reply = await chat("Ng")
    assert reply.startswith(tr.NAME_BAD)
    reply = await chat("Nguyễn Văn Hai")
    assert reply.startswith(tr.ASK_SEX)


async def test_bad_phone_is_refused(world: World) -> None:
    chat = Chat(world.app, "u")
    await chat.play(["/dangky", "Đồng ý", "1", "tan doan", "1", "1", "Nguyễn Văn Hai", "nam", "kinh"])
    for bad in ("012345", "0212345678", "abc", "912345678"):
        reply = await chat(bad)
        assert reply.startswith(tr.PHONE_BAD.format(text=bad)), bad
    reply = await chat("+84 912 000 111")
    assert reply.startswith("Kiểm tra lại thông tin đăng ký")
    assert "0912 000 111" in reply  # as people write it, not +84…


async def test_phone_already_taken_is_refused_at_send_and_can_be_corrected(world: World) -> None:
    taken = world.med.phone
    assert taken is not None
    chat = Chat(world.app, "u")
    await chat.play(
        ["/dangky", "Đồng ý", "1", "tan doan", "1", "1", "Nguyễn Văn Hai", "nam", "kinh", "0" + taken[3:]]
    )
    reply = await chat("Gửi đăng ký")
    assert reply.startswith(tr.PHONE_TAKEN)
    assert await _person_of(world.app, "u") is None
    reply = await chat("Sửa số điện thoại")
    assert reply.startswith(tr.ASK_PHONE)
    reply = await chat("0912 000 222")
    assert "0912 000 222" in reply
    await chat("1")
    person = await _person_of(world.app, "u")
    assert person is not None and person.phone == "+84912000222"


async def test_phone_taken_by_a_concurrent_registration_is_refused_by_the_service(world: World) -> None:
    # Both reach the summary with the same number; the second to send is refused.
    first, second = Chat(world.app, "a"), Chat(world.app, "b")
    script = ["/dangky", "Đồng ý", "1", "tan doan", "1", "1", "Nguyễn Văn Hai", "nam", "kinh", "0912 000 333"]
    await first.play(script)
    await second.play(script)
    await first("1")
    reply = await second("1")
    assert reply.startswith(tr.PHONE_TAKEN)
    assert await count(world.app, "SELECT COUNT(*) FROM people WHERE phone = '+84912000333'") == 1


async def test_nonsense_at_a_choice_step_repeats_the_choices(world: World) -> None:
    chat = Chat(world.app, "u")
    reply = await chat.play(["/dangky", "Đồng ý", "bánh chưng"])
    assert reply.startswith(t.NOT_A_CHOICE.format(answer="bánh chưng"))
    assert "1. Hòa giải viên" in reply
    reply = await chat("9")
    assert reply.startswith(t.NOT_A_CHOICE.format(answer="9"))
    await chat.play(["1", "tan doan", "1", "1", "Nguyễn Văn Hai"])
    reply = await chat("không biết")
    assert reply.startswith(t.NOT_A_CHOICE.format(answer="không biết"))
    assert reply.endswith("1. Nam\n2. Nữ")


async def test_back_fixes_the_previous_step(world: World) -> None:
    chat = Chat(world.app, "u")
    await chat.play(["/dangky", "Đồng ý", "1", "tan doan", "1", "1", "Nguyễn Văn Haii"])
    reply = await chat("quay lại")
    assert reply == tr.ASK_NAME
    await chat.play(["Nguyễn Văn Hai", "nam", "kinh"])
    reply = await chat("quay lai")
    assert reply.startswith(tr.ASK_ETHNIC)
    reply = await chat.play(["dan toc thieu so", "0912 000 444"])
    assert "👤 Nguyễn Văn Hai\n" in reply
    assert "Dân tộc thiểu số: có" in reply
    await chat("1")
    person = await _person_of(world.app, "u")
    assert person is not None and person.full_name == "Nguyễn Văn Hai" and person.ethnic_minority is True


async def test_back_at_the_first_step_says_so(app: App) -> None:
    chat = Chat(app, "u")
    reply = await chat.play(["/dangky", "quay lại"])  # the privacy notice is the first step
    assert reply.startswith(t.NO_PREVIOUS_STEP)


async def test_edit_from_the_summary_returns_to_the_summary(world: World) -> None:
    chat = Chat(world.app, "u")
    await chat.play(
        [
            "/dangky",
            "Đồng ý",
            "1",
            "tan doan",
            "1",
            "Thôn Nà Pàn",
            "Nguyễn Văn Hai",
            "nam",
            "kinh",
            "0912 000 555",
        ]
    )
    reply = await chat("Sửa họ tên")
    assert reply == tr.ASK_NAME
    reply = await chat("Nguyễn Văn Hải")
    assert reply.startswith("Kiểm tra lại thông tin đăng ký")
    assert "👤 Nguyễn Văn Hải\n" in reply
    # Changing the place goes through commune and team, then straight back to the summary.
    reply = await chat("Sửa xã / tổ")
    assert reply == tr.ASK_COMMUNE
    await chat.play(["tan doan", "1"])
    reply = await chat("Bản Khuổi Cáp")
    assert reply.startswith("Kiểm tra lại thông tin đăng ký")
    assert "tổ hòa giải Bản Khuổi Cáp, xã Tân Đoàn" in reply
    await chat("1")
    person = await _person_of(world.app, "u")
    assert person is not None
    assert (person.full_name, person.team_id, person.sex) == ("Nguyễn Văn Hải", world.team_b, Sex.MALE)


async def test_registered_people_cannot_register_again(world: World) -> None:
    reply = await Chat(world.app, "med").play(["/dangky"])
    assert reply == tr.ALREADY_REGISTERED.format(status=tr.STATUS_LABELS[PersonStatus.ACTIVE])


async def test_pending_person_cannot_report_yet(world: World) -> None:
    chat = Chat(world.app, "u")
    await chat.play(
        ["/dangky", "Đồng ý", "1", "tan doan", "1", "1", "Nguyễn Văn Hai", "nam", "kinh", "0912 000 666", "1"]
    )
    reply = await chat("/baocao")
    assert reply == t.NEED_APPROVAL
