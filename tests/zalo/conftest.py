"""Fixtures: a real App (SQLite in tmp), the in-process fake Zalo API and the Zalo channel."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.files import FileLinks
from bot.config import Settings
from bot.runtime import App, open_app
from tests.zalo.fake_zalo import TOKEN, FakeZalo, serve

TESTDATA = Path(__file__).parent / "testdata"
BASE = "https://bot.example.vn"


def recorded(name: str) -> dict[str, Any]:
    """A recorded Zalo payload from tests/zalo/testdata."""
    data: dict[str, Any] = json.loads((TESTDATA / f"{name}.json").read_text("utf-8"))
    return data


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, zalo_bot_token=SecretStr(TOKEN))  # type: ignore[call-arg]


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[App]:
    async with open_app(settings, load_kb=False) as app:
        yield app


@pytest.fixture
def api() -> FakeZalo:
    return FakeZalo()


@pytest.fixture
async def client(api: FakeZalo) -> AsyncIterator[ZaloClient]:
    client = ZaloClient(TOKEN, "https://zalo.test", transport=api.transport())
    yield client
    await client.aclose()


@pytest.fixture
def links(tmp_path: Path) -> FileLinks:
    return FileLinks(b"k" * 32, BASE, tmp_path / "files", timedelta(hours=24))


@pytest.fixture
def channel(app: App, client: ZaloClient, links: FileLinks) -> ZaloChannel:
    return ZaloChannel(app, client, links)


@pytest.fixture
async def zalo() -> AsyncIterator[tuple[FakeZalo, str]]:
    """A fake Zalo Bot API on 127.0.0.1 for black-box runs of the real process: (api, base URL)."""
    api = FakeZalo(idle_wait=0.5)
    server, port = serve(api)
    yield api, f"http://127.0.0.1:{port}"
    server.stop()
