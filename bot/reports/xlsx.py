"""Excel workbooks of the statistical reports, rendered from layouts (``bot/reports/layouts.py``).

Two halves: pure functions that turn service results into rows keyed by the layout data keys
(``staffing_rows``, ``results_rows``, ``casebook_rows``, ``indicator_rows``), and one renderer
that lays any layout out as an official form: header blocks, title, merged multi-level column
headers, column numbering, the total row first, notes and signature blocks; bold headers,
widths, frozen panes, landscape fit-to-width printing.

Everything here is synchronous and CPU-bound: callers run it with ``asyncio.to_thread``.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.collation import sort_names
from bot.domain.enums import (
    FIELD_LABELS,
    CaseField,
    CaseOutcome,
    LegalSupporterType,
    NextStep,
    OutOfScopeReason,
)
from bot.domain.kpi import CaseCounts
from bot.domain.periods import Period
from bot.domain.rounding import rounded_share
from bot.reports import fit
from bot.reports.cells import Styler, put
from bot.reports.layouts import PLACEHOLDERS, ColumnType, Layout
from bot.services.stats import CasebookEntry, CasebookTeam, ScopeInfo, Staffing, StatsSummary, UnitTable
from bot.texts import cases as tc
from bot.texts import stats as ts

CellValue = int | float | str | date | None
Row = Mapping[str, CellValue]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_NUMBER_FORMATS = {
    ColumnType.INT: "#,##0",
    ColumnType.PERCENT: "0.0%",
    ColumnType.NUMBER: "#,##0.0",
    ColumnType.DATE: "dd/mm/yyyy",
    ColumnType.TEXT: "@",
    ColumnType.BLANK: "@",
}
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_LEFT_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
_CENTER_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)
_RIGHT_TOP = Alignment(horizontal="right", vertical="top")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_EMPTY_RATE = "–"


@dataclass(frozen=True, slots=True)
class SheetData:
    """One sheet to render: its layout, rows, optional total row and header context."""

    layout: Layout
    rows: Sequence[Row]
    context: Mapping[str, str]
    total: Row | None = None
    name: str | None = None


# --------------------------------------------------------------------------- header context


def report_context(info: ScopeInfo, period: Period, today: date) -> dict[str, str]:
    """Values of every layout placeholder for a scope and period."""
    level = info.level.value
    commune = info.commune_name or ""
    team = info.team_name or ""
    names = {"commune": commune, "team": team}
    context = {
        "reporting_unit": ts.REPORTING_UNIT[level].format(**names),
        "receiving_unit": ts.RECEIVING_UNIT[level].format(**names),
        "period_kind": ts.period_kind(period),
        "period_title": ts.period_title(period),
        "start": ts.day(period.start),
        "end": ts.day(period.end),
        "scope_name": info.name,
        "team_name": ts.TEAM_NAME.format(team=team) if team else "",
        "commune_name": commune,
        "signer": ts.SIGNER[level],
        "place": ts.PLACE,
        "province": ts.PROVINCE_NAME,
        "today": ts.day(today),
    }
    assert set(context) == PLACEHOLDERS
    return context


# --------------------------------------------------------------------------- rows from service data


def staffing_rows(table: UnitTable) -> tuple[list[Row], Row]:
    """Form 10c rows (one per unit) and the total row."""

    def row(name: str, s: Staffing) -> Row:
        return {
            "unit": name,
            "teams": s.teams,
            "mediators": s.mediators,
            "male": s.male,
            "female": s.female,
            "legal": s.legal,
            "non_legal": s.non_legal,
            "ethnic_minority": s.ethnic_minority,
            "trained": s.trained,
            "teams_compliant": s.teams_compliant,
            "teams_supported": s.teams_supported,
        }

    return [row(r.unit.name, r.staffing) for r in table.rows], row("", table.staffing)


def _results_row(name: str, cases: CaseCounts) -> Row:
    row: dict[str, CellValue] = {
        "unit": name,
        "received": cases.received,
        "thanh": cases.thanh,
        "khong_thanh": cases.khong_thanh,
        "dang": cases.dang,
        "out_of_scope": cases.out_of_scope,
        "mediated": cases.mediated,
        # Rounded as the sentences and charts round it, so the cell shows the same figure.
        "success_rate": None if cases.success.value is None else rounded_share(cases.success.value),
    }
    for case_field in CaseField:
        row[f"field.{case_field.value}"] = cases.by_field.get(case_field, 0)
    return row


def results_rows(table: UnitTable) -> tuple[list[Row], Row]:
    """Results rows (one per unit) and the total row."""
    return [_results_row(r.unit.name, r.cases) for r in table.rows], _results_row("", table.cases)


_Code = TypeVar("_Code", bound=StrEnum)


def _label(labels: Mapping[_Code, str], kind: type[_Code], code: str) -> str:
    """The Vietnamese label of a stored code; a code from a newer taxonomy is shown as stored
    rather than lost."""
    try:
        return labels[kind(code)]
    except ValueError:
        return code


def _field_label(code: str) -> str:
    return _label(FIELD_LABELS, CaseField, code)


def _outcome_label(code: str) -> str:
    return _label(ts.OUTCOME_LABELS, CaseOutcome, code)


def _agreement(entry: CasebookEntry) -> str:
    """Column (6) of the book, "thỏa thuận hoặc yêu cầu của các bên", from what the bot knows
    (written agreement, court recognition, the way forward); the rest is written by hand."""
    parts = []
    if entry.written_agreement:
        parts.append(ts.NOTE_WRITTEN_AGREEMENT)
    if entry.wants_court_recognition:
        parts.append(ts.NOTE_COURT_RECOGNITION)
    if entry.next_step:
        parts.append(ts.NOTE_NEXT_STEP.format(step=_label(ts.NEXT_STEP_LABELS, NextStep, entry.next_step)))
    return ts.NOTE_SEPARATOR.join(parts)


def _notes(entry: CasebookEntry) -> str:
    """The "Ghi chú" cell: what the book records beyond its columns (the code to find the case
    in the bot, the field, an outcome other than thành / không thành, who else took part)."""
    notes = [ts.NOTE_CASE_CODE.format(code=entry.code), ts.NOTE_FIELD.format(field=_field_label(entry.field))]
    if entry.parties_count:
        notes.append(ts.NOTE_PARTIES.format(n=entry.parties_count))
    if entry.outcome not in (CaseOutcome.THANH, CaseOutcome.KHONG_THANH):
        notes.append(_outcome_label(entry.outcome))
    if entry.out_of_scope_reason:
        reason = _label(ts.OUT_OF_SCOPE_LABELS, OutOfScopeReason, entry.out_of_scope_reason)
        notes.append(ts.NOTE_OUT_OF_SCOPE.format(reason=reason))
    if entry.legal_support:
        who = _label(tc.LEGAL_LABELS, LegalSupporterType, entry.legal_support)
        notes.append(ts.NOTE_LEGAL_SUPPORT.format(who=who))
    if entry.vulnerable_involved:
        notes.append(ts.NOTE_VULNERABLE)
    return ts.NOTE_SEPARATOR.join(notes)


def _mark(entry: CasebookEntry, outcome: CaseOutcome) -> str | None:
    if entry.outcome != outcome:
        return None
    return ts.RESULT_MARK_ON.format(day=ts.day(entry.outcome_on)) if entry.outcome_on else ts.RESULT_MARK


def casebook_rows(book: CasebookTeam) -> list[Row]:
    """Phần I of a team's book: one row per case, numbered from 1, in the order received."""
    return [
        {
            "stt": index,
            "code": entry.code,
            "received_on": entry.received_on,
            "parties_count": entry.parties_count,
            "field": _field_label(entry.field),
            "summary": entry.summary,
            "outcome": _outcome_label(entry.outcome),
            "outcome_on": entry.outcome_on,
            "mediator": entry.mediator,
            "agreement": _agreement(entry),
            "thanh": _mark(entry, CaseOutcome.THANH),
            "khong_thanh": _mark(entry, CaseOutcome.KHONG_THANH),
            "notes": _notes(entry),
        }
        for index, entry in enumerate(book.entries, start=1)
    ]


_TALLY_KEYS = {
    CaseOutcome.THANH: "thanh",
    CaseOutcome.KHONG_THANH: "khong_thanh",
    CaseOutcome.DANG_HOA_GIAI: "dang",
    CaseOutcome.NGOAI_PHAM_VI: "out_of_scope",
}


def _tally(name: str, entries: Sequence[CasebookEntry]) -> dict[str, CellValue]:
    counts: dict[str, int] = dict.fromkeys(_TALLY_KEYS.values(), 0)
    counts.update({f"field.{case_field.value}": 0 for case_field in CaseField})
    for entry in entries:
        outcome = _TALLY_KEYS.get(CaseOutcome(entry.outcome)) if entry.outcome in _OUTCOMES else None
        if outcome is not None:
            counts[outcome] += 1
        # A code from a newer taxonomy counts as "other" rather than not at all.
        code = entry.field if entry.field in _FIELDS else CaseField.KHAC.value
        counts[f"field.{code}"] += 1
    return {"mediator": name, "received": len(entries), "notes": None, **counts}


_OUTCOMES = frozenset(o.value for o in CaseOutcome)
_FIELDS = frozenset(f.value for f in CaseField)


def casebook_summary_rows(book: CasebookTeam) -> tuple[list[Row], Row]:
    """Phần II of a team's book: per mediator (in Vietnamese alphabetical order), the cases by
    field and by outcome; and the team's total."""
    by_mediator: dict[str, list[CasebookEntry]] = {}
    for entry in book.entries:
        by_mediator.setdefault(entry.mediator, []).append(entry)
    names = sort_names(by_mediator)
    rows: list[Row] = [
        {"stt": index, **_tally(name, by_mediator[name])} for index, name in enumerate(names, start=1)
    ]
    return rows, _tally("", book.entries)


def indicator_rows(summary: StatsSummary) -> list[Row]:
    """One row per indicator: numerator, denominator, value, target, verdict and gap."""
    return [
        {
            "stt": index,
            "indicator": ts.INDICATOR_LABELS[ind.code],
            "numerator": ind.numerator,
            "denominator": ind.denominator,
            "value": ts.indicator_value(ind),
            "target": ts.indicator_target(ind),
            "status": ts.indicator_status(ind),
            "gap": ts.indicator_gap(ind),
        }
        for index, ind in enumerate(summary.indicators, start=1)
    ]


# --------------------------------------------------------------------------- rendering


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤31 characters, none of []:*?/\\)."""
    base = _SHEET_NAME_BAD.sub(" ", text).strip()[:31] or "Sheet"
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def build_workbook(sheets: Sequence[SheetData]) -> bytes:
    """Render the sheets into one workbook and return the .xlsx bytes."""
    wb = fit.new_workbook(sheets[0].layout.font if sheets else "Times New Roman")
    default = wb.active
    taken: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(sheet_name(sheet.name or sheet.layout.sheet, taken))
        render_sheet(ws, sheet)
    if default is not None and len(wb.worksheets) > 1:
        wb.remove(default)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _fill(text: str, context: Mapping[str, str]) -> str:
    return text.format_map(context)


class _Rows:
    """Row heights the sheet needs: the tallest wrapped cell of each row wins."""

    def __init__(self, ws: Worksheet, widths: Sequence[float]) -> None:
        self.ws = ws
        self.widths = widths
        self.need: dict[int, float] = {}
        self.style = Styler()

    def span(self, first: int, last: int) -> float:
        """Excel width of columns first..last merged (their padding becomes room for text)."""
        return sum(self.widths[first - 1 : last]) + (last - first) * 5 / 7

    def lines(self, text: str, first: int, last: int, font: Font) -> int:
        return fit.wrapped_lines(
            text, self.span(first, last), float(font.sz or 11), bool(font.b), bool(font.i)
        )

    def fit(self, row: int, text: str, first: int, last: int, font: Font) -> None:
        height = fit.row_height(self.lines(text, first, last, font), float(font.sz or 11))
        self.need[row] = max(self.need.get(row, 0.0), height)

    def apply(self) -> None:
        for row, height in self.need.items():
            self.ws.row_dimensions[row].height = round(height, 1)


def _merge_line(
    rows: _Rows, row: int, first: int, last: int, text: str, font: Font, align: Alignment
) -> None:
    rows.style.apply(put(rows.ws, row, first, text), font, align)
    if last > first:
        rows.ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    rows.fit(row, text, first, last, font)


def _spans(n_columns: int, parts: int) -> list[tuple[int, int]]:
    """Split columns 1..n into ``parts`` contiguous spans (for header and signature blocks)."""
    parts = max(1, min(parts, n_columns))
    edges = [round(i * n_columns / parts) for i in range(parts + 1)]
    return [(edges[i] + 1, max(edges[i + 1], edges[i] + 1)) for i in range(parts)]


def _footer_font(line: str, name: str) -> Font:
    # Official forms print the instructions "(Ký, …)" and the place-and-date line in italics,
    # the signer's title in bold.
    if line.startswith("(") or "ngày …" in line:
        return Font(name=name, italic=True, size=11)
    return Font(name=name, bold=True, size=11)


def _shown(value: CellValue, column_type: ColumnType) -> str:
    """The text a cell prints (near enough to measure it)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return "00/00/0000"
    if isinstance(value, float) and column_type == ColumnType.PERCENT:
        return "100,0%"
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


def column_widths(layout: Layout, rows: Sequence[Row], total: Row | None = None) -> list[float]:
    """Each column's width: the layout's, widened so that no word of its header or its cells
    has to be broken (a name or a code split in the middle reads as two)."""
    widths = []
    data = [*rows, *([total] if total is not None else [])]
    for column in layout.columns:
        header = max(
            (fit.longest_word_px(part, 11, bold=True) for part in (column.header_text, *column.groups[-1:])),
            default=0.0,
        )
        cells = max((fit.longest_word_px(_shown(r.get(column.key), column.type)) for r in data), default=0.0)
        widths.append(max(column.width, math.ceil(fit.width_for_px(max(header, cells)) + 0.5)))
    return widths


def render_sheet(ws: Worksheet, sheet: SheetData) -> None:
    """Lay one sheet out from its layout, ready to print (see :mod:`bot.reports.fit`)."""
    layout, context = sheet.layout, sheet.context
    columns = layout.columns
    n = len(columns)
    font = layout.font
    plain = Font(name=font, size=11)
    bold = Font(name=font, size=11, bold=True)
    italic = Font(name=font, size=11, italic=True)
    widths = column_widths(layout, sheet.rows, sheet.total)
    rows = _Rows(ws, widths)
    row = 1

    # Header blocks: form code on the left, reporting units on the right.
    if layout.header_left or layout.header_right:
        left_span, right_span = _spans(n, 2) if n > 1 else [(1, 1), (1, 1)]
        for i in range(max(len(layout.header_left), len(layout.header_right))):
            if i < len(layout.header_left):
                text = _fill(layout.header_left[i], context)
                _merge_line(rows, row + i, *left_span, text, bold if i == 0 else italic, _LEFT)
            if i < len(layout.header_right):
                text = _fill(layout.header_right[i], context)
                _merge_line(rows, row + i, *right_span, text, bold if i == 0 else plain, _CENTER)
        row += max(len(layout.header_left), len(layout.header_right)) + 1

    _merge_line(rows, row, 1, n, _fill(layout.title, context), Font(name=font, size=14, bold=True), _CENTER)
    row += 1
    for line in layout.subtitle:
        text = _fill(line, context)
        # A subtitle made only of empty placeholders ("()" for a custom period) is dropped.
        if text.strip("() "):
            _merge_line(rows, row, 1, n, text, italic, _CENTER)
            row += 1
    row += 1

    header_top = row
    depth = layout.header_depth
    _render_headers(rows, layout, header_top, bold)
    row += depth
    if layout.numbering:
        # The unit-name column is "A" on official forms; data columns are numbered (1), (2), …
        named = 1 if columns[0].type == ColumnType.TEXT else 0
        for index in range(n):
            label = "A" if index < named else f"({index + 1 - named})"
            rows.style.apply(put(ws, row, index + 1, label), italic, _CENTER, _BORDER)
        row += 1
    header_bottom = row - 1
    first_data = row

    total: dict[str, CellValue] | None = None
    if sheet.total is not None and layout.total_label:
        total = dict(sheet.total)
        total[layout.total_key or columns[0].key] = _fill(layout.total_label, context)
    if total is not None and not layout.total_last:
        _write_row(rows, row, layout, total, bold)
        row += 1
    for data in sheet.rows:
        _write_row(rows, row, layout, data, plain)
        row += 1
    for _ in range(layout.blank_rows):
        _write_row(rows, row, layout, {}, plain)
        row += 1
    if total is not None and layout.total_last:
        _write_row(rows, row, layout, total, bold)
        row += 1
    if layout.min_row_height:
        for data_row in range(first_data, row):
            rows.need[data_row] = max(rows.need.get(data_row, 0.0), layout.min_row_height)

    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width

    row += 1
    for line in layout.notes:
        _merge_line(rows, row, 1, n, _fill(line, context), italic, _LEFT_TOP)
        row += 1
    if layout.footer:
        row += 1
        for (first, last), block in zip(_spans(n, len(layout.footer)), layout.footer, strict=False):
            for offset, line in enumerate(block):
                text = _fill(line, context)
                _merge_line(rows, row + offset, first, last, text, _footer_font(line, font), _CENTER)
    rows.apply()

    ws.freeze_panes = ws.cell(row=first_data, column=layout.freeze_columns + 1)
    fit.page_setup(ws, (header_top, header_bottom), fit.is_wide(widths), ts.PAGE_FOOTER)


def _render_headers(rows: _Rows, layout: Layout, top: int, font: Font) -> None:
    """Multi-level headers: group cells merged across their columns, leaf cells down to the bottom.

    Each header row is as tall as its tallest one-row cell; a leaf cell that spans several
    rows (a column without groups) makes the last of them taller when it needs more room.
    """
    columns = layout.columns
    depth = layout.header_depth
    for level in range(depth - 1):
        index = 0
        while index < len(columns):
            groups = columns[index].groups
            if len(groups) <= level:
                index += 1
                continue
            prefix = groups[: level + 1]
            end = index
            while end + 1 < len(columns) and columns[end + 1].groups[: level + 1] == prefix:
                end += 1
            _header_cell(rows, top + level, index + 1, top + level, end + 1, groups[level], font)
            rows.fit(top + level, groups[level], index + 1, end + 1, font)
            index = end + 1
    spanning: list[tuple[int, float]] = []
    for index, column in enumerate(columns, start=1):
        level = len(column.groups)
        _header_cell(rows, top + level, index, top + depth - 1, index, column.header_text, font)
        if level == depth - 1:
            rows.fit(top + level, column.header_text, index, index, font)
        else:
            lines = rows.lines(column.header_text, index, index, font)
            spanning.append((level, fit.row_height(lines)))
    for level, needed in spanning:
        have = sum(rows.need.get(top + r, fit.row_height(1)) for r in range(level, depth))
        if needed > have:
            last = top + depth - 1
            rows.need[last] = rows.need.get(last, fit.row_height(1)) + needed - have


def _header_cell(
    rows: _Rows, row: int, col: int, last_row: int, last_col: int, text: str, font: Font
) -> None:
    ws = rows.ws
    # Only the top-left cell is styled: merging gives the range's edge cells its borders.
    rows.style.apply(put(ws, row, col, text), font, _CENTER, _BORDER)
    if last_row > row or last_col > col:
        ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)


def _write_row(rows: _Rows, row: int, layout: Layout, data: Row, font: Font) -> None:
    # Data cells are top-aligned: in a row made tall by one long summary, the short cells
    # beside it read from the same line.
    for index, column in enumerate(layout.columns, start=1):
        value = None if column.type == ColumnType.BLANK else data.get(column.key)
        if column.type == ColumnType.PERCENT and value is None and data:
            value = _EMPTY_RATE
        cell = put(rows.ws, row, index, value)
        if column.align == "center":
            rows.style.apply(cell, font, _CENTER_TOP, _BORDER)
            rows.fit(row, "" if value is None else str(value), index, index, font)
        elif column.type in (ColumnType.TEXT, ColumnType.BLANK):
            rows.style.apply(cell, font, _LEFT_TOP, _BORDER)
            rows.fit(row, "" if value is None else str(value), index, index, font)
        elif isinstance(value, str):
            rows.style.apply(cell, font, _CENTER_TOP, _BORDER)
            rows.fit(row, value, index, index, font)
        else:
            align = _CENTER_TOP if column.type == ColumnType.DATE else _RIGHT_TOP
            rows.style.apply(cell, font, align, _BORDER, _NUMBER_FORMATS[column.type])
        if row not in rows.need:
            rows.need[row] = fit.row_height(1)


__all__ = [
    "XLSX_MIME",
    "CellValue",
    "Row",
    "SheetData",
    "build_workbook",
    "casebook_rows",
    "column_widths",
    "indicator_rows",
    "render_sheet",
    "report_context",
    "results_rows",
    "sheet_name",
    "staffing_rows",
]
