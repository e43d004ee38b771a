"""The command line speaks Vietnamese to deployers, with one clear line per mistake (issue 13.15)."""

from __future__ import annotations

import argparse
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.channels.runner import plan_lines
from bot.cli import build_parser, main
from bot.cli_parser import translate_error
from bot.config import Settings
from bot.texts import console as tc
from bot.texts import kb as tk
from bot.texts import register as tr
from tests.processes import run_hoagiai

# A Vietnamese sentence has at least one letter outside ASCII (diacritics or đ).
VIETNAMESE = re.compile(r"[À-ỹđĐ]")




def _in_process(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--env-file", str(tmp_path / "none.env"), *args])
    out, err = capsys.readouterr()
    # Log lines (migrations applied on a new database…) go to stderr too: keep the messages.
    messages = [line for line in err.splitlines() if not re.match(r"^\d{4}-\d\d-\d\d \d\d:", line)]
    return code, out, "\n".join(messages)


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None) -> Iterator[None]:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KNOWLEDGE_DIR", str(tmp_path / "no-knowledge"))
    # main() installs its own log handler on the (captured) stderr: put pytest's back after.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _parsers(
    parser: argparse.ArgumentParser, path: str = "hoagiai"
) -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found.extend(_parsers(child, f"{path} {name}"))
    return found


def test_every_command_and_option_is_described_in_vietnamese() -> None:
    parsers = _parsers(build_parser())
    assert len(parsers) > 25
    for path, parser in parsers:
        if path != "hoagiai":
            assert parser.description and VIETNAMESE.search(parser.description), path
        for action in parser._actions:
            if action.help in (None, argparse.SUPPRESS) and isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help and VIETNAMESE.search(action.help), (
                path,
                action.option_strings or action.dest,
            )
        text = parser.format_help()
        for english in ("usage:", "positional arguments", "options:", "show this help message"):
            assert english not in text, (path, english)


@pytest.mark.usefixtures("cli_env")
def test_invite_for_an_unknown_commune_says_so_and_how_to_list_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _in_process(
        ["admin", "invite", "--role", "mediator", "--commune", "99999"], tmp_path, capsys
    )
    assert code == 2
    assert err.strip() == tc.INVITE_UNKNOWN_COMMUNE.format(
        reason=tr.INVITE_UNKNOWN_COMMUNE.format(code="99999")
    )
    assert "hoagiai admin communes" in err
    assert "sao lưu" not in err  # not "the database is broken, restore a backup"

    code, out, err = _in_process(["admin", "communes", "thất", "khê"], tmp_path, capsys)
    assert code == 0
    assert out.strip() == "06040  Thất Khê"


@pytest.mark.usefixtures("cli_env")
def test_invite_confirmation_shows_the_role_in_vietnamese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _in_process(
        ["admin", "invite", "--role", "commune_officer", "--commune", "06040"], tmp_path, capsys
    )
    assert code == 0
    assert "vai trò Công chức Tư pháp xã/phường," in out
    assert "commune_officer" not in out


@pytest.mark.usefixtures("cli_env")
def test_export_with_a_bad_period_says_once_what_is_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _in_process(
        ["export", "results", "--period", "2026-13", "--out", str(tmp_path)], tmp_path, capsys
    )
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].count("2026-13") == 1
    assert lines[0].count("Dạng đúng") == 1 and "2026-Q2" in lines[0]


@pytest.mark.usefixtures("cli_env")
def test_kb_search_without_a_question_answers_in_vietnamese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _in_process(["kb", "search"], tmp_path, capsys)
    assert code == 2
    assert err.strip() == tk.KB_SEARCH_NO_QUESTION


@pytest.mark.usefixtures("cli_env")
def test_argparse_errors_are_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["admin", "invite"])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert "cách dùng:" in err and "lỗi: thiếu tham số bắt buộc: --role" in err
    assert "required" not in err and "usage" not in err


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("argv", [["export", "--period", "2026-Q2"], ["export"], ["export", "10C"]])
def test_export_without_a_report_name_lists_the_reports(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == 2
    [line] = capsys.readouterr().err.strip().splitlines()  # one line, no usage block
    assert line.startswith("hoagiai export: hãy ghi tên báo cáo")
    assert all(name in line for name in ("10c", "results", "sotheodoi", "kh115", "all"))
    assert "Ví dụ: hoagiai export all --period 2026-Q2" in line


@pytest.mark.usefixtures("cli_env")
def test_other_export_mistakes_keep_argparse_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "10c", "--team", "x"])
    err = capsys.readouterr().err
    assert "cách dùng:" in err and "--team: giá trị 'x' không hợp lệ" in err
    assert "hãy ghi tên báo cáo" not in err


def test_error_translation_table() -> None:
    assert (
        translate_error("argument --days: invalid int value: 'x'")
        == "--days: giá trị 'x' không hợp lệ (cần kiểu số nguyên)"
    )
    assert translate_error("unrecognized arguments: --foo") == "không hiểu tham số: --foo"
    assert translate_error("something new") == "something new"


def test_chat_script_missing_is_one_line(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    result = run_hoagiai(["chat", "--script", str(tmp_path / "missing.txt")], tmp_path, subprocess_env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        tc.SCRIPT_UNREADABLE.format(path=tmp_path / "missing.txt", reason="không có tệp này")
    ]


@pytest.mark.parametrize("url", ["http://[bad", "ftp://api.example", "http://host:port", "telegram"])
def test_a_bad_telegram_api_url_is_one_line(tmp_path: Path, subprocess_env: dict[str, str], url: str) -> None:
    env = {**subprocess_env, "TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_API_URL": url}
    result = run_hoagiai(["run"], tmp_path, env, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Cấu hình không hợp lệ: TELEGRAM_API_URL — ")
    assert url in lines[0]


@pytest.mark.usefixtures("clean_env")
def test_start_lines_explain_the_mode_in_vietnamese(tmp_path: Path) -> None:
    from pydantic import SecretStr

    for extra in (
        {},
        {"telegram_webhook_url": "https://bot.example/tg"},
        {"telegram_webhook_url": "https://bot.example/tg", "telegram_webhook_secret": SecretStr("s" * 16)},
    ):
        settings = Settings(_env_file=None, data_dir=tmp_path, zalo_bot_token=SecretStr("z"), **extra)  # type: ignore[call-arg]
        for _, mode, reason in plan_lines(settings, ["telegram", "zalo"]):
            assert mode in tc.CHANNEL_MODES
            assert reason in tc.CHANNEL_REASONS, reason
