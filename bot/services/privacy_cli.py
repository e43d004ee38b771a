"""``hoagiai audit``: list who viewed or exported personal data (newest first).

    hoagiai audit [--limit 50] [--person ID] [--since 2026-11-01]

``--person`` answers a data-subject request "who accessed my data?": accesses naming that person
and the list views or exports that covered their team, commune, the pilot group or the province.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings
from bot.services.privacy import format_audit, list_audit
from bot.storage.db import database_for


def add_audit_commands(subparsers: Any) -> None:
    """Add ``audit`` to the top-level subparsers (handler included)."""
    audit = subparsers.add_parser("audit", help="ai đã xem hoặc xuất dữ liệu cá nhân")
    audit.add_argument("--limit", type=int, default=50, help="số mục (mặc định: 50)")
    audit.add_argument("--person", type=int, help="chỉ những lần truy cập liên quan đến người có mã này")
    audit.add_argument("--commune", help="chỉ những gì liên quan đến người của xã/phường có mã này")
    audit.add_argument("--since", type=_date, help="chỉ từ ngày này (YYYY-MM-DD, giờ UTC)")
    audit.set_defaults(handler=run_audit_command)


def _date(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"không phải ngày dạng YYYY-MM-DD: «{text}»") from None


async def run_audit_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print the audit; returns 0."""
    async with database_for(settings) as db:
        entries = await list_audit(
            db, limit=args.limit, subject_id=args.person, since=args.since, commune_code=args.commune
        )
    print(format_audit(entries))
    return 0


__all__ = ["add_audit_commands", "run_audit_command"]
