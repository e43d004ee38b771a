"""The one way a value reaches a worksheet cell in every workbook the bot writes.

openpyxl turns any string that starts with ``=`` into a live formula, so a case summary
``=HYPERLINK("http://x","a")`` or a name imported as ``=1+1`` would run in the reader's Excel.
:func:`put` writes text as a string cell, always; a text that a spreadsheet could read as a
formula (:func:`bot.domain.formulas.is_risky`) also gets the quote-prefix style, so it prints
exactly as typed and stays text when someone edits the cell. Numbers and dates pass through.
The layouts put no formulas in any export; if one ever needs a formula, it is written by
openpyxl directly with a comment saying why, never through here.
"""

from __future__ import annotations

from datetime import date, datetime

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.formulas import is_risky

CellValue = int | float | str | date | datetime | None


def put(ws: Worksheet, row: int, column: int, value: CellValue) -> Cell:
    """Write ``value`` at (row, column): text as text (never a formula), anything else as is."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        # Set after the value: openpyxl has just guessed "f" for a leading "=".
        cell.data_type = "s"
        if is_risky(value):
            cell.quotePrefix = True
    return cell


__all__ = ["CellValue", "put"]
