"""Black-box: the real ``python -m bot run`` process against the fake Bot API over HTTP.

Polling and webhook mode, as a user would: /start → menu, a question, button presses; a
``kill -9`` in the middle of a multi-step flow and a restart that resumes at the same step;
forged webhook requests refused; a clean SIGTERM shutdown. The long scenario of issue 6: an
officer joins with an invite code, a mediator registers, the officer approves from the outbox
notification, the mediator reports a case across a ``kill -9`` and asks a legal question.
Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.channels.telegram.render import split_text
from bot.domain.enums import FIELD_LABELS, CaseField, CaseOutcome, PersonStatus, Role
from bot.flows.registry import build_flows
from bot.texts import cases as tc
from bot.texts import common as t
from bot.texts import menu as tm
from bot.texts import privacy as tp
from bot.texts import register as tr
from bot.texts import telegram as tt
from tests.databases import query_rows
from tests.telegram.fake_api import TOKEN, FakeUser
from tests.telegram.fake_server import SECRET_HEADER, FakeTelegramServer

REPO = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "e2e-webhook-secret-3f9c1a7b"
QUESTION = "hòa giải viên có được thù lao không"
START_WITHIN = 20.0
REPLY_WITHIN = 10.0
# The outbox sender looks for due rows every second; a proactive message arrives within that.
OUTBOX_WITHIN = 10.0
THAT_KHE = "06040"  # xã Thất Khê, Lạng Sơn
TIMEZONE = "Asia/Ho_Chi_Minh"  # "hôm nay" and "hôm qua" are days in this zone
NEW_THON = "Thôn Bản Piềng"
CASE_SUMMARY = "Hai hộ tranh chấp ranh giới đất vườn giáp nhau"
APPROVAL_PREFIX = tr.APPROVAL_REQUEST.split("{")[0]


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
    return query_rows(data_dir / "hoagiai.sqlite3", sql, params)


def _one(data_dir: Path, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...]:
    rows = _db_rows(data_dir, sql, params)
    assert len(rows) == 1, f"expected one row, got {rows!r} for {sql}"
    return rows[0]


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


@pytest.mark.single_process
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


@pytest.mark.single_process
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


# -- issue 6: invite → registration → approval from the outbox → a case across a crash → a question


async def _create_invite(env: dict[str, str], workdir: Path, role: str, commune: str) -> str:
    """``python -m bot admin invite`` against the bot's DATA_DIR; returns the code it prints."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "admin",
        "invite",
        "--role",
        role,
        "--commune",
        commune,
        env=env,
        cwd=workdir,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), START_WITHIN)
    assert proc.returncode == 0, err.decode("utf-8", errors="replace")
    found = re.search(r"/start ([A-Z2-9]{8})\b", out.decode("utf-8"))
    assert found is not None, out
    return found.group(1)


async def _wait_for_rows(data_dir: Path, sql: str, expected: list[tuple[Any, ...]], within: float) -> None:
    """Poll the database until ``sql`` returns ``expected`` (the bot commits in its own process)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while (rows := _db_rows(data_dir, sql)) != expected:
        assert loop.time() < deadline, f"after {within}s {sql!r} still returns {rows!r}, not {expected!r}"
        await asyncio.sleep(0.05)


def _local_today() -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def _sent_to(server: FakeTelegramServer, chat_id: int, prefix: str) -> int:
    """sendMessage calls the bot made to ``chat_id`` whose text starts with ``prefix``."""
    return sum(
        1
        for call in server.api.calls_to("sendMessage")
        if str(call.params.get("chat_id")) == str(chat_id)
        and str(call.params.get("text", "")).startswith(prefix)
    )


class Member:
    """A Telegram user of the long scenario: what they do, and the bot's replies to it.

    The bot may also write first at any moment — approval requests, notices, and whatever the
    scheduler's reminders find due — and those messages all come from the outbox table. Replies
    are read past them (a message is proactive when its text is a chunk of an outbox row queued
    for this chat, which is committed before it can be sent); proactive messages are awaited on
    their own with :meth:`proactive`.
    """

    def __init__(self, user: FakeUser, data_dir: Path) -> None:
        self.user = user
        self.data_dir = data_dir

    def _queued(self) -> set[str]:
        rows = _db_rows(
            self.data_dir,
            "SELECT payload FROM outbox WHERE channel = 'telegram' AND chat_id = ?",
            (str(self.user.chat_id),),
        )
        return {chunk for (payload,) in rows for chunk in split_text(json.loads(payload)["text"])}

    async def reply(self, within: float = REPLY_WITHIN) -> dict[str, Any]:
        """The bot's next message that is not a proactive one."""
        while True:
            message = await self.user.next_message(within)
            if message.get("text") not in self._queued():
                return message

    async def say(self, text: str) -> dict[str, Any]:
        self.user.say(text)
        return await self.reply()

    async def press(self, message: dict[str, Any], label: str) -> dict[str, Any]:
        self.user.press(message, label)
        return await self.reply()

    async def share_phone(self, phone: str) -> dict[str, Any]:
        """Press the share-phone button of the reply keyboard (Telegram sends a contact)."""
        keyboard = self.user.keyboard
        assert keyboard is not None and keyboard["keyboard"][0][0].get("request_contact") is True
        self.user.share_contact(phone)
        return await self.reply()

    async def proactive(self, prefix: str, within: float = OUTBOX_WITHIN) -> dict[str, Any]:
        """Wait for a message the bot sent on its own whose text starts with ``prefix``."""
        received = self.user.received

        def found() -> list[dict[str, Any]]:
            return [m for m in received if m.get("text", "").startswith(prefix)]

        await self.user.api.wait_for(lambda: bool(found()), within, f"«{prefix[:30]}…» to {self.user.id}")
        return found()[0]

    def button_with_data(self, message: dict[str, Any], data: str) -> str:
        labels = [label for label, value in self.user.buttons(message) if value == data]
        assert labels, f"no button with data {data!r}: {self.user.buttons(message)}"
        return labels[0]


async def _officer_joins(officer: Member, code: str) -> None:
    """``/start CODE`` → welcome and name → phone via the share button → account created."""
    welcome = await officer.say(f"/start {code}")
    assert welcome["text"] == tr.INVITE_WELCOME.format(
        role=tr.ROLE_LABELS[Role.COMMUNE_OFFICER], place=" (xã Thất Khê)"
    )
    notice = await officer.reply()
    assert notice["text"].startswith("🔒 Thông báo về dữ liệu cá nhân")
    assert (await officer.press(notice, tp.CONSENT_ACCEPT))["text"] == tr.ASK_NAME
    assert (await officer.say("Hoàng Văn Hùng"))["text"] == tr.ASK_PHONE
    done = await officer.share_phone("84912345678")
    assert done["text"] == tr.INVITE_DONE.format(
        role=tr.ROLE_LABELS[Role.COMMUNE_OFFICER], name="Hoàng Văn Hùng"
    )
    assert officer.user.keyboard is None  # the share-phone keyboard is taken away


async def _mediator_registers(mediator: Member) -> None:
    """Menu → Đăng ký → role, commune search, new thôn, name, sex, ethnicity, phone, confirm."""
    menu = await mediator.say("/start")
    assert menu["text"] == f"{t.WELCOME_NEW}\n\n{tp.ASSISTANT_DISCLAIMER}"
    notice = await mediator.press(menu, tm.REGISTER)
    assert notice["text"].startswith("🔒 Thông báo về dữ liệu cá nhân")
    role = await mediator.press(notice, tp.CONSENT_ACCEPT)
    assert role["text"] == tr.ASK_ROLE
    assert (await mediator.press(role, tr.ROLE_LABELS[Role.MEDIATOR]))["text"] == tr.ASK_COMMUNE
    matches = await mediator.say("that khe")
    assert matches["text"] == tr.PICK_COMMUNE
    ask_team = await mediator.press(matches, mediator.button_with_data(matches, THAT_KHE))
    assert ask_team["text"] == tr.ASK_TEAM_EMPTY.format(commune="xã Thất Khê")  # no teams yet: typed
    assert (await mediator.say(NEW_THON))["text"] == tr.ASK_NAME
    sex = await mediator.say("Lý Thị Mai")
    assert sex["text"] == tr.ASK_SEX
    ethnic = await mediator.press(sex, tr.FEMALE)
    assert ethnic["text"].startswith(tr.ASK_ETHNIC)
    assert (await mediator.press(ethnic, tr.ETHNIC_MINORITY))["text"] == tr.ASK_PHONE
    summary = await mediator.share_phone("84987654321")
    assert summary["text"].startswith(tr.SUMMARY.split("{")[0])
    for shown in ("Lý Thị Mai", NEW_THON, "Thất Khê", "0987 654 321", tr.STATUS_LABELS[PersonStatus.PENDING]):
        assert shown in summary["text"], shown
    submitted = await mediator.press(summary, tr.SEND)
    assert submitted["text"].startswith(tr.SUBMITTED.split("(")[0]), submitted["text"]
    assert tr.APPROVER_COMMUNE.format(commune="xã Thất Khê") in submitted["text"]


def _person(data_dir: Path, user: FakeUser) -> tuple[Any, ...]:
    """(id, role, status, commune, team) of the person behind a Telegram user."""
    return _one(
        data_dir,
        "SELECT p.id, p.role, p.status, p.commune_code, p.team_id FROM people p "
        "JOIN identities i ON i.person_id = p.id WHERE i.channel = 'telegram' AND i.external_id = ?",
        (str(user.id),),
    )


@pytest.mark.single_process
async def test_invite_register_approve_report_across_a_crash(
    server: FakeTelegramServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    env = _env(server, data_dir, TIMEZONE=TIMEZONE)
    code = await _create_invite(env, tmp_path, "commune_officer", THAT_KHE)
    bot = BotProcess(env, tmp_path)
    try:
        await bot.start()
        await _wait_polling(server, 0)

        # (1) The commune's justice officer joins with the invite code.
        officer = Member(server.api.user(5101, "Hùng", "Hoàng Văn"), data_dir)
        await _officer_joins(officer, code)
        officer_id, *officer_facts = _person(data_dir, officer.user)
        assert officer_facts == ["commune_officer", "active", THAT_KHE, None]
        assert _one(data_dir, "SELECT used_by FROM invites WHERE code = ?", (code,)) == (officer_id,)

        # (2) A mediator registers by pressing buttons and is told the registration waits.
        mediator = Member(server.api.user(5102, "Mai", "Lý Thị"), data_dir)
        await _mediator_registers(mediator)
        mediator_id, *mediator_facts, team_id = _person(data_dir, mediator.user)
        assert mediator_facts == ["mediator", "pending", THAT_KHE] and team_id is not None

        # (3) The officer receives the request from the outbox, opens it and approves.
        request = await officer.proactive(APPROVAL_PREFIX)
        assert "Lý Thị Mai" in request["text"] and NEW_THON in request["text"]
        assert officer.user.buttons(request) == [(tr.OPEN_APPROVAL, f"go:approve:{mediator_id}")]
        decide = await officer.press(request, tr.OPEN_APPROVAL)
        assert decide["text"].endswith(tr.DECIDE.split("}")[-1]) and "Lý Thị Mai" in decide["text"]
        approved = await officer.press(decide, tr.APPROVE)
        assert approved["text"] == tr.APPROVED_DONE.format(name="Lý Thị Mai")
        await mediator.proactive(tr.YOU_ARE_APPROVED)
        assert _one(data_dir, "SELECT status, approved_by FROM people WHERE id = ?", (mediator_id,)) == (
            "active",
            officer_id,
        )
        assert _one(data_dir, "SELECT name, confirmed FROM teams WHERE id = ?", (team_id,)) == (NEW_THON, 1)
        # Both messages delivered once and recorded as sent: only rows still in the sender's
        # hands ("sending") may go out again after a crash, so these must not.
        # (Recorded at the sender's next wake-up: today up to its 1 s poll after the send, see
        # test_outbox_records_a_delivery_promptly in test_run.py.)
        ours = (
            "SELECT dedupe_key, status, attempts FROM outbox "
            f"WHERE dedupe_key IN ('approval:{mediator_id}:{officer_id}:telegram', "
            f"'decision:{mediator_id}:telegram') ORDER BY id"
        )
        sent_once = [
            (f"approval:{mediator_id}:{officer_id}:telegram", "sent", 1),
            (f"decision:{mediator_id}:telegram", "sent", 1),
        ]
        await _wait_for_rows(data_dir, ours, sent_once, OUTBOX_WITHIN)

        # (4) The mediator reports a case; the process dies mid-report.
        ask_received = await mediator.say("/baocao")
        assert ask_received["text"] == tc.ASK_RECEIVED
        day_before = _local_today()
        ask_field = await mediator.press(ask_received, tc.YESTERDAY)
        received_days = {day_before - timedelta(days=1), _local_today() - timedelta(days=1)}
        assert ask_field["text"] == tc.ASK_FIELD
        ask_summary = await mediator.press(ask_field, FIELD_LABELS[CaseField.DAT_DAI])
        assert ask_summary["text"] == tc.ASK_SUMMARY
        ask_outcome = await mediator.say(CASE_SUMMARY)
        assert ask_outcome["text"] == tc.ASK_OUTCOME
        assert _session(data_dir, mediator.user.chat_id) == ("report", "outcome")

        await bot.kill()
        # The mediator answers while the bot is down: Telegram keeps the press for later.
        mediator.user.press(ask_outcome, tc.OUTCOME_LABELS[CaseOutcome.THANH])
        since = len(server.api.calls)
        await bot.start()
        await _wait_polling(server, since)
        ask_agreement = await mediator.reply(START_WITHIN)
        assert ask_agreement["text"] == tc.ASK_AGREEMENT

        ask_outcome_on = await mediator.press(ask_agreement, tc.AGREEMENT_LABELS["written"])
        assert ask_outcome_on["text"] == tc.ASK_OUTCOME_ON
        day_before = _local_today()
        confirm = await mediator.press(ask_outcome_on, tc.TODAY)
        outcome_days = {day_before, _local_today()}
        assert confirm["text"].startswith(tc.SUMMARY_TITLE)
        assert tc.LINE_SUMMARY.format(value=CASE_SUMMARY) in confirm["text"]
        receipt = await mediator.press(confirm, tc.CONFIRM_SAVE)
        saved = re.match(r"✅ Đã lưu vụ việc (HG-\d{4}-\d{5})\.", receipt["text"])
        assert saved is not None, receipt["text"]
        assert _session(data_dir, mediator.user.chat_id) is None

        # The notification's button tapped again after the restart (from another device, whose
        # copy still shows it): the registration is decided, and the officer is told so.
        officer.user.press_data(request, f"go:approve:{mediator_id}")
        assert (await officer.reply())["text"] == tr.NOT_PENDING

        # (5) A legal question gets an answer that cites its article.
        answer = await mediator.say(QUESTION)
        assert "Căn cứ:" in answer["text"] and "Điều" in answer["text"], answer["text"]

        assert await bot.terminate() == 0
    finally:
        await bot.ensure_dead()

    cases = _db_rows(
        data_dir,
        "SELECT code, team_id, commune_code, reported_by, received_on, outcome_on, origin, field, summary, "
        "out_of_scope_reason, parties_count, vulnerable_involved, outcome, written_agreement, "
        "wants_court_recognition, next_step, legal_support FROM cases",
    )
    assert len(cases) == 1, cases
    case_code, case_team, commune, reporter, received_on, outcome_on, *values = cases[0]
    assert (case_code, case_team, commune, reporter) == (saved.group(1), team_id, THAT_KHE, mediator_id)
    assert date.fromisoformat(received_on) in received_days
    assert date.fromisoformat(outcome_on) in outcome_days
    assert values == [
        "parties_requested",
        "dat_dai",
        CASE_SUMMARY,
        None,  # in scope
        2,  # parties
        0,  # nobody vulnerable (the default the summary shows)
        "thanh",
        1,  # written agreement
        0,  # no court recognition asked
        None,  # next step: only after a failed mediation
        None,  # no legal support
    ]

    # The restart sent nothing twice: one approval request, one approval notice.
    assert bot.log.count("outbox_sender_started") == 2
    assert _sent_to(server, officer.user.id, APPROVAL_PREFIX) == 1
    assert len([m for m in officer.user.received if m.get("text", "").startswith(APPROVAL_PREFIX)]) == 1
    assert _sent_to(server, mediator.user.id, tr.YOU_ARE_APPROVED) == 1
    assert _db_rows(data_dir, ours) == sent_once
