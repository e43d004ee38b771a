"""Recorded Telegram updates (testdata/incoming.json) replayed through the adapter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, Update

from bot.channels.telegram.adapter import to_inbound
from bot.conversation.messages import Channel, InboundFile
from tests.telegram.fake_api import TOKEN

TESTDATA = Path(__file__).parent / "testdata"
CASES: list[dict[str, Any]] = json.loads((TESTDATA / "incoming.json").read_text("utf-8"))
FIELDS = ("channel", "chat_id", "user_id", "message_id", "kind", "text", "value", "display_name")


def _file_fields(file: InboundFile | None) -> dict[str, Any] | None:
    """An inbound file as the recordings spell it (a case without ``file`` expects None)."""
    if file is None:
        return None
    assert file.ref.channel == Channel.TELEGRAM
    return {
        "file_id": file.ref.file_id,
        "name": file.name,
        "mime_type": file.mime_type,
        "size": file.size,
        "photo": file.ref.photo,
    }


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_recorded_update(case: dict[str, Any]) -> None:
    update = Update.de_json(case["update"], Bot(TOKEN))
    inbound = to_inbound(update)
    if case["inbound"] is None:
        assert inbound is None
        return
    assert inbound is not None
    assert {name: str(getattr(inbound, name)) for name in FIELDS} == case["inbound"]
    assert _file_fields(inbound.file) == case.get("file")


def test_message_date_becomes_received_at() -> None:
    case = next(c for c in CASES if c["name"] == "text")
    inbound = to_inbound(Update.de_json(case["update"], Bot(TOKEN)))
    assert inbound is not None and inbound.received_at is not None
    assert int(inbound.received_at.timestamp()) == case["update"]["message"]["date"]
