"""Reading CSV/XLSX files and mapping their headers, before any database is involved."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.vntext import fold
from bot.services.importing import (
    COLUMNS,
    ImportAborted,
    ImportKind,
    SourceRow,
    map_header,
    read_table,
)
from tests.importer.helpers import write_csv, write_xlsx


def test_semicolon_comma_and_tab_delimiters_are_recognised(tmp_path: Path) -> None:
    for delimiter in (";", ",", "\t"):
        path = write_csv(tmp_path / "a.csv", [["Họ và tên", "SĐT"], ["Lan, Thị", "0912345678"]], delimiter)
        table = read_table(path)
        assert table.delimiter == delimiter
        assert [row.cells for row in table.rows] == [("Họ và tên", "SĐT"), ("Lan, Thị", "0912345678")]


def test_bom_is_dropped_and_cells_are_nfc_and_squeezed(tmp_path: Path) -> None:
    decomposed = "Hoa\u0300ng  Thi\u0323 Lan "  # NFD as some Mac tools write it, with extra spaces
    path = write_csv(tmp_path / "a.csv", [["full_name"], [decomposed]], bom=True)
    rows = read_table(path).rows
    assert rows[0].cells == ("full_name",)
    assert rows[1].cells == ("Hoàng Thị Lan",)


def test_row_numbers_count_blank_lines_and_multiline_cells_like_excel(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('name,note\r\n\r\nA,"two\r\nlines"\r\nB,x\r\n', encoding="utf-8")
    assert [(row.number, row.cells[0]) for row in read_table(path).rows] == [(1, "name"), (3, "A"), (4, "B")]


def test_a_file_that_is_not_utf8_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("Tên\nHoàng Văn An\n".encode("cp1258"))  # Excel's plain "CSV" in Vietnam
    with pytest.raises(ImportAborted, match="UTF-8") as caught:
        read_table(path)
    assert "CSV UTF-8" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.xls", b"\xd0\xcf\x11\xe0", "Excel 97"),
        ("a.ods", b"x", "Chỉ nhập được tệp .csv hoặc .xlsx"),
        ("a.xlsx", b"not a zip", "không phải tệp Excel"),
        ("a.csv", b"\r\n ,  \r\n", "không có dữ liệu"),
    ],
)
def test_unusable_files_are_refused(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportAborted, match=expected):
        read_table(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportAborted, match="Không tìm thấy tệp"):
        read_table(tmp_path / "khong-co.csv")


def test_xlsx_cells_become_text_as_the_operator_sees_them(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [["a", "b", "c", "d"], [912345678, 1.5, True, None]])
    assert read_table(path).rows[1].cells == ("912345678", "1.5", "1", "")


def test_headers_map_in_vietnamese_with_or_without_diacritics_or_english() -> None:
    row = SourceRow(
        1, ("STT", "HỌ VÀ TÊN", "so dien thoai", "role", "Xã/Phường", "Ngày công nhận (dd/mm/yyyy)", "Quê")
    )
    header = map_header(row, COLUMNS[ImportKind.PEOPLE])
    assert header.index == {"full_name": 1, "phone": 2, "role": 3, "commune": 4, "recognised_on": 5}
    assert header.ignored == ["Quê"]  # STT is expected and silently skipped
    assert header.missing == []


def test_two_columns_for_one_field_are_a_file_problem() -> None:
    header = map_header(SourceRow(1, ("SĐT", "Điện thoại", "Tên")), COLUMNS[ImportKind.PEOPLE])
    assert header.duplicates == [("SĐT", "Điện thoại", "phone")]


ALIASES = [
    (kind, column.field, alias)
    for kind, columns in COLUMNS.items()
    for column in columns
    for alias in (column.field, *column.aliases)
]


@given(st.sampled_from(ALIASES), st.booleans(), st.booleans(), st.sampled_from(["", " ", "  "]))
def test_every_alias_maps_whatever_its_case_and_diacritics(
    case: tuple[ImportKind, str, str], upper: bool, folded: bool, pad: str
) -> None:
    kind, field, alias = case
    text = fold(alias) if folded else alias
    text = pad + (text.upper() if upper else text) + pad
    header = map_header(SourceRow(1, (text,)), COLUMNS[kind])
    assert header.index == {field: 0}
