"""``hoagiai run`` decides from the store whether it may be one of several processes: SQLite
takes the run lock (one file, one writer); PostgreSQL takes none and needs webhooks, since
two processes cannot share one platform's polling. No server is needed: the refusal comes
before anything connects."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.cli import _cmd_run, polling_channels
from bot.config import Settings
from bot.storage.db import database_for
from bot.storage.lock import lock_path
from bot.texts import console as tc
from tests.telegram.fake_api import TOKEN

# Nothing listens here: connecting would fail, so the test also shows that nothing tried.
UNREACHABLE = "postgresql://hoagiai@127.0.0.1:9/hoagiai"


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, telegram_bot_token=SecretStr(TOKEN), **values)  # type: ignore[call-arg]


@pytest.mark.sqlite_only
def test_only_sqlite_is_a_single_process_store(tmp_path: Path) -> None:
    assert database_for(_settings(tmp_path)).single_process is True
    assert database_for(_settings(tmp_path, database_url=SecretStr(UNREACHABLE))).single_process is False


async def test_polling_on_postgresql_is_refused_before_anything_opens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path, database_url=SecretStr(UNREACHABLE), zalo_bot_token=SecretStr("z" * 40))
    assert polling_channels(settings) == ["telegram", "zalo"]
    assert await _cmd_run(argparse.Namespace(), settings) == 2
    err = capsys.readouterr().err
    assert err.strip() == tc.POLLING_ON_SHARED_DATABASE.format(channels="telegram, zalo")
    assert "TELEGRAM_WEBHOOK_URL" in err and "docs/deploy.md" in err
    assert not lock_path(settings.db_file).exists()  # no run lock on a shared store


def test_webhooks_leave_nothing_polling(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        database_url=SecretStr(UNREACHABLE),
        telegram_webhook_url="https://bot.example.gov.vn/telegram",
        telegram_webhook_secret=SecretStr("s" * 32),
    )
    assert polling_channels(settings) == []
