"""Black-box: the real ``python -m bot run`` with a fake Telegram and a fake Zalo on 127.0.0.1.

Both channels start in one process (one line each); a Zalo user gets numbered text; the same
update delivered twice is answered once; after SIGKILL and a restart the conversation goes on;
SIGTERM stops everything with exit code 0.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.databases import query_rows
from tests.telegram.fake_server import FakeTelegramServer
from tests.telegram.test_e2e import BotProcess, _env
from tests.zalo.fake_zalo import TOKEN, FakeZalo

WITHIN = 20.0


async def _texts(api: FakeZalo, chat: str, count: int) -> list[str]:
    for _ in range(int(WITHIN / 0.05)):
        if len(api.texts(chat)) >= count:
            return api.texts(chat)
        await asyncio.sleep(0.05)
    raise AssertionError(f"{chat}: expected {count} texts, got {api.texts(chat)!r}")


@pytest.mark.single_process
async def test_both_channels_one_process_dedupe_crash_and_clean_stop(
    zalo: tuple[FakeZalo, str], tmp_path: Path
) -> None:
    api, url = zalo
    data_dir = tmp_path / "data"
    async with FakeTelegramServer() as telegram:
        env = _env(telegram, data_dir, ZALO_BOT_TOKEN=TOKEN, ZALO_API_URL=url)
        bot = BotProcess(env, tmp_path)
        try:
            await bot.start()
            update = api.send("z1", "menu")
            [menu] = await _texts(api, "z1", 1)
            assert "\n1. " in menu and "bấm" not in menu.lower()
            api.updates.append(update)  # Zalo redelivers the same message
            api.send("z1", "menu")
            await _texts(api, "z1", 2)
            await asyncio.sleep(1.0)
            assert len(api.texts("z1")) == 2

            await bot.kill()
            # getUpdates has no acknowledgement: an update handed to the dead process's open poll
            # is gone (webhook mode avoids that). Let that poll expire, then write while down.
            await asyncio.sleep(api.idle_wait + 0.3)
            api.send("z1", "menu")
            await bot.start()
            await _texts(api, "z1", 3)
            assert await bot.terminate() == 0
        finally:
            await bot.ensure_dead()
    log = bot.log
    assert "Khởi động kênh telegram: polling" in log and "Khởi động kênh zalo: polling" in log
    assert "zalo_stopped" in log and "channels_stopped" in log
    assert TOKEN not in log
    db_file = data_dir / "hoagiai.sqlite3"
    [(seen,)] = query_rows(db_file, "SELECT COUNT(*) FROM inbound_seen WHERE channel = 'zalo'")
    [(inbox,)] = query_rows(db_file, "SELECT COUNT(*) FROM zalo_inbox WHERE handled_at IS NOT NULL")
    assert (seen, inbox) == (3, 3)
