"""``/thi`` through the console: an officer opens a round, mediators answer, late answers are
refused, the ranking comes with its XLSX; when the window closes every participant is sent the
ranking with their own place, and ``/thi`` shows it again for a week."""

from __future__ import annotations

from bot.services import privacy
from bot.storage import outbox
from bot.training.content import Bank
from bot.workers.scheduler import run_once
from tests.flows.support import World


async def test_contest_round_in_the_chat(world: World, bank: Bank) -> None:
    app = world.app
    app.training = bank
    assert "Hiện không có vòng thi nào" in await world.chat("med")("/thi")

    officer = world.chat("officer")
    assert "Mở vòng thi mới" in await officer("/thi")
    await officer("Mở vòng thi mới")
    await officer("Hội thi hòa giải viên giỏi, vòng 1")
    assert "Hãy gõ một số từ 3 đến 6" in await officer("40")
    assert "Vòng thi dành cho ai" in await officer("6")
    assert "Hãy chọn một mục" in await officer("ai cũng được")
    await officer("1")  # every mediator of the officer's commune
    assert "Thời gian làm bài phải từ 5 đến 240 phút" in await officer("1")
    assert "Đã mở vòng thi" in await officer("30")

    for user, right in (("med", True), ("med2", False)):
        chat = world.chat(user)
        text = await chat("/thi")
        for n in range(6):
            assert f"câu {n + 1}/6" in text
            stem = next(line for line in text.splitlines() if "câu " in line).split(": ", 1)[1]
            q = next(q for q in bank.questions.values() if q.stem == stem)
            wrong = (q.answer + 1) % len(q.options)
            text = await chat(q.answer_letter if right else q.options[wrong])
        assert "Bạn đã trả lời hết 6 câu" in text

    late = world.chat("med_b")
    first = await late("/thi")
    app.clock.advance(minutes=31)  # type: ignore[attr-defined]
    assert "câu 1/6" in first
    assert "đã hết giờ" in await late("A")

    await officer("/thi")
    results = await officer("Kết quả: Hội thi hòa giải viên giỏi, vòng 1")
    lines = results.splitlines()
    assert "1. Hoàng Thị Lan — 6/6 câu đúng" in lines
    assert "2. Lăng Văn Tài — 0/6 câu đúng" in lines
    assert any(r.attachment is not None for r in officer.replies)
    # The ranking names every entrant: the export is in the access audit, and an entrant asking
    # "who saw my data?" finds it.
    [round_id] = [r[0] for r in await app.db.fetchall("SELECT id FROM contest_rounds")]
    audit = await app.db.fetchall("SELECT actor_id, action, scope FROM access_audit")
    assert [tuple(r) for r in audit] == [(world.officer.id, "training_list", f"contest:{round_id}")]
    [entry] = await privacy.list_audit(app.db, subject_id=world.med.id)
    assert (entry.actor, entry.scope) == ("Lương Thị Hạnh", f"contest:{round_id}")

    # The window has closed: the scheduler sends each participant the ranking and their place.
    result = await run_once(app.db, app.settings, app.clock())
    assert result.contest_results == 2
    assert (await run_once(app.db, app.settings, app.clock())).contest_results == 0
    rows = await app.db.fetchall(
        "SELECT person_id, payload FROM outbox WHERE dedupe_key LIKE 'contest-result:%' ORDER BY person_id"
    )
    sent = {r["person_id"]: outbox.decode_reply(r["payload"]).text for r in rows}
    assert set(sent) == {world.med.id, world.med2.id}  # med_b's only answer came too late
    assert "Bạn xếp thứ 1/2, đúng 6/6 câu" in sent[world.med.id]
    assert "Bạn xếp thứ 2/2, đúng 0/6 câu" in sent[world.med2.id]
    assert "2. Lăng Văn Tài — 0/6 câu đúng" in sent[world.med.id]

    again = await world.chat("med2")("/thi")
    assert "🏆 Kết quả «Hội thi hòa giải viên giỏi, vòng 1»" in again and "Bạn xếp thứ 2/2" in again
    assert "Hiện không có vòng thi nào" in await world.chat("med_b")("/thi")
    app.clock.advance(days=8)  # type: ignore[attr-defined]
    assert "Hiện không có vòng thi nào" in await world.chat("med2")("/thi")


async def test_round_for_team_leaders_is_not_offered_to_other_mediators(world: World, bank: Bank) -> None:
    world.app.training = bank
    officer = world.chat("officer")
    await officer("/thi")
    await officer("Mở vòng thi mới")
    await officer("Vòng thi dành cho tổ trưởng")
    await officer("3")
    await officer("Tổ trưởng tổ hòa giải")
    assert "Đã mở vòng thi" in await officer("30")
    assert "Hiện không có vòng thi nào" in await world.chat("med")("/thi")
    rows = await world.app.db.fetchall("SELECT audience FROM contest_rounds")
    assert len(rows) == 1 and "team_leaders" in rows[0][0]
