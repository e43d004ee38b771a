"""Workbooks of training: the print-ready attendance list (with a signature column) and contest
results. Synchronous and CPU-bound: callers run these with ``asyncio.to_thread``."""

from __future__ import annotations

import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports.cells import CellValue, put
from bot.services.training import Sheet, format_dates
from bot.storage.training import RoundRow, Standing
from bot.texts import training as tt

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
) -> None:
    last = get_column_letter(len(headers))
    ws.merge_cells(f"A1:{last}1")
    put(ws, 1, 1, title)
    ws["A1"].font = Font(name=_FONT, bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A2:{last}2")
    put(ws, 2, 1, subtitle)
    ws["A2"].font = Font(name=_FONT, italic=True, size=12)
    ws["A2"].alignment = Alignment(horizontal="center", wrap_text=True)
    for col, header in enumerate(headers, 1):
        cell = put(ws, 4, col, header)
        cell.font = Font(name=_FONT, bold=True, size=12)
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, values in enumerate(rows, 5):
        ws.row_dimensions[r].height = 30  # room for a handwritten signature
        for col, value in enumerate(values, 1):
            cell = put(ws, r, col, value)
            cell.font = Font(name=_FONT, size=12)
            cell.border = _BOX
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.print_title_rows = "4:4"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


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
        for person_id, (name, team) in sorted(people.items(), key=lambda kv: (kv[1][0], kv[0])):
            record = present.get((session.id, person_id))
            method = tt.METHOD_LABELS.get(record.method, record.method) if record else ""
            note = (record.reason or "") if record else ""
            rows.append([len(rows) + 1, name, team, session.held_on.strftime("%d/%m/%Y"), method, note, ""])
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Điểm danh"
    subtitle = f"{course.title} — {format_dates(course.starts_on, course.ends_on)} — {course.place}"
    _table(ws, tt.SHEET_TITLE, subtitle, tt.SHEET_HEADERS, rows, (6, 28, 22, 12, 22, 24, 18))
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
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Kết quả"
    subtitle = f"{len(round_.questions)} câu hỏi"
    _table(ws, round_.title.upper(), subtitle, tt.RESULTS_HEADERS, rows, (7, 28, 22, 12, 16, 20))
    return _bytes(wb)
