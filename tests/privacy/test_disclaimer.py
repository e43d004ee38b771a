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
