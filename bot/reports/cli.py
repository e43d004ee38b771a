"""``hoagiai export``: write the official reports as Excel files.

    hoagiai export all --out DIR [--period 2026-Q2] [--commune CODE | --team ID | --pilot]
    hoagiai export 10c|results|sotheodoi|kh115 --out DIR [same options]

Without a scope option the operator exports the whole province. ``--as PERSON_ID`` applies that
person's scope rules instead (a commune officer gets their commune, and is refused others).
Without ``--period`` the current reporting period (province calendar, or the commune calendar
for a commune or team) is used.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.people import Person
from bot.domain.periods import (
    Period,
    PeriodError,
    ReportingCalendar,
    ReportLevel,
    current_reporting_period,
    parse_period,
)
from bot.reports.export import ExportKind, ExportOptions, export_all
from bot.reports.layouts import LayoutError
from bot.services import privacy
from bot.services.stats import Scope, ScopeLevel, rates_from_settings
from bot.storage import people as people_repo
from bot.storage.db import database_for, utcnow
from bot.texts import stats as ts

_COMMANDS: dict[str, str] = {
    "all": "mọi báo cáo của phạm vi (10c, results, kh115; thêm sotheodoi khi chọn một xã hoặc tổ)",
    ExportKind.STAFFING.value: "biểu 10c: tổ và hòa giải viên, mỗi xã (hoặc tổ) một dòng, có dòng tổng",
    ExportKind.RESULTS.value: "kết quả hòa giải theo xã (hoặc tổ): kết quả, lĩnh vực, tỷ lệ thành",
    ExportKind.CASEBOOK.value: "Sổ theo dõi hoạt động hòa giải: mỗi tổ một trang tính, mỗi vụ việc một dòng",
    ExportKind.INDICATORS.value: "chỉ tiêu Kế hoạch 115: tử số, mẫu số, mục tiêu và khoảng cách",
}


def add_export_commands(subparsers: Any) -> None:
    """Add ``export`` and its subcommands to the top-level subparsers (handler included)."""
    export = subparsers.add_parser("export", help="xuất báo cáo chính thức thành tệp Excel")
    sub = export.add_subparsers(dest="export_command", required=True, metavar="BÁO_CÁO")
    export.command_hint = ts.EXPORT_WHICH_REPORT.format(names=", ".join(_COMMANDS))
    for name, help_text in _COMMANDS.items():
        command = sub.add_parser(name, help=help_text)
        command.add_argument(
            "--out", type=Path, default=Path("exports"), help="thư mục ghi tệp (mặc định: exports)"
        )
        command.add_argument(
            "--period",
            help=f"kỳ báo cáo: {ts.EXPORT_PERIOD_FORMATS} (mặc định: kỳ báo cáo hiện tại)",
        )
        where = command.add_mutually_exclusive_group()
        where.add_argument("--commune", help="mã xã/phường (ví dụ 06040)")
        where.add_argument("--team", type=int, help="mã tổ hòa giải")
        where.add_argument("--pilot", action="store_true", help="gộp các xã thí điểm")
        command.add_argument(
            "--as", dest="as_person", type=int, help="áp dụng phạm vi được xem của người có mã này"
        )
        command.add_argument("--layouts", type=Path, help="thư mục mẫu biểu .toml bổ sung")
        command.add_argument("--regime", help="bắt buộc dùng một bộ mẫu biểu (ví dụ tt03-2019)")
    export.set_defaults(handler=run_export_command)


def _scope(args: argparse.Namespace) -> Scope | None:
    if args.commune:
        return Scope.commune(args.commune)
    if args.team is not None:
        return Scope.team(args.team)
    if args.pilot:
        return Scope.pilot()
    return None


def _period(args: argparse.Namespace, today: datetime, scope: Scope | None) -> Period | str:
    """The period to export, or a Vietnamese error message."""
    if args.period:
        parsed = parse_period(args.period, today.date())
        if isinstance(parsed, PeriodError):
            return ts.EXPORT_BAD_PERIOD.format(text=args.period, reason=ts.EXPORT_PERIOD_REASONS[parsed])
        return parsed
    group = scope is None or scope.level in (ScopeLevel.PROVINCE, ScopeLevel.PILOT)
    level = ReportLevel.PROVINCE if group else ReportLevel.COMMUNE
    instance = current_reporting_period(today.date(), ReportingCalendar(), level)
    return instance.period if instance is not None else ts.EXPORT_NO_PERIOD


async def run_export_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``hoagiai export …``; returns the exit code (0 done, 2 bad input, 3 refused)."""
    now = datetime.now(ZoneInfo(settings.timezone))
    scope = _scope(args)
    period = _period(args, now, scope)
    if isinstance(period, str):
        print(period, file=sys.stderr)
        return 2
    kinds = None if args.export_command == "all" else [ExportKind(args.export_command)]
    options = ExportOptions(
        today=now.date(),
        rates=rates_from_settings(settings),
        layouts_dir=args.layouts,
        regime=args.regime,
    )
    async with database_for(settings) as db:
        viewer: Person | Scope = scope or Scope.province()
        if args.as_person is not None:
            person = await people_repo.get_person(db.reader, args.as_person)
            if person is None:
                print(ts.EXPORT_NOT_FOUND.format(what=f"person {args.as_person}"), file=sys.stderr)
                return 2
            viewer = person
        try:
            paths = await export_all(db, args.out, period, viewer, scope=scope, kinds=kinds, options=options)
        except PermissionError as exc:
            print(ts.EXPORT_DENIED.format(reason=exc), file=sys.stderr)
            return 3
        except LookupError as exc:
            print(ts.EXPORT_NOT_FOUND.format(what=exc), file=sys.stderr)
            return 2
        except LayoutError as exc:
            print(ts.EXPORT_BAD_LAYOUT.format(reason=exc), file=sys.stderr)
            return 2
        audited = scope or Scope.province()
        actor = viewer.id if isinstance(viewer, Person) else None
        async with db.transaction() as tx:
            key = privacy.scope_key(audited.level, audited.commune_code, audited.team_id)
            await privacy.record_access(tx, actor, "export_xlsx", key, utcnow())
    print(ts.EXPORT_WRITTEN.format(n=len(paths), dir=args.out))
    for path in paths:
        print(f"  {path}")
    return 0


__all__ = ["add_export_commands", "run_export_command"]
