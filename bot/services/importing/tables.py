"""Reading a CSV or XLSX file into rows of text, and mapping its header row to fields.

Headers may be Vietnamese with or without diacritics ("Số điện thoại", "so dien thoai", "SĐT")
or the English field codes ("phone"); a title row above the header is skipped.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from bot.domain.vntext import clean_input, fold, squeeze
from bot.services.importing.report import ImportAborted
from bot.texts import importer as t


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A row of the file: its number as Excel shows it (from 1) and its cells as text."""

    number: int
    cells: tuple[str, ...]

    def cell(self, index: int) -> str:
        """The cell at ``index``, "" past the end of a short row."""
        return self.cells[index] if index < len(self.cells) else ""


@dataclass(frozen=True, slots=True)
class RawTable:
    """The non-empty rows of a file, and the delimiter to write a CSV of rejects with."""

    rows: tuple[SourceRow, ...]
    delimiter: str


def read_table(path: Path) -> RawTable:
    """Read a .csv (UTF-8, with or without BOM; comma, semicolon or tab) or .xlsx (first sheet).

    Blocking: async callers run it in a thread. Raises :class:`ImportAborted` with a
    Vietnamese message when the file cannot be read.
    """
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportAborted(t.FILE_NOT_FOUND.format(path=path))
    if suffix == ".xls":
        raise ImportAborted(t.FILE_OLD_XLS)
    if suffix in (".xlsx", ".xlsm"):
        rows, delimiter = _read_xlsx(path), ","
    elif suffix in (".csv", ".txt"):
        rows, delimiter = _read_csv(path)
    else:
        raise ImportAborted(t.FILE_BAD_TYPE.format(path=path))
    kept = tuple(row for row in rows if any(row.cells))
    if not kept:
        raise ImportAborted(t.FILE_EMPTY.format(path=path))
    return RawTable(kept, delimiter)


def _read_csv(path: Path) -> tuple[list[SourceRow], str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportAborted(t.FILE_UNREADABLE.format(path=path, reason=exc.strerror or exc)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Excel's plain "CSV" is cp1258/cp1252 in Vietnam; guessing would corrupt names silently.
        raise ImportAborted(t.FILE_NOT_UTF8.format(path=path, position=exc.start)) from None
    delimiter = _sniff_delimiter(text)
    lines = io.StringIO(text, newline="").readlines()
    consumed = 0  # physical lines handed to the reader so far

    def feed() -> Iterator[str]:
        nonlocal consumed
        for line in lines:
            consumed += 1
            yield line

    # strict: a quote that is never closed is an error at the end of the file instead of
    # silently swallowing every following line into one cell (issue 14.6).
    reader = csv.reader(feed(), delimiter=delimiter, strict=True)
    rows: list[SourceRow] = []
    record_start = 0  # index in ``lines`` of the first line of the record being read
    try:
        for record in reader:
            # Number records, not physical lines: Excel shows a quoted multi-line cell as one row.
            rows.append(SourceRow(len(rows) + 1, tuple(_clean(cell) for cell in record)))
            record_start = consumed
    except csv.Error:
        raise ImportAborted(_csv_problem(lines, record_start, len(rows) + 1, delimiter, path)) from None
    return rows, delimiter


def _csv_problem(lines: Sequence[str], start: int, row_number: int, delimiter: str, path: Path) -> str:
    """The Vietnamese message for a record the csv module refused, naming its row and column."""
    problem = locate_csv_problem("".join(lines[start:]), delimiter, csv.field_size_limit())
    where = {"path": path, "row": row_number, "line": start + 1, "column": problem.column + 1}
    where["letter"] = get_column_letter(problem.column + 1)
    limit = f"{csv.field_size_limit():,}".replace(",", ".")
    return t.CSV_PROBLEMS[problem.kind].format(limit=limit, **where)


@dataclass(frozen=True, slots=True)
class CsvProblem:
    """Where a refused record goes wrong: the column (from 0) and what is wrong there
    (``too_long``, ``open_quote``, ``bad_quote`` or ``other``)."""

    column: int
    kind: str


def locate_csv_problem(text: str, delimiter: str, limit: int) -> CsvProblem:
    """Find the first problem of ``text`` (the refused record and everything after it): an
    over-long cell, a character right after a closing quote, or a quote left open.

    The csv module says only that a record is bad, not where; this scan, just for the message,
    follows the same quoting rule (a doubled quote inside quotes toggles twice and so changes
    nothing) and stops at the first end of line outside quotes.
    """
    column, length, quoted, quote_column, closed = 0, 0, False, 0, False
    for char in text:
        if closed and char not in (delimiter, '"', "\r", "\n"):
            return CsvProblem(column, "bad_quote")
        closed = False
        if char == '"':
            quoted = not quoted
            if quoted:
                quote_column = column
            else:
                closed = True
        elif not quoted and char == delimiter:
            column, length = column + 1, 0
            continue
        elif not quoted and char in "\r\n":
            break
        length += 1
        if length > limit:
            return CsvProblem(column, "too_long")
    if quoted:
        return CsvProblem(quote_column, "open_quote")
    return CsvProblem(column, "other")


def _sniff_delimiter(text: str) -> str:
    # Excel with Vietnamese regional settings writes ";" (the decimal mark is ","), so count the
    # candidates on the first non-blank line rather than trusting csv.Sniffer on names.
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _read_xlsx(path: Path) -> list[SourceRow]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError):
        raise ImportAborted(t.FILE_BAD_XLSX.format(path=path)) from None
    except OSError as exc:
        raise ImportAborted(t.FILE_UNREADABLE.format(path=path, reason=exc.strerror or exc)) from None
    try:
        sheet = workbook.active or workbook.worksheets[0]
        # min_row=1 makes read-only mode yield leading blank rows too, keeping numbers true.
        return [
            SourceRow(n, tuple(_cell_text(value) for value in values))
            for n, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        # Phones and codes typed into a number cell come back as 912345678.0.
        return str(int(value))
    return _clean(str(value))


def _clean(text: str) -> str:
    return squeeze(clean_input(text))


_PARENS = re.compile(r"\([^)]*\)|\[[^]]*\]")
_PUNCT = re.compile(r"[_\-–—/\\.,:;*'\"’+]+")


def compare_key(text: str) -> str:
    """Folded form for comparing headers and words: no diacritics, case, punctuation, (notes)."""
    return squeeze(_PUNCT.sub(" ", _PARENS.sub(" ", fold(text))))


@dataclass(frozen=True, slots=True)
class Column:
    """A field a file may hold, under any of several header spellings."""

    field: str
    aliases: tuple[str, ...]
    required: bool = False


# Headers that are expected in real sheets and carry nothing to import: row numbers, remarks,
# the source note of the bundled CSV, and the error column of a corrected rejects file.
_SILENT_HEADERS = frozenset(
    compare_key(h)
    for h in ("stt", "tt", "số tt", "số thứ tự", "ghi chú", "source", "nguồn", t.REJECTS_COLUMN)
)

# Header spellings of the commune and team columns, which both teams and people files have.
COMMUNE_ALIASES = ("commune", "commune code", "xã", "xã phường", "phường xã", "mã xã", "tên xã", "đơn vị")
TEAM_ALIASES = (
    "team",
    "tổ hòa giải",
    "tên tổ hòa giải",
    "tổ",
    "thôn",
    "thôn tổ dân phố",
    "thôn bản",
    "thôn bản tổ dân phố",
    "tổ dân phố",
)


def _alias_index(columns: Iterable[Column]) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in columns:
        for alias in (column.field, *column.aliases):
            index.setdefault(compare_key(alias), column.field)
    return index


@dataclass(slots=True)
class Header:
    """The header row of a file mapped to fields."""

    row: SourceRow
    index: dict[str, int]  # field → column position
    missing: list[str]  # required fields without a column
    ignored: list[str]  # headers that are no field
    duplicates: list[tuple[str, str, str]]  # (first header, second header, field)

    def column_name(self, name: str) -> str:
        """The header as written in the file for a field."""
        return self.row.cell(self.index[name])


def map_header(row: SourceRow, columns: Sequence[Column]) -> Header:
    """Map a header row's cells to fields; unknown headers are listed, not fatal."""
    aliases = _alias_index(columns)
    index: dict[str, int] = {}
    ignored: list[str] = []
    duplicates: list[tuple[str, str, str]] = []
    for position, text in enumerate(row.cells):
        key = compare_key(text)
        name = aliases.get(key)
        if name is None:
            if key and key not in _SILENT_HEADERS:
                ignored.append(text)
        elif name in index:
            duplicates.append((row.cell(index[name]), text, name))
        else:
            index[name] = position
    missing = [c.field for c in columns if c.required and c.field not in index]
    return Header(row, index, missing, ignored, duplicates)


def find_header(rows: Sequence[SourceRow], columns: Sequence[Column]) -> int:
    """The position of the header row among ``rows``; 0 when no row looks like one."""
    # Sheets often start with a title ("DANH SÁCH HÒA GIẢI VIÊN …") and a blank line; the header
    # is the first of the top rows naming at least two known fields.
    aliases = _alias_index(columns)
    for position, row in enumerate(rows[:10]):
        if len({aliases[k] for cell in row.cells if (k := compare_key(cell)) in aliases}) >= 2:
            return position
    return 0
