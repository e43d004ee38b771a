"""Running an import: read the file, check every row, write the valid ones in one transaction.

The whole file is read and every row validated before anything is written, and every problem
is reported with the row number Excel shows. A file with problems writes nothing, unless
``skip_invalid`` is set: then the valid rows are written and the rejected ones saved, with a
"lỗi" column, to a file the operator can correct and import again. One file is one
transaction, and every write is an upsert — communes by code, teams by commune and folded
name, people by phone — so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bot.services.importing.people import PEOPLE_COLUMNS, check_people, write_people
from bot.services.importing.places import load_places
from bot.services.importing.rejects import default_rejects_path, write_rejects
from bot.services.importing.report import ImportKind, ImportReport, Problem
from bot.services.importing.rows import Checked, D
from bot.services.importing.tables import (
    Column,
    Header,
    RawTable,
    SourceRow,
    find_header,
    map_header,
    read_table,
)
from bot.services.importing.teams import TEAM_COLUMNS, check_teams, write_teams
from bot.services.importing.units import UNIT_COLUMNS, bundled_communes, check_units, write_units
from bot.storage import units as repo
from bot.storage.db import Connection, Database
from bot.texts import importer as t


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """How to treat invalid rows and unknown teams."""

    skip_invalid: bool = False  # import the valid rows, write the others to the rejects file
    create_teams: bool = False  # people import: create a team a row names that does not exist
    dry_run: bool = False  # validate and report only
    rejects_path: Path | None = None  # default: next to the input, "<name>.rejects.csv"


COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.UNITS: UNIT_COLUMNS,
    ImportKind.TEAMS: TEAM_COLUMNS,
    ImportKind.PEOPLE: PEOPLE_COLUMNS,
}


# Writes a batch of valid drafts inside the import's transaction, counting into the report.
Writer = Callable[[Connection, Sequence[D], ImportReport, datetime], Awaitable[None]]


async def run_import(
    db: Database,
    kind: ImportKind,
    path: Path | None,
    options: ImportOptions,
    *,
    now: datetime,
    today: date,
) -> ImportReport:
    """Import one file (or, for units without a file, the bundled list); see the module doc.

    ``now`` stamps created/updated rows; ``today`` (the local date) rejects future dates.
    Raises :class:`ImportAborted` when the file cannot be read or there are no communes yet.
    """
    if kind is ImportKind.UNITS and path is None:
        return await _import_bundled_units(db, options)
    if path is None:
        raise ValueError(f"import {kind} needs a file")
    raw = await asyncio.to_thread(read_table, path)
    columns = COLUMNS[kind]
    start = find_header(raw.rows, columns)
    header = map_header(raw.rows[start], columns)
    data = raw.rows[start + 1 :]
    report = ImportReport(kind, str(path), rows=len(data), dry_run=options.dry_run)
    report.ignored_columns = header.ignored
    report.file_problems = _file_problems(header, data)
    batch = _Batch(db, report, path, raw, header, options, now)
    if kind is ImportKind.UNITS:
        stored = {commune.code: commune for commune in await repo.list_communes(db)}
        await batch.finish(check_units(header, data, stored), write_units)
        return report
    places = await load_places(db)
    if kind is ImportKind.TEAMS:
        await batch.finish(check_teams(header, data, places), write_teams)
    else:
        await batch.finish(check_people(header, data, places, today, options.create_teams), write_people)
    return report


@dataclass(frozen=True, slots=True)
class _Batch:
    """Everything the last step of an import needs besides the checked rows."""

    db: Database
    report: ImportReport
    path: Path
    raw: RawTable
    header: Header
    options: ImportOptions
    now: datetime

    async def finish(self, checked: Sequence[Checked[D]], write: Writer[D]) -> None:
        """Record the problems; unless they forbid it, save the rejects and write the valid rows."""
        report, options = self.report, self.options
        rejected = [(item.row, item.problems) for item in checked if item.problems]
        report.row_problems = [problem for _, problems in rejected for problem in problems]
        report.rejected_rows = len(rejected)
        if report.file_problems or (rejected and not options.skip_invalid) or options.dry_run:
            return
        if rejected:
            # Written before the import, so a failure to write it leaves the database untouched.
            target = options.rejects_path or default_rejects_path(self.path)
            await asyncio.to_thread(write_rejects, target, self.header.row, rejected, self.raw.delimiter)
            report.rejects_file = target
        drafts = [item.draft for item in checked if item.draft is not None and not item.problems]
        async with self.db.transaction() as conn:
            await write(conn, drafts, report, self.now)
        report.imported = True


def _file_problems(header: Header, data: Sequence[SourceRow]) -> list[Problem]:
    problems = [
        Problem(None, None, t.MISSING_COLUMN.format(label=t.COLUMN_LABELS[name])) for name in header.missing
    ]
    problems += [
        Problem(None, None, t.DUPLICATE_COLUMN.format(first=a, second=b, label=t.COLUMN_LABELS[name]))
        for a, b, name in header.duplicates
    ]
    if not data:
        problems.append(Problem(None, None, t.NO_DATA_ROWS))
    return problems


async def _import_bundled_units(db: Database, options: ImportOptions) -> ImportReport:
    communes = await asyncio.to_thread(bundled_communes)
    report = ImportReport(ImportKind.UNITS, "", rows=len(communes), dry_run=options.dry_run)
    if options.dry_run:
        return report
    async with db.transaction() as conn:
        report.counts = await repo.upsert_communes(conn, communes)
    report.imported = True
    return report
