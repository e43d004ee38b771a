"""Start-up decisions of the Telegram runner: mode, command menu, a rejected token."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.channels.telegram.run import choose_mode, command_menu, run_telegram
from bot.config import Settings
from tests.telegram.fake_api import TOKEN
from tests.telegram.fake_server import FakeTelegramServer


def _settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, telegram_bot_token=SecretStr(TOKEN), **values)  # type: ignore[call-arg]


def test_mode_is_webhook_only_with_url_and_secret(tmp_path: Path) -> None:
    url = "https://bot.example.vn/telegram"
    assert choose_mode(_settings(tmp_path))[0] == "polling"
    mode, reason = choose_mode(_settings(tmp_path, telegram_webhook_url=url))
    assert mode == "polling" and "TELEGRAM_WEBHOOK_SECRET" in reason
    both = _settings(tmp_path, telegram_webhook_url=url, telegram_webhook_secret=SecretStr("s3cret-value"))
    assert choose_mode(both)[0] == "webhook"


def test_command_menu_follows_installed_flows() -> None:
    names = [c.command for c in command_menu({"hoidap": "ask", "baocao": "report"})]
    assert names == ["start", "menu", "baocao", "hoidap", "huy", "trogiup"]


async def test_rejected_token_exits_with_code_2(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with FakeTelegramServer() as server:
        server.api.token = "999999:another-bot-token-the-server-does-not-know"
        settings = _settings(tmp_path, telegram_api_url=server.url)
        with caplog.at_level(logging.INFO):
            assert await run_telegram(settings) == 2
    assert "telegram_start mode=polling reason=TELEGRAM_WEBHOOK_URL is not set" in caplog.text
    assert "telegram_token_rejected" in caplog.text
    assert [c.method for c in server.api.calls] == []  # 401 before any method ran
