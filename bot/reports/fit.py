"""Print-ready sheets: column widths and wrapped row heights from the content, A4 page setup.

Neither openpyxl nor the xlsx format computes row heights: a spreadsheet program does it when
it opens the file, and LibreOffice's PDF export does not for rows written without a height, so
wrapped text printed over the next rows (issue 14). Here every row gets the height its wrapped
text needs, measured with the font's real glyph widths (Pillow, a matplotlib dependency, reads
the TrueType metrics). The fonts looked for are Times New Roman and its metric twin Liberation
Serif (what LibreOffice substitutes); without either, matplotlib's bundled DejaVu Serif, which is
wider, so the estimate errs on the roomy side. Page setup uses openpyxl's own print settings
(paper, orientation, fit to width, repeated title rows, header/footer codes).

Pure and synchronous; callers render workbooks in worker threads.
"""

from __future__ import annotations

import importlib.util
import math
from functools import cache, lru_cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet
from PIL import ImageFont

# Excel column width w (in "0" digits of the default Calibri 11) is w·7 + 5 pixels at 96 dpi.
_DIGIT_PX = 7.0
_COLUMN_PAD_PX = 5.0
# What a cell keeps for itself on each side (LibreOffice's default indent plus the border).
_CELL_INSET_PX = 4.0
# Line pitch of a serif font as LibreOffice lays out wrapped text, in ems, and the room a row
# keeps above and below its text (points).
_LINE_EM = 1.15
_ROW_PAD_PT = 4.0
_PX_PER_PT = 96 / 72
# Excel's limit on a row height.
MAX_ROW_PT = 409.0

_FONT_FILES = {
    (False, False): ("times.ttf", "Times New Roman.ttf", "LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"),
    (True, False): (
        "timesbd.ttf",
        "Times New Roman Bold.ttf",
        "LiberationSerif-Bold.ttf",
        "DejaVuSerif-Bold.ttf",
    ),
    (False, True): (
        "timesi.ttf",
        "Times New Roman Italic.ttf",
        "LiberationSerif-Italic.ttf",
        "DejaVuSerif-Italic.ttf",
    ),
    (True, True): (
        "timesbi.ttf",
        "Times New Roman Bold Italic.ttf",
        "LiberationSerif-BoldItalic.ttf",
        "DejaVuSerif-BoldItalic.ttf",
    ),
}
_MEASURE_SIZE = 100  # points; widths scale linearly with the size
# Pillow's basic layout: advance widths only, which is what a cell's wrapping uses (Vietnamese
# text is stored precomposed, NFC); the optional raqm engine also chokes on control characters.
_BASIC = ImageFont.Layout.BASIC
_CONTROL = str.maketrans({chr(c): " " for c in range(32)})


def new_workbook(font: str = "Times New Roman", size: float = 11) -> Workbook:
    """An empty workbook whose default ("Normal") font is ``font``.

    Column widths are counted in digits of the default font, so with openpyxl's Calibri a
    spreadsheet program without Calibri (LibreOffice falls back to DejaVu Sans, whose digits
    are a third wider) draws every column wider than Excel does and no height computed here
    fits both. With the form's own font as the default, Excel (Times New Roman) and LibreOffice
    (Liberation Serif, same metrics) agree. openpyxl has no public setter for it: the font
    list's first entry is the default, and the Normal style must point at it.
    """
    wb = Workbook()
    default = Font(name=font, sz=size, family=1)
    wb._fonts = IndexedList([default])
    wb._named_styles["Normal"].font = default
    return wb


def _bundled_font(name: str) -> Path | None:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf" / name
    return path if path.exists() else None


@cache
def _font(bold: bool, italic: bool) -> ImageFont.FreeTypeFont | None:
    for name in _FONT_FILES[(bold, italic)]:
        try:
            # Pillow looks a bare file name up in the system font folders.
            return ImageFont.truetype(name, _MEASURE_SIZE, layout_engine=_BASIC)
        except OSError:
            bundled = _bundled_font(name)
            if bundled is not None:
                return ImageFont.truetype(str(bundled), _MEASURE_SIZE, layout_engine=_BASIC)
    return None


def text_px(text: str, size: float = 11, bold: bool = False, italic: bool = False) -> float:
    """Printed width of ``text`` in pixels at 96 dpi."""
    return _measured(text, bold, italic) * size / _MEASURE_SIZE * _PX_PER_PT


# Words repeat endlessly across a casebook's rows (names, "tranh chấp", "đất"): measuring each
# once keeps a commune's yearly book from spending seconds in the font engine.
@lru_cache(maxsize=65536)
def _measured(text: str, bold: bool, italic: bool) -> float:
    font = _font(bold, italic)
    if font is None:  # no TrueType font at all: a wide average glyph, to err on the roomy side
        return len(text) * 0.6 * _MEASURE_SIZE
    return float(font.getlength(text.translate(_CONTROL)))


def column_px(width: float) -> float:
    """Room for text in a column of Excel width ``width``."""
    return width * _DIGIT_PX + _COLUMN_PAD_PX - 2 * _CELL_INSET_PX


def width_for_px(px: float) -> float:
    """The Excel column width that leaves ``px`` pixels for text."""
    return (px + 2 * _CELL_INSET_PX - _COLUMN_PAD_PX) / _DIGIT_PX


def wrapped_lines(text: str, width: float, size: float = 11, bold: bool = False, italic: bool = False) -> int:
    """How many lines ``text`` takes wrapped at spaces in a column of Excel width ``width``.

    Greedy, as spreadsheets wrap: words go on a line while they fit; a word wider than the
    column is broken where it overflows. Explicit newlines start new lines.
    """
    room = max(column_px(width), 1.0)
    space = text_px(" ", size, bold, italic)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            w = text_px(word, size, bold, italic)
            if used and used + space + w <= room:
                used += space + w
                continue
            if used:
                lines += 1
            # A word wider than the column spills over whole extra lines.
            extra = max(math.ceil(w / room) - 1, 0)
            lines += extra
            used = w - extra * room
    return lines


def row_height(lines: int, size: float = 11) -> float:
    """Row height in points for ``lines`` lines of text at ``size`` points."""
    return min(lines * size * _LINE_EM + _ROW_PAD_PT, MAX_ROW_PT)


def longest_word_px(text: str, size: float = 11, bold: bool = False) -> float:
    """Width of the widest unbreakable word (a column narrower than it breaks the word)."""
    return max((text_px(word, size, bold) for word in str(text).split()), default=0.0)


# A4 portrait leaves about 180 mm for the table between the margins below; a table wider than
# that at full size prints landscape (and every sheet is shrunk to its page width anyway).
_PORTRAIT_ROOM_PX = 180 / 25.4 * 96


def is_wide(widths: list[float]) -> bool:
    """Whether columns of these Excel widths should print landscape."""
    return sum(w * _DIGIT_PX + _COLUMN_PAD_PX for w in widths) > _PORTRAIT_ROOM_PX


def page_setup(ws: Worksheet, title_rows: tuple[int, int] | None, landscape: bool, footer: str) -> None:
    """A4, orientation, fit to the page width (any number of pages down), title rows repeated on
    every page, margins of an official form, and ``footer`` (header/footer codes such as
    ``&P``/``&N`` for the page numbers) centred at the bottom."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    # Inches: 2 cm on the left (binding) and at the foot (room for the page number), 1.5 cm
    # elsewhere.
    ws.page_margins.left = 0.79
    ws.page_margins.right = 0.59
    ws.page_margins.top = 0.59
    ws.page_margins.bottom = 0.79
    ws.page_margins.footer = 0.3
    if title_rows is not None:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    ws.oddFooter.center.text = footer
    ws.oddFooter.center.size = 10
    ws.evenFooter.center.text = footer
    ws.firstFooter.center.text = footer


__all__ = [
    "MAX_ROW_PT",
    "column_px",
    "is_wide",
    "longest_word_px",
    "new_workbook",
    "page_setup",
    "row_height",
    "text_px",
    "width_for_px",
    "wrapped_lines",
]
