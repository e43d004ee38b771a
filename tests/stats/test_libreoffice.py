"""The exported workbooks open in LibreOffice (what most communes use), checked by converting to CSV.

Skipped when LibreOffice is not installed; CI can ``apt-get install libreoffice-calc-nogui``.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.reports.export import ExportKind, ExportOptions, export_all
from bot.services.stats import Scope
from bot.storage.db import Database
from tests.stats.conftest import Q2, World
from tests.stats.synth import Synth

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# CSV filter options: comma, double quote, UTF-8 (76), start at row 1.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1"

OPTIONS = ExportOptions(today=date(2026, 7, 2))

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice/libreoffice) is not on PATH; install it to run this check"
)


async def _to_csv(xlsx: Path, out: Path) -> str:
    assert SOFFICE is not None
    profile = out / "profile"
    process = await asyncio.create_subprocess_exec(
        SOFFICE,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        CSV_FILTER,
        "--outdir",
        str(out),
        str(xlsx),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=180)
    assert process.returncode == 0, stderr.decode(errors="replace")
    csv_path = out / (xlsx.stem + ".csv")
    assert csv_path.exists(), stdout.decode(errors="replace")
    return csv_path.read_text("utf-8")


@pytest.mark.parametrize(
    ("kind", "scope_name", "expected"),
    [
        # Text cells come out quoted; numbers as numbers (so the cells really hold numbers).
        (ExportKind.STAFFING, "province", '"Tổng số trên địa bàn tỉnh Lạng Sơn",4,10,4,5,2,8,6,5'),
        (ExportKind.RESULTS, "province", '"xã An Bình",6,3,1,1,1,75.0%'),
        (ExportKind.CASEBOOK, "t1", "Hoàng Thị Lan"),
        (ExportKind.INDICATORS, "province", "Tỷ lệ hòa giải thành"),
    ],
)
async def test_workbooks_open_in_libreoffice(
    world: World, tmp_path: Path, kind: ExportKind, scope_name: str, expected: str
) -> None:
    scope = Scope.province() if scope_name == "province" else Scope.team(world.t1)
    (path,) = await export_all(
        world.db, tmp_path / "xlsx", Q2, scope, kinds=[kind], options=ExportOptions(today=date(2026, 7, 2))
    )
    text = await _to_csv(path, tmp_path / "csv")
    assert expected in text


async def test_formula_payloads_stay_text_in_libreoffice(db: Database, tmp_path: Path) -> None:
    """A summary "=1+1" would come out as 2 if LibreOffice computed it (issue 14 item 4)."""
    s = Synth(db)
    await s.commune("00001", "An Bình")
    team = await s.team("00001", "=1+1")
    person = await s.person("@SUM(1+1)", team_id=team, commune_code="00001")
    await s.case(team, "2026-04-02", "thanh", reported_by=person, summary="=1+1")
    (path,) = await export_all(
        db, tmp_path / "xlsx", Q2, Scope.team(team), kinds=[ExportKind.CASEBOOK], options=OPTIONS
    )
    text = await _to_csv(path, tmp_path / "csv")  # the first sheet: Phần I
    assert '"=1+1"' in text and '"@SUM(1+1)"' in text
    assert ",2," not in text
