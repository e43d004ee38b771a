"""The "automated assistant, information not a decision" line: once per conversation."""

from __future__ import annotations

from datetime import timedelta

from bot.runtime import App
from bot.services import privacy
from bot.texts import privacy as tp
from tests.flows.support import Clock, World


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
