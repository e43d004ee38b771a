"""``hoagiai import units|teams|people [FILE]``: bulk import from CSV or XLSX.

Exit codes: 0 imported (or, with --dry-run, the file is valid); 1 the file has problems and
nothing was written; 2 the file could not be read or the database has no communes yet.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.services.importing import ImportAborted, ImportKind, ImportOptions, ImportReport, run_import
from bot.storage.db import database_for, utcnow
from bot.texts import importer as t

_HELP = {
    ImportKind.UNITS: "xã/phường (65 đơn vị); không có TỆP thì dùng danh sách kèm theo",
    ImportKind.TEAMS: "tổ hòa giải: xã, tổ (thôn/tổ dân phố), SĐT tổ trưởng nếu có",
    ImportKind.PEOPLE: "hòa giải viên và cán bộ, nhận diện theo số điện thoại",
}


def add_import_commands(subparsers: Any) -> None:
    """Add ``import`` with its three subcommands to the top-level ``hoagiai`` subparsers."""
    parser = subparsers.add_parser("import", help="nhập hàng loạt xã/phường, tổ hoặc người từ CSV/XLSX")
    kinds = parser.add_subparsers(dest="import_command", required=True, metavar="LOẠI")
    for kind in ImportKind:
        command = kinds.add_parser(kind.value, help=_HELP[kind])
        if kind is ImportKind.UNITS:
            command.add_argument(
                "file", type=Path, nargs="?", metavar="TỆP", help="CSV/XLSX; mặc định: danh sách kèm theo"
            )
        else:
            command.add_argument(
                "file", type=Path, metavar="TỆP", help="CSV (UTF-8, dấu ',' hoặc ';') hoặc XLSX"
            )
        command.add_argument(
            "--skip-invalid", action="store_true", help="nhập các dòng hợp lệ, ghi các dòng lỗi vào --rejects"
        )
        command.add_argument(
            "--rejects",
            type=Path,
            help="cùng --skip-invalid: tệp ghi dòng bị loại (mặc định: <tên>.rejects.csv; được dùng .xlsx)",
        )
        command.add_argument(
            "--dry-run", action="store_true", help="chỉ kiểm tra tệp và báo cáo, không ghi gì"
        )
        if kind is ImportKind.PEOPLE:
            command.add_argument(
                "--create-teams",
                action="store_true",
                help="tạo các tổ có trong tệp mà chưa có trong cơ sở dữ liệu",
            )
    parser.set_defaults(handler=run_import_command)


def local_today(settings: Settings) -> date:
    """Today's date where the operators are (Asia/Ho_Chi_Minh by default)."""
    return utcnow().astimezone(ZoneInfo(settings.timezone)).date()


async def run_import_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run one ``hoagiai import …`` command; print the summary; return the exit code."""
    kind = ImportKind(args.import_command)
    options = ImportOptions(
        skip_invalid=args.skip_invalid,
        create_teams=getattr(args, "create_teams", False),
        dry_run=args.dry_run,
        rejects_path=args.rejects,
    )
    async with database_for(settings) as db:
        try:
            report = await run_import(db, kind, args.file, options, now=utcnow(), today=local_today(settings))
        except ImportAborted as exc:
            print(str(exc), file=sys.stderr)
            return 2
    print(format_report(report))
    if report.imported or (report.dry_run and not report.problems):
        return 0
    return 1


def format_report(report: ImportReport) -> str:
    """The operator's summary: what was read, every problem, what was written."""
    source = report.source or t.SOURCE_BUNDLED
    lines = [t.SUMMARY_TITLE.format(kind=t.KIND_LABELS[report.kind.value], source=source, rows=report.rows)]
    if report.ignored_columns:
        lines.append(t.IGNORED_COLUMNS.format(columns=", ".join(f"«{c}»" for c in report.ignored_columns)))
    problems = report.problems
    if problems:
        lines.append(t.PROBLEMS_TITLE.format(n=len(problems)))
        lines.extend(f"  • {problem.describe()}" for problem in problems)
    if report.dry_run:
        lines.append(t.DRY_RUN_PROBLEMS if problems else t.DRY_RUN_OK)
        return "\n".join(lines)
    if not report.imported:
        lines.append(t.NOTHING_IMPORTED_FILE if report.file_problems else t.NOTHING_IMPORTED)
        return "\n".join(lines)
    counts = report.counts
    lines.append(
        t.COUNTS.format(
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            rejected=report.rejected_rows,
        )
    )
    if report.teams_created:
        lines.append(t.TEAMS_CREATED.format(n=report.teams_created))
    if report.leaders_set:
        lines.append(t.LEADERS_SET.format(n=report.leaders_set))
    if report.rejects_file is not None:
        lines.append(t.REJECTS_WRITTEN.format(path=report.rejects_file))
    return "\n".join(lines)


__all__ = ["add_import_commands", "format_report", "local_today", "run_import_command"]
