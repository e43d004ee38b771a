"""``hoagiai import …`` as the operator runs it: arguments, summary and exit codes."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.cli_import import add_import_commands, run_import_command
from bot.config import Settings
from tests.importer.helpers import write_csv


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hoagiai")
    add_import_commands(parser.add_subparsers(dest="command"))
    return parser.parse_args(["import", *argv])


async def hoagiai(settings: Settings, *argv: str) -> int:
    args = parse(*argv)
    assert args.handler == run_import_command
    return await run_import_command(args, settings)


async def test_import_units_then_teams_then_people(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await hoagiai(settings, "units") == 0
    assert "thêm mới 65" in capsys.readouterr().out
    assert await hoagiai(settings, "units") == 0
    assert "không đổi 65" in capsys.readouterr().out

    teams = write_csv(tmp_path / "to.csv", [["Xã", "Thôn"], ["06040", "Nà Sla"]], delimiter=";")
    assert await hoagiai(settings, "teams", str(teams)) == 0
    assert "thêm mới 1" in capsys.readouterr().out

    people = write_csv(
        tmp_path / "nguoi.csv",
        [
            ["Họ và tên", "SĐT", "Xã", "Thôn", "Ghi chú"],
            ["Hoàng Thị Lan", "0912345678", "06040", "Nà Sla", ""],
            ["Sai Số", "0912", "06040", "Nà Sla", ""],
            ["Hà Văn Mới", "0912345679", "06040", "Pò Mỏ", ""],
        ],
    )
    assert await hoagiai(settings, "people", str(people)) == 1
    out = capsys.readouterr().out
    assert "Có 2 lỗi:" in out
    assert "Dòng 3, cột «SĐT»: «0912» không phải số di động Việt Nam hợp lệ" in out
    assert "Dòng 4, cột «Thôn»: xã «Thất Khê» chưa có tổ hòa giải «Pò Mỏ»" in out
    assert "KHÔNG nhập dòng nào" in out

    assert await hoagiai(settings, "people", str(people), "--dry-run", "--create-teams") == 1
    assert "chưa ghi gì" in capsys.readouterr().out

    rejects = tmp_path / "loi.csv"
    code = await hoagiai(
        settings, "people", str(people), "--skip-invalid", "--create-teams", "--rejects", str(rejects)
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "thêm mới 2, cập nhật 0, không đổi 0, bỏ qua do lỗi 1" in out
    assert "Đã tạo thêm 1 tổ hòa giải mới" in out
    assert str(rejects) in out and rejects.exists()


async def test_unreadable_file_exits_2_with_the_reason_on_stderr(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await hoagiai(settings, "units") == 0
    capsys.readouterr()
    assert await hoagiai(settings, "teams", str(tmp_path / "khong-co.csv")) == 2
    assert "Không tìm thấy tệp" in capsys.readouterr().err


async def test_people_before_units_says_what_to_run_first(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = write_csv(tmp_path / "p.csv", [["full_name", "phone"], ["A", "0912345678"]])
    assert await hoagiai(settings, "people", str(people)) == 2
    assert "hoagiai import units" in capsys.readouterr().err


def test_only_people_has_create_teams_and_units_file_is_optional() -> None:
    assert parse("units").file is None
    assert parse("people", "x.csv", "--create-teams").create_teams
    with pytest.raises(SystemExit):
        parse("teams", "x.csv", "--create-teams")
    with pytest.raises(SystemExit):
        parse("teams")
