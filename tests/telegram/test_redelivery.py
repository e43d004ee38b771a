"""Telegram: an update whose reply never got out is answered when it comes again — once."""

from __future__ import annotations

from bot.texts import common as t
from tests.telegram.conftest import Harness
from tests.telegram.fake_api import FakeUser, Fault


def _menus(user: FakeUser) -> int:
    """Menus the user actually received (a refused send is not one)."""
    return sum(1 for m in user.received if str(m.get("text", "")).startswith(t.WELCOME_NEW))


async def test_failed_reply_is_sent_on_redelivery_and_never_twice(tg: Harness) -> None:
    user = tg.user()
    update = user.say("/start")
    tg.api.fail("sendMessage", Fault(400, "Bad Request: chat not found"))  # after the commit
    await tg.deliver(update)
    assert _menus(user) == 0
    # A webhook retry, or polling after a restart before the offset was confirmed.
    await tg.deliver(update)
    assert _menus(user) == 1
    await tg.deliver(update)
    assert _menus(user) == 1
