"""Migrations, backup and integrity checks of the SQLite store."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.storage.db import Database, Migration, SqliteDatabase, bundled_migrations

# SQLite itself: its files, WAL, backup API and PRAGMA checks (the PostgreSQL engine has its
# own tests in tests/postgres).
pytestmark = pytest.mark.sqlite_only


async def _migration_rows(db: Database) -> list[tuple[int, str, str]]:
    rows = await db.fetchall("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
    return [(row["version"], row["name"], row["applied_at"]) for row in rows]


async def _schema(db: Database) -> list[tuple[str, str]]:
    rows = await db.fetchall("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
    return [(row["name"], row["sql"]) for row in rows]


async def test_first_open_applies_every_bundled_migration(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "db.sqlite3")
    await db.open(migrate=False)
    try:
        applied = await db.migrate()
        assert applied == [m.version for m in bundled_migrations()]
        assert applied and applied == sorted(applied)
        assert [version for version, _, _ in await _migration_rows(db)] == applied
    finally:
        await db.close()


async def test_migrating_twice_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with SqliteDatabase(path) as db:
        rows = await _migration_rows(db)
        schema = await _schema(db)
        assert await db.migrate() == []
    db = SqliteDatabase(path)
    await db.open(migrate=False)
    try:
        assert await db.migrate() == []
        assert await _migration_rows(db) == rows
        assert await _schema(db) == schema
    finally:
        await db.close()


async def test_failed_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    async with SqliteDatabase(tmp_path / "db.sqlite3") as db:
        rows = await _migration_rows(db)
        broken = Migration(9999, "broken", "CREATE TABLE half_done (x INTEGER);\nTHIS IS NOT SQL;")
        with pytest.raises(sqlite3.Error):
            await db.migrate([broken])
        assert await _migration_rows(db) == rows
        tables = {name for name, _ in await _schema(db)}
        assert "half_done" not in tables
        # The connection is usable afterwards and a good migration still applies.
        good = Migration(9999, "good", "CREATE TABLE later_table (x INTEGER);")
        assert await db.migrate([good]) == [9999]
        assert "later_table" in {name for name, _ in await _schema(db)}


async def _fill(db: Database, rows: int, size: int) -> None:
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO kb_feedback(at, ref, helpful) VALUES (?, ?, 1)",
            ((f"2026-01-01T00:00:{i % 60:02d}", "r" * size) for i in range(rows)),
        )


async def _count(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) AS n FROM kb_feedback")
    assert row is not None
    return int(row["n"])


async def test_backup_while_writes_continue(tmp_path: Path) -> None:
    """A backup must finish and be sound while another task keeps committing writes.

    The database is made larger than one backup step (about 20 MB) so that a step-wise copy
    would be restarted by every concurrent commit and never finish.
    """
    async with SqliteDatabase(tmp_path / "live.sqlite3") as db:
        await _fill(db, rows=10_000, size=2_000)
        before = await _count(db)
        stop = asyncio.Event()
        warmed_up = asyncio.Event()
        writes = 0

        async def writer() -> None:
            nonlocal writes
            while not stop.is_set():
                async with db.transaction() as tx:
                    await tx.execute("INSERT INTO kb_feedback(at, ref, helpful) VALUES ('now', 'live', 0)")
                writes += 1
                if writes == 5:
                    warmed_up.set()
                await asyncio.sleep(0)

        writing = asyncio.create_task(writer())
        await warmed_up.wait()  # the writer is running before the backup starts
        started_at = writes
        backup = asyncio.create_task(db.backup(tmp_path / "copy" / "backup.sqlite3"))
        done, _ = await asyncio.wait({backup}, timeout=5)
        written_during = writes - started_at
        stop.set()
        await writing
        await backup  # lets a stuck copy finish once the writes stop, before the assertions
        assert done, "backup did not finish while writes continued"
        assert written_during > 0
        after = await _count(db)

    copy = SqliteDatabase(tmp_path / "copy" / "backup.sqlite3")
    await copy.open(migrate=False)
    try:
        assert await copy.integrity_check() == []
        assert before <= await _count(copy) <= after
    finally:
        await copy.close()


async def test_backup_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "backup.sqlite3"
    target.write_bytes(b"not a database at all" * 100)
    async with SqliteDatabase(tmp_path / "db.sqlite3") as db:
        await _fill(db, rows=3, size=10)
        await db.backup(target)
    async with SqliteDatabase(target) as copy:
        assert await copy.integrity_check() == []
        assert await _count(copy) == 3


async def test_integrity_check_reports_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with SqliteDatabase(path) as db:
        await _fill(db, rows=2_000, size=500)
        assert await db.integrity_check() == []
    # Checkpointed on close: the data is in the main file now. Overwrite pages in the middle.
    raw = bytearray(path.read_bytes())
    middle = len(raw) // 2
    raw[middle : middle + 8192] = b"\xa5" * 8192
    path.write_bytes(bytes(raw))
    db = SqliteDatabase(path)
    try:
        await db.open(migrate=False)
        problems = await db.integrity_check()
    except sqlite3.DatabaseError:
        problems = ["unreadable"]
    finally:
        await db.close()
    assert problems


async def test_opening_a_damaged_file_raises_and_leaves_no_thread(tmp_path: Path) -> None:
    # Each aiosqlite connection runs a non-daemon thread: one left open after a failed open()
    # would keep `hoagiai db check` (or the bot) alive after reporting the error.
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a database, just text " * 500)
    before = set(_connection_threads())
    db = SqliteDatabase(path)
    with pytest.raises(sqlite3.DatabaseError):
        await db.open()
    for _ in range(100):
        if not set(_connection_threads()) - before:
            break
        await asyncio.sleep(0.01)
    assert not set(_connection_threads()) - before


def _connection_threads() -> list[threading.Thread]:
    """The live worker threads of aiosqlite connections."""
    return [t for t in threading.enumerate() if "_connection_worker_thread" in t.name and t.is_alive()]
