"""Starting and stopping the Zalo channel: the webhook is set at start and unset on a clean stop;
polling removes a webhook left behind before it fetches."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot.channels.zalo.run import zalo_running
from bot.config import Settings
from bot.runtime import open_app
from tests.zalo.fake_zalo import TOKEN, FakeZalo, serve

SECRET = "run-test-webhook-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
async def served() -> AsyncIterator[tuple[FakeZalo, str]]:
    api = FakeZalo()
    server, port = serve(api)
    yield api, f"http://127.0.0.1:{port}"
    server.stop()


def _settings(tmp_path: Path, api_url: str, **extra: object) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path, zalo_bot_token=SecretStr(TOKEN), zalo_api_url=api_url, **extra
    )


@pytest.mark.single_process
async def test_webhook_set_at_start_and_deleted_on_clean_stop(
    served: tuple[FakeZalo, str], tmp_path: Path
) -> None:
    api, url = served
    port = _free_port()
    settings = _settings(
        tmp_path,
        url,
        zalo_webhook_url="https://bot.example.vn/zalo",
        zalo_webhook_secret=SecretStr(SECRET),
        zalo_webhook_port=port,
    )
    stop = asyncio.Event()
    async with open_app(settings, load_kb=False) as app:
        async with zalo_running(app, settings, stop):
            assert api.webhook == "https://bot.example.vn/zalo"
            async with httpx.AsyncClient() as http:
                answer = await http.post(
                    f"http://127.0.0.1:{port}/zalo",
                    json=api.update("u1", "menu"),
                    headers={"X-Bot-Api-Secret-Token": SECRET},
                )
            assert answer.status_code == 200
            stop.set()
        # The update accepted just before the stop was answered before the webhook went away.
        assert len(api.texts("u1")) == 1
        assert api.webhook is None
        assert [c.method for c in api.calls][-1] == "deleteWebhook"


async def test_polling_removes_a_webhook_left_behind(served: tuple[FakeZalo, str], tmp_path: Path) -> None:
    api, url = served
    api.webhook = "https://old.example.vn/zalo"  # a crashed webhook deployment
    settings = _settings(tmp_path, url)
    stop = asyncio.Event()
    async with open_app(settings, load_kb=False) as app, zalo_running(app, settings, stop):
        assert api.webhook is None
        api.send("u2", "menu")
        for _ in range(200):
            if api.texts("u2"):
                break
            await asyncio.sleep(0.02)
        assert len(api.texts("u2")) == 1
        stop.set()
