"""Official report exports: query the statistics, pick each form's layout, build the workbooks.

Used by the ``/thongke`` flow (one attachment per report) and by ``hoagiai export`` (files in a
folder). Queries run on the event loop (they are awaits on the database); layout loading,
workbook rendering and file writes run in worker threads.

Reports per scope (:func:`default_kinds`): the province and the pilot group get form 10c, the
results table and the Kế hoạch 115 indicators, one row per commune; a commune or team also gets
its Sổ theo dõi (one sheet per team). A province-wide casebook is available on request only:
it is every case of the period, which belongs in the teams' books rather than in one file.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.kpi import Targets
from bot.domain.periods import Period
from bot.domain.remuneration import RemunerationRates
from bot.domain.vntext import fold
from bot.reports import xlsx
from bot.reports.layouts import Layout, ReportKind, load_layouts, select_layout
from bot.services import stats
from bot.services.stats import CasebookTeam, Scope, ScopeInfo, ScopeLevel, Unit, UnitTable, Viewer
from bot.storage.db import Database

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class ExportKind(StrEnum):
    """The reports, named as on the command line."""

    STAFFING = "10c"
    RESULTS = "results"
    CASEBOOK = "sotheodoi"
    INDICATORS = "kh115"


_REPORT_OF: dict[ExportKind, ReportKind] = {
    ExportKind.STAFFING: ReportKind.STAFFING,
    ExportKind.RESULTS: ReportKind.RESULTS,
    ExportKind.CASEBOOK: ReportKind.CASEBOOK,
    ExportKind.INDICATORS: ReportKind.INDICATORS,
}


@dataclass(frozen=True, slots=True)
class ReportFile:
    """A built report: its kind, a file name and the .xlsx bytes."""

    kind: ExportKind
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Knobs of an export; the defaults suit the province's routine reports.

    ``today`` is the report date (local); ``layouts_dir`` adds or overrides layouts;
    ``regime`` forces a layout regime (default: the one in force at the period's end).
    """

    today: date | None = None
    targets: Targets | None = None
    rates: RemunerationRates | None = None
    layouts_dir: Path | None = None
    regime: str | None = None


def local_today() -> date:
    """Today's date in Vietnam."""
    return datetime.now(LOCAL_TZ).date()


def default_kinds(level: ScopeLevel) -> list[ExportKind]:
    """The reports "export all" writes for a scope level."""
    kinds = [ExportKind.STAFFING, ExportKind.RESULTS, ExportKind.INDICATORS]
    if level in (ScopeLevel.COMMUNE, ScopeLevel.TEAM):
        kinds.append(ExportKind.CASEBOOK)
    return kinds


_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_LABEL_DROP = re.compile(r"[^0-9A-Za-z-]+")


def report_filename(kind: ExportKind, info: ScopeInfo, period: Period) -> str:
    """An ASCII file name: ``10c_tinh-lang-son_2026-Q2.xlsx``."""
    slug = _SLUG_DROP.sub("-", fold(info.name)).strip("-")[:48].strip("-") or "bao-cao"
    label = _LABEL_DROP.sub("_", period.label).strip("_")
    return f"{kind.value}_{slug}_{label}.xlsx"


def _casebook_sheets(
    books: Sequence[CasebookTeam],
    parts: tuple[Layout, Layout],
    info: ScopeInfo,
    period: Period,
    today: date,
) -> list[xlsx.SheetData]:
    """Phần I and Phần II of every team's book, one sheet each ("I. thôn Nà Lầu", "II. …")."""
    entries, summary = parts
    if not books:
        # An empty book is still a book: the header says whose it is and for which period.
        context = xlsx.report_context(info, period, today)
        return [
            xlsx.SheetData(entries, [], context, name=entries.sheet),
            xlsx.SheetData(summary, [], context, total=xlsx.casebook_summary_rows(_no_book(info))[1]),
        ]
    sheets = []
    for book in books:
        team_info = ScopeInfo(
            Scope.team(book.unit.team_id or 0),
            book.unit.name,
            commune_name=book.commune_name,
            team_name=book.team_name,
        )
        context = xlsx.report_context(team_info, period, today)
        rows, total = xlsx.casebook_summary_rows(book)
        sheets.append(
            xlsx.SheetData(
                entries, xlsx.casebook_rows(book), context, name=f"{entries.sheet} {book.team_name}"
            )
        )
        sheets.append(
            xlsx.SheetData(summary, rows, context, total=total, name=f"{summary.sheet} {book.team_name}")
        )
    return sheets


def _no_book(info: ScopeInfo) -> CasebookTeam:
    unit = Unit(
        key="", name=info.name, commune_code=info.scope.commune_code or "", team_id=info.scope.team_id
    )
    return CasebookTeam(unit, info.team_name or "", info.commune_name or "")


async def build_reports(
    db: Database,
    period: Period,
    viewer: Viewer,
    scope: Scope | None = None,
    kinds: Sequence[ExportKind] | None = None,
    options: ExportOptions | None = None,
) -> list[ReportFile]:
    """Build the requested reports (default: :func:`default_kinds` of the scope) as workbooks.

    Raises PermissionError / LookupError like the statistics service, and
    :class:`~bot.reports.layouts.LayoutError` when a layout is broken or missing.
    """
    options = options or ExportOptions()
    today = options.today or local_today()
    info = await stats.resolve_scope(db, viewer, scope)
    wanted = list(kinds) if kinds is not None else default_kinds(info.level)
    layouts = await asyncio.to_thread(load_layouts, options.layouts_dir)
    chosen = {kind: select_layout(layouts, _REPORT_OF[kind], period.end, options.regime) for kind in wanted}
    summary_layout = (
        select_layout(layouts, ReportKind.CASEBOOK_SUMMARY, period.end, options.regime)
        if ExportKind.CASEBOOK in wanted
        else None
    )

    # Access was checked by resolve_scope above; the resolved Scope is passed on as the viewer
    # so the per-report queries do not repeat the check.
    table: UnitTable | None = None
    if any(kind != ExportKind.CASEBOOK for kind in wanted):
        table = await stats.unit_table(db, info.scope, period, today=today)
    context = xlsx.report_context(info, period, today)

    files: list[ReportFile] = []
    for kind in wanted:
        layout = chosen[kind]
        if kind == ExportKind.CASEBOOK:
            books = await stats.casebook(db, info.scope, period)
            assert summary_layout is not None
            sheets = _casebook_sheets(books, (layout, summary_layout), info, period, today)
        elif kind == ExportKind.INDICATORS:
            assert table is not None
            summary = await stats.summarise(
                db, table, targets=options.targets, rates=options.rates, today=today
            )
            sheets = [xlsx.SheetData(layout, xlsx.indicator_rows(summary), context)]
        else:
            assert table is not None
            rows, total = (xlsx.staffing_rows if kind == ExportKind.STAFFING else xlsx.results_rows)(table)
            sheets = [xlsx.SheetData(layout, rows, context, total=total)]
        data = await asyncio.to_thread(xlsx.build_workbook, sheets)
        files.append(ReportFile(kind, report_filename(kind, info, period), data))
    return files


async def build_report(
    db: Database,
    kind: ExportKind,
    period: Period,
    viewer: Viewer,
    scope: Scope | None = None,
    options: ExportOptions | None = None,
) -> ReportFile:
    """One report (see :func:`build_reports`)."""
    (report,) = await build_reports(db, period, viewer, scope, [kind], options)
    return report


async def export_all(
    db: Database,
    out_dir: Path,
    period: Period,
    actor_or_province: Viewer,
    *,
    scope: Scope | None = None,
    kinds: Sequence[ExportKind] | None = None,
    options: ExportOptions | None = None,
) -> list[Path]:
    """Write every report for the viewer's scope (or ``scope``) into ``out_dir``; return the paths.

    ``actor_or_province`` is the acting :class:`~bot.domain.people.Person` (scope-checked) or a
    :class:`~bot.services.stats.Scope` such as ``Scope.province()`` for the operator.
    """
    files = await build_reports(db, period, actor_or_province, scope, kinds, options)

    def write() -> list[Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        paths = []
        for report in files:
            path = out_dir / report.filename
            path.write_bytes(report.data)
            paths.append(path)
        return paths

    return await asyncio.to_thread(write)


__all__ = [
    "ExportKind",
    "ExportOptions",
    "ReportFile",
    "build_report",
    "build_reports",
    "default_kinds",
    "export_all",
    "local_today",
    "report_filename",
]
