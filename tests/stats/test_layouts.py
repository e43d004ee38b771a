"""Layouts are data: bundled ones load and validate, broken ones fail loudly, new ones need no code."""

from __future__ import annotations

import io
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.reports.export import ExportKind, ExportOptions, build_report
from bot.reports.layouts import LayoutError, ReportKind, load_layouts, parse_layout, select_layout
from bot.services.stats import Scope
from tests.stats.conftest import Q2, World


def test_bundled_layouts_load() -> None:
    layouts = load_layouts()
    assert {layout.report for layout in layouts.values()} == set(ReportKind)
    form = layouts["tt03-2019-10c"]
    assert form.form_code == "Biểu số 10c/BTP/PBGDPL/HGCS"
    assert [c.key for c in form.columns] == [
        "unit",
        "teams",
        "mediators",
        "male",
        "female",
        "legal",
        "non_legal",
        "ethnic_minority",
        "trained",
    ]
    assert form.header_depth == 3
    assert layouts["tt03-2019-results"].verified is False  # the official results columns are unconfirmed


def _minimal(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "x",
        "report": "staffing",
        "title": "T",
        "columns": [
            {"key": "unit", "header": "Tên đơn vị", "type": "text"},
            {"key": "teams", "header": "Số tổ"},
        ],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"report": "budget"}, "unknown report"),
        ({"columns": []}, "non-empty"),
        ({"columns": [{"key": "teams"}]}, "needs key and header"),
        ({"columns": [{"key": "thanh", "header": "Thành"}]}, "unknown data key 'thanh'"),
        ({"columns": [{"key": "teams", "header": "Số tổ", "type": "money"}]}, "unknown type"),
        ({"title": "Báo cáo {quarter}"}, "unknown placeholder"),
        ({"subtitle": ["Kỳ {period_title"]}, "bad template"),
        ({"valid_from": "2026"}, "valid_from must be a date"),
        ({"freeze_columns": 5}, "freeze_columns"),
    ],
)
def test_broken_layouts_are_rejected(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(LayoutError, match=message):
        parse_layout(_minimal(**changes), "test.toml")


def test_missing_key_is_named() -> None:
    data = _minimal()
    del data["title"]
    with pytest.raises(LayoutError, match="missing key 'title'"):
        parse_layout(data, "test.toml")


# A made-up successor layout: different title, code, column order, a column dropped.
NEW_REGIME = textwrap.dedent(
    """
    id = "tt17-2025-staffing"
    report = "staffing"
    regime = "tt17-2025"
    valid_from = 2026-01-01
    form_code = "Biểu số 05/TEST"
    title = "TỔ HÒA GIẢI VÀ HÒA GIẢI VIÊN (MẪU MỚI)"
    header_left = ["Biểu số 05/TEST"]
    total_label = "Cộng"

    [[columns]]
    key = "unit"
    header = "Đơn vị"
    type = "text"

    [[columns]]
    key = "mediators"
    header = "Hòa giải viên"
    unit = "Người"

    [[columns]]
    key = "teams"
    header = "Tổ hòa giải"
    unit = "Tổ"
    """
)


def test_selection_by_date_and_regime(tmp_path: Path) -> None:
    (tmp_path / "new.toml").write_text(NEW_REGIME, "utf-8")
    layouts = load_layouts(tmp_path)
    assert select_layout(layouts, ReportKind.STAFFING, date(2025, 12, 31)).id == "tt03-2019-10c"
    assert select_layout(layouts, ReportKind.STAFFING, date(2026, 6, 30)).id == "tt17-2025-staffing"
    assert select_layout(layouts, ReportKind.STAFFING, date(2026, 6, 30), "tt03-2019").id == "tt03-2019-10c"
    # Regime-neutral layouts serve any regime.
    assert select_layout(layouts, ReportKind.CASEBOOK, date(2026, 6, 30), "tt17-2025").id == "casebook"
    with pytest.raises(LayoutError):
        select_layout(layouts, ReportKind.STAFFING, date(2010, 1, 1))


def test_broken_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('id = "x"\nreport = ', "utf-8")
    with pytest.raises(LayoutError, match=r"bad\.toml"):
        load_layouts(tmp_path)
    with pytest.raises(LayoutError, match="not a directory"):
        load_layouts(tmp_path / "missing")


async def test_a_new_layout_file_changes_the_export_without_code(world: World, tmp_path: Path) -> None:
    (tmp_path / "new.toml").write_text(NEW_REGIME, "utf-8")
    options = ExportOptions(today=date(2026, 7, 1), layouts_dir=tmp_path)
    report = await build_report(world.db, ExportKind.STAFFING, Q2, Scope.province(), options=options)
    ws = load_workbook(io.BytesIO(report.data)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert ["Biểu số 05/TEST", None, None] in values
    assert ["Đơn vị", "Hòa giải viên\n(Người)", "Tổ hòa giải\n(Tổ)"] in values
    assert ["A", "(1)", "(2)"] in values
    assert ["Cộng", 10, 4] in values
    assert ["xã An Bình", 4, 2] in values
