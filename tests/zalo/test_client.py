"""The thin client against the fake API: results, refusals, idle polls, network failure."""

from __future__ import annotations

import httpx
import pytest

from bot.channels.zalo.client import ZaloClient, ZaloError
from tests.zalo.fake_zalo import FakeZalo


async def test_idle_poll_is_none_and_one_update_per_call(api: FakeZalo, client: ZaloClient) -> None:
    assert await client.get_updates(1) is None
    api.send("u1", "một")
    api.send("u1", "hai")
    first = await client.get_updates(1)
    second = await client.get_updates(1)
    assert first is not None and first["message"]["text"] == "một"
    assert second is not None and second["message"]["text"] == "hai"


async def test_limits_are_refused_with_codes(api: FakeZalo, client: ZaloClient) -> None:
    with pytest.raises(ZaloError) as too_long:
        await client.send_message("u1", "x" * 2001)
    assert too_long.value.code == 400 and not too_long.value.retryable
    with pytest.raises(ZaloError) as no_keyboard:
        await client.call("sendMessage", {"chat_id": "u1", "text": "a", "reply_markup": {}})
    assert no_keyboard.value.code == 400
    api.fail("sendMessage", 429)
    with pytest.raises(ZaloError) as throttled:
        await client.send_message("u1", "a")
    assert throttled.value.code == 429 and throttled.value.retryable


async def test_wrong_token_and_network_errors(api: FakeZalo) -> None:
    wrong = ZaloClient("nope", "https://zalo.test", transport=api.transport())
    with pytest.raises(ZaloError) as refused:
        await wrong.get_me()
    assert refused.value.code == 401
    await wrong.aclose()

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    offline = ZaloClient("t", "https://zalo.test", transport=httpx.MockTransport(down))
    with pytest.raises(ZaloError) as unreachable:
        await offline.get_me()
    assert unreachable.value.code is None and unreachable.value.retryable
    assert "t" not in unreachable.value.description.split()
    await offline.aclose()
