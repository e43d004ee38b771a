"""Commands typed as words start their flow before the knowledge base is searched, and text
after a flow command is its first answer (issue 12 item 4)."""

from __future__ import annotations

import pytest

from bot.texts import broadcast as tb
from bot.texts import cases as tc
from bot.texts import linking as tl
from bot.texts import privacy as tp
from bot.texts import register as tr
from tests.flows.support import Chat, World

SUMMARY = "Tranh chấp ranh giới đất vườn giữa hai hộ"


@pytest.mark.parametrize("text", ["dang ky", "đăng ký", "toi muon dang ky", "Tôi muốn đăng ký ạ", "dangky"])
async def test_register_typed_in_words(world: World, text: str) -> None:
    chat = Chat(world.app, "newcomer")
    await chat(text)
    session = await chat.session()
    assert session is not None and session.flow == "register"
    assert tp.CONSENT_ACCEPT in chat.text


@pytest.mark.parametrize("text", ["bao cao", "báo cáo vụ việc", "baocao", "cho minh bao cao vu viec"])
async def test_report_typed_in_words(world: World, text: str) -> None:
    med = world.chat("med")
    reply = await med(text)
    assert reply.startswith(tc.ASK_RECEIVED)


async def test_officer_words(world: World) -> None:
    officer = world.chat("officer")
    assert (await officer("duyet")).startswith(tr.NO_PENDING)
    assert (await officer("gui thong bao")).startswith(tb.ASK_TEXT[:20])


async def test_words_inside_a_step_are_its_answer(world: World) -> None:
    med = world.chat("med")
    await med.play(["/baocao", "hôm qua", "đất đai"])
    await med("bao cao vu viec tranh chap dat")  # the summary, not a command
    session = await med.session()
    assert session is not None and session.data["summary"] == "bao cao vu viec tranh chap dat"


async def test_from_the_menu_a_typed_command_starts_its_flow(world: World) -> None:
    med = world.chat("med")
    await med("menu")
    assert (await med("bao cao")).startswith(tc.ASK_RECEIVED)


async def test_text_after_a_flow_command_answers_its_first_question(world: World) -> None:
    med = world.chat("med")
    reply = await med("/baocao hôm qua")
    assert reply.startswith(tc.ASK_FIELD.split("\n")[0][:20])
    session = await med.session()
    assert session is not None and session.data["received"] == "2026-03-09"
    # A code typed after /lienket on a chat nobody knows yet is tried at once.
    stranger = Chat(world.app, "zalo-user")
    assert (await stranger("/lienket 123456")).startswith(tl.UNKNOWN)


async def test_words_for_a_flow_the_role_never_has_stay_a_question(world: World) -> None:
    med = world.chat("med")
    await med("gui thong bao")
    session = await med.session()
    assert session is not None and session.flow == "ask"
