"""Recorded Zalo payloads → Inbound (bare and wrapped bodies, text, image, sticker, unsupported)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.channels.zalo.adapter import message_id, to_inbound, unwrap
from bot.conversation.messages import Channel, InboundKind
from tests.zalo.conftest import recorded


def test_bare_text_becomes_text_inbound() -> None:
    update = unwrap(recorded("text_bare"))
    assert update is not None
    inbound = to_inbound(update)
    assert inbound is not None
    assert (inbound.channel, inbound.kind, inbound.text) == (Channel.ZALO, InboundKind.TEXT, "Xin chào")
    assert inbound.chat_id == inbound.user_id == "6f2a1c9e8d7b"
    assert inbound.message_id == "2d4d5c0f1a8e4b0b9f3e"
    assert inbound.display_name == "Nguyễn Văn An"
    assert inbound.received_at == datetime(2025, 12, 4, 6, 40, 0, 123000, tzinfo=UTC)


def test_wrapped_body_is_unwrapped() -> None:
    update = unwrap(recorded("text_wrapped"))
    assert update is not None and message_id(update) == "2d4d5c0f1a8e4b0b9f3f"
    inbound = to_inbound(update)
    assert inbound is not None and inbound.text == "1"


def test_image_is_a_photo_file_by_url_with_caption() -> None:
    inbound = to_inbound(recorded("image"))
    assert inbound is not None and inbound.kind == InboundKind.FILE and inbound.file is not None
    assert inbound.file.ref.channel == Channel.ZALO and inbound.file.ref.photo
    assert inbound.file.ref.file_id == "https://photo-stal.zadn.vn/abc.jpg"
    assert inbound.text == "Biên bản"


def test_sticker_and_unsupported_are_unsupported() -> None:
    for name in ("sticker", "unsupported"):
        inbound = to_inbound(recorded(name))
        assert inbound is not None and inbound.kind == InboundKind.UNSUPPORTED, name


def test_group_messages_and_junk_are_ignored() -> None:
    assert to_inbound(recorded("group_text")) is None
    assert unwrap([1, 2]) is None
    assert unwrap({"ok": True, "result": {}}) is None
    assert to_inbound({"event_name": "message.text.received", "message": {"text": "x"}}) is None
