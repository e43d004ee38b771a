"""Fixture files for the import tests, written on the fly (CSV text or XLSX via openpyxl)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl

from bot.services.importing import ImportKind, ImportOptions, ImportReport, run_import
from bot.storage.db import Database

TODAY = date(2025, 10, 1)
NOW = datetime(2025, 10, 1, 3, 0, tzinfo=UTC)

Cell = str | int | float | date | None


def write_csv(path: Path, rows: Sequence[Sequence[Cell]], delimiter: str = ",", bom: bool = False) -> Path:
    """Write rows as CSV text in UTF-8 (optionally with the BOM Excel adds)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(
        ["" if cell is None else str(cell) for cell in row] for row in rows
    )
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Cell]]) -> Path:
    """Write rows to the first sheet of a new workbook, keeping numbers and dates as Excel types."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def read_csv(path: Path) -> list[list[str]]:
    """Read back a CSV written by the importer (UTF-8 with BOM, comma or semicolon)."""
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


async def run(
    db: Database,
    kind: ImportKind,
    path: Path | None,
    *,
    skip_invalid: bool = False,
    create_teams: bool = False,
    dry_run: bool = False,
    rejects: Path | None = None,
) -> ImportReport:
    """Run one import with the fixed test clock."""
    options = ImportOptions(
        skip_invalid=skip_invalid, create_teams=create_teams, dry_run=dry_run, rejects_path=rejects
    )
    return await run_import(db, kind, path, options, now=NOW, today=TODAY)


def messages(report: ImportReport) -> list[str]:
    """Every problem as the operator reads it."""
    return [problem.describe() for problem in report.problems]
