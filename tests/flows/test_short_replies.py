"""Short replies typed the way people text (issue 13 item 9): every yes/no, confirm and
ethnicity step understands them, through the shared step helpers."""

from __future__ import annotations

import pytest

from bot.domain.enums import PersonStatus
from bot.texts import register as tr
from tests.flows.support import Chat, World, reload

SUMMARY = "Tranh chấp ranh giới đất vườn giữa hai hộ"


async def _register(world: World, user: str, consent: str, ethnic: str, send: str) -> str:
    chat = Chat(world.app, user)
    await chat.play(
        [
            "/dangky",
            consent,
            "1",
            "tan doan",
            "1",
            "Thôn Nà Pàn",
            "Nông Thị Hiền",
            "nu",
            ethnic,
            "0978 123 456",
        ]
    )
    return await chat(send)


@pytest.mark.parametrize(
    ("ethnic", "minority"),
    [
        ("tay", 1),
        ("Nùng", 1),
        ("dân tộc Dao", 1),
        ("san chay", 1),
        ("hmong", 1),
        ("kinh", 0),
        ("người Kinh", 0),
    ],
)
async def test_ethnicity_typed_as_a_name(world: World, ethnic: str, minority: int) -> None:
    reply = await _register(world, "newbie", "ok", ethnic, "gui")
    assert tr.SUBMITTED.split("(")[0] in reply
    row = await world.app.db.fetchone(
        "SELECT p.ethnic_minority FROM people p JOIN identities i ON i.person_id = p.id "
        "WHERE i.external_id = ?",
        ("newbie",),
    )
    assert row is not None and row["ethnic_minority"] == minority


@pytest.mark.parametrize("word", ["ok", "dung roi", "đúng rồi", "gửi", "xac nhan", "luu"])
async def test_report_summary_confirmed_by_a_short_word(world: World, word: str) -> None:
    med = world.chat("med")
    await med.play(["/baocao", "hôm qua", "đất đai", SUMMARY, "Đang hòa giải"])
    reply = await med(word)
    assert "HG-2026-00001" in reply


@pytest.mark.parametrize(
    ("word", "left"), [("ko", False), ("k", False), ("hok", False), ("dc", True), ("uh", True), ("ok", True)]
)
async def test_yes_no_step_understands_short_words(world: World, word: str, left: bool) -> None:
    officer = world.chat("officer")
    await officer.play(["/to", "2", "Hoàng Thị Lan"])
    assert officer.text.startswith(tr.LEAVE_CONFIRM_OFFICER)
    await officer(word)
    status = (await reload(world.app, world.med.id)).status
    assert (status == PersonStatus.LEFT) is left


async def test_dung_alone_is_not_a_cancel(world: World) -> None:
    officer = world.chat("officer")
    await officer.play(["/to", "2", "Hoàng Thị Lan"])
    await officer("đúng")
    assert (await reload(world.app, world.med.id)).status == PersonStatus.LEFT
