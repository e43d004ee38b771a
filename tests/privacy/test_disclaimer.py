"""The "automated assistant, information not a decision" line: once per conversation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.config import DEFAULT_KNOWLEDGE_DIR, Settings
from bot.kb import KnowledgeBase
from bot.runtime import App, open_app
from bot.services import privacy
from bot.texts import privacy as tp
from tests.flows.support import Chat, Clock, World


async def test_due_once_then_again_after_idleness(app: App) -> None:
    idle = timedelta(minutes=120)
    now = app.clock()
    async with app.db.transaction() as tx:
        assert await privacy.disclaimer_due(tx, "console", "u", now, idle)
        assert not await privacy.disclaimer_due(tx, "console", "u", now + timedelta(minutes=5), idle)
        assert await privacy.disclaimer_due(tx, "console", "u", now + timedelta(hours=3), idle)


async def test_greeting_carries_the_line_once(app: App, world: World, clock: Clock) -> None:
    stranger = world.chat("stranger")
    assert tp.ASSISTANT_DISCLAIMER in await stranger("menu")
    assert tp.ASSISTANT_DISCLAIMER not in await stranger("menu")
    clock.advance(hours=3)
    assert tp.ASSISTANT_DISCLAIMER in await stranger("menu")


async def test_first_kb_answer_carries_the_line(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    async with open_app(settings, kb=KnowledgeBase.load(DEFAULT_KNOWLEDGE_DIR)) as kb_app:
        chat = Chat(kb_app, "asker")
        first = await chat("hoa giai vien co duoc thu lao khong")
        assert "Căn cứ:" in first and tp.ASSISTANT_DISCLAIMER in first
        assert tp.ASSISTANT_DISCLAIMER not in await chat("hoa giai vien co duoc thu lao khong")


async def test_registered_persons_greeting_carries_the_line_once(world: World, clock: Clock) -> None:
    med = world.chat("med")
    assert tp.ASSISTANT_DISCLAIMER in await med("/start")
    assert tp.ASSISTANT_DISCLAIMER not in await med("menu")
    clock.advance(hours=3)
    assert tp.ASSISTANT_DISCLAIMER in await med("menu")


async def test_closest_passages_carry_the_line_but_a_decline_does_not(tmp_path: Path) -> None:
    kb = KnowledgeBase.load(DEFAULT_KNOWLEDGE_DIR)
    candidates = ["thu lao", "hop dong", "dat dai", "bầu hòa giải viên", "quyen", "xyz abc"]
    unsure = next(q for q in candidates if kb.answer(q, max_len=1900).decision == "suggest")
    declined = next(q for q in candidates if kb.answer(q, max_len=1900).decision == "decline")
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    async with open_app(settings, kb=kb) as kb_app:
        first = Chat(kb_app, "a")
        assert tp.ASSISTANT_DISCLAIMER not in await first(declined)  # quotes no law: not used up
        assert tp.ASSISTANT_DISCLAIMER in await first(unsure)
        # A passage picked from the suggestions in the same conversation does not repeat it.
        picked = first.replies[-1].choices[0].value
        assert picked.startswith("ref:")
        assert tp.ASSISTANT_DISCLAIMER not in await first.press(picked)
