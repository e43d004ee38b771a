"""The storage façade the rest of the bot imports: the engine protocols, the clock helpers, one
query helper and the choice of engine from the settings.

SQLite (``bot.storage.engines.sqlite``) is the embedded default; PostgreSQL is chosen by
``DATABASE_URL``. Repositories receive a :class:`Connection` and never know which engine runs.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg

from bot.storage.clock import iso, utcnow
from bot.storage.engines.base import Connection, Database, Params, Row, StorageError
from bot.storage.engines.postgres import PostgresDatabase
from bot.storage.engines.schema import Migration, bundled_migrations
from bot.storage.engines.sqlite import SqliteDatabase

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = [
    "DATABASE_ERRORS",
    "Connection",
    "Database",
    "Migration",
    "Params",
    "Row",
    "SqliteDatabase",
    "StorageError",
    "bundled_migrations",
    "database_for",
    "iso",
    "query_one",
    "utcnow",
]

# What a failing store raises, whichever engine: callers that must outlive a database failure
# (the outbox sender) or report it in one line (the CLI) catch these.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, asyncpg.PostgresError, StorageError)


async def query_one(conn: Connection, sql: str, params: Params = ()) -> Row | None:
    """First row of a query in one round trip (hot paths use this: on SQLite
    ``async with conn.execute(...)`` costs three hops to the connection's thread)."""
    rows = await conn.execute_fetchall(sql, params)
    return next(iter(rows), None)


def database_for(settings: Settings) -> Database:
    """The database the settings select (not yet open): PostgreSQL when ``DATABASE_URL`` is set,
    otherwise SQLite at ``settings.db_file``."""
    if settings.database_url is not None:
        return PostgresDatabase.from_settings(settings)
    return SqliteDatabase(Path(settings.db_file))


async def insert_returning_id(conn: Connection, sql: str, params: Params = ()) -> int:
    """Run one ``INSERT`` and return the id it generated (``RETURNING id`` works on both engines;
    SQLite's ``lastrowid`` has no PostgreSQL equivalent)."""
    rows = list(await conn.execute_fetchall(f"{sql} RETURNING id", params))
    if not rows:
        raise RuntimeError("insert returned no id")
    return int(rows[0][0])
