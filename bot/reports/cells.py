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

from copy import copy
from datetime import date, datetime

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font
from openpyxl.styles.cell_style import StyleArray
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


class Styler:
    """Gives cells a font, alignment, border and number format, working each combination out once.

    openpyxl hashes every style object on every assignment to find its index in the workbook,
    which was half the time of a commune's casebook. The first cell of a combination is styled
    the public way; the others copy its style indices (``_style``, the array openpyxl itself
    copies between cells). A cell's quote prefix (set by :func:`put`) survives. One styler per
    workbook: the indices belong to it. Style objects are told apart by identity, so pass the
    same objects for the same look (the module constants and one Font per weight do).
    """

    def __init__(self) -> None:
        self._arrays: dict[tuple[int, int, int, str], StyleArray] = {}
        self._keep: list[object] = []  # the objects whose ids are keys stay alive

    def apply(
        self,
        cell: Cell,
        font: Font | None = None,
        alignment: Alignment | None = None,
        border: Border | None = None,
        number_format: str = "",
    ) -> Cell:
        quote = cell.quotePrefix
        key = (id(font), id(alignment), id(border), number_format)
        known = self._arrays.get(key)
        if known is None:
            if font is not None:
                cell.font = font
            if alignment is not None:
                cell.alignment = alignment
            if border is not None:
                cell.border = border
            if number_format:
                cell.number_format = number_format
            cell.quotePrefix = False
            self._arrays[key] = copy(cell._style)
            self._keep.append((font, alignment, border))
        else:
            cell._style = copy(known)
        if quote:
            cell.quotePrefix = True
        return cell


__all__ = ["CellValue", "Styler", "put"]
