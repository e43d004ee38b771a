"""Whole conversations through the console channel, compared with hand-written transcripts."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from bot.channels.console import ConsoleChannel, render
from bot.conversation.messages import Reply
from bot.runtime import App
from tests.conftest import OUTCOMES, Chat
from tests.databases import ON_POSTGRES, database_at
from tests.processes import run_hoagiai

DATA = Path(__file__).parent / "data"


async def test_console_script_produces_the_expected_transcript(app: App) -> None:
    out = io.StringIO()
    channel = ConsoleChannel(app, "console-tester", out=out)
    await channel.play((DATA / "thu_script.txt").read_text("utf-8").splitlines())
    assert out.getvalue() == (DATA / "thu_transcript.txt").read_text("utf-8")
    # The one completed run was recorded once; the cancelled one left nothing behind.
    chat = Chat(app, "console-tester")
    assert await chat.records() == [("Tranh chấp lối đi giữa hai nhà", "thanh", 2)]
    assert await chat.session() is None


async def test_replaying_a_script_is_not_deduplicated(app: App) -> None:
    # Console message ids must not repeat across runs, or a second run would be silently ignored.
    first, second = io.StringIO(), io.StringIO()
    await ConsoleChannel(app, "same-user", out=first).play(["/thu", "Vụ thứ nhất", "1", "2"])
    await ConsoleChannel(app, "same-user", out=second).play(["/thu", "Vụ thứ hai", "1", "2"])
    assert first.getvalue().replace("thứ nhất", "thứ hai") == second.getvalue()
    assert "Đã ghi «Vụ thứ hai»" in second.getvalue()
    assert len(await Chat(app, "same-user").records()) == 2


def test_render_numbers_the_choices() -> None:
    expected = "Chọn:\n1. Hòa giải thành\n2. Hòa giải không thành\n3. Đang hòa giải"
    assert render(Reply("Chọn:", choices=OUTCOMES)) == expected
    assert render(Reply("Chỉ chữ")) == "Chỉ chữ"


def test_cli_chat_script_end_to_end(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    result = run_hoagiai(["chat", "--script", str(DATA / "cli_script.txt")], tmp_path, subprocess_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (DATA / "cli_transcript.txt").read_text("utf-8")
    assert "Traceback" not in result.stderr
    # The conversation went to the configured database: the file under DATA_DIR, or on the
    # PostgreSQL pass the test's database (and then no SQLite file appears).
    db_file = tmp_path / "data" / "hoagiai.sqlite3"
    assert db_file.is_file() != ON_POSTGRES

    async def messages_seen() -> int:
        async with database_at(db_file) as db:
            row = await db.fetchone("SELECT COUNT(*) AS n FROM inbound_seen WHERE channel = 'console'")
        assert row is not None
        return int(row["n"])

    assert asyncio.run(messages_seen()) > 0
