"""Issue 14 item 10: one share reads the same in the sentences, the spreadsheets and the charts.

1 of 16 cases is 6.25 %: Python's formatting said "6,2%", a spreadsheet showing the raw share
with "0.0%" said "6.3%", and the chart said "6%".
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from bot.domain.rounding import rounded, rounded_percent, rounded_share
from bot.reports.export import ExportKind, ExportOptions, build_report
from bot.services.stats import Scope
from bot.storage.db import Database
from bot.texts import stats as ts
from tests.stats.conftest import Q2
from tests.stats.synth import Synth


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (6.25, 1, "6.3"),
        (0.125, 2, "0.13"),
        (2.5, 0, "3"),
        (-2.5, 0, "-3"),
        (28.5, 0, "29"),
        (1 / 3, 2, "0.33"),
    ],
)
def test_half_away_from_zero(value: float, digits: int, expected: str) -> None:
    assert str(rounded(value, digits)) == expected


def test_shares_round_on_their_decimal_value() -> None:
    assert str(rounded_percent(57 / 200, 0)) == "29"  # 0.285, not 0.28499999…
    assert rounded_share(1 / 16) == 0.063
    assert ts.percent(1 / 16) == "6,3%" and ts.decimal(1.25) == "1,3"


async def test_the_results_sheet_holds_the_rate_the_text_shows(db: Database) -> None:
    s = Synth(db)
    await s.commune("00001", "An Bình")
    team = await s.team("00001", "thôn Nà Lầu")
    person = await s.person("Hoàng Thị Lan", team_id=team, commune_code="00001")
    for n in range(16):
        await s.case(team, f"2026-04-{n + 1:02d}", "thanh" if n == 0 else "khong_thanh", reported_by=person)
    options = ExportOptions(today=date(2026, 7, 2))
    results = await build_report(db, ExportKind.RESULTS, Q2, Scope.province(), options=options)
    ws = load_workbook(io.BytesIO(results.data)).active
    assert ws is not None
    (row,) = [r for r in ws.iter_rows(values_only=True) if r[0] == "xã An Bình"]
    assert row[6] == 0.063  # printed "6.3%" with the cell's "0.0%" format, as the text says
    indicators = await build_report(db, ExportKind.INDICATORS, Q2, Scope.province(), options=options)
    ws = load_workbook(io.BytesIO(indicators.data)).active
    assert ws is not None
    assert any(r[1] == "Tỷ lệ hòa giải thành" and r[4] == "6,3%" for r in ws.iter_rows(values_only=True))
