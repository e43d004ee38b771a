"""The rejects file: the rows an import left out, as written, with the reasons in a "lỗi" column."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from bot.domain.formulas import neutralise
from bot.reports import fit
from bot.reports.cells import put
from bot.services.importing.report import Problem
from bot.services.importing.tables import SourceRow
from bot.texts import importer as t
from bot.texts.stats import PAGE_FOOTER


def default_rejects_path(source: Path) -> Path:
    """Where rejected rows go unless told: "nguoi.xlsx" → "nguoi.rejects.csv" next to it."""
    return source.with_name(f"{source.stem}.rejects.csv")


def write_rejects(
    path: Path, header: SourceRow, rejected: Sequence[tuple[SourceRow, list[Problem]]], delimiter: str
) -> None:
    """Write rejected rows with their original cells and a "lỗi" column (.xlsx or CSV UTF-8 with BOM)."""
    width = max([len(header.cells), *(len(row.cells) for row, _ in rejected)])
    titles = [header.cell(i) for i in range(width)] + [t.REJECTS_COLUMN]
    lines = [
        [row.cell(i) for i in range(width)] + ["; ".join(_reason(p) for p in problems)]
        for row, problems in rejected
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(path, [titles, *lines])
        return
    # The BOM makes Excel read the file as UTF-8; the input's delimiter suits the operator's Excel.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        # CSV has no cell types: risky cells get OWASP's leading apostrophe.
        writer.writerow([neutralise(text) for text in titles])
        writer.writerows([neutralise(text) for text in line] for line in lines)


def _reason(problem: Problem) -> str:
    return f"{problem.column}: {problem.message}" if problem.column else problem.message


# Widest column of the rejects workbook: longer cells wrap (the "lỗi" column often does).
_MAX_WIDTH = 50.0


def _write_xlsx(path: Path, lines: Sequence[Sequence[str]]) -> None:
    workbook = fit.new_workbook("Times New Roman", 11)
    sheet = workbook.active
    assert sheet is not None
    columns = max(len(line) for line in lines)
    widths = [
        min(
            max(8.0, max(fit.width_for_px(fit.text_px(line[i])) + 1 for line in lines if i < len(line))),
            _MAX_WIDTH,
        )
        for i in range(columns)
    ]
    top = Alignment(vertical="top", wrap_text=True)
    # Text cells keep phones' leading zeros and codes like 06040 intact; ``put`` also keeps a
    # cell such as "=1+1" or "@SUM(…)" text instead of a live formula.
    for row, line in enumerate(lines, start=1):
        for column, value in enumerate(line, start=1):
            put(sheet, row, column, value).alignment = top
        needed = max(fit.wrapped_lines(value, widths[i]) for i, value in enumerate(line))
        sheet.row_dimensions[row].height = fit.row_height(needed)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = round(width, 1)
    sheet.freeze_panes = "A2"
    fit.page_setup(sheet, (1, 1), fit.is_wide(widths), PAGE_FOOTER)
    workbook.save(path)
