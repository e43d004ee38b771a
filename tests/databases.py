"""Which engine the suite runs on, and the helpers that keep tests engine-neutral.

``TEST_DATABASE_URL`` unset: every test runs on SQLite files under its ``tmp_path``, exactly as
before PostgreSQL existed. Set (``.ci/postgres start DIR PORT`` prints one): each test gets a
schema of its own on that server, named in the ``search_path`` of the URL the test sees as
``DATABASE_URL``, and dropped with everything in it after the test. Tests of SQLite itself
(backup files, WAL, file locks, PRAGMA) carry the ``sqlite_only`` marker and skip on that pass.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import sqlite3
import threading
import uuid
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from bot.config import Settings
from bot.storage.db import Database, SqliteDatabase
from bot.storage.engines.postgres import redact_url
from bot.storage.engines.postgres_ids import PostgresStore

T = TypeVar("T")
# Where a test's database lives: a SQLite file, or a PostgreSQL URL naming a schema.
Where = Path | str

# The server of the PostgreSQL pass, or None for the SQLite pass.
TEST_DATABASE_URL: str | None = os.environ.get("TEST_DATABASE_URL") or None
ON_POSTGRES = TEST_DATABASE_URL is not None
SQLITE_ONLY_REASON = "tests SQLite itself (files, WAL, PRAGMA): not run on the PostgreSQL pass"


def with_search_path(url: str, schema: str) -> str:
    """``url`` whose sessions see ``schema`` first (asyncpg passes the parameter on as a setting)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["search_path"] = schema
    return urlunsplit(parts._replace(query=urlencode(query)))


class SchemaServer:
    """Creates and drops the tests' schemas over one admin connection.

    The connection lives on an event loop of its own in a daemon thread: each test has a
    fresh loop (pytest-asyncio), and an asyncpg connection belongs to the loop it was opened
    on, so one shared connection saves a connect and a disconnect twice per test.
    """

    def __init__(self, url: str) -> None:
        self._url = url
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pg-schemas", daemon=True)
        self._thread.start()
        self._conn: asyncpg.Connection[asyncpg.Record] | None = None

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=60)

    async def _execute(self, sql: str) -> None:
        if self._conn is None or self._conn.is_closed():
            # Also after a test restarted the server or ended every session.
            self._conn = await asyncpg.connect(self._url)
        try:
            await self._conn.execute(sql)
        except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, ConnectionError, OSError):
            self._conn = await asyncpg.connect(self._url)
            await self._conn.execute(sql)

    def create(self) -> str:
        """Create a fresh empty schema and return its name (the caller drops it)."""
        schema = f"t_{uuid.uuid4().hex[:16]}"
        self._run(self._execute(f"CREATE SCHEMA {schema}"))
        return schema

    def drop(self, schema: str) -> None:
        """Drop ``schema`` and everything in it."""
        self._run(self._execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


def open_database(where: Where) -> Database:
    """The store at ``where`` (not yet open): a SQLite file, or the PostgreSQL URL of a schema."""
    if isinstance(where, str):
        return PostgresStore(where, pool_min=1, pool_max=4, timeout_seconds=30)
    return SqliteDatabase(where)


def database_at(path: Path) -> Database:
    """The store a test opens by hand: SQLite at ``path``, or on the PostgreSQL pass the test's
    own schema (``DATABASE_URL``, set for every test by the ``database_url`` fixture)."""
    url = os.environ.get("DATABASE_URL")
    return open_database(url if ON_POSTGRES and url else path)


async def table_names(db: Database) -> list[str]:
    """The names of the tables in the test's database, sorted (sqlite_master has no PostgreSQL
    counterpart; information_schema lists the schema first in the search path)."""
    if db.engine == "postgresql":
        sql = (
            "SELECT table_name AS name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return sorted(str(row["name"]) for row in await db.fetchall(sql))


async def referenced_tables(db: Database, table: str) -> set[str]:
    """The tables ``table``'s foreign keys point to (PRAGMA foreign_key_list on SQLite)."""
    if db.engine == "postgresql":
        sql = (
            "SELECT confrelid::regclass::text AS name FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = CAST(? AS regclass)"
        )
        return {str(row["name"]) for row in await db.fetchall(sql, (table,))}
    # PRAGMA takes no parameters; the name comes from table_names(), never from input.
    return {str(row["table"]) for row in await db.fetchall(f"PRAGMA foreign_key_list({table})")}


async def write(db: Database, sql: str, params: Sequence[Any] = ()) -> None:
    """Run one statement in a transaction of its own (a test's set-up of rows on either engine;
    SQLite's autocommit writer connection has no PostgreSQL counterpart)."""
    async with db.transaction() as tx:
        await tx.execute(sql, params)


def settings_on(settings: Settings, db: Database) -> Settings:
    """``settings`` naming ``db``: its file on SQLite. On PostgreSQL both already name the test's
    schema (``DATABASE_URL``), which is checked rather than assumed."""
    if db.engine == "sqlite":
        return settings.model_copy(update={"database_path": Path(db.describe())})
    assert settings.database_url is not None
    assert redact_url(settings.database_url.get_secret_value()) == db.describe()
    return settings


def query_rows(db_file: Path, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Rows of one query, read synchronously (end-to-end tests look into the database of a bot
    running in another process): the SQLite file as it is, or the test's PostgreSQL schema.
    Safe to call from a coroutine: the PostgreSQL read runs on a loop in a thread of its own."""
    url = os.environ.get("DATABASE_URL") if ON_POSTGRES else None
    if url is None:
        with sqlite3.connect(db_file) as conn:
            return list(conn.execute(sql, tuple(params)).fetchall())

    async def read() -> list[tuple[Any, ...]]:
        db = PostgresStore(url, pool_min=1, pool_max=2, timeout_seconds=30)
        await db.open(migrate=False)
        try:
            return [tuple(row) for row in await db.fetchall(sql, params)]
        finally:
            await db.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, read()).result()
