"""Workbooks read back with openpyxl: headers, units, period, reporting unit, totals, formats, panes."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports.export import ExportKind, ExportOptions, build_report
from bot.reports.xlsx import casebook_rows, sheet_name
from bot.services.stats import CasebookEntry, CasebookTeam, Scope, Unit
from tests.stats.conftest import Q2, World

OPTIONS = ExportOptions(today=date(2026, 7, 2))


async def _sheet(world: World, kind: ExportKind, scope: Scope) -> Worksheet:
    report = await build_report(world.db, kind, Q2, scope, options=OPTIONS)
    ws = load_workbook(io.BytesIO(report.data)).active
    assert isinstance(ws, Worksheet)
    return ws


def _rows(ws: Worksheet) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in ws.iter_rows()]


def _row_starting(ws: Worksheet, first: str) -> int:
    for row in ws.iter_rows():
        if row[0].value == first:
            return int(row[0].row)
    raise AssertionError(f"no row starting with {first!r}")


def _texts(ws: Worksheet) -> set[str]:
    return {cell.value for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)}


async def test_form_10c_for_the_province(world: World) -> None:
    ws = await _sheet(world, ExportKind.STAFFING, Scope.province())
    texts = _texts(ws)
    assert "Biểu số: 10c/BTP/PBGDPL/HGCS" in texts
    assert "Đơn vị báo cáo: Sở Tư pháp tỉnh Lạng Sơn" in texts
    assert "Đơn vị nhận báo cáo: Bộ Tư pháp" in texts
    assert "SỐ TỔ HÒA GIẢI Ở CƠ SỞ VÀ HÒA GIẢI VIÊN" in texts
    assert "(Quý)" in texts
    assert "(Từ ngày 01/04/2026 đến ngày 30/06/2026)" in texts
    assert "GIÁM ĐỐC" in texts
    # Three header levels, merged: "Hòa giải viên (Người)" spans the eight mediator columns.
    header = _row_starting(ws, "Tên đơn vị")
    assert ws.cell(header, 2).value == "Số tổ hòa giải\n(Tổ)"
    assert ws.cell(header, 3).value == "Hòa giải viên (Người)"
    assert f"C{header}:I{header}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(header + 1, 4).value == "Chia theo giới tính"
    assert ws.cell(header + 2, 4).value == "Nam"
    assert ws.cell(header, 1).font.bold
    numbering = header + 3
    assert [c.value for c in ws[numbering]] == ["A", *(f"({i})" for i in range(1, 9))]
    rows = _rows(ws)[numbering:]
    assert rows[0] == ["Tổng số trên địa bàn tỉnh Lạng Sơn", 4, 10, 4, 5, 2, 8, 6, 5]
    assert ws.cell(numbering + 1, 1).font.bold
    assert rows[1:4] == [
        ["xã An Bình", 2, 4, 3, 1, 1, 3, 3, 3],
        ["phường Bắc Hà", 1, 3, 1, 1, 1, 2, 0, 1],
        ["xã Cao Sơn", 1, 3, 0, 3, 0, 3, 3, 1],
    ]
    assert ws.freeze_panes == f"B{numbering + 1}"
    assert ws.column_dimensions["A"].width == 34
    assert ws.page_setup.orientation == "landscape"


async def test_results_for_the_province(world: World) -> None:
    ws = await _sheet(world, ExportKind.RESULTS, Scope.province())
    texts = _texts(ws)
    assert "KẾT QUẢ HÒA GIẢI Ở CƠ SỞ" in texts
    assert "Tỷ lệ hòa giải thành\n(%)" in texts
    assert "Tổng số vụ, việc tiếp nhận\n(Vụ việc)" in texts
    numbering = _row_starting(ws, "A")
    total = [c.value for c in ws[numbering + 1]]
    # received, thành, không thành, đang, ngoài phạm vi, rate, then fields in taxonomy order.
    assert total[1:6] == [10, 5, 3, 1, 1]
    assert total[6] == pytest.approx(0.625)
    assert total[7:] == [5, 1, 1, 1, 1, 1]
    assert ws.cell(numbering + 1, 7).number_format == "0.0%"
    by_unit = {row[0]: row for row in _rows(ws)[numbering + 1 :] if row[0]}
    assert by_unit["xã An Bình"][6] == pytest.approx(0.75)
    assert by_unit["phường Bắc Hà"][1:6] == [3, 1, 2, 0, 0]


async def test_results_show_a_dash_without_concluded_cases(world: World) -> None:
    ws = await _sheet(world, ExportKind.RESULTS, Scope.team(world.t4))
    numbering = _row_starting(ws, "A")
    assert [c.value for c in ws[numbering + 2]][:7] == ["Tổ hòa giải thôn Pác Cáp", 0, 0, 0, 0, 0, "–"]
    assert "Đơn vị báo cáo: Tổ hòa giải thôn Pác Cáp, xã Cao Sơn" in _texts(ws)


async def test_casebook_of_a_commune_has_both_parts_per_team(world: World) -> None:
    report = await build_report(world.db, ExportKind.CASEBOOK, Q2, Scope.commune(world.a), options=OPTIONS)
    wb = load_workbook(io.BytesIO(report.data))
    # Teams in Vietnamese alphabetical order (Khòn before Nà), Phần I then Phần II of each.
    assert wb.sheetnames == ["I. thôn Khòn Pát", "II. thôn Khòn Pát", "I. thôn Nà Lầu", "II. thôn Nà Lầu"]
    ws = wb["I. thôn Nà Lầu"]
    texts = _texts(ws)
    assert "SỔ THEO DÕI HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ" in texts
    assert "PHẦN I. GHI CHÉP CỦA HÒA GIẢI VIÊN" in texts
    assert "UBND xã An Bình" in texts
    assert "Từ ngày 01/04/2026 đến ngày 30/06/2026" in texts
    header = _row_starting(ws, "STT")
    # The model book's ten columns, the result split in two under one merged header.
    assert [c.value for c in ws[header]] == [
        "STT",
        "Ngày, tháng, năm nhận vụ, việc hòa giải",
        "Họ và tên hòa giải viên, người được mời tham gia hòa giải (nếu có)",
        "Họ tên, tuổi, địa chỉ các bên, người có quyền, nghĩa vụ liên quan đến vụ, việc hòa giải (nếu có)",
        "Nội dung chủ yếu của vụ, việc",
        "Thỏa thuận của các bên (hoặc yêu cầu của mỗi bên) sau khi hòa giải",
        "Kết quả hòa giải",
        None,
        "Chữ ký (hòa giải viên; người chứng kiến vụ, việc hòa giải; "
        "người được mời tham gia hòa giải (nếu có))",
        "Ghi chú",
    ]
    assert [c.value for c in ws[header + 1]][6:8] == ["Hòa giải thành", "Hòa giải không thành"]
    assert [c.value for c in ws[header + 2]] == [f"({n})" for n in range(1, 11)]
    data = header + 3
    first = [c.value for c in ws[data]]
    assert first[:8] == [
        1,
        datetime(2026, 4, 5),
        "Hoàng Thị Lan",
        None,  # the parties: by hand
        "Tranh chấp lối đi chung giữa hai hộ",
        "Có văn bản hòa giải thành",
        "x\n(07/04/2026)",
        None,
    ]
    assert first[8] is None  # signatures: by hand
    assert "Mã HG-2026-00001" in first[9] and "Lĩnh vực: Đất đai" in first[9] and "2 bên" in first[9]
    assert ws.cell(data, 2).number_format == "dd/mm/yyyy"
    assert ws.cell(data, 7).alignment.horizontal == "center"  # the marks are centred
    third = [c.value for c in ws[data + 2]]
    assert third[6:8] == [None, "x"]
    assert third[5] == "Hướng giải quyết: các bên đề nghị cơ quan có thẩm quyền giải quyết"
    fourth = [c.value for c in ws[data + 3]]
    assert fourth[:2] == [4, datetime(2026, 6, 30)] and fourth[6:8] == [None, None]
    assert "Đang hòa giải" in fourth[9] and "3 bên" in fourth[9]
    # Four cases, then five ruled lines for cases written by hand, tall enough to sign in.
    blank = [[c.value for c in ws[data + 4 + i]] for i in range(5)]
    assert blank == [[None] * 10] * 5
    assert ws.cell(data + 8, 1).border.bottom.style == "thin"
    assert all((ws.row_dimensions[r].height or 0) >= 36 for r in range(data, data + 9))
    assert ws.cell(data + 9, 1).value is None and ws.cell(data + 9, 1).border.bottom.style is None
    assert ws.freeze_panes == f"C{data}"
    other = wb["I. thôn Khòn Pát"]
    out_of_scope = [c.value for c in other[_row_starting(other, "STT") + 3]]
    assert out_of_scope[6:8] == [None, None]
    assert "Không thuộc phạm vi hòa giải" in out_of_scope[9]
    assert "phải truy cứu trách nhiệm hình sự" in out_of_scope[9]


def test_casebook_notes_name_the_legal_supporter_in_words() -> None:
    entry = CasebookEntry(
        "HG-2026-00001",
        date(2026, 4, 1),
        2,
        "dat_dai",
        "Tranh chấp",
        "thanh",
        None,
        "Lan",
        legal_support="legal_civil_servant",
    )
    (row,) = casebook_rows(CasebookTeam(Unit("1", "Tổ", "00001", team_id=1), "thôn A", "xã B", [entry]))
    assert "Hỗ trợ pháp lý: Công chức Tư pháp" in str(row["notes"])
    assert "legal_civil_servant" not in str(row["notes"])


async def test_casebook_part_two_tallies_each_mediator(world: World) -> None:
    report = await build_report(world.db, ExportKind.CASEBOOK, Q2, Scope.team(world.t1), options=OPTIONS)
    ws = load_workbook(io.BytesIO(report.data))["II. thôn Nà Lầu"]
    assert "PHẦN II. THEO DÕI, TỔNG HỢP CỦA TỔ TRƯỞNG TỔ HÒA GIẢI" in _texts(ws)
    header = _row_starting(ws, "STT")
    assert ws.cell(header, 2).value == "Hòa giải viên tiến hành hòa giải"
    assert ws.cell(header, 3).value == "Vụ, việc hòa giải chia theo phạm vi hòa giải"
    assert ws.cell(header, 9).value == "Kết quả hòa giải"
    first = header + 3  # below the two header rows and the numbering row
    rows = [[c.value for c in ws[r]][:12] for r in range(first, first + 5)]
    # STT, name, fields (đất đai, HNGĐ, dân sự khác, sinh hoạt, vi phạm nhỏ, khác), outcomes
    # (thành, không thành, đang, ngoài phạm vi). Names in Vietnamese order: Hoàng before Lương;
    # two ruled lines for hand entry, then the total.
    assert rows == [
        [1, "Hoàng Thị Lan", 2, 0, 1, 0, 0, 0, 1, 1, 1, 0],
        [2, "Lương Văn Hai", 0, 1, 0, 0, 0, 0, 1, 0, 0, 0],
        [None] * 12,
        [None] * 12,
        [None, "Cộng", 2, 1, 1, 0, 0, 0, 2, 1, 1, 0],
    ]
    assert ws.cell(first + 4, 2).font.bold


async def test_empty_casebook_still_has_its_header(world: World) -> None:
    report = await build_report(world.db, ExportKind.CASEBOOK, Q2, Scope.team(world.t4), options=OPTIONS)
    wb = load_workbook(io.BytesIO(report.data))
    assert wb.sheetnames == ["I.", "II."]
    ws = wb["I."]
    assert "Tổ hòa giải thôn Pác Cáp" in _texts(ws)
    header = _row_starting(ws, "STT")
    assert ws.cell(header + 3, 1).value is None  # no case, only the ruled lines


async def test_indicator_workbook(world: World) -> None:
    ws = await _sheet(world, ExportKind.INDICATORS, Scope.province())
    header = _row_starting(ws, "STT")
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=header + 1, max_row=header + 9)]
    assert rows[0] == [1, "Tỷ lệ hòa giải thành", 5, 8, "62,5%", "≥85%", "Chưa đạt", "-22,5 điểm %"]
    assert rows[3][1:7] == ["Tổ được hỗ trợ chuyên môn pháp luật", 2, 4, "50,0%", "≥10%", "Đạt"]
    assert rows[7][1:6] == ["Tập huấn viên cấp tỉnh / 100 tổ", 1, 4, "25,0", "≥1"]
    assert len([r for r in rows if r[0]]) == 9


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_name("Tổ hòa giải thôn Nà Lầu", taken) == "Tổ hòa giải thôn Nà Lầu"
    assert sheet_name("Tổ hòa giải thôn Nà Lầu", taken) == "Tổ hòa giải thôn Nà Lầu (2)"
    long = sheet_name("Tổ hòa giải tổ dân phố Chi Lăng 1/2 [mới]", taken)
    assert len(long) <= 31 and not set("[]:*?/\\") & set(long)
