"""Two processes opening the same new database at once both migrate it safely (found while
testing several consoles on one database, issue 13.16)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.storage.db import SqliteDatabase, bundled_migrations

# SQLite itself: connections creating one new file at once (tests/postgres migrates one server
# database from several engines at once).
pytestmark = pytest.mark.sqlite_only


async def test_concurrent_first_opens_apply_each_migration_once(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    databases = [SqliteDatabase(path) for _ in range(4)]
    # Each Database has its own connections (threads): like four processes starting together.
    await asyncio.gather(*(db.open() for db in databases))
    try:
        rows = await databases[0].fetchall("SELECT version FROM schema_migrations ORDER BY version")
        assert [row["version"] for row in rows] == [m.version for m in bundled_migrations()]
    finally:
        await asyncio.gather(*(db.close() for db in databases))
