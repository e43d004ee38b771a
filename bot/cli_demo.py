"""``hoagiai demo seed [--force] [--seed N]``: fill an empty database with the demo province.

Wiring in ``bot/cli.py`` (next to the ``kb`` group)::

    demo = sub.add_parser("demo", help="dữ liệu mẫu để thử bot")
    add_demo_commands(demo.add_subparsers(dest="demo_command", required=True))
    demo.set_defaults(handler=run_demo_command)
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from bot.config import Settings
from bot.services.demo import DEFAULT_SEED, DemoRefused, DemoSummary, RefusalReason, seed_demo
from bot.storage.db import database_for, utcnow
from bot.texts import demo as td


def add_demo_commands(subparsers: Any) -> None:
    """Register ``seed`` on the ``demo`` parser's subparsers (what ``add_subparsers`` returned)."""
    seed = subparsers.add_parser("seed", help=td.HELP_SEED)
    seed.add_argument("--force", action="store_true", help=td.HELP_FORCE)
    seed.add_argument("--seed", dest="rng_seed", type=int, default=DEFAULT_SEED, help=td.HELP_SEED_NUMBER)


async def run_demo_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the parsed ``demo`` subcommand; returns the process exit code (1: refused)."""
    if getattr(args, "demo_command", "seed") != "seed":
        return 2
    path = settings.db_file
    print(td.SEEDING.format(path=path))
    started = time.perf_counter()
    async with database_for(settings) as db:
        try:
            summary = await seed_demo(
                db,
                utcnow(),
                force=bool(getattr(args, "force", False)),
                rng_seed=int(getattr(args, "rng_seed", DEFAULT_SEED)),
                timezone=settings.timezone,
            )
        except DemoRefused as refused:
            print(refusal_message(refused, str(path)), file=sys.stderr)
            return 1
    if summary.wiped:
        print(td.WIPED)
    print(summary_message(summary, time.perf_counter() - started))
    print(td.TRY_IT)
    return 0


def refusal_message(refused: DemoRefused, path: str) -> str:
    """Why nothing was written, in Vietnamese."""
    if refused.reason == RefusalReason.LIVE_DATA:
        return td.REFUSED_LIVE.format(path=path, identities=refused.identities)
    return td.REFUSED_NOT_EMPTY.format(
        path=path, people=refused.people, teams=refused.teams, cases=refused.cases
    )


def summary_message(summary: DemoSummary, seconds: float) -> str:
    """What the demo database now holds, in Vietnamese."""
    return td.SUMMARY.format(
        seconds=seconds,
        communes=summary.communes,
        pilot=summary.pilot_communes,
        model=summary.model_communes,
        teams=summary.teams,
        compliant=summary.compliant_teams,
        mediators=summary.mediators,
        trained=summary.trained,
        pending=summary.pending,
        left=summary.left,
        officers=summary.commune_officers,
        province=summary.province_officers,
        admins=summary.admins,
        trainers=summary.trainers,
        supporters=summary.legal_supporters,
        supported=summary.supported_teams,
        cases=summary.cases,
        thanh=summary.outcomes["thanh"],
        khong_thanh=summary.outcomes["khong_thanh"],
        dang=summary.outcomes["dang_hoa_giai"],
        ngoai=summary.outcomes["ngoai_pham_vi"],
        events=summary.events,
    )
