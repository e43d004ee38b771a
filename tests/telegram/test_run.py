"""Start-up decisions of the Telegram runner: mode, command menu, a rejected token; the outbox
sender as the runner wires it (plain Bot, production sender settings)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.channels.telegram.run import choose_mode, command_menu, outbox_bot, run_telegram
from bot.config import Settings
from bot.conversation.messages import Reply
from bot.runtime import open_app
from bot.storage import outbox
from bot.storage.db import utcnow
from bot.workers.outbox_sender import OutboxSender, SenderConfig
from bot.workers.telegram_transport import TelegramTransport
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


async def test_outbox_records_a_delivery_promptly(tmp_path: Path) -> None:
    async with FakeTelegramServer() as server:
        settings = _settings(tmp_path, telegram_api_url=server.url)
        user = server.api.user(5301, "Hùng")
        config = SenderConfig.from_settings(settings)
        async with open_app(settings, load_kb=False) as app:
            async with app.db.transaction() as tx:
                await outbox.enqueue(
                    tx,
                    channel="telegram",
                    chat_id=str(user.chat_id),
                    reply=Reply("🔔 Có đăng ký mới cần duyệt"),
                    dedupe_key="approval:1:2:telegram",
                    kind=outbox.Kind.APPROVAL,
                    now=utcnow(),
                )
            bot = outbox_bot(settings)
            await bot.initialize()
            stop = asyncio.Event()
            sender = asyncio.create_task(
                OutboxSender(app.db, "telegram", TelegramTransport(bot), config).run(stop)
            )
            try:
                await user.next_message(5.0)
                loop = asyncio.get_running_loop()
                # A few flush intervals, well under the poll interval.
                deadline = loop.time() + 0.3
                status = ""
                while loop.time() < deadline:
                    row = await app.db.fetchone(
                        "SELECT status FROM outbox WHERE dedupe_key = 'approval:1:2:telegram'"
                    )
                    status = row["status"] if row is not None else ""
                    if status == "sent":
                        break
                    await asyncio.sleep(0.01)
                assert config.poll_interval >= 1.0 > 0.3 > config.flush_interval
                assert status == "sent"
            finally:
                stop.set()
                await sender
                await bot.shutdown()
