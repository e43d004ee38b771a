"""Questions to the knowledge base through the engine: answers, follow-ups, feedback, gaps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import DEFAULT_KNOWLEDGE_DIR, Settings
from bot.kb import KnowledgeBase
from bot.runtime import App, open_app
from bot.storage.kb_log import top_gaps
from bot.texts import common as t
from bot.texts import menu as tm
from tests.flows.support import Chat

_KB: list[KnowledgeBase] = []


def _kb() -> KnowledgeBase:
    # The real knowledge base, loaded once for the module (about a tenth of a second).
    if not _KB:
        _KB.append(KnowledgeBase.load(DEFAULT_KNOWLEDGE_DIR))
    return _KB[0]


@pytest.fixture
async def kb_app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    async with open_app(settings, kb=_kb()) as app:
        yield app


async def _rows(app: App, sql: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in await app.db.fetchall(sql)]


async def test_a_typed_question_is_answered_with_its_citation(kb_app: App) -> None:
    chat = Chat(kb_app, "asker")
    reply = await chat("hoa giai vien co duoc thu lao khong")
    assert "Căn cứ:" in reply
    labels = [choice.label for choice in chat.replies[-1].choices]
    assert tm.HELPFUL in labels and tm.NOT_HELPFUL in labels
    session = await kb_app.db.fetchone("SELECT flow FROM sessions WHERE chat_id = 'asker'")
    assert session is not None and session["flow"] == "ask"


async def test_helpful_feedback_is_stored_and_ends_the_follow_up(kb_app: App) -> None:
    chat = Chat(kb_app, "asker")
    await chat("điều 12 luật hòa giải")
    reply = await chat(tm.HELPFUL)
    assert reply == tm.THANKS_HELPFUL
    assert await _rows(kb_app, "SELECT ref, helpful FROM kb_feedback") == [("luat-35-2013:dieu-12", 1)]
    assert await kb_app.db.fetchone("SELECT 1 FROM sessions WHERE chat_id = 'asker'") is None


async def test_not_helpful_logs_the_question_for_curators(kb_app: App) -> None:
    chat = Chat(kb_app, "asker")
    await chat("Tổ hòa giải có mấy người")
    reply = await chat("3")  # the numbered «👎 Chưa đúng», as typed on a channel without buttons
    assert reply == tm.THANKS_NOT_HELPFUL
    assert await _rows(kb_app, "SELECT helpful FROM kb_feedback") == [(0,)]
    assert await _rows(kb_app, "SELECT question, decision FROM kb_unanswered") == [
        ("to hoa giai co may nguoi", "not_helpful")
    ]


async def test_declined_question_is_logged_without_personal_data(kb_app: App) -> None:
    chat = Chat(kb_app, "asker")
    reply = await chat("thoi tiet ngay mai o so dien thoai 0912345678 the nao")
    assert "Căn cứ:" not in reply
    [(question, decision)] = await _rows(kb_app, "SELECT question, decision FROM kb_unanswered")
    assert decision == "decline"
    assert "0912345678" not in str(question) and "*" in str(question)


async def test_full_text_of_the_cited_article(kb_app: App) -> None:
    chat = Chat(kb_app, "asker")
    await chat("bau hoa giai vien nhu the nao")
    assert tm.FULL_TEXT in [choice.label for choice in chat.replies[-1].choices]
    reply = await chat(tm.FULL_TEXT)
    assert "Điều 8" in chat.text and "trên 50%" in chat.text
    assert tm.HELPFUL in [choice.label for choice in chat.replies[-1].choices]
    assert reply


async def test_suggestions_can_be_picked_by_number(kb_app: App) -> None:
    chat = Chat(kb_app, "asker")
    await chat("kinh phi")  # too short to be sure: the bot offers its best candidates
    first = chat.replies[-1].choices[0]
    assert first.value.startswith("ref:")
    passage = _kb().passage(first.value.removeprefix("ref:"))
    assert passage is not None
    await chat("1")
    assert passage.title in chat.text or passage.text[:40] in chat.text


async def test_a_new_question_in_the_follow_up_is_answered(kb_app: App) -> None:
    chat = Chat(kb_app, "asker")
    await chat("dieu 12")
    reply = await chat("dieu 8 luat hoa giai")
    assert "Điều 8" in reply


async def test_kb_gaps_lists_the_most_frequent_unanswered(
    kb_app: App, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for user in ("a", "b", "c"):
        await Chat(kb_app, user)("gia vang hom nay bao nhieu")
    await Chat(kb_app, "d")("ket qua bong da")
    gaps = await top_gaps(kb_app.db)
    assert gaps[0][:2] == ("gia vang hom nay bao nhieu", 3)
    await kb_app.db.close()
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    # The command runs its own event loop, as from a shell.
    assert await asyncio.to_thread(main, ["--env-file", str(tmp_path / "none.env"), "kb", "gaps"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[0] == "3" and lines[0].endswith("gia vang hom nay bao nhieu")


async def test_hoi_with_a_question_answers_it_at_once(kb_app: App) -> None:
    chat = Chat(kb_app, "asker")
    reply = await chat("/hoi hoa giai vien co duoc thu lao khong")
    assert "Căn cứ:" in reply
    assert tm.ASK_PROMPT not in reply


async def test_commands_numbers_and_single_characters_are_not_gaps(kb_app: App) -> None:
    chat = Chat(kb_app, "asker")
    for text in ("9", "x", "?", "12", "/xyz"):
        await chat(text)
    await chat("hủy")
    assert await _rows(kb_app, "SELECT question FROM kb_unanswered") == []


@pytest.mark.parametrize("greeting", ["Xin chào!", "xin chao", "alo", "Chào bạn"])
async def test_a_greeting_gets_the_menu_not_a_search(kb_app: App, greeting: str) -> None:
    """A newcomer's first «xin chào» (Zalo has no /start) is welcomed with the menu; nothing
    is logged as a question the KB could not answer."""
    reply = await Chat(kb_app, "newcomer")(greeting)
    assert reply.startswith(t.WELCOME_NEW.split("\n")[0]) and "Đăng ký" in reply
    assert await top_gaps(kb_app.db, 10) == []
