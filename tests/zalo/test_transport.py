"""The outbox transport: outcomes for Zalo's answers, later parts retried, files as links."""

from __future__ import annotations

import pytest

from bot.channels.zalo import transport as zt
from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.files import FileLinks
from bot.channels.zalo.transport import ZaloTransport
from bot.conversation.messages import Attachment, Reply
from bot.workers.outbox_sender import Blocked, Delivered, Permanent, RetryAfter, Transient
from tests.zalo.fake_zalo import FakeZalo


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(429, RetryAfter), (403, Blocked), (400, Permanent), (500, Transient), (502, Transient)],
)
async def test_first_part_failure_goes_back_to_the_sender(
    api: FakeZalo, client: ZaloClient, status: int, outcome: type
) -> None:
    api.fail("sendMessage", status)
    assert isinstance(await ZaloTransport(client).send("u1", Reply("Nhắc việc")), outcome)
    assert api.texts("u1") == []


async def test_later_parts_retry_429_and_5xx_with_backoff(
    api: FakeZalo, client: ZaloClient, links: FileLinks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zt, "CONTINUATION_BASE_DELAY", 0.001)
    reply = Reply("Thông báo", attachment=Attachment("ds.xlsx", "application/vnd.ms-excel", data=b"PK"))
    transport = ZaloTransport(client, links)
    # The second sendMessage (the link) fails twice, then goes through.
    original = api.respond
    seen = 0

    async def flaky(token: str, method: str, params: dict) -> tuple[int, dict]:  # type: ignore[type-arg]
        nonlocal seen
        if method == "sendMessage":
            seen += 1
            if seen in (2, 3):
                return 429 if seen == 2 else 503, {"ok": False, "error_code": 429 if seen == 2 else 503}
        return await original(token, method, params)

    monkeypatch.setattr(api, "respond", flaky)
    assert isinstance(await transport.send("u1", reply), Delivered)
    texts = api.texts("u1")
    assert texts[0] == "Thông báo" and "https://bot.example.vn/files/" in texts[1] and len(texts) == 2


async def test_photo_goes_by_signed_url(api: FakeZalo, client: ZaloClient, links: FileLinks) -> None:
    reply = Reply("Biểu đồ", attachment=Attachment("bd.png", "image/png", data=b"\x89PNG"))
    assert isinstance(await ZaloTransport(client, links).send("u1", reply), Delivered)
    [url] = api.photos("u1")
    assert url.startswith("https://bot.example.vn/files/") and "sig=" in url
