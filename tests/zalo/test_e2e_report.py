"""Black-box, issue 11: the real ``python -m bot run`` with a fake Telegram and a fake Zalo.

A newcomer registers on Zalo by typing numbers and text only (webhook bodies posted to the
bot's web server on 127.0.0.1), the commune officer approves on Telegram, the mediator reports
a case on Zalo; the process is killed with SIGKILL while the reply to a saved step is in flight
(after the commit, before Zalo got it) and restarted: the reply comes exactly once, the report
goes on and is saved. Asserted: the database rows and every message that went out to Zalo.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.domain.enums import CaseOutcome, PersonStatus, Role
from bot.texts import cases as tc
from bot.texts import menu as tm
from bot.texts import privacy as tp
from bot.texts import register as tr
from tests.databases import query_rows
from tests.telegram.fake_server import FakeTelegramServer
from tests.telegram.test_e2e import (
    APPROVAL_PREFIX,
    OUTBOX_WITHIN,
    START_WITHIN,
    THAT_KHE,
    TIMEZONE,
    BotProcess,
    Member,
    _create_invite,
    _env,
    _free_port,
    _officer_joins,
    _sent_to,
    _wait_for_rows,
)
from tests.zalo.fake_zalo import TEXT_LIMIT, TOKEN, FakeZalo

SECRET = "e2e-zalo-webhook-secret-8d2f"
HOOK_PATH = "/zalo"
NEW_THON = "Thôn Khuổi Phầy"
CASE_SUMMARY = "Hai hộ tranh chấp lối đi chung ra ruộng"
REPLY_WITHIN = 15.0
_NUMBERED = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


def _rows(data_dir: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return query_rows(data_dir / "hoagiai.sqlite3", sql, params)


def number_of(text: str, label: str) -> str:
    """The number a Zalo user types to pick ``label`` in a numbered list (exact, else the one
    line that contains it)."""
    lines = {int(n): shown for n, shown in _NUMBERED.findall(text)}
    exact = [n for n, shown in lines.items() if shown == label]
    found = exact or [n for n, shown in lines.items() if label in shown]
    assert len(found) == 1, f"{label!r} not once in {text!r}"
    return str(found[0])


class ZaloUser:
    """One Zalo user writing to the bot through its webhook, as Zalo would deliver it."""

    def __init__(self, api: FakeZalo, chat: str, hook: str, data_dir: Path) -> None:
        self.api = api
        self.chat = chat
        self.hook = hook
        self.data_dir = data_dir
        self.sent = 0  # messages the user typed

    def _proactive(self, text: str) -> bool:
        rows = _rows(
            self.data_dir, "SELECT payload FROM outbox WHERE channel = 'zalo' AND chat_id = ?", (self.chat,)
        )
        return any(json.loads(p)["text"].split("\n")[0] in text for (p,) in rows)

    async def post(self, update: dict[str, Any]) -> int:
        async with httpx.AsyncClient(timeout=5.0) as http:
            answer = await http.post(self.hook, json=update, headers={"X-Bot-Api-Secret-Token": SECRET})
        return answer.status_code

    async def handled(self, update: dict[str, Any], within: float = REPLY_WITHIN) -> None:
        """Wait until the bot marked the update handled (its replies all went out)."""
        ident = update["message"]["message_id"]
        sql = "SELECT COUNT(*) FROM zalo_inbox WHERE message_id = ? AND handled_at IS NOT NULL"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while _rows(self.data_dir, sql, (ident,)) != [(1,)]:
            assert loop.time() < deadline, f"update {ident} not handled within {within}s"
            await asyncio.sleep(0.05)

    async def say(self, text: str) -> str:
        """Type ``text``; the bot's answer (its messages joined), proactive ones left out."""
        before = len(self.api.texts(self.chat))
        update = self.api.update(self.chat, text)
        self.sent += 1
        assert await self.post(update) == 200
        await self.handled(update)
        answer = [t for t in self.api.texts(self.chat)[before:] if not self._proactive(t)]
        assert answer, f"no answer to {text!r}"
        return "\n\n".join(answer)

    async def pick(self, shown: str, label: str) -> str:
        return await self.say(number_of(shown, label))

    def count(self, prefix: str) -> int:
        return sum(1 for t in self.api.texts(self.chat) if t.startswith(prefix))


async def _webhook_set(api: FakeZalo, times: int) -> None:
    for _ in range(int(START_WITHIN / 0.05)):
        if sum(1 for c in api.calls if c.method == "setWebhook") >= times:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not call setWebhook")


async def _register_on_zalo(mai: ZaloUser) -> None:
    """Menu → Đăng ký → consent → role → commune → new thôn → name → sex → ethnicity → phone → send."""
    menu = await mai.say("menu")
    assert "bấm" not in menu.lower()
    notice = await mai.pick(menu, tm.REGISTER)
    assert "🔒 Thông báo về dữ liệu cá nhân" in notice
    role = await mai.pick(notice, tp.CONSENT_ACCEPT)
    assert tr.ASK_ROLE in role
    assert tr.ASK_COMMUNE in await mai.pick(role, tr.ROLE_LABELS[Role.MEDIATOR])
    matches = await mai.say("that khe")
    ask_team = await mai.pick(matches, "Thất Khê")
    assert tr.ASK_TEAM_EMPTY.format(commune="xã Thất Khê") in ask_team
    assert tr.ASK_NAME in await mai.say(NEW_THON)
    sex = await mai.say("lý thị mai")
    ethnic = await mai.pick(sex, tr.FEMALE)
    phone = await mai.pick(ethnic, tr.ETHNIC_MINORITY)
    assert tr.ASK_PHONE.split("\n")[0] in phone and "Hãy gõ số điện thoại" in phone
    summary = await mai.say("0987 654 321")
    for shown in ("Lý Thị Mai", NEW_THON, "Thất Khê", "0987 654 321"):
        assert shown in summary, shown
    submitted = await mai.pick(summary, tr.SEND)
    assert tr.SUBMITTED.split("(")[0] in submitted


@pytest.mark.single_process
async def test_register_on_zalo_approve_on_telegram_report_across_a_kill(
    zalo: tuple[FakeZalo, str], tmp_path: Path
) -> None:
    api, api_url = zalo
    data_dir = tmp_path / "data"
    port = _free_port()
    async with FakeTelegramServer() as telegram:
        env = _env(
            telegram,
            data_dir,
            TIMEZONE=TIMEZONE,
            ZALO_BOT_TOKEN=TOKEN,
            ZALO_API_URL=api_url,
            ZALO_WEBHOOK_URL=f"https://bot.example.vn{HOOK_PATH}",
            ZALO_WEBHOOK_SECRET=SECRET,
            ZALO_WEBHOOK_LISTEN="127.0.0.1",
            ZALO_WEBHOOK_PORT=str(port),
        )
        code = await _create_invite(env, tmp_path, "commune_officer", THAT_KHE)
        bot = BotProcess(env, tmp_path)
        gate = asyncio.Event()  # holds the send in flight when the process is killed
        try:
            await bot.start()
            await _webhook_set(api, 1)
            officer = Member(telegram.api.user(5201, "Hùng", "Hoàng Văn"), data_dir)
            await _officer_joins(officer, code)
            (officer_id,) = _rows(data_dir, "SELECT id FROM people WHERE role = 'commune_officer'")[0]

            # (1) A newcomer on Zalo registers with typed numbers and text only.
            mai = ZaloUser(api, "zalo-mai", f"http://127.0.0.1:{port}{HOOK_PATH}", data_dir)
            await _register_on_zalo(mai)
            [(mai_id, status, team_id)] = _rows(
                data_dir,
                "SELECT p.id, p.status, p.team_id FROM people p JOIN identities i ON i.person_id = p.id "
                "WHERE i.channel = 'zalo' AND i.external_id = 'zalo-mai'",
            )
            assert status == PersonStatus.PENDING.value

            # (2) The officer approves on Telegram, from the notification.
            request = await officer.proactive(APPROVAL_PREFIX)
            assert "Lý Thị Mai" in request["text"]
            decide = await officer.press(request, tr.OPEN_APPROVAL)
            approved = await officer.press(decide, tr.APPROVE)
            assert approved["text"] == tr.APPROVED_DONE.format(name="Lý Thị Mai")
            for _ in range(int(OUTBOX_WITHIN / 0.05)):
                if mai.count(tr.YOU_ARE_APPROVED):
                    break
                await asyncio.sleep(0.05)
            assert mai.count(tr.YOU_ARE_APPROVED) == 1  # on Zalo, her only channel

            # (3) She reports a case on Zalo; a redelivered update is answered once.
            mai.sent = 0
            ask_received = await mai.say("/baocao")
            assert tc.ASK_RECEIVED in ask_received
            ask_field = await mai.pick(ask_received, tc.YESTERDAY)
            assert tc.ASK_FIELD in ask_field
            ask_summary = await mai.pick(ask_field, "Đất đai")
            assert tc.ASK_SUMMARY.split("\n")[0][:30] in ask_summary
            before = len(api.texts(mai.chat))
            summary_update = api.update(mai.chat, CASE_SUMMARY)
            mai.sent += 1
            assert await mai.post(summary_update) == 200
            await mai.handled(summary_update)
            assert await mai.post(summary_update) == 200  # Zalo resends the same message
            await asyncio.sleep(0.5)
            [ask_outcome] = api.texts(mai.chat)[before:]
            assert tc.ASK_OUTCOME in ask_outcome

            # (4) Killed after the outcome is saved, while its reply is on the way to Zalo.
            api.hold_sends = gate
            outcome_update = api.update(
                mai.chat, number_of(ask_outcome, tc.OUTCOME_LABELS[CaseOutcome.THANH])
            )
            mai.sent += 1
            assert await mai.post(outcome_update) == 200
            for _ in range(int(REPLY_WITHIN / 0.05)):
                if api.held:
                    break
                await asyncio.sleep(0.05)
            assert api.held and tc.ASK_AGREEMENT.split("(")[0] in api.held[0].params["text"]
            await bot.kill()
            api.hold_sends = None
            assert _rows(
                data_dir,
                "SELECT flow, step FROM sessions WHERE channel = 'zalo' AND chat_id = ?",
                (mai.chat,),
            ) == [("report", "agreement")]
            assert mai.count(tc.ASK_AGREEMENT.split("(")[0]) == 0  # the user never got it

            # (5) Restarted: the reply that never came is sent — once — and the report goes on.
            await bot.start()
            await _webhook_set(api, 2)
            await mai.handled(outcome_update, START_WITHIN)
            assert mai.count(tc.ASK_AGREEMENT.split("(")[0]) == 1
            ask_agreement = api.texts(mai.chat)[-1]
            ask_outcome_on = await mai.pick(ask_agreement, tc.AGREEMENT_LABELS["written"])
            assert tc.ASK_OUTCOME_ON in ask_outcome_on
            confirm = await mai.pick(ask_outcome_on, tc.TODAY)
            assert tc.SUMMARY_TITLE in confirm and CASE_SUMMARY in confirm
            receipt = await mai.pick(confirm, tc.CONFIRM_SAVE)
            saved = re.search(r"✅ Đã lưu vụ việc (HG-\d{4}-\d{5})\.", receipt)
            assert saved is not None, receipt
            report_messages = mai.sent
            assert await bot.terminate() == 0
        finally:
            await bot.ensure_dead()
            gate.set()  # the calls the dead process left hanging end (never delivered)

        # Telegram: the officer got the approval request once; nothing went to Mai there.
        assert _sent_to(telegram, officer.user.id, APPROVAL_PREFIX) == 1

    # The database: one case, as reported, by the approved mediator of the confirmed new team.
    cases = _rows(
        data_dir,
        "SELECT code, reported_by, team_id, commune_code, field, summary, outcome, written_agreement "
        "FROM cases",
    )
    assert cases == [(saved.group(1), mai_id, team_id, THAT_KHE, "dat_dai", CASE_SUMMARY, "thanh", 1)]
    assert _rows(data_dir, "SELECT status, approved_by FROM people WHERE id = ?", (mai_id,)) == [
        ("active", officer_id)
    ]
    assert _rows(data_dir, "SELECT name, confirmed FROM teams WHERE id = ?", (team_id,)) == [(NEW_THON, 1)]
    assert _rows(data_dir, "SELECT channel FROM identities WHERE person_id = ?", (mai_id,)) == [("zalo",)]
    await _wait_for_rows(
        data_dir,
        f"SELECT dedupe_key, status, attempts FROM outbox WHERE dedupe_key LIKE 'decision:{mai_id}:%'",
        [(f"decision:{mai_id}:zalo", "sent", 1)],
        1.0,
    )
    # Every reply delivered and counted: nothing is left to resend.
    assert _rows(data_dir, "SELECT COUNT(*) FROM inbound_seen WHERE replies IS NOT NULL") == [(0,)]

    # Zalo: numbered text only, within the limit, each step's question once, one receipt.
    texts = api.texts(mai.chat)
    assert all(1 <= len(t) <= TEXT_LIMIT and "bấm" not in t.lower() for t in texts)
    assert not [
        c for c in api.calls if c.method != "getUpdates" and {"reply_markup", "keyboard"} & c.params.keys()
    ]
    for question in (tc.ASK_RECEIVED, tc.ASK_FIELD, tc.ASK_OUTCOME, tc.ASK_OUTCOME_ON, tc.SUMMARY_TITLE):
        assert sum(1 for t in texts if question in t) == 1, question
    assert mai.count("✅ Đã lưu vụ việc") == 1
    assert mai.count(tr.YOU_ARE_APPROVED) == 1
    # A full /baocao on Zalo, typed: the figure issue 11 asks for (issue 13 aims at ≤ 8).
    assert report_messages <= 8, report_messages
    log = bot.log
    assert log.count("channels_ready") == 2 and "replies_resent channel=zalo" in log
    assert TOKEN not in log and SECRET not in log
