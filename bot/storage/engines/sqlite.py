"""The SQLite engine (the embedded default): connections, write transactions, migrations, backup
and checks.

One writer connection guarded by an asyncio lock (SQLite allows one writer; the lock also
keeps two coroutines from interleaving statements inside one transaction) and one reader
connection for queries that need no transaction (WAL lets it read while a write is open).
The aiosqlite connections are handed to the repositories as they are: they satisfy
:class:`bot.storage.engines.base.Connection` structurally.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.storage import backup as backup_rules
from bot.storage.clock import iso, utcnow
from bot.storage.engines.base import Connection, Params, Row
from bot.storage.engines.schema import Migration, bundled_migrations

log = logging.getLogger(__name__)


class SqliteDatabase:
    """Async access to the SQLite file. Use :meth:`open` / :meth:`close` or ``async with``."""

    engine = "sqlite"
    # One writer at a time (BEGIN IMMEDIATE) and one process (the run lock): nothing to skip.
    skip_locked = ""
    # One file, one writer: `hoagiai run` takes the flock of bot/storage/lock.py first.
    single_process = True

    # The writer's durability level; only the benchmark changes it, to measure what FULL costs.
    synchronous: str = "FULL"

    def __init__(self, path: Path | str, busy_timeout_ms: int = 5000) -> None:
        self.path = str(path)
        self._busy_timeout_ms = busy_timeout_ms
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> SqliteDatabase:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _connect(self) -> aiosqlite.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing is committed implicitly.
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            await conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            await conn.close()
            raise
        return conn

    async def open(self, migrate: bool = True) -> None:
        """Open both connections, switch to WAL and apply pending migrations."""
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._writer = await self._connect()
            await self._switch_to_wal(self._writer)
            # FULL: every COMMIT waits for the WAL to reach the disk, so a reply «Đã lưu» sent
            # after the commit survives a power loss or an OS crash, not only a crash of the
            # process (NORMAL syncs only at checkpoints). Measured cost: docs/architecture.md.
            await self._writer.execute(f"PRAGMA synchronous = {self.synchronous}")
            if migrate:
                await self.migrate()
            self._reader = await self._connect()
        except BaseException:
            # A damaged or unreadable file: close what was opened, or the connection's worker
            # thread would keep the process alive after the error.
            await self.close()
            raise

    async def _switch_to_wal(self, conn: aiosqlite.Connection) -> None:
        # Turning a brand-new file to WAL takes an exclusive lock, and SQLite answers "database
        # is locked" at once instead of calling the busy handler: two processes (two consoles)
        # opening the same new database together failed here. Retry within the busy timeout;
        # a hand-written loop because it is one statement and no retry library is a dependency.
        deadline = asyncio.get_running_loop().time() + self._busy_timeout_ms / 1000
        while True:
            try:
                await conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or asyncio.get_running_loop().time() >= deadline:
                    raise
            await asyncio.sleep(0.02)

    async def close(self) -> None:
        """Close connections; waits for an open write transaction to finish first."""
        async with self._lock:
            for conn in (self._reader, self._writer):
                if conn is not None:
                    await conn.close()
            self._reader = self._writer = None

    @property
    def writer(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise RuntimeError("database is not open")
        return self._writer

    @property
    def reader(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise RuntimeError("database is not open")
        return self._reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run a block in one write transaction: committed on success, rolled back on error."""
        async with self._lock:
            conn = self.writer
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    async def lock_chat(self, conn: Connection, key: str) -> None:
        """Nothing to do: one process writes (the run lock), and ``BEGIN IMMEDIATE`` already
        serialises write transactions."""

    async def sync_ids(self, conn: Connection, tables: Sequence[str]) -> None:
        """Nothing to do: an INTEGER PRIMARY KEY (no AUTOINCREMENT) is always numbered from the
        table's largest id, so an emptied table starts at 1 again."""

    @asynccontextmanager
    async def hold_chat(self, key: str) -> AsyncIterator[None]:
        """Nothing to do: one process runs, and its channels queue each chat's turns."""
        yield

    def describe(self) -> str:
        """The database file's path."""
        return self.path

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a read-only query on the reader connection (sees committed data only)."""
        async with self.reader.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Run a read-only query returning at most one row."""
        async with self.reader.execute(sql, params) as cur:
            return await cur.fetchone()

    async def migrate(self, migrations: Iterable[Migration] | None = None) -> list[int]:
        """Apply pending migrations, each atomically with its bookkeeping row; return applied versions."""
        conn = self.writer
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with conn.execute("SELECT version FROM schema_migrations") as cur:
            done = {row[0] for row in await cur.fetchall()}
        applied: list[int] = []
        for migration in migrations if migrations is not None else bundled_migrations():
            if migration.version in done:
                continue
            async with self._lock:
                # The bookkeeping row goes first: when another process (a second console
                # opening the same new database) applied this version after we looked, its
                # primary key stops the script before any DDL runs twice.
                script = (
                    "BEGIN IMMEDIATE;\n"
                    "INSERT INTO schema_migrations(version, name, applied_at) VALUES "
                    f"({migration.version}, '{migration.name}', '{iso(utcnow())}');\n"
                    f"{migration.sql}\n;"
                    "COMMIT;"
                )
                try:
                    await conn.executescript(script)
                except sqlite3.Error as exc:
                    if conn.in_transaction:
                        await conn.execute("ROLLBACK")
                    if isinstance(exc, sqlite3.IntegrityError) and "schema_migrations.version" in str(exc):
                        continue
                    raise
            log.info("migration_applied version=%s name=%s", migration.version, migration.name)
            applied.append(migration.version)
        return applied

    async def backup(self, destination: Path | str) -> None:
        """Write a consistent, checked copy of the database to ``destination`` while the bot
        keeps running (rules in :mod:`bot.storage.backup`).

        Raises ``BackupRefused`` for the database itself or its companion files (nothing is
        written), ``BackupBroken`` when the copy fails its check (the target is untouched).
        """
        target = Path(destination)
        reason = await asyncio.to_thread(backup_rules.refusal, Path(self.path), target)
        if reason is not None:
            raise backup_rules.BackupRefused(reason, target)
        temporary = await asyncio.to_thread(backup_rules.new_temporary, target)
        try:
            async with aiosqlite.connect(str(temporary)) as dest:
                # One step (pages=-1): in WAL mode the copy reads a single snapshot and writers
                # carry on meanwhile. A step-wise copy restarts whenever another connection
                # commits between two steps, so under steady writes it may never finish.
                await self.reader.backup(dest, pages=-1)
            await asyncio.to_thread(backup_rules.commit_copy, temporary, target)
        except BaseException:
            await asyncio.to_thread(backup_rules.discard, temporary)
            raise

    async def integrity_check(self) -> list[str]:
        """Run SQLite's integrity and foreign-key checks; an empty list means the file is sound."""
        problems: list[str] = []
        async with self.reader.execute("PRAGMA integrity_check") as cur:
            for row in await cur.fetchall():
                if row[0] != "ok":
                    problems.append(str(row[0]))
        async with self.reader.execute("PRAGMA foreign_key_check") as cur:
            for row in await cur.fetchall():
                problems.append(f"foreign key: table {row[0]} rowid {row[1]} -> {row[2]}")
        return problems
