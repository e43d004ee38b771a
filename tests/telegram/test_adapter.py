"""Recorded Telegram updates (testdata/incoming.json) replayed through the adapter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, Update

from bot.channels.telegram.adapter import to_inbound
from tests.telegram.fake_api import TOKEN

TESTDATA = Path(__file__).parent / "testdata"
CASES: list[dict[str, Any]] = json.loads((TESTDATA / "incoming.json").read_text("utf-8"))
FIELDS = ("channel", "chat_id", "user_id", "message_id", "kind", "text", "value", "display_name")


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_recorded_update(case: dict[str, Any]) -> None:
    update = Update.de_json(case["update"], Bot(TOKEN))
    inbound = to_inbound(update)
    if case["inbound"] is None:
        assert inbound is None
        return
    assert inbound is not None
    assert {name: str(getattr(inbound, name)) for name in FIELDS} == case["inbound"]


def test_message_date_becomes_received_at() -> None:
    case = next(c for c in CASES if c["name"] == "text")
    inbound = to_inbound(Update.de_json(case["update"], Bot(TOKEN)))
    assert inbound is not None and inbound.received_at is not None
    assert int(inbound.received_at.timestamp()) == case["update"]["message"]["date"]
