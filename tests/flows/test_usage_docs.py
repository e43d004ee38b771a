"""Issue 12 item 5: every FAQ and guide entry about using the bot says what the bot does. Each
"how to use the bot" entry is walked against the flow definitions and a console session."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Settings
from bot.domain.enums import Role
from bot.flows.registry import build_flows
from bot.flows.stats import ALLOWED_ROLES
from bot.texts import cases as tc
from bot.texts import register as tr
from tests.flows.support import World, report_case

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
USAGE_FILES = [KNOWLEDGE / "faq" / "su-dung-bot.md", KNOWLEDGE / "guides" / "hd-su-dung-tro-ly.md"]
# Commands the engine itself answers, outside any flow.
ENGINE_COMMANDS = {"start", "menu", "huy", "cancel", "quaylai", "back", "trogiup", "help"}


def _entries() -> dict[tuple[str, str], str]:
    entries = {}
    for path in USAGE_FILES:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"^## \[([a-z0-9-]+)\][^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S):
            entries[(path.stem, match.group(1))] = match.group(2)
    return entries


ENTRIES = _entries()


def _entry(anchor: str) -> list[str]:
    found = [body for (_, key), body in ENTRIES.items() if key == anchor]
    assert found, anchor
    return found


def test_every_command_named_exists() -> None:
    commands = {flow.command for flow in build_flows().values() if flow.command} | ENGINE_COMMANDS
    named = {m for body in ENTRIES.values() for m in re.findall(r"(?<![\w/])/([a-z]+)\b", body)}
    assert named and named <= commands, named - commands


async def test_the_report_steps_are_the_ones_the_guide_lists(world: World) -> None:
    [guide] = [
        body
        for (stem, key), body in ENTRIES.items()
        if stem == "hd-su-dung-tro-ly" and key == "bao-cao-vu-viec"
    ]
    listed = re.findall(r"^- Bước (\d): ", guide, re.M)
    assert listed == ["1", "2", "3", "4", "5"]
    med = world.chat("med")
    prompts = [
        await med("/baocao"),
        await med("hôm qua"),
        await med("đất đai"),
        await med("Tranh chấp lối đi chung giữa hai hộ"),
    ]
    await med.play(["Hòa giải thành", "Có văn bản, không yêu cầu Tòa án"])
    prompts.append(await med("hôm nay"))
    expected = [tc.ASK_RECEIVED, tc.ASK_FIELD, tc.ASK_SUMMARY, tc.ASK_OUTCOME, tc.SUMMARY_TITLE]
    for n, (prompt, text) in enumerate(zip(prompts, expected, strict=True), start=1):
        assert prompt.startswith(text) and f"{n}/5" in text
    # What the guide says is filled in is on the summary, as the guide says it.
    summary = prompts[-1]
    for line in (
        tc.LINE_ORIGIN.format(value="Các bên yêu cầu"),
        tc.LINE_PARTIES.format(value=2, vulnerable="không"),
        tc.LINE_SCOPE.format(value=tc.SCOPE_IN),
        tc.LINE_LEGAL.format(value=tc.LEGAL_NONE),
    ):
        assert line in summary
    for body in _entry("bao-cao-vu-viec"):
        assert "thôn" not in body.split("Tổ của bạn lấy từ hồ sơ")[0]  # the team is not asked


async def test_the_case_entries_match_corrections_and_the_team_list(world: World) -> None:
    days = Settings(_env_file=None).correction_days  # type: ignore[call-arg]
    for anchor in ("xem-vu-viec", "vu-viec-cua-toi"):
        for body in _entry(anchor):
            assert f"trong {days} ngày" in body and "của tổ" in body
    await report_case(world.app, world.med2, outcome="thanh")
    reply = await world.chat("med").play(["/vuviec", "1"])  # a team mate's case is listed
    assert tc.CASE_CARD.split("{")[0] in reply
    leader = await world.chat("leader").play(["/vuviec", "1"])
    assert tc.CORRECT_OUTCOME in leader


async def test_the_profile_entries_offer_what_hoso_offers(world: World) -> None:
    reply = await world.chat("med")("/hoso")
    assert tr.EDIT_NAME in reply and tr.EDIT_PHONE in reply and tr.LEAVE_TEAM in reply
    for anchor in ("ho-so-ca-nhan", "ho-so"):
        for body in _entry(anchor):
            assert "họ tên hoặc số điện thoại" in body and "/to" in body
    assert (await world.chat("leader")("/to")).startswith(tr.OWN_TEAM_HEADER.split("{")[0])


@pytest.mark.parametrize("anchor", ["thong-ke"])
def test_the_stats_entries_name_who_may_use_it(anchor: str) -> None:
    assert Role.TEAM_LEADER in ALLOWED_ROLES and Role.MEDIATOR not in ALLOWED_ROLES
    for body in _entry(anchor):
        assert "tổ trưởng" in body and "Hòa giải viên không dùng được" in body
