"""Black-box: the real ``python -m bot run`` process against the fake Bot API over HTTP.

Polling and webhook mode, as a user would: /start → menu, a question, button presses; a
``kill -9`` in the middle of a multi-step flow and a restart that resumes at the same step;
forged webhook requests refused; a clean SIGTERM shutdown. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.flows.registry import build_flows
from bot.texts import common as t
from bot.texts import menu as tm
from bot.texts import telegram as tt
from tests.telegram.fake_api import TOKEN, FakeUser
from tests.telegram.fake_server import SECRET_HEADER, FakeTelegramServer

REPO = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "e2e-webhook-secret-3f9c1a7b"
QUESTION = "hòa giải viên có được thù lao không"
START_WITHIN = 20.0
REPLY_WITHIN = 10.0


class BotProcess:
    """``python -m bot run`` in a subprocess, its stderr kept in a file for diagnosis."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.log_path = workdir / "bot.log"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=self.env, cwd=self.workdir, stdout=log, stderr=log
            )

    @property
    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    async def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a power cut of the process."""
        assert self.proc is not None
        self.proc.kill()
        await self.proc.wait()

    async def terminate(self) -> int:
        """SIGTERM and wait for a graceful exit; returns the exit code."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), 15)

    async def ensure_dead(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _env(server: FakeTelegramServer, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATA_DIR", "DATABASE_PATH"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=server.url,
        DATA_DIR=str(data_dir),
        PYTHONPATH=str(REPO),
        LOG_LEVEL="INFO",
    )
    env.update(extra)
    return env


def _db_rows(data_dir: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data_dir / "hoagiai.sqlite3") as conn:
        return list(conn.execute(sql, params).fetchall())


def _session(data_dir: Path, chat_id: int) -> tuple[str, str] | None:
    rows = _db_rows(
        data_dir,
        "SELECT flow, step FROM sessions WHERE channel = 'telegram' AND chat_id = ?",
        (str(chat_id),),
    )
    return (rows[0][0], rows[0][1]) if rows else None


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as fake:
        yield fake


async def _wait_polling(server: FakeTelegramServer, since: int) -> None:
    await server.api.wait_for(
        lambda: any(c.method == "getUpdates" for c in server.api.calls[since:]),
        START_WITHIN,
        "the first getUpdates",
    )


async def _user_journey(server: FakeTelegramServer, user: FakeUser) -> None:
    """/start → menu; press «Hỏi đáp» → prompt; a question → an answer; press a follow-up button."""
    user.say("/start")
    menu = await user.next_message(REPLY_WITHIN)
    assert menu["text"].startswith("Xin chào")
    assert tm.ASK in [label for label, _ in user.buttons(menu)]

    answered = len(server.api.calls_to("answerCallbackQuery"))
    user.press(menu, tm.ASK)
    prompt = await user.next_message(REPLY_WITHIN)
    assert prompt["text"] == tm.ASK_PROMPT
    assert len(server.api.calls_to("answerCallbackQuery")) == answered + 1
    assert "reply_markup" not in menu and menu["text"].endswith(tt.PICKED.format(label=tm.ASK))

    user.say(QUESTION)
    answer = await user.next_message(REPLY_WITHIN)
    # The knowledge base may or may not be loaded: either way a real sentence comes back.
    assert len(answer["text"]) > 40
    assert answer["text"] not in (t.INTERNAL_ERROR, tt.ERROR)
    buttons = user.buttons(answer)
    if buttons:
        user.press(answer, buttons[-1][0])
        follow_up = await user.next_message(REPLY_WITHIN)
        assert follow_up["text"] and follow_up["text"] != tt.ERROR


def _flow_candidates() -> list[tuple[str, str]]:
    """Multi-step flows worth crashing in, best first, with their command; "ask" as the fallback."""
    flows = build_flows()
    preferred = [name for name in ("register", "report") if name in flows and flows[name].command]
    return [(name, f"/{flows[name].command}") for name in [*preferred, "ask"] if name in flows]


async def _enter_a_flow(user: FakeUser, data_dir: Path) -> tuple[str, str, dict[str, Any]]:
    """Start the best available flow and go one step in when its first step offers buttons.

    Returns (flow, step, the last prompt message)."""
    for name, command in _flow_candidates():
        user.say(command)
        prompt = await user.next_message(REPLY_WITHIN)
        session = _session(data_dir, user.chat_id)
        if session is None or session[0] != name:
            continue  # refused for this user (e.g. not registered): try the next flow
        buttons = user.buttons(prompt)
        if buttons:
            user.press(prompt, buttons[0][0])
            prompt = await user.next_message(REPLY_WITHIN)
            session = _session(data_dir, user.chat_id)
            assert session is not None
        return session[0], session[1], prompt
    raise AssertionError("no flow could be started")


async def test_polling_journey_crash_resume_and_clean_stop(
    server: FakeTelegramServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    bot = BotProcess(_env(server, data_dir), tmp_path)
    try:
        await bot.start()
        await _wait_polling(server, 0)
        assert {"start", "menu", "hoidap", "huy", "trogiup"} <= {c["command"] for c in server.api.commands}

        lan = server.api.user(5001, "Lan", "Hoàng Thị")
        await _user_journey(server, lan)

        # A second user mid-flow when the process dies without any chance to clean up.
        tuan = server.api.user(5002, "Tuấn", "Nông Văn")
        flow, step, prompt = await _enter_a_flow(tuan, data_dir)
        await bot.kill()
        assert _session(data_dir, tuan.chat_id) == (flow, step)

        # The user writes while the bot is down; the update waits at Telegram.
        tuan.say("/trogiup")
        since = len(server.api.calls)
        await bot.start()
        await _wait_polling(server, since)
        reply = await tuan.next_message(START_WITHIN)
        # Help, then the very question the user was at before the crash.
        assert reply["text"].startswith(t.HELP)
        assert prompt["text"].split("\n")[0] in reply["text"]
        assert _session(data_dir, tuan.chat_id) == (flow, step)

        assert await bot.terminate() == 0
        assert "telegram_stopped" in bot.log
    finally:
        await bot.ensure_dead()
    log = bot.log
    assert "mode=polling" in log and "reason=" in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log, "the bot token leaked into the logs"


async def test_webhook_secret_journey_and_clean_stop(server: FakeTelegramServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port = _free_port()
    hook_url = f"http://127.0.0.1:{port}/telegram/hook"
    env = _env(
        server,
        data_dir,
        TELEGRAM_WEBHOOK_URL=hook_url,
        TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        TELEGRAM_WEBHOOK_PORT=str(port),
    )
    bot = BotProcess(env, tmp_path)
    try:
        await bot.start()
        await server.api.wait_for(lambda: server.api.webhook is not None, START_WITHIN, "setWebhook")
        assert server.api.webhook == {
            "url": hook_url,
            "secret_token": WEBHOOK_SECRET,
            "allowed_updates": ["message", "callback_query"],
            "max_connections": 40,
        }

        # Forged updates: no secret, a wrong secret. Refused before anything is stored.
        intruder = server.api.user(6666, "Giả", "Mạo")
        forged = intruder.say("/start")
        server.api.pending.remove(forged)  # delivered by hand below, not by the fake Telegram
        seen_before = _db_rows(data_dir, "SELECT COUNT(*) FROM inbound_seen")
        async with httpx.AsyncClient(timeout=5.0) as client:
            for headers in ({}, {SECRET_HEADER: "wrong-secret-000"}):
                response = await client.post(hook_url, json=forged, headers=headers)
                assert response.status_code == 403
        await asyncio.sleep(0.3)
        assert _db_rows(data_dir, "SELECT COUNT(*) FROM inbound_seen") == seen_before
        assert _db_rows(data_dir, "SELECT * FROM identities WHERE external_id = '6666'") == []
        assert intruder.received == []

        # The real thing: Telegram (the fake) posts with the secret header.
        lan = server.api.user(5001, "Lan", "Hoàng Thị")
        await _user_journey(server, lan)
        assert all(status == 200 for _, status in server.deliveries)

        # SIGTERM right after an update was accepted: it is still answered before the exit.
        last = lan.say("/trogiup")
        await server.api.wait_for(
            lambda: (last["update_id"], 200) in server.deliveries, REPLY_WITHIN, "the webhook delivery"
        )
        assert await bot.terminate() == 0
        assert (await lan.next_message(1.0))["text"].startswith(t.HELP)
        assert server.api.webhook is None  # deleteWebhook on the way out
    finally:
        await bot.ensure_dead()
    assert "mode=webhook" in bot.log
    assert WEBHOOK_SECRET not in bot.log and TOKEN not in bot.log
