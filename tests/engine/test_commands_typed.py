"""Flow phrases typed without a slash or diacritics, and what the KB gap log skips
(issue 12 item 4) — the pure part."""

from __future__ import annotations

import pytest

from bot.conversation.commands import Command, flow_phrase, is_command_like, parse_command

COMMANDS = {"baocao": "report", "dangky": "register", "duyet": "approve", "to": "teams", "hoidap": "ask"}


@pytest.mark.parametrize(
    ("text", "flow"),
    [
        ("dang ky", "register"),
        ("Đăng ký", "register"),
        ("toi muon dang ky", "register"),
        ("Tôi muốn đăng ký ạ", "register"),
        ("dangky", "register"),
        ("bao cao", "report"),
        ("Báo cáo vụ việc", "report"),
        ("cho minh bao cao vu viec nhe", "report"),
        ("baocao", "report"),
        ("duyet", "approve"),
        ("thong ke", "stats"),
        ("gui thong bao", "broadcast"),
        ("Gửi thông báo!", "broadcast"),
        ("tro giup", None),  # a global word, parse_command's job
        ("to", None),  # «tô», «tờ» … too short to be /to
        ("báo cáo vụ việc đất đai thế nào", None),  # a question
        ("hoa giai vien la ai", None),
        ("", None),
    ],
)
def test_flow_phrase(text: str, flow: str | None) -> None:
    assert flow_phrase(text, COMMANDS) == flow


@pytest.mark.parametrize(
    ("text", "name", "arg", "flow"),
    [
        ("/lienket 123456", "flow", "123456", "link"),
        ("/hoi hoa giai vien la ai", "flow", "hoa giai vien la ai", "ask"),
        ("/baocao hôm qua", "flow", "hôm qua", "report"),
        ("/baocao", "flow", "", "report"),
        ("/start ABCD1234", "start", "ABCD1234", ""),
    ],
)
def test_text_after_a_flow_command_is_kept(text: str, name: str, arg: str, flow: str) -> None:
    commands = {**COMMANDS, "lienket": "link"}
    assert parse_command(text, commands) == Command(name, arg, flow)


@pytest.mark.parametrize(
    "text", ["/baocao", "/xyz", "1", "12", " 3 ", "x", "?", "dang ky", "huy", "menu", "bao cao", "ok", "ko"]
)
def test_not_logged_as_a_gap(text: str) -> None:
    assert is_command_like(text, COMMANDS)


@pytest.mark.parametrize("text", ["hoa giai vien la ai", "thu lao", "to hoa giai co may nguoi"])
def test_questions_are_logged(text: str) -> None:
    assert not is_command_like(text, COMMANDS)

