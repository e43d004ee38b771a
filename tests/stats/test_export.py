"""export_all and the ``hoagiai export`` command: files written, scopes enforced, exit codes."""

from __future__ import annotations

import argparse
import asyncio
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.config import Settings
from bot.domain.periods import Period
from bot.reports.cli import add_export_commands, run_export_command
from bot.reports.export import ExportKind, ExportOptions, default_kinds, export_all, report_filename
from bot.services import stats
from bot.services.stats import Scope, ScopeLevel
from tests.databases import settings_on
from tests.stats.conftest import Q2, World

OPTIONS = ExportOptions(today=date(2026, 7, 2))


async def test_export_all_for_the_province(world: World, tmp_path: Path) -> None:
    paths = await export_all(world.db, tmp_path / "out", Q2, Scope.province(), options=OPTIONS)
    assert [p.name for p in paths] == [
        "10c_tinh-lang-son_2026-Q2.xlsx",
        "results_tinh-lang-son_2026-Q2.xlsx",
        "kh115_tinh-lang-son_2026-Q2.xlsx",
    ]
    for path in paths:
        assert load_workbook(path).active is not None


async def test_export_all_for_a_commune_officer_adds_the_casebooks(world: World, tmp_path: Path) -> None:
    officer = await world.person(world.officer_a)
    paths = await export_all(world.db, tmp_path, Q2, officer, options=OPTIONS)
    assert sorted(p.name.split("_")[0] for p in paths) == ["10c", "kh115", "results", "sotheodoi"]
    casebook = next(p for p in paths if p.name.startswith("sotheodoi"))
    # Phần I and Phần II for each of the two teams with cases.
    assert len(load_workbook(casebook).sheetnames) == 4


async def test_export_refuses_out_of_scope(world: World, tmp_path: Path) -> None:
    officer = await world.person(world.officer_a)
    out = tmp_path / "out"
    with pytest.raises(PermissionError):
        await export_all(world.db, out, Q2, officer, scope=Scope.province(), options=OPTIONS)
    with pytest.raises(PermissionError):
        await export_all(world.db, out, Q2, officer, scope=Scope.team(world.t3), options=OPTIONS)
    assert not out.exists()


def test_default_kinds_and_names() -> None:
    assert ExportKind.CASEBOOK not in default_kinds(ScopeLevel.PROVINCE)
    assert ExportKind.CASEBOOK in default_kinds(ScopeLevel.TEAM)
    info = stats.ScopeInfo(Scope.team(3), "Tổ hòa giải thôn Nà Lầu, xã An Bình")
    assert (
        report_filename(ExportKind.CASEBOOK, info, Q2)
        == "sotheodoi_to-hoa-giai-thon-na-lau-xa-an-binh_2026-Q2.xlsx"
    )
    custom = Period.custom(date(2026, 1, 1), date(2026, 3, 31))
    assert report_filename(ExportKind.STAFFING, info, custom).endswith("_2026-01-01_2026-03-31.xlsx")


async def _written(folder: Path) -> list[Path]:
    """The workbooks in a folder (listed off the event loop)."""
    return await asyncio.to_thread(lambda: sorted(folder.glob("*.xlsx")))


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    add_export_commands(sub)
    return parser.parse_args(argv)


@pytest.fixture
def on_world(settings: Settings, world: World) -> Settings:
    """Isolated settings (root conftest) pointing at the hand-built province's database."""
    return settings_on(settings, world.db)


async def test_cli_export_all(on_world: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _parse(["export", "all", "--out", str(tmp_path), "--period", "2026-Q2"])
    assert args.handler is run_export_command
    assert await run_export_command(args, on_world) == 0
    assert len(await _written(tmp_path)) == 3
    assert "Đã ghi 3 tệp" in capsys.readouterr().out


async def test_cli_single_report_for_a_team(world: World, on_world: Settings, tmp_path: Path) -> None:
    args = _parse(
        ["export", "sotheodoi", "--out", str(tmp_path), "--period", "2026-Q2", "--team", str(world.t1)]
    )
    assert await run_export_command(args, on_world) == 0
    (path,) = await _written(tmp_path)
    assert path.name.startswith("sotheodoi_to-hoa-giai-thon-na-lau")
    ws = load_workbook(io.BytesIO(path.read_bytes())).active
    assert ws is not None and ws.max_row > 10


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["export", "10c", "--period", "2026-Q7"], 2, "không hợp lệ"),
        (["export", "10c", "--period", "2026-Q2", "--commune", "99999"], 2, "Không tìm thấy"),
        (["export", "10c", "--period", "2026-Q2", "--as", "999"], 2, "Không tìm thấy"),
    ],
)
async def test_cli_errors(
    on_world: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    message: str,
) -> None:
    args = _parse([*argv, "--out", str(tmp_path)])
    assert await run_export_command(args, on_world) == code
    assert message in capsys.readouterr().err


async def test_cli_as_person_applies_their_scope(
    world: World, on_world: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused = _parse(
        [
            "export",
            "10c",
            "--out",
            str(tmp_path),
            "--period",
            "2026-Q2",
            "--as",
            str(world.officer_a),
            "--commune",
            world.b,
        ]
    )
    assert await run_export_command(refused, on_world) == 3
    assert "Không có quyền" in capsys.readouterr().err
    allowed = _parse(
        ["export", "10c", "--out", str(tmp_path), "--period", "2026-Q2", "--as", str(world.officer_a)]
    )
    assert await run_export_command(allowed, on_world) == 0
    (path,) = await _written(tmp_path)
    assert "xa-an-binh" in path.name
