"""Malformed CSV files are reported with their row and column, never a traceback (issue 14.6),
and the people import refuses exactly the names the chat registration refuses."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.cli_import import add_import_commands, run_import_command
from bot.config import Settings
from bot.conversation.flow import Invalid
from bot.flows.common import parse_person_name
from bot.services.importing import ImportKind
from bot.services.importing.tables import locate_csv_problem
from bot.storage.db import database_for
from bot.texts import importer as t
from tests.importer.helpers import run, write_csv


async def hoagiai(settings: Settings, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="hoagiai")
    add_import_commands(parser.add_subparsers(dest="command"))
    return await run_import_command(parser.parse_args(["import", *argv]), settings)


def _messages(err: str) -> list[str]:
    """The lines the command printed for the operator: another test's leftover log handler may
    add its own complaint ("--- Logging error ---" and a traceback of *logging*) to stderr."""
    assert "_csv.Error" not in err
    return [line for line in err.splitlines() if line.startswith("Tệp ")]


async def _teams(settings: Settings) -> list[str]:
    async with database_for(settings) as db:
        return [row["name"] for row in await db.fetchall("SELECT name FROM teams ORDER BY name")]


async def test_a_field_over_the_csv_limit_names_row_and_column(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await hoagiai(settings, "units") == 0
    capsys.readouterr()
    path = tmp_path / "to.csv"
    path.write_text("Xã,Thôn\n06040,Nà Sla\n06040," + "x" * 131_073 + "\n", "utf-8")
    assert await hoagiai(settings, "teams", str(path)) == 2
    lines = _messages(capsys.readouterr().err)
    assert lines == [
        t.CSV_PROBLEMS["too_long"].format(path=path, row=3, line=3, column=2, letter="B", limit="131.072")
    ]
    assert await _teams(settings) == []


async def test_an_unterminated_quote_is_reported_not_merged(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await hoagiai(settings, "units") == 0
    capsys.readouterr()
    path = tmp_path / "to.csv"
    path.write_text('Xã;Thôn\n06040;"Nà Sla\n06040;Pò Mỏ\n06040;Khau Ràng\n', "utf-8")
    assert await hoagiai(settings, "teams", str(path)) == 2
    expected = t.CSV_PROBLEMS["open_quote"].format(path=path, row=2, line=2, column=2, letter="B", limit="")
    assert _messages(capsys.readouterr().err) == [expected]
    assert await _teams(settings) == []  # before: one team «Nà Sla 06040;Pò Mỏ 06040;Khau Ràng»


async def test_a_stray_character_after_a_closing_quote_is_reported(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "to.csv"
    path.write_text('Xã,Thôn\n06040,Nà Sla\n06040,"Pò" Mỏ\n', "utf-8")
    assert await hoagiai(settings, "teams", str(path)) == 2
    (line,) = _messages(capsys.readouterr().err)
    assert line.startswith(f"Tệp {path}, dòng 3 (dòng thứ 3 trong tệp), cột 2 (B): dấu ngoặc kép đặt sai")


async def test_quoted_multi_line_cells_are_still_read(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "to.csv", [["Xã", "Thôn", "Ghi chú"], ["06040", "Nà Sla", "dòng 1\ndòng 2"]])
    async with database_for(settings) as db:
        await run(db, ImportKind.UNITS, None)
        report = await run(db, ImportKind.TEAMS, path)
    assert not report.problems
    assert await _teams(settings) == ["Nà Sla"]


def test_locate_counts_columns_outside_quotes_only() -> None:
    assert locate_csv_problem('a,"b,c",' + "x" * 11 + "\n", ",", 10).column == 2
    assert locate_csv_problem('a,"b"",c",d,"open\nmore', ",", 1000).kind == "open_quote"
    assert locate_csv_problem('a,"b"",c",d,"open\nmore', ",", 1000).column == 3


# Names the chat's registration refuses must be refused by the import, and the reverse.
NAMES = [
    "Hoàng Thị Lan",
    "Nông Văn A",
    "Lan",
    '=HYPERLINK("x")',
    "@Lan Anh",
    "Nguyễn Văn 3",
    "Lò_Văn Sáng",
    "Hà-Văn Mới",
    "x" * 81,
    "Đinh Thị O'Neil",
]


@pytest.mark.parametrize("name", NAMES)
async def test_people_import_uses_the_chat_name_rule(settings: Settings, tmp_path: Path, name: str) -> None:
    try:
        chat_accepts = bool(parse_person_name(name))
    except Invalid:
        chat_accepts = False
    path = write_csv(
        tmp_path / "nguoi.csv",
        [["Họ và tên", "SĐT", "Xã", "Thôn"], [name, "0912345678", "06040", "Nà Sla"]],
    )
    async with database_for(settings) as db:
        await run(db, ImportKind.UNITS, None)
        await run(db, ImportKind.TEAMS, write_csv(tmp_path / "to.csv", [["Xã", "Thôn"], ["06040", "Nà Sla"]]))
        report = await run(db, ImportKind.PEOPLE, path, dry_run=True)
    name_problems = [p for p in report.problems if p.column == "Họ và tên"]
    assert (not name_problems) == chat_accepts, (name, [p.describe() for p in report.problems])
