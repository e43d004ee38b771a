"""Where the bot's SQL is SQLite-specific (issue 16, docs/postgres-plan.md §1).

Two checks:

* ``survey`` — a static scan of every SQL string literal and f-string in ``bot/``: for each
  SQLite-specific or suspicious construct, how many and at which file:line.
* ``prepare`` — every distinct SQL text the test suite really ran (recorded by
  ``bench/sqltrace.py``), ``PREPARE``d on PostgreSQL against the migrated schema in a throwaway
  schema: parse errors, unknown columns and untyped parameters show up without running a bot.

Usage::

    python bench/pg_sql_check.py survey
    SQLTRACE_OUT=/tmp/sql PYTHONPATH=bench python -m pytest -p sqltrace -q   # record the SQL
    python bench/pg_sql_check.py prepare --url postgresql://user@127.0.0.1:5432/db /tmp/sql.*

``prepare`` needs asyncpg (``pip install asyncpg``); without ``--url`` it says so and stops.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import collections
import importlib.util
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "bot" / "storage" / "migrations"

_LOOKS_LIKE_SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA|BEGIN|SAVEPOINT|COMMIT|ROLLBACK)\b")
_CLAUSE = re.compile(r"\b(FROM|SET|VALUES|WHERE|INTO)\b|^\s*(PRAGMA|BEGIN|SAVEPOINT|COMMIT|ROLLBACK)\b", re.I)

CHECKS: dict[str, re.Pattern[str]] = {
    "placeholder ?": re.compile(r"\?"),
    "named :param": re.compile(r"(?<![:\w]):[a-z_]\w*"),
    "INSERT OR REPLACE/IGNORE": re.compile(r"INSERT\s+OR\s+(REPLACE|IGNORE)", re.I),
    "ON CONFLICT … DO NOTHING": re.compile(r"DO\s+NOTHING", re.I),
    "ON CONFLICT … DO UPDATE": re.compile(r"DO\s+UPDATE", re.I),
    "ON CONFLICT without target": re.compile(r"ON\s+CONFLICT\s+DO", re.I),
    "RETURNING": re.compile(r"\bRETURNING\b", re.I),
    "strftime()/julianday()": re.compile(r"\b(strftime|julianday)\s*\(", re.I),
    "date()/datetime()/time()": re.compile(r"(?<![\w.])(date|datetime|time)\s*\(", re.I),
    "PRAGMA": re.compile(r"\bPRAGMA\b", re.I),
    "BEGIN IMMEDIATE": re.compile(r"BEGIN\s+IMMEDIATE", re.I),
    "SAVEPOINT": re.compile(r"\bSAVEPOINT\b", re.I),
    "AUTOINCREMENT": re.compile(r"AUTOINCREMENT", re.I),
    "GROUP_CONCAT": re.compile(r"GROUP_CONCAT", re.I),
    "COLLATE": re.compile(r"\bCOLLATE\b", re.I),
    "IFNULL": re.compile(r"\bIFNULL\b", re.I),
    "json_*()": re.compile(r"\bjson_\w+\(", re.I),
    "rowid": re.compile(r"\browid\b", re.I),
    "untyped ? IS NULL": re.compile(r"\?\s+IS\s+(NOT\s+)?NULL", re.I),
    "|| concatenation": re.compile(r"\|\|"),
    "substr()": re.compile(r"\bsubstr\s*\(", re.I),
    "flag = 0/1": re.compile(
        r"\b(unreachable|confirmed|urgent|throttled|paused|is_\w+|announcements_opt_out|training|"
        r"file_photo|open_checkin|weekly_question|accepted|correct|helpful|legal_background|uncertain)"
        r"\s*(=|<>|!=)\s*[01]\b"
    ),
    "LIMIT": re.compile(r"\bLIMIT\b", re.I),
    "FOR UPDATE": re.compile(r"FOR\s+UPDATE", re.I),
}


def sql_literals(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of each string literal or f-string (holes as ``{}``) that reads as SQL."""
    inner: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            inner.update(id(value) for value in node.values)
            text = "".join(
                v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}"
                for v in node.values
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inner:
            text = node.value
        else:
            continue
        if _LOOKS_LIKE_SQL.search(text) and _CLAUSE.search(text):
            yield node.lineno, text


def survey(files: Iterable[Path]) -> str:
    """The report of :func:`sql_literals` against :data:`CHECKS`, one section per construct."""
    per_file: collections.Counter[str] = collections.Counter()
    hits: dict[str, list[tuple[str, int, int]]] = collections.defaultdict(list)
    for path in files:
        name = str(path.relative_to(ROOT))
        for line, text in sql_literals(path.read_text("utf-8")):
            per_file[name] += 1
            for construct, pattern in CHECKS.items():
                count = len(pattern.findall(text))
                if count:
                    hits[construct].append((name, line, count))
    out = [f"{sum(per_file.values())} SQL literals in {len(per_file)} modules"]
    out += [f"  {name}: {count}" for name, count in sorted(per_file.items())]
    for construct in CHECKS:
        found = hits.get(construct, [])
        total = sum(count for *_, count in found)
        out.append(f"\n{construct}: {total} in {len(found)} statements")
        if found:
            out.append("  " + ", ".join(f"{n}:{line}" + (f"×{c}" if c > 1 else "") for n, line, c in found))
    return "\n".join(out)


def dollar_placeholders(sql: str) -> str:
    """``?`` → ``$1…$n`` outside single-quoted literals (what the PostgreSQL engine will do)."""
    out: list[str] = []
    number = 0
    quoted = False
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == "?" and not quoted:
            number += 1
            out.append(f"${number}")
        else:
            out.append(char)
    return "".join(out)


_NOT_PREPARED = re.compile(r"^\s*(PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|CREATE|ALTER|DROP)\b", re.I)


def load_trace(paths: Iterable[str]) -> collections.Counter[str]:
    """Merge the ``{sql: times}`` files written by ``bench/sqltrace.py``."""
    seen: collections.Counter[str] = collections.Counter()
    for path in paths:
        seen.update(json.loads(Path(path).read_text("utf-8")))
    return seen


async def prepare(url: str, statements: Iterable[str]) -> str:
    """PREPARE each statement in a throwaway schema holding today's migrations, applied as is."""
    import asyncpg

    schema = f"sqlcheck_{os.getpid()}_{time.monotonic_ns() % 1_000_000}"
    conn = await asyncpg.connect(url)
    ok = skipped = 0
    failures: dict[str, list[str]] = collections.defaultdict(list)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        await conn.execute(f'SET search_path = "{schema}"')
        await conn.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TEXT NOT NULL)"
        )
        for migration in sorted(MIGRATIONS.glob("*.sql")):
            await conn.execute(migration.read_text("utf-8"))
        for sql in sorted(set(statements)):
            if _NOT_PREPARED.match(sql) or ";" in sql.strip().rstrip(";"):
                skipped += 1
                continue
            transaction = conn.transaction()
            await transaction.start()
            try:
                await conn.prepare(dollar_placeholders(sql))
                ok += 1
            except asyncpg.PostgresError as exc:
                reason = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
                failures[reason].append(" ".join(sql.split())[:160])
            finally:
                await transaction.rollback()
    finally:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await conn.close()
    failed = sum(len(sqls) for sqls in failures.values())
    out = [
        f"prepared OK {ok}, failed {failed}, "
        f"not prepared (PRAGMA, DDL, transaction control, scripts) {skipped}"
    ]
    for reason, sqls in sorted(failures.items(), key=lambda item: -len(item[1])):
        out.append(f"\n{len(sqls)} × {reason}")
        out += [f"    {sql}" for sql in sqls]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("survey", help="static scan of bot/")
    check = commands.add_parser("prepare", help="PREPARE traced SQL on PostgreSQL")
    check.add_argument("--url", help="PostgreSQL server, e.g. postgresql://user@127.0.0.1:5432/db")
    check.add_argument("trace", nargs="+", help="files written by bench/sqltrace.py")
    args = parser.parse_args()
    if args.command == "survey":
        print(survey(sorted((ROOT / "bot").rglob("*.py"))))
        return 0
    if not args.url:
        print("prepare skipped: no PostgreSQL server URL given (--url postgresql://user@127.0.0.1:5432/db)")
        return 0
    if importlib.util.find_spec("asyncpg") is None:
        print("prepare needs asyncpg: pip install asyncpg")
        return 2
    print(asyncio.run(prepare(args.url, load_trace(args.trace))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
