"""Workbooks of training: the print-ready attendance list (with a signature column) and contest
results. Synchronous and CPU-bound: callers run these with ``asyncio.to_thread``."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.collation import sort_key
from bot.reports import fit
from bot.reports.cells import CellValue, put
from bot.services.training import Sheet, format_dates
from bot.storage.training import RoundRow, Standing
from bot.texts import training as tt
from bot.texts.stats import PAGE_FOOTER

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "Times New Roman"


def _table(
    ws: Worksheet,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[CellValue]],
    widths: Sequence[int],
    min_row_pt: float = 0.0,
) -> None:
    """Title, subtitle and a bordered table, print-ready (see :mod:`bot.reports.fit`).

    ``widths`` are minimum column widths, widened so that no word has to be broken; every row
    is as tall as its wrapped text, and at least ``min_row_pt`` (room for a signature).
    """
    cells = [list(headers), *([_text(v) for v in r] for r in rows)]
    fitted = [
        max(float(w), math.ceil(fit.width_for_px(max(fit.longest_word_px(c[i], 12) for c in cells)) + 0.5))
        for i, w in enumerate(widths)
    ]
    span = sum(fitted) + (len(fitted) - 1) * 5 / 7
    last = get_column_letter(len(headers))
    ws.merge_cells(f"A1:{last}1")
    put(ws, 1, 1, title)
    ws["A1"].font = Font(name=_FONT, bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = fit.row_height(fit.wrapped_lines(title, span, 14, bold=True), 14)
    ws.merge_cells(f"A2:{last}2")
    put(ws, 2, 1, subtitle)
    ws["A2"].font = Font(name=_FONT, italic=True, size=12)
    ws["A2"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[2].height = fit.row_height(fit.wrapped_lines(subtitle, span, 12, italic=True), 12)
    header_lines = max(fit.wrapped_lines(h, fitted[i], 12, bold=True) for i, h in enumerate(headers))
    ws.row_dimensions[4].height = fit.row_height(header_lines, 12)
    for col, header in enumerate(headers, 1):
        cell = put(ws, 4, col, header)
        cell.font = Font(name=_FONT, bold=True, size=12)
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, values in enumerate(rows, 5):
        lines = max((fit.wrapped_lines(_text(v), fitted[i], 12) for i, v in enumerate(values)), default=1)
        ws.row_dimensions[r].height = max(fit.row_height(lines, 12), min_row_pt)
        for col, value in enumerate(values, 1):
            cell = put(ws, r, col, value)
            cell.font = Font(name=_FONT, size=12)
            cell.border = _BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for col, width in enumerate(fitted, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    fit.page_setup(ws, (4, 4), fit.is_wide(fitted), PAGE_FOOTER)


def _text(value: CellValue) -> str:
    return "" if value is None else str(value)


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def attendance_workbook(sheet: Sheet) -> bytes:
    """One line per invitee and session (absent invitees too, so the list can be signed on paper)."""
    course = sheet.course
    present = {(r.session_id, r.person_id): r for r in sheet.rows}
    rows: list[list[CellValue]] = []
    people = {i.person_id: (i.full_name, i.team) for i in sheet.invited}
    for r in sheet.rows:
        people.setdefault(r.person_id, (r.full_name, r.team))
    for session in sheet.sessions:
        # Vietnamese alphabetical order by name (ties by id, so the list is the same every time).
        for person_id, (name, team) in sorted(people.items(), key=lambda kv: (sort_key(kv[1][0]), kv[0])):
            record = present.get((session.id, person_id))
            method = tt.METHOD_LABELS.get(record.method, record.method) if record else ""
            note = (record.reason or "") if record else ""
            rows.append([len(rows) + 1, name, team, session.held_on.strftime("%d/%m/%Y"), method, note, ""])
    wb = fit.new_workbook(_FONT)
    ws = wb.active
    assert ws is not None
    ws.title = "Điểm danh"
    subtitle = f"{course.title} — {format_dates(course.starts_on, course.ends_on)} — {course.place}"
    # 30 pt: room for a handwritten signature in the last column.
    _table(ws, tt.SHEET_TITLE, subtitle, tt.SHEET_HEADERS, rows, (6, 28, 22, 12, 22, 24, 18), 30)
    return _bytes(wb)


def results_workbook(round_: RoundRow, standings: Sequence[Standing], tz: ZoneInfo) -> bytes:
    """The contest ranking."""
    rows: list[list[CellValue]] = [
        [
            i,
            s.full_name,
            s.team,
            s.correct,
            s.answered,
            s.finished_at.astimezone(tz).strftime("%H:%M:%S %d/%m/%Y"),
        ]
        for i, s in enumerate(standings, 1)
    ]
    wb = fit.new_workbook(_FONT)
    ws = wb.active
    assert ws is not None
    ws.title = "Kết quả"
    subtitle = f"{len(round_.questions)} câu hỏi"
    _table(ws, round_.title.upper(), subtitle, tt.RESULTS_HEADERS, rows, (7, 28, 22, 12, 16, 20))
    return _bytes(wb)
