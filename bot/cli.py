"""The ``hoagiai`` command: run the bot, chat in the terminal, and the operator's tools."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.cli_parser import VnArgumentParser
from bot.config import Settings, SettingsError, load_settings
from bot.domain.enums import Role
from bot.logs import log_to_file, register_secret, setup_logging
from bot.runtime import background_workers
from bot.storage.db import DATABASE_ERRORS
from bot.texts import console as tc
from bot.texts.register import ROLE_LABELS

log = logging.getLogger("bot.cli")

# The console channel's log file, in DATA_DIR: the terminal is the conversation.
CONSOLE_LOG = "console.log"

Handler = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


def build_parser() -> VnArgumentParser:
    """The argument parser with every subcommand."""
    parser = VnArgumentParser(
        prog="hoagiai",
        description="Trợ lý Hòa giải — trợ lý cho hòa giải viên ở cơ sở. Lệnh dành cho người triển khai.",
    )
    parser.add_argument("--env-file", default=".env", help="tệp cấu hình (mặc định: .env)")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", title="các lệnh")

    run = sub.add_parser(
        "run", help="chạy bot (Telegram/Zalo khi đã cấu hình token, nếu không thì kênh dòng lệnh)"
    )
    run.set_defaults(handler=_cmd_run)

    chat = sub.add_parser("chat", help="trò chuyện với bot ngay trong cửa sổ dòng lệnh này")
    chat.add_argument(
        "--as",
        dest="as_who",
        default="",
        help="nói với tư cách một vai trò (mediator, commune_officer, …) hoặc mã người",
    )
    chat.add_argument(
        "--user", default="", help="mã người dùng dòng lệnh (mã mới bắt đầu như người chưa đăng ký)"
    )
    chat.add_argument("--script", type=Path, help="gửi lần lượt các dòng của tệp này và in cuộc trò chuyện")
    chat.set_defaults(handler=_cmd_chat)

    db = sub.add_parser("db", help="bảo trì cơ sở dữ liệu: sao lưu, kiểm tra, migration").add_subparsers(
        dest="db_command", required=True, metavar="LỆNH"
    )
    backup = db.add_parser("backup", help="sao lưu nhất quán cơ sở dữ liệu trong khi bot vẫn chạy")
    backup.add_argument(
        "file", type=Path, metavar="TỆP", help="tệp sao lưu (không được là cơ sở dữ liệu đang dùng)"
    )
    backup.set_defaults(handler=_cmd_db_backup)
    db.add_parser("check", help="kiểm tra toàn vẹn cơ sở dữ liệu").set_defaults(handler=_cmd_db_check)
    db.add_parser("migrate", help="áp dụng các migration còn thiếu").set_defaults(handler=_cmd_db_migrate)
    copy = db.add_parser("copy", help=tc.COPY_HELP)
    copy.add_argument("--to", required=True, metavar="URL", help=tc.COPY_TO_HELP)
    copy.set_defaults(handler=_cmd_db_copy)

    admin = sub.add_parser("admin", help="quản trị: mã mời, danh sách mã xã/phường").add_subparsers(
        dest="admin_command", required=True, metavar="LỆNH"
    )
    invite = admin.add_parser("invite", help="tạo mã mời dùng một lần (người được mời gửi /start MÃ cho bot)")
    invite.add_argument(
        "--role",
        required=True,
        choices=[r.value for r in Role],
        help="vai trò: " + "; ".join(f"{r.value} = {ROLE_LABELS[r]}" for r in Role),
    )
    invite.add_argument(
        "--commune",
        default=None,
        help="mã xã/phường (bắt buộc với vai trò cấp xã; xem: hoagiai admin communes)",
    )
    invite.add_argument("--days", type=int, default=7, help="số ngày mã còn hiệu lực (mặc định 7)")
    invite.set_defaults(handler=_cmd_admin_invite)
    communes = admin.add_parser("communes", help="liệt kê mã và tên các xã/phường")
    communes.add_argument(
        "search", nargs="*", metavar="TÊN", help="chỉ những xã/phường có tên chứa các chữ này"
    )
    communes.set_defaults(handler=_cmd_admin_communes)

    _register_extensions(sub)
    return parser


def _register_extensions(sub: Any) -> None:
    """Subcommands that live next to the code they drive (kb, demo, admin, import, export, audit)."""
    from bot.cli_demo import add_demo_commands, run_demo_command
    from bot.cli_import import add_import_commands
    from bot.kb.cli import add_kb_commands
    from bot.reports.cli import add_export_commands
    from bot.services.privacy_cli import add_audit_commands

    add_import_commands(sub)
    add_export_commands(sub)
    add_audit_commands(sub)
    demo = sub.add_parser("demo", help="dữ liệu mẫu để thử bot")
    add_demo_commands(demo.add_subparsers(dest="demo_command", required=True, metavar="LỆNH"))
    demo.set_defaults(handler=run_demo_command)

    kb = sub.add_parser("kb", help="cơ sở tri thức: tìm kiếm, danh sách đoạn, kiểm tra, câu hỏi bỏ ngỏ")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True, metavar="LỆNH")
    add_kb_commands(kb_sub)
    gaps = kb_sub.add_parser("gaps", help="những câu hỏi bot chưa trả lời được, hỏi nhiều nhất trước")
    gaps.add_argument("--limit", type=int, default=30, help="số câu hỏi (mặc định 30)")
    kb.set_defaults(handler=_cmd_kb)


async def _cmd_kb(args: argparse.Namespace, settings: Settings) -> int:
    from bot.kb.cli import run_kb_command

    if getattr(args, "kb_command", "") == "gaps":
        return await _kb_gaps(args, settings)
    if getattr(args, "knowledge", None) is None:
        args.knowledge = settings.knowledge_dir
    return await asyncio.to_thread(run_kb_command, args)


async def _kb_gaps(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.db import database_for
    from bot.storage.kb_log import top_gaps

    async with database_for(settings) as db:
        rows = await top_gaps(db, limit=args.limit)
    if not rows:
        print(tc.NO_GAPS)
    for question, count, decision in rows:
        print(f"{count:5d}  {decision:12s}  {question}")
    return 0


async def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.db import database_for, utcnow
    from bot.storage.lock import AlreadyRunning, acquire

    if not database_for(settings).single_process:
        # A shared store (PostgreSQL) takes no run lock: several processes may serve the same
        # users. Each channel must then receive through a webhook (docs/deploy.md).
        polling = polling_channels(settings)
        if polling:
            print(tc.POLLING_ON_SHARED_DATABASE.format(channels=", ".join(polling)), file=sys.stderr)
            return 2
        return await _run_locked(args, settings)
    # Before anything touches the database: a second bot on the same file would send every
    # outbox message twice and answer one chat's messages out of order.
    try:
        lock = await asyncio.to_thread(acquire, settings.db_file, utcnow())
    except AlreadyRunning as exc:
        print(already_running_line(exc, settings), file=sys.stderr)
        return 1
    try:
        return await _run_locked(args, settings)
    finally:
        lock.release()


def polling_channels(settings: Settings) -> list[str]:
    """The configured channels that would poll their platform for updates (no webhook set).

    Polling cannot be shared: Telegram answers a second ``getUpdates`` caller with 409 Conflict
    and the two processes take turns cutting each other off, so where several processes may
    run on one database every channel must be served by a webhook."""
    from bot.channels.runner import configured, plan_lines

    return [channel for channel, mode, _ in plan_lines(settings, configured(settings)) if mode == "polling"]


def file_problem(exc: OSError | UnicodeDecodeError) -> str:
    """Why a file could not be read, in Vietnamese."""
    if isinstance(exc, UnicodeDecodeError):
        return tc.NOT_UTF8
    return tc.OS_ERRORS.get(exc.errno or 0) or exc.strerror or str(exc)


def already_running_line(exc: Any, settings: Settings) -> str:
    """One line naming the process that holds the database (``exc``: an ``AlreadyRunning``)."""
    holder = exc.holder
    if holder.pid is None or holder.started_at is None:
        return tc.ALREADY_RUNNING_UNKNOWN.format(db=settings.db_file, lock=exc.path)
    started = holder.started_at.astimezone(ZoneInfo(settings.timezone))
    return tc.ALREADY_RUNNING.format(
        db=settings.db_file, pid=holder.pid, started=started.strftime("%H:%M:%S %d/%m/%Y")
    )


async def _run_locked(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.runner import configured, plan_lines, run_channels

    channels = configured(settings)
    if not channels:
        print(tc.CONSOLE_BECAUSE_NO_TOKEN, file=sys.stderr)
        args.as_who = ""
        args.user = ""
        args.script = None
        return await _cmd_chat(args, settings)
    for channel, mode, reason in plan_lines(settings, channels):
        line = tc.CHANNEL_STARTING.format(
            channel=channel,
            mode=tc.CHANNEL_MODES.get(mode, mode),
            reason=tc.CHANNEL_REASONS.get(reason, reason),
        )
        print(line, file=sys.stderr)
    return await run_channels(settings, channels)


async def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.console import ConsoleChannel
    from bot.runtime import open_app
    from bot.services.console_identity import console_user_for

    lines: list[str] | None = None
    if args.script is not None:
        # Read before anything opens: a wrong path is one line, not a traceback after start-up.
        try:
            lines = (await asyncio.to_thread(args.script.read_text, "utf-8")).splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            print(tc.SCRIPT_UNREADABLE.format(path=args.script, reason=file_problem(exc)), file=sys.stderr)
            return 2
    # Log lines would interleave with the conversation in the same terminal: write them to a
    # file next to the data instead (docs/deploy.md says where).
    log_to_file(settings.data_dir / CONSOLE_LOG)
    async with open_app(settings) as app:
        try:
            user_id = await console_user_for(app, args.as_who, getattr(args, "user", ""))
        except LookupError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        channel = ConsoleChannel(app, user_id)
        if lines is not None:
            # A script's transcript must be deterministic: no background sender printing into it.
            await channel.play(lines)
            return 0
        from bot.channels.console import ConsoleTransport

        # Only this user's proactive messages: other consoles on the same database keep theirs.
        async with background_workers(app, {"console": ConsoleTransport()}, {"console": user_id}):
            await channel.interactive()
    return 0


async def _cmd_db_backup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.backup import BackupBroken, BackupRefused
    from bot.storage.db import database_for
    from bot.storage.engines.postgres import BackupNotSupported

    target: Path = args.file
    async with database_for(settings) as db:
        try:
            await db.backup(target)
        except BackupNotSupported as exc:
            print(tc.BACKUP_USE_PG_DUMP.format(db=db.describe()), file=sys.stderr)
            print(exc.command)
            return 2
        except BackupRefused as exc:
            refused = tc.BACKUP_REFUSED[exc.reason.value]
            print(refused.format(path=target, db=settings.db_file), file=sys.stderr)
            return 2
        except BackupBroken as exc:
            print(tc.BACKUP_BROKEN.format(path=target, problems="; ".join(exc.problems)), file=sys.stderr)
            return 1
    print(tc.BACKUP_DONE.format(path=target))
    return 0


async def _cmd_admin_invite(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import timedelta

    from bot.services.bootstrap import ensure_units
    from bot.services.registration import RegistrationError, UnknownCommune, create_invite
    from bot.storage.db import database_for, utcnow

    async with database_for(settings) as db:
        await ensure_units(db)
        try:
            async with db.transaction() as tx:
                invite = await create_invite(
                    tx, Role(args.role), args.commune, None, timedelta(days=max(1, args.days)), utcnow()
                )
        except UnknownCommune as exc:
            print(tc.INVITE_UNKNOWN_COMMUNE.format(reason=exc.message), file=sys.stderr)
            return 2
        except RegistrationError as exc:
            print(exc.message, file=sys.stderr)
            return 2
    local = invite.expires_at.astimezone(ZoneInfo(settings.timezone))
    role = ROLE_LABELS[invite.role]
    print(tc.INVITE_CREATED.format(code=invite.code, role=role, until=local.strftime("%d/%m/%Y %H:%M")))
    return 0


async def _cmd_admin_communes(args: argparse.Namespace, settings: Settings) -> int:
    from bot.domain.vntext import fold
    from bot.services.bootstrap import ensure_units
    from bot.storage.db import database_for
    from bot.storage.units import list_communes

    async with database_for(settings) as db:
        await ensure_units(db)
        communes = await list_communes(db)
    words = fold(" ".join(args.search)).split()
    shown = [c for c in communes if all(word in fold(c.name) for word in words)]
    for commune in shown:
        print(f"{commune.code}  {commune.name}")
    if not shown:
        print(tc.NO_COMMUNE_MATCHES.format(text=" ".join(args.search)), file=sys.stderr)
        return 1
    return 0


async def _cmd_db_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.db import database_for

    async with database_for(settings) as db:
        problems = await db.integrity_check()
    for problem in problems:
        print(problem)
    print(tc.DB_OK if not problems else tc.DB_BROKEN.format(n=len(problems)))
    return 0 if not problems else 1


async def _cmd_db_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.db import database_for

    db = database_for(settings)
    await db.open(migrate=False)
    try:
        applied = await db.migrate()
    finally:
        await db.close()
    print(tc.MIGRATED.format(versions=", ".join(map(str, applied)) or "—"))
    return 0


async def _cmd_db_copy(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.copy import ChecksumMismatch, CopyFailed, CopyRefused, copy_database
    from bot.storage.engines.postgres import redact_url

    url: str = args.to
    register_secret(urlsplit(url).password)
    target = redact_url(url)
    source = Path(settings.db_file)
    print(tc.COPY_STARTING.format(source=source, target=target))
    try:
        checks = await copy_database(source, url)
    except CopyRefused as exc:
        refused = tc.COPY_REFUSED[exc.reason.value]
        print(refused.format(source=source, target=target, detail=exc.detail), file=sys.stderr)
        return 2
    except CopyFailed as exc:
        print(tc.COPY_FAILED.format(table=exc.table, error=exc.error), file=sys.stderr)
        return 2
    except ChecksumMismatch as exc:
        _print_checks(exc.checks)
        bad = ", ".join(c.table for c in exc.checks if not c.ok)
        print(tc.COPY_MISMATCH.format(tables=bad, target=target), file=sys.stderr)
        return 2
    _print_checks(checks)
    rows = sum(c.target_rows for c in checks)
    print(tc.COPY_DONE.format(tables=len(checks), rows=rows, target=target))
    return 0


def _print_checks(checks: Sequence[Any]) -> None:
    """The verification table of ``db copy``: one line per table (``checks``: TableCheck)."""
    print(tc.COPY_HEADER.format(**tc.COPY_HEADER_WORDS))
    for check in checks:
        verdict = (
            tc.COPY_ROW_OK
            if check.ok
            else tc.COPY_ROW_BAD.format(rows=check.source_rows, checksum=check.source_sha256[:16])
        )
        print(
            tc.COPY_HEADER.format(
                table=check.table, rows=check.target_rows, checksum=check.target_sha256[:16], ok=verdict
            )
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hoagiai`` command; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.env_file if Path(args.env_file).exists() else None)
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.log_format)
    for secret in (settings.telegram_bot_token, settings.telegram_webhook_secret):
        register_secret(secret.get_secret_value() if secret else None)
    if settings.database_url is not None:
        register_secret(urlsplit(settings.database_url.get_secret_value()).password)
    handler: Handler = getattr(args, "handler", _cmd_run)
    try:
        return asyncio.run(handler(args, settings))
    except KeyboardInterrupt:
        return 130
    except DATABASE_ERRORS as exc:
        from bot.storage.engines.postgres import CollationRefused, DatabaseUnavailable

        if isinstance(exc, CollationRefused):
            print(tc.DB_COLLATION.format(db=_database_where(settings), line=exc.create_line), file=sys.stderr)
            return 2
        if isinstance(exc, DatabaseUnavailable):
            # A server that does not answer is not a damaged database: no restore advice.
            print(tc.DB_UNAVAILABLE.format(db=exc.where, reason=exc.reason), file=sys.stderr)
            return 1
        # A damaged or foreign file: one clear line for the operator, not a traceback.
        print(tc.DB_UNREADABLE.format(path=_database_where(settings), error=exc), file=sys.stderr)
        return 1


def _database_where(settings: Settings) -> str:
    """The settings' database for an error line: the SQLite path, or the URL without its password."""
    from bot.storage.db import database_for

    return database_for(settings).describe()


if __name__ == "__main__":
    raise SystemExit(main())
