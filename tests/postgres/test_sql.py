"""The PostgreSQL engine's pure parts: ``?`` → ``$n``, how a statement is run, row counts from
status tags, URLs without passwords, and the identity companions. No server needed."""

from __future__ import annotations

import ast
import re
import sqlite3
from pathlib import Path

import pytest

from bot.storage.engines.base import StorageError
from bot.storage.engines.postgres import (
    PostgresDatabase,
    pg_statement,
    redact_url,
    rowcount_from_status,
)
from bot.storage.engines.schema import bundled_migrations

BOT = Path(__file__).resolve().parents[2] / "bot"


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = $1 AND c = $2"),
        ("SELECT '?' , ? FROM t", "SELECT '?' , $1 FROM t"),
        ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"),
        ('SELECT "odd?name" FROM t WHERE x = ?', 'SELECT "odd?name" FROM t WHERE x = $1'),
        ("SELECT ? -- why? because\n, ?", "SELECT $1 -- why? because\n, $2"),
        ("SELECT /* a ? here */ ?", "SELECT /* a ? here */ $1"),
        ("SELECT ?,?,?", "SELECT $1,$2,$3"),
        ("UPDATE t SET x = (?) WHERE id IN (?, ?)", "UPDATE t SET x = ($1) WHERE id IN ($2, $3)"),
        ("SELECT 'unterminated ?", "SELECT 'unterminated ?"),
        ("SELECT 1 -- trailing ?", "SELECT 1 -- trailing ?"),
    ],
)
def test_placeholders_become_numbered_outside_quotes_and_comments(sql: str, expected: str) -> None:
    statement = pg_statement(sql)
    assert statement.text == expected
    assert statement.placeholders == expected.count("$")


@pytest.mark.parametrize(
    ("sql", "returns_rows", "read_only"),
    [
        ("SELECT 1", True, True),
        ("  select x from t", True, True),
        ("WITH a AS (SELECT 1) SELECT * FROM a", True, True),
        ("WITH RECURSIVE a(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM a) SELECT n FROM a", True, True),
        ("(SELECT 1) UNION (SELECT 2)", True, True),
        ("VALUES (1), (2)", True, True),
        ("INSERT INTO t(a) VALUES (?) RETURNING id", True, False),
        ("INSERT INTO t(a) VALUES (?)", False, False),
        ("INSERT INTO t(a) SELECT b FROM u", False, False),
        ("INSERT INTO t(a) VALUES (?) ON CONFLICT(a) DO UPDATE SET a = excluded.a RETURNING a", True, False),
        (
            "UPDATE o SET s = 1 WHERE id IN (SELECT id FROM o FOR UPDATE SKIP LOCKED) RETURNING id",
            True,
            False,
        ),
        ("UPDATE t SET a = ?", False, False),
        ("DELETE FROM t WHERE a = ?", False, False),
        # The RETURNING belongs to the CTE: the statement itself returns nothing.
        ("WITH gone AS (DELETE FROM t RETURNING *) INSERT INTO u SELECT * FROM gone", False, False),
        ("WITH gone AS (DELETE FROM t RETURNING *) SELECT count(*) FROM gone", True, False),
        ("SELECT 'RETURNING' FROM t", True, True),
        ("UPDATE t SET a = 'x RETURNING y'", False, False),
        ("SAVEPOINT finish", False, False),
        ("ROLLBACK TO finish", False, False),
        ("RELEASE finish", False, False),
        ("BEGIN ISOLATION LEVEL READ COMMITTED", False, False),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY)", False, False),
        ("-- a comment first\nSELECT 1", True, True),
    ],
)
def test_one_function_decides_how_a_statement_runs(sql: str, returns_rows: bool, read_only: bool) -> None:
    statement = pg_statement(sql)
    assert (statement.returns_rows, statement.read_only) == (returns_rows, read_only)


def test_translation_is_cached_per_text() -> None:
    sql = "SELECT x FROM cache_probe WHERE y = ?"
    first = pg_statement(sql)
    hits = pg_statement.cache_info().hits
    assert pg_statement(sql) is first
    assert pg_statement.cache_info().hits == hits + 1


def _sql_literals() -> list[str]:
    """Every string constant in ``bot/`` that starts like a statement with a placeholder."""
    found = []
    start = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.I)
    for path in sorted(BOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and start.match(text) and "?" in text:
                found.append(text)
    return found


def test_placeholder_count_matches_sqlites_own_parser_for_every_statement_in_bot() -> None:
    # SQLite parses each statement the repositories write (on the migrated schema) and says how
    # many parameters it has; the translation must number exactly that many.
    conn = sqlite3.connect(":memory:")
    for migration in bundled_migrations():
        conn.executescript(migration.sql)
    checked = 0
    for sql in _sql_literals():
        try:
            conn.execute(sql, [None] * 999)
        except sqlite3.ProgrammingError as exc:
            match = re.search(r"statement uses (\d+)", str(exc))
            assert match, exc
            assert pg_statement(sql).placeholders == int(match.group(1)), sql
            assert "?" not in re.sub(r"'[^']*'", "", pg_statement(sql).text), sql
            checked += 1
        except sqlite3.Error:
            continue  # a fragment completed at run time (f-string, joined filters)
    assert checked >= 100, f"only {checked} complete statements found in bot/"


@pytest.mark.parametrize(
    ("status", "count"),
    [
        ("INSERT 0 3", 3),
        ("INSERT 0 0", 0),
        ("UPDATE 2", 2),
        ("DELETE 1", 1),
        ("SELECT 12", 12),
        ("MERGE 4", 4),
        ("BEGIN", -1),
        ("CREATE TABLE", -1),
        ("SAVEPOINT", -1),
        ("", -1),
    ],
)
def test_rowcount_comes_from_the_status_tag(status: str, count: int) -> None:
    assert rowcount_from_status(status) == count


SECRET = "s3cr3t-Pw"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://hoagiai:{SECRET}@db.example.vn:5432/hoagiai",
        f"postgresql://hoagiai:{SECRET}@db1:5432,db2:5432/hoagiai?sslmode=require",
        f"postgresql://hoagiai@db.example.vn/hoagiai?password={SECRET}&sslmode=require",
    ],
)
def test_describe_and_backup_never_show_the_password(url: str) -> None:
    db = PostgresDatabase(url)
    assert SECRET not in db.describe()
    assert "***" in db.describe()
    assert "hoagiai" in db.describe()
    assert SECRET not in redact_url(url, mask=None)
    assert "***" not in redact_url(url, mask=None)


async def test_backup_names_pg_dump_without_the_password() -> None:
    db = PostgresDatabase(f"postgresql://hoagiai:{SECRET}@db.example.vn:5432/hoagiai")
    with pytest.raises(Exception, match="pg_dump -Fc") as caught:
        await db.backup("/var/backups/hoagiai.dump")
    assert SECRET not in str(caught.value)
    assert "postgresql://hoagiai@db.example.vn:5432/hoagiai" in str(caught.value)
    assert "/var/backups/hoagiai.dump" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        # Port 1 on the loopback: nothing listens, the connection is refused at once.
        f"postgresql://hoagiai:{SECRET}@127.0.0.1:1/hoagiai",
        f"postgresql://hoagiai:{SECRET}@127.0.0.1:notaport/hoagiai",
        f"postgresql://hoagiai@127.0.0.1:1/hoagiai?password={SECRET}",
    ],
)
async def test_unreachable_server_is_a_storage_error_without_the_password(url: str) -> None:
    db = PostgresDatabase(url, timeout_seconds=5)
    with pytest.raises(StorageError) as caught:
        await db.open()
    assert SECRET not in str(caught.value)
    assert "127.0.0.1:" in str(caught.value)


def test_a_driver_message_quoting_the_password_is_masked() -> None:
    db = PostgresDatabase("postgresql://hoagiai:p%40ss%2Fw0rd@db.example.vn/hoagiai")
    error = db._unavailable(OSError("auth failed for p@ss/w0rd (raw: p%40ss%2Fw0rd)"))
    assert "w0rd" not in str(error)
    assert isinstance(error, StorageError)


# ------------------------------------------------------------------ identity companions

_CREATE = re.compile(r"CREATE TABLE (\w+) \((.*?)\n\);", re.S)
_ROWID_ALIAS = re.compile(r"^\s*id\s+INTEGER\s+PRIMARY\s+KEY\b", re.M | re.I)
_IDENTITY = re.compile(
    r"ALTER TABLE (\w+) ALTER COLUMN id (?:TYPE BIGINT, ALTER COLUMN id )?"
    r"ADD GENERATED BY DEFAULT AS IDENTITY;"
)


def test_every_rowid_id_of_a_shared_migration_gets_an_identity_in_its_companion() -> None:
    migrations = bundled_migrations()
    needed = {
        (m.version, table)
        for m in migrations
        for table, body in _CREATE.findall(m.sql)
        if _ROWID_ALIAS.search(body)
    }
    given = {(m.version, table) for m in migrations for table in _IDENTITY.findall(m.postgresql_sql)}
    assert needed == given
    assert len(needed) == 14  # docs/postgres-plan.md §2
    # Nothing else hides in the companions: every statement is one of those identities.
    for m in migrations:
        statements = [s for s in re.sub(r"--[^\n]*", "", m.postgresql_sql).split(";") if s.strip()]
        assert len(statements) == len(_IDENTITY.findall(m.postgresql_sql)), m.version
