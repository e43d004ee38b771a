"""``/baocao`` through the console: every outcome, every validation, edits, idempotence, restarts."""

from __future__ import annotations

import json
from pathlib import Path

from bot.domain.dates import DateError, DateWarning
from bot.domain.enums import FIELD_LABELS, NextStep, OutOfScopeReason
from bot.flows.report_case import scope_in_doubt
from bot.runtime import App
from bot.storage.db import Row
from bot.texts import cases as tc
from bot.texts import common as t
from tests.flows.support import Chat, Clock, World, build_world, count, opened

SUMMARY = "Tranh chấp ranh giới đất vườn giữa hai hộ"
# Up to the outcome question (received yesterday, land; the scope is not in doubt).
TO_OUTCOME = ["/baocao", "hôm qua", "đất đai", SUMMARY]
THANH_WITH_COURT = [*TO_OUTCOME, "Hòa giải thành", "Có văn bản, sẽ yêu cầu Tòa án công nhận", "hôm nay"]


async def _cases(app: App) -> list[Row]:
    return await app.db.fetchall("SELECT * FROM cases ORDER BY id")


async def test_thanh_with_court_recognition_gets_a_deadline_reminder(world: World) -> None:
    med = world.chat("med")
    await med.channel.play(THANH_WITH_COURT)
    summary = med.transcript.split(tc.SUMMARY_TITLE)[-1]
    for line in (
        tc.LINE_RECEIVED.format(value="09/03/2026"),
        tc.LINE_ORIGIN.format(value="Các bên yêu cầu"),
        tc.LINE_FIELD.format(value="Đất đai"),
        tc.LINE_SUMMARY.format(value=SUMMARY),
        tc.LINE_SCOPE.format(value=tc.SCOPE_IN),
        tc.LINE_PARTIES.format(value=2, vulnerable="không"),
        tc.LINE_OUTCOME.format(value="Hòa giải thành"),
        tc.LINE_AGREEMENT.format(value="có", court="có"),
        tc.LINE_OUTCOME_ON.format(value="10/03/2026"),
        tc.LINE_LEGAL.format(value=tc.LEGAL_NONE),
    ):
        assert line in summary, line
    reply = await med("Xác nhận lưu")
    assert (
        tc.SAVED.format(
            code="HG-2026-00001", field="Đất đai", received="09/03/2026", outcome="Hòa giải thành"
        )
        in reply
    )
    # Six months after the agreement (BLTTDS Art. 418).
    assert tc.COURT_REMINDER.format(deadline="10/09/2026") in reply

    [case] = await _cases(world.app)
    assert case["code"] == "HG-2026-00001"
    assert (case["team_id"], case["commune_code"], case["reported_by"]) == (
        world.team_a,
        "06316",
        world.med.id,
    )
    assert (case["received_on"], case["outcome"], case["outcome_on"]) == ("2026-03-09", "thanh", "2026-03-10")
    assert (case["origin"], case["field"], case["summary"]) == ("parties_requested", "dat_dai", SUMMARY)
    assert (case["parties_count"], case["vulnerable_involved"]) == (2, 0)
    assert (case["written_agreement"], case["wants_court_recognition"]) == (1, 1)
    assert (case["next_step"], case["legal_support"], case["out_of_scope_reason"]) == (None, None, None)
    events = await world.app.db.fetchall(
        "SELECT kind, person_id, new_value FROM case_events WHERE case_id = ?", (case["id"],)
    )
    assert [(e["kind"], e["person_id"], e["new_value"]) for e in events] == [
        ("created", world.med.id, "HG-2026-00001")
    ]
    assert await count(world.app, "SELECT COUNT(*) FROM sessions") == 0


async def test_thanh_without_court_has_no_reminder(world: World) -> None:
    med = world.chat("med")
    reply = await med.play([*TO_OUTCOME, "1", "2", "hôm nay", "1"])
    assert "HG-2026-00001" in reply
    assert "Tòa án" not in reply


async def test_khong_thanh_records_the_next_step(world: World) -> None:
    med = world.chat("med")
    await med.play([*TO_OUTCOME, "Hòa giải không thành"])
    assert med.text.startswith(tc.ASK_NEXT_STEP)
    await med.play(
        ["Các bên yêu cầu cơ quan có thẩm quyền giải quyết", "9/3", "Sửa hỗ trợ pháp lý", "Công an"]
    )
    assert tc.LINE_NEXT.format(value=tc.NEXT_STEP_LABELS[NextStep.COMPETENT_AUTHORITY]) in med.text
    assert tc.LINE_LEGAL.format(value="Công an") in med.text
    reply = await med("1")
    assert "kết quả: Hòa giải không thành" in reply
    [case] = await _cases(world.app)
    assert (case["outcome"], case["next_step"], case["outcome_on"]) == (
        "khong_thanh",
        "competent_authority",
        "2026-03-09",
    )
    assert (case["legal_support"], case["written_agreement"], case["wants_court_recognition"]) == (
        "police",
        None,
        None,
    )


async def test_dang_hoa_giai_asks_no_outcome_date(world: World) -> None:
    med = world.chat("med")
    reply = await med.play([*TO_OUTCOME, "Đang hòa giải"])
    assert reply.startswith(tc.SUMMARY_TITLE)
    assert tc.LINE_OUTCOME.format(value="Đang hòa giải") in reply
    assert "Ngày có kết quả" not in reply
    await med("1")
    [case] = await _cases(world.app)
    assert (case["outcome"], case["outcome_on"], case["written_agreement"], case["next_step"]) == (
        "dang_hoa_giai",
        None,
        None,
        None,
    )


async def test_out_of_scope_is_explained_and_saved_as_such(world: World) -> None:
    med = world.chat("med")
    await med.play(["/baocao", "hôm nay", "Vi phạm pháp luật nhỏ", "Đánh nhau gây thương tích nặng"])
    assert med.text.startswith(tc.ASK_SCOPE)
    reply = await med("Có dấu hiệu tội phạm")
    assert tc.SCOPE_EXPLAIN[OutOfScopeReason.CRIME] in reply
    assert tc.OUT_OF_SCOPE_RECORDED in reply
    assert "Điều 3" in reply
    # No parties or outcome questions: straight to the summary.
    assert tc.SUMMARY_TITLE in reply
    assert tc.LINE_SCOPE.format(value="Có dấu hiệu tội phạm") in reply
    assert "Kết quả:" not in reply
    reply = await med("1")
    assert "kết quả: Ngoài phạm vi hòa giải" in reply
    [case] = await _cases(world.app)
    assert (case["outcome"], case["out_of_scope_reason"], case["origin"]) == (
        "ngoai_pham_vi",
        "crime",
        "parties_requested",
    )
    assert (case["parties_count"], case["vulnerable_involved"], case["legal_support"]) == (None, None, None)


async def test_bad_dates_are_refused_with_the_reason(world: World) -> None:
    med = world.chat("med")
    await med("/baocao")
    typed_dates = {
        "31/02/2026": tc.DATE_ERRORS[DateError.INVALID],
        "15/03/2026": tc.DATE_ERRORS[DateError.FUTURE],
        "abc": tc.DATE_ERRORS[DateError.UNRECOGNISED],
        "12/3/1999": tc.DATE_ERRORS[DateError.TOO_OLD],
    }
    for typed, message in typed_dates.items():
        reply = await med(typed)
        assert reply.startswith(message.format(text=typed)), typed
        assert reply.endswith("1. Hôm nay\n2. Hôm qua")
    assert await med("10/3") == tc.ASK_FIELD + "\n" + "\n".join(
        f"{i}. {label}" for i, label in enumerate(FIELD_LABELS.values(), start=1)
    )


async def test_a_date_over_a_year_back_asks_for_confirmation(world: World) -> None:
    med = world.chat("med2")
    reply = await med.play(["/baocao", "01/01/2025"])
    assert reply.startswith(
        tc.CONFIRM_DATE.format(warnings=tc.DATE_WARNINGS[DateWarning.OVER_A_YEAR].format(date="01/01/2025"))
    )
    # "No" asks for the date again; "yes" keeps it.
    assert (await med("không")).startswith(tc.ASK_RECEIVED)
    await med("01/01/2025")
    assert (await med("có")).startswith(tc.ASK_FIELD)
    await med.play(["1", SUMMARY, "3", "1"])
    [case] = await _cases(world.app)
    assert case["received_on"] == "2025-01-01"


async def test_a_date_before_recognition_asks_for_confirmation(world: World) -> None:
    # Hoàng Thị Lan was recognised on 01/09/2025.
    reply = await world.chat("med").play(["/baocao", "20/08/2025"])
    warning = tc.DATE_WARNINGS[DateWarning.BEFORE_RECOGNITION].format(date="20/08/2025")
    assert reply.startswith(tc.CONFIRM_DATE.format(warnings=warning))
    # A mediator recognised long ago is not asked about the same date.
    assert (await world.chat("med2").play(["/baocao", "20/08/2025"])).startswith(tc.ASK_FIELD)


async def test_outcome_date_before_the_received_date_is_refused(world: World) -> None:
    med = world.chat("med")
    reply = await med.play([*TO_OUTCOME, "1", "2", "8/3/2026"])
    assert reply.startswith(tc.OUTCOME_BEFORE_RECEIVED.format(outcome="08/03/2026", received="09/03/2026"))
    assert (await med("9/3/2026")).startswith(tc.SUMMARY_TITLE)


async def test_summary_length_is_checked(world: World) -> None:
    med = world.chat("med")
    await med.play(["/baocao", "hôm nay", "1"])
    reply = await med("x" * 501)
    assert reply.startswith("Nội dung dài 501 ký tự, quá giới hạn 500.")
    assert tc.ASK_SUMMARY in reply and f"1. {t.USE_CUT}" in reply
    assert (await med("ồn")).startswith(tc.SUMMARY_TOO_SHORT)
    assert (await med("y" * 500)).startswith(tc.ASK_OUTCOME)


async def test_over_long_summary_is_kept_and_cut_at_a_word(world: World) -> None:
    med = world.chat("med")
    await med.play(["/baocao", "hôm nay", "1"])
    long = " ".join(["Hai hộ tranh chấp lối đi chung cạnh vườn"] * 14)  # 573 characters
    reply = await med(long)
    kept = long[: long.rindex(" ", 0, 501)]
    assert f"lấy {len(kept)} ký tự đầu, dừng ở «…{kept[-30:].lstrip()}»" in reply
    assert "(bỏ phần sau: «" in reply
    reply = await med(t.USE_CUT)  # or "1"
    assert reply.startswith(tc.ASK_OUTCOME)
    session = await med.session()
    assert session is not None and session.data["summary"] == kept and "_cut" not in session.data


async def test_id_card_and_phone_numbers_are_masked_before_storing(world: World) -> None:
    med = world.chat("med")
    await med.play(["/baocao", "hôm nay", "Dân sự khác (tài sản, hợp đồng, vay mượn, thừa kế)"])
    reply = await med("Ông A (CCCD 001203004567, sđt 0912 345 678) vay 5.000.000 đồng chưa trả")
    assert reply.startswith(tc.MASKED.format(n=2))
    await med.play(["3", "1"])
    [case] = await _cases(world.app)
    stored = case["summary"]
    assert "001203004567" not in stored and "0912 345 678" not in stored and "345" not in stored
    assert "*" in stored
    assert "5.000.000 đồng" in stored  # money is not an identifier
    assert len(stored) == len("Ông A (CCCD 001203004567, sđt 0912 345 678) vay 5.000.000 đồng chưa trả")


async def test_edit_a_field_from_the_summary_and_come_back(world: World) -> None:
    med = world.chat("med")
    await med.play(THANH_WITH_COURT)
    reply = await med("lĩnh vực")  # part of the button label "✏️ Sửa lĩnh vực", as typed
    assert reply.startswith(tc.ASK_FIELD)
    reply = await med("Hôn nhân và gia đình")
    assert reply.startswith(tc.SUMMARY_TITLE)
    assert tc.LINE_FIELD.format(value="Hôn nhân và gia đình") in reply
    # Changing the outcome asks what the new outcome needs, then returns to the summary.
    await med("Kết quả")
    await med("Hòa giải không thành")
    await med("Tiếp tục hòa giải")
    reply = await med("hôm nay")
    assert reply.startswith(tc.SUMMARY_TITLE)
    assert tc.LINE_OUTCOME.format(value="Hòa giải không thành") in reply
    assert "Văn bản hòa giải thành" not in reply
    await med("1")
    [case] = await _cases(world.app)
    assert (case["field"], case["outcome"], case["next_step"]) == (
        "hon_nhan_gia_dinh",
        "khong_thanh",
        "continue",
    )
    assert (case["written_agreement"], case["wants_court_recognition"]) == (None, None)


async def test_edit_the_date_to_one_needing_confirmation_returns_to_the_summary(world: World) -> None:
    med = world.chat("med2")
    await med.play([*TO_OUTCOME, "Đang hòa giải"])
    await med("Ngày nhận")
    warning = tc.DATE_WARNINGS[DateWarning.OVER_A_YEAR].format(date="02/01/2025")
    assert (await med("02/01/2025")).startswith(tc.CONFIRM_DATE.format(warnings=warning))
    reply = await med("có")
    assert reply.startswith(tc.SUMMARY_TITLE)
    assert tc.LINE_RECEIVED.format(value="02/01/2025") in reply


async def test_switching_an_out_of_scope_draft_back_asks_the_skipped_questions(world: World) -> None:
    med = world.chat("med")
    await med.play(["/baocao", "hôm nay", "Khác", SUMMARY, "Vi phạm phải xử phạt hành chính"])
    assert tc.SUMMARY_TITLE in med.text
    await med("Phạm vi")
    reply = await med("duoc hoa giai")
    assert reply.startswith(tc.ASK_OUTCOME)
    reply = await med("Đang hòa giải")
    assert reply.startswith(tc.SUMMARY_TITLE)
    assert tc.LINE_OUTCOME.format(value="Đang hòa giải") in reply
    await med.play(["Sửa số bên", "3", "không"])
    assert med.text.startswith(tc.SUMMARY_TITLE)
    await med("1")
    [case] = await _cases(world.app)
    assert (case["outcome"], case["out_of_scope_reason"], case["parties_count"]) == ("dang_hoa_giai", None, 3)


async def test_back_inside_the_report(world: World) -> None:
    med = world.chat("med")
    await med.play(["/baocao", "hôm nay", "1"])
    assert (await med("quay lại")).startswith(tc.ASK_FIELD)
    assert (await med("quay lại")).startswith(tc.ASK_RECEIVED)
    await med.play(["hôm qua", "2", SUMMARY, "3", "Sửa căn cứ", "Tôi chứng kiến hoặc biết việc", "1"])
    [case] = await _cases(world.app)
    assert (case["received_on"], case["origin"], case["field"]) == (
        "2026-03-09",
        "witnessed",
        "hon_nhan_gia_dinh",
    )


async def test_confirm_pressed_twice_saves_one_case(world: World) -> None:
    med = world.chat("med")
    await med.play(THANH_WITH_COURT)
    first = await med.press("save")
    assert "HG-2026-00001" in first
    second = await med.press("save")
    assert second == t.STALE_BUTTON_IDLE
    assert len(await _cases(world.app)) == 1


async def test_finish_run_twice_with_the_same_draft_saves_once(world: World) -> None:
    med = world.chat("med")
    await med.play(THANH_WITH_COURT)
    session = await world.app.db.fetchone("SELECT * FROM sessions WHERE chat_id = 'med'")
    assert session is not None
    await med("1")
    # The confirm is handled again over the same draft (e.g. a retried delivery of an old state).
    async with world.app.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO sessions(channel, chat_id, flow, step, data, history, paused, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            tuple(session),
        )
    reply = await med("1")
    assert reply == tc.ALREADY_SAVED.format(code="HG-2026-00001")
    assert len(await _cases(world.app)) == 1
    assert json.loads(session["data"])["draft_key"]


async def test_report_resumes_after_a_restart(tmp_path: Path, clock: Clock) -> None:
    async with opened(tmp_path, clock) as app:
        await build_world(app)
        await Chat(app, "med").play(["/baocao", "hôm qua", "đất đai"])
    # A new process over the same database file.
    clock.advance(minutes=5)
    async with opened(tmp_path, clock) as app:
        med = Chat(app, "med")
        reply = await med(SUMMARY)  # answers the summary question that was pending
        assert reply.startswith(tc.ASK_OUTCOME)
        reply = await med.play(["Hòa giải thành", "Không lập văn bản", "hôm nay"])
        assert tc.LINE_SUMMARY.format(value=SUMMARY) in reply
        await med("1")
        [case] = await _cases(app)
        assert (case["received_on"], case["field"], case["outcome"]) == ("2026-03-09", "dat_dai", "thanh")


async def test_report_resumes_after_idleness_when_asked(world: World, clock: Clock) -> None:
    med = world.chat("med")
    await med.play(["/baocao", "hôm qua", "đất đai"])
    clock.advance(hours=5)
    reply = await med("xin chào")
    assert reply.startswith(t.RESUME_QUESTION.format(title="Báo cáo vụ việc"))
    assert await med("Tiếp tục") == tc.ASK_SUMMARY
    await med.play([SUMMARY, "3", "1"])
    assert len(await _cases(world.app)) == 1


async def test_case_codes_increase_and_restart_each_year(world: World, clock: Clock) -> None:
    codes = []
    for _ in range(3):
        reply = await world.chat("med").play([*TO_OUTCOME, "3", "1"])
        codes.append(reply.split("Đã lưu vụ việc ")[1].split(".")[0])
    assert codes == ["HG-2026-00001", "HG-2026-00002", "HG-2026-00003"]
    clock.now = clock.now.replace(year=2027, month=1, day=2)
    reply = await world.chat("med2").play(["/baocao", "hôm nay", "1", SUMMARY, "3", "1"])
    assert "HG-2027-00001" in reply


async def test_who_may_report(world: World) -> None:
    assert await world.chat("officer")("/baocao") == t.NOT_ALLOWED
    assert await Chat(world.app, "stranger")("/baocao") == t.NEED_REGISTRATION
    assert "Báo cáo vụ việc" in await world.chat("med")("menu")
    assert "Báo cáo vụ việc" not in await world.chat("officer")("menu")


async def test_parties_is_asked_as_a_number_without_a_list_of_numbers(world: World) -> None:
    med = world.chat("med")
    await med.play(["/baocao", "hôm nay", "1", SUMMARY, "3"])
    reply = await med("Sửa số bên")
    assert reply == tc.ASK_PARTIES  # no numbered buttons that "1" could mean
    assert med.replies[0].choices == []
    assert (await med("1")).startswith(tc.PARTIES_BAD)
    assert (await med("²")).startswith(tc.PARTIES_BAD)
    assert (await med("4")).startswith(tc.ASK_VULNERABLE)
    await med.play(["không", "1"])
    [case] = await _cases(world.app)
    assert case["parties_count"] == 4


async def test_moving_the_received_date_after_the_outcome_date_is_refused(world: World) -> None:
    med = world.chat("med")
    await med.play([*TO_OUTCOME, "1", "3", "hôm qua"])
    await med("Ngày nhận")
    reply = await med("hôm nay")
    assert reply.startswith(tc.OUTCOME_BEFORE_RECEIVED.format(outcome="09/03/2026", received="10/03/2026"))
    # An open case has no outcome date to contradict.
    await med("hôm qua")
    await med("Kết quả")
    await med("Đang hòa giải")
    await med("Ngày nhận")
    assert (await med("hôm nay")).startswith(tc.SUMMARY_TITLE)


async def test_common_thanh_report_takes_eight_messages_in_the_console(world: World) -> None:
    """Issue 13 «shorter reports»: 14 mediator messages before, 8 now (all typed, as on a channel
    without buttons), counted from the console transcript."""
    med = world.chat("med")
    await med.channel.play(
        [
            "/baocao",
            "hôm qua",
            "đất đai",
            SUMMARY,
            "hòa giải thành",
            "có văn bản, không yêu cầu tòa án",
            "hôm nay",
            "xác nhận lưu",
        ]
    )
    transcript = med.transcript
    typed = [line for line in transcript.splitlines() if line.startswith("> ")]
    assert len(typed) == 8
    assert "Tôi chưa hiểu" not in transcript
    assert (
        tc.SAVED.format(
            code="HG-2026-00001", field="Đất đai", received="09/03/2026", outcome="Hòa giải thành"
        )
        in transcript
    )
    [case] = await _cases(world.app)
    assert (case["origin"], case["parties_count"], case["vulnerable_involved"], case["legal_support"]) == (
        "parties_requested",
        2,
        0,
        None,
    )
    assert (case["written_agreement"], case["wants_court_recognition"], case["out_of_scope_reason"]) == (
        1,
        0,
        None,
    )


def test_scope_is_asked_only_when_in_doubt() -> None:
    assert not scope_in_doubt("dat_dai", "Tranh chấp ranh giới đất vườn giữa hai hộ")
    assert not scope_in_doubt("hon_nhan_gia_dinh", "Vợ chồng cãi nhau về việc chăm con")
    assert scope_in_doubt("vi_pham_nho", "Hàng xóm mắng chửi nhau")
    assert scope_in_doubt("khac", "Việc khác")
    assert scope_in_doubt("dan_su_khac", "Nghi bị trộm 2 con gà")
    assert scope_in_doubt("dat_dai", "lan chiem dat cong lam chuong trau")  # typed without diacritics
    assert not scope_in_doubt("dan_su_khac", "Vay tiền mua phân bón chưa trả")
    assert not scope_in_doubt("dat_dai", "Nước mưa trong vườn chảy sang nhà bên")  # "trong" is not "trộm"
