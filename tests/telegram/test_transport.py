"""Retries of the Bot API transport: what is retried, how often, and what is not."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.channels.telegram.transport import RetryingRequest
from tests.telegram.fake_api import TOKEN, FakeTelegram, Fault
from tests.telegram.fake_request import FakeRequest


def _bot(api: FakeTelegram, retries: int = 2) -> Bot:
    return Bot(TOKEN, request=RetryingRequest(FakeRequest(api), retries=retries, base_delay=0.001))


async def test_gives_up_after_the_last_retry() -> None:
    api = FakeTelegram()
    api.user(7)
    api.fail("sendMessage", Fault(503, "Service Unavailable"), times=3)
    async with _bot(api) as bot:
        with pytest.raises(NetworkError, match="Service Unavailable"):
            await bot.send_message(7, "xin chào")
    assert len(api.calls_to("sendMessage")) == 3


async def test_timeouts_exhausted_raise_timed_out() -> None:
    api = FakeTelegram()
    api.user(7)
    api.fail("sendMessage", Fault(timeout=True), times=3)
    async with _bot(api) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(7, "xin chào")


async def test_client_errors_are_not_retried() -> None:
    api = FakeTelegram()
    async with _bot(api) as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(99, "xin chào")
    assert len(api.calls_to("sendMessage")) == 1
