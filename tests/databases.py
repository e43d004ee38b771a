"""Which engine the suite runs on, and the helpers that keep tests engine-neutral.

``TEST_DATABASE_URL`` unset: every test runs on SQLite files under its ``tmp_path``, exactly as
before PostgreSQL existed. Set (``.ci/postgres start DIR PORT`` prints one): each test gets a
migrated database of its own on that server, whose URL the test sees as ``DATABASE_URL``,
dropped after the test. Tests of SQLite itself
(backup files, WAL, file locks, PRAGMA) carry the ``sqlite_only`` marker and skip on that pass.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import os
import sqlite3
import threading
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.config import Settings
from bot.storage.db import Database, SqliteDatabase
from bot.storage.engines.postgres import PostgresDatabase, redact_url

T = TypeVar("T")
# Where a test's database lives: a SQLite file, or a PostgreSQL URL.
Where = Path | str

# The server of the PostgreSQL pass, or None for the SQLite pass.
TEST_DATABASE_URL: str | None = os.environ.get("TEST_DATABASE_URL") or None
ON_POSTGRES = TEST_DATABASE_URL is not None
SQLITE_ONLY_REASON = "tests SQLite itself (files, WAL, PRAGMA): not run on the PostgreSQL pass"


def with_database(url: str, name: str) -> str:
    """``url`` pointing at the database ``name`` of the same server."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    """The database a URL names."""
    return urlsplit(url).path.lstrip("/")


class ServerDatabases:
    """Hands each test a fresh, migrated database of its own on the PostgreSQL server.

    Migrating 12 versions into an empty schema costs about 0.3 s of DDL; ``CREATE DATABASE …
    TEMPLATE`` of a database migrated once per session costs about 0.09 s (measured), and the
    next databases are made ahead, in the background, while a test runs, as are the drops. The
    databases are named ``hoagiai_t<pid>_<n>`` (the template ``…_tmpl``); all are dropped at the
    end of the session (after a killed run, the throwaway cluster goes with them).

    The admin connection lives on an event loop of its own in a daemon thread: each test has a
    fresh loop (pytest-asyncio), and an asyncpg connection belongs to the loop it was opened on.
    """

    AHEAD = 2  # databases kept ready

    def __init__(self, url: str) -> None:
        self._url = url
        self._prefix = f"hoagiai_t{os.getpid()}"
        self._template = f"{self._prefix}_tmpl"
        self._names = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pg-databases", daemon=True)
        self._thread.start()
        self._conn: asyncpg.Connection[asyncpg.Record] | None = None
        self._lock: asyncio.Lock | None = None
        self._ready: list[concurrent.futures.Future[str]] = []
        self._drops: list[concurrent.futures.Future[None]] = []
        self._submit(self._make_template()).result(timeout=120)

    def _submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    async def _execute(self, sql: str) -> None:
        # One statement at a time on the one connection (made-ahead creates and drops overlap).
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._conn is None or self._conn.is_closed():
                self._conn = await asyncpg.connect(self._url)
            try:
                await self._conn.execute(sql)
            except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, ConnectionError, OSError):
                # A test restarted the server or ended every session: once more, connected anew.
                self._conn = await asyncpg.connect(self._url)
                await self._conn.execute(sql)

    async def _make_template(self) -> None:
        await self._execute(f"DROP DATABASE IF EXISTS {self._template} WITH (FORCE)")
        # The collation the engine requires (it refuses any other, plan §1.1).
        await self._execute(
            f"CREATE DATABASE {self._template} TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
        db = PostgresDatabase(with_database(self._url, self._template), pool_min=1, pool_max=1)
        await db.open()  # migrates
        await db.close()  # a template must have no sessions

    async def _make(self) -> str:
        name = f"{self._prefix}_{next(self._names)}"
        await self._execute(f"CREATE DATABASE {name} TEMPLATE {self._template}")
        return with_database(self._url, name)

    def create(self) -> str:
        """The URL of a fresh, migrated database for one test; give it back with :meth:`drop`."""
        while len(self._ready) < self.AHEAD + 1:
            self._ready.append(self._submit(self._make()))
        return self._ready.pop(0).result(timeout=120)

    def drop(self, url: str) -> None:
        """Drop the database of ``url`` in the background (sessions left open are ended)."""
        sql = f"DROP DATABASE IF EXISTS {database_name(url)} WITH (FORCE)"
        self._drops = [done for done in self._drops if not done.done()]
        self._drops.append(self._submit(self._execute(sql)))

    def close(self) -> None:
        """Drop what is left (the made-ahead databases, the template) and stop the thread."""
        for ready in self._ready:
            self.drop(ready.result(timeout=120))
        self._ready = []
        for dropped in self._drops:
            dropped.result(timeout=120)
        sql = f"DROP DATABASE IF EXISTS {self._template} WITH (FORCE)"
        self._submit(self._execute(sql)).result(timeout=120)
        if self._conn is not None:
            self._submit(self._conn.close()).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)


def open_database(where: Where) -> Database:
    """The store at ``where`` (not yet open): a SQLite file, or a PostgreSQL URL."""
    if isinstance(where, str):
        return PostgresDatabase(where, pool_min=1, pool_max=4, timeout_seconds=30)
    return SqliteDatabase(where)


def database_at(path: Path) -> Database:
    """The store a test opens by hand: SQLite at ``path``, or on the PostgreSQL pass the test's
    own database (``DATABASE_URL``, set for every test by the ``database_url`` fixture)."""
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
    database (``DATABASE_URL``), which is checked rather than assumed."""
    if db.engine == "sqlite":
        return settings.model_copy(update={"database_path": Path(db.describe())})
    assert settings.database_url is not None
    assert redact_url(settings.database_url.get_secret_value()) == db.describe()
    return settings


def query_rows(db_file: Path, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Rows of one query, read synchronously (end-to-end tests look into the database of a bot
    running in another process): the SQLite file as it is, or the test's PostgreSQL database.
    Safe to call from a coroutine: the PostgreSQL read runs on a loop in a thread of its own."""
    url = os.environ.get("DATABASE_URL") if ON_POSTGRES else None
    if url is None:
        with sqlite3.connect(db_file) as conn:
            return list(conn.execute(sql, tuple(params)).fetchall())

    async def read() -> list[tuple[Any, ...]]:
        db = PostgresDatabase(url, pool_min=1, pool_max=2, timeout_seconds=30)
        await db.open(migrate=False)
        try:
            return [tuple(row) for row in await db.fetchall(sql, params)]
        finally:
            await db.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, read()).result()
