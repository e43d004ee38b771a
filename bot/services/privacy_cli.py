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
from bot.storage.db import Database


def add_audit_commands(subparsers: Any) -> None:
    """Add ``audit`` to the top-level subparsers (handler included)."""
    audit = subparsers.add_parser("audit", help="who viewed or exported personal data")
    audit.add_argument("--limit", type=int, default=50, help="how many entries (default: 50)")
    audit.add_argument("--person", type=int, help="only accesses covering this person id")
    audit.add_argument("--commune", help="only what concerns people of this commune code")
    audit.add_argument("--since", type=_date, help="only from this date (YYYY-MM-DD, UTC)")
    audit.set_defaults(handler=run_audit_command)


def _date(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


async def run_audit_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print the audit; returns 0."""
    async with Database(settings.db_file) as db:
        entries = await list_audit(
            db, limit=args.limit, subject_id=args.person, since=args.since, commune_code=args.commune
        )
    print(format_audit(entries))
    return 0


__all__ = ["add_audit_commands", "run_audit_command"]
