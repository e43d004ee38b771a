"""``hoagiai db copy --to postgresql://…``: move a SQLite deployment to PostgreSQL in one step
(docs/postgres-plan.md §5).

One read transaction on the source file (every table read from the same instant, even while a
bot still writes), refused unless the source carries exactly the migrations this program ships;
the target is migrated by the PostgreSQL engine (which also refuses a collation that does not
sort byte by byte) and refused when any table already holds a row. Then, in ONE target
transaction: the tables in foreign-key order by binary ``COPY``, self-references (the approver
of a person) set in a second pass, identity sequences moved past the copied ids, and every table
verified — row count and a SHA-256 over its rows in primary-key order, serialised canonically by
the same Python function on both sides — before ``COMMIT``. Any difference rolls it all back.

asyncpg is used directly here for ``COPY`` and the server-side cursor, which the engine's
connection protocol does not (and need not) expose.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import hashlib
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite
import asyncpg

from bot.storage.engines.base import StorageError
from bot.storage.engines.postgres import CollationRefused, PostgresDatabase, redact_url
from bot.storage.engines.schema import bundled_migrations

if TYPE_CHECKING:
    from typing import TypeAlias

    PgConn: TypeAlias = asyncpg.Connection[asyncpg.Record]

# Rows per SQLite fetch while streaming a table into COPY: big enough that the per-hop cost of
# aiosqlite's thread vanishes, small enough that memory stays flat on a national database.
BATCH_ROWS = 10_000

# What asyncpg's binary encoders raise for a value that does not fit the column's type.
_UNENCODABLE: tuple[type[Exception], ...] = (TypeError, ValueError, OverflowError)

# The bookkeeping table is written by the target's own migration run, never copied.
_NOT_COPIED = frozenset({"schema_migrations"})


class Refusal(enum.Enum):
    """Why nothing was copied (the target is as it was, apart from migrations being applied)."""

    SOURCE_MISSING = "source_missing"
    SOURCE_NOT_MIGRATED = "source_not_migrated"
    SOURCE_NEWER = "source_newer"
    NOT_POSTGRES = "not_postgres"
    COLLATION = "collation"
    TARGET_NOT_EMPTY = "target_not_empty"
    TARGET_SCHEMA = "target_schema"


class CopyRefused(StorageError):
    """The copy was refused before any row was written; ``detail`` names what (a table, the
    missing migration versions, the ``CREATE DATABASE`` line)."""

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(f"copy refused ({reason.value}): {detail}")
        self.reason = reason
        self.detail = detail


class CopyFailed(StorageError):
    """The target refused a row or a statement while copying ``table``; everything was rolled back."""

    def __init__(self, table: str, error: str) -> None:
        super().__init__(f"copy of table {table} failed: {error}")
        self.table = table
        self.error = error


@dataclass(frozen=True, slots=True)
class TableCheck:
    """One table's verification: rows and SHA-256 read back from the target against the source's."""

    table: str
    source_rows: int
    source_sha256: str
    target_rows: int
    target_sha256: str

    @property
    def ok(self) -> bool:
        """Whether the target holds exactly the source's rows."""
        return self.source_rows == self.target_rows and self.source_sha256 == self.target_sha256


class ChecksumMismatch(StorageError):
    """At least one table differs after the copy; the target transaction was rolled back."""

    def __init__(self, checks: Sequence[TableCheck]) -> None:
        bad = ", ".join(c.table for c in checks if not c.ok)
        super().__init__(f"copy verification failed for: {bad}")
        self.checks = list(checks)


@dataclass(slots=True)
class TableShape:
    """What the copy needs to know of one source table."""

    name: str
    columns: list[str]
    primary_key: list[str]
    parents: set[str] = field(default_factory=set)  # tables its foreign keys point at (not itself)
    self_references: list[str] = field(default_factory=list)  # columns pointing at its own rows


# ---------------------------------------------------------------------------- checksums


def _encode(value: Any) -> bytes:
    # Type-tagged and self-delimiting, so no two different rows serialise alike (1 vs '1',
    # NULL vs '', 'a','bc' vs 'ab','c').
    if value is None:
        return b"n;"
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return b"i%d;" % value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return b"s%d:%s" % (len(data), data)
    if isinstance(value, float):
        return b"f%s;" % repr(value).encode("ascii")
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return b"b%d:%s" % (len(data), data)
    raise TypeError(f"cannot serialise a {type(value).__name__} for the copy checksum")


def canonical_row(row: Iterable[Any]) -> bytes:
    """One row as the bytes both checksums hash: a ``sqlite3.Row`` and an ``asyncpg.Record``
    holding the same values give the same bytes."""
    return b"".join(_encode(value) for value in row) + b"\n"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ordered_select(shape: TableShape, columns: Sequence[str] | None = None) -> str:
    cols = ", ".join(_quote(c) for c in (columns or shape.columns))
    order = ", ".join(_quote(c) for c in shape.primary_key)
    return f"SELECT {cols} FROM {_quote(shape.name)} ORDER BY {order}"


async def target_checksum(conn: PgConn, shape: TableShape) -> tuple[int, str]:
    """Row count and SHA-256 of a target table, read in primary-key order on a server-side
    cursor (flat memory) inside the copy's own transaction, so it sees the uncommitted rows."""
    digest = hashlib.sha256()
    rows = 0
    async for record in conn.cursor(_ordered_select(shape), prefetch=BATCH_ROWS):
        digest.update(canonical_row(record))
        rows += 1
    return rows, digest.hexdigest()


# ---------------------------------------------------------------------------- the source


@asynccontextmanager
async def _source_snapshot(path: Path) -> AsyncIterator[aiosqlite.Connection]:
    """The source file opened read-only inside one read transaction; its first SELECT pins the
    WAL snapshot every later read sees."""
    if not await asyncio.to_thread(path.is_file):
        raise CopyRefused(Refusal.SOURCE_MISSING, str(path))
    # mode=ro: the copy can never write to the deployment it reads.
    uri = (await asyncio.to_thread(path.resolve)).as_uri() + "?mode=ro"
    conn = await aiosqlite.connect(uri, uri=True, isolation_level=None)
    try:
        await conn.execute("BEGIN")
        yield conn
        await conn.execute("COMMIT")
    finally:
        await conn.close()


async def _check_source_migrations(src: aiosqlite.Connection, path: Path) -> None:
    try:
        rows = await src.execute_fetchall("SELECT version FROM schema_migrations")
    except aiosqlite.OperationalError as exc:  # not a hoagiai database, or never migrated
        raise CopyRefused(Refusal.SOURCE_NOT_MIGRATED, str(path)) from exc
    applied = {int(row[0]) for row in rows}
    shipped = {m.version for m in bundled_migrations()}
    if missing := sorted(shipped - applied):
        raise CopyRefused(Refusal.SOURCE_NOT_MIGRATED, ", ".join(map(str, missing)))
    if unknown := sorted(applied - shipped):
        raise CopyRefused(Refusal.SOURCE_NEWER, ", ".join(map(str, unknown)))


async def source_tables(src: aiosqlite.Connection) -> list[TableShape]:
    """The source's application tables with their columns, primary key and foreign keys."""
    names = [
        str(row[0])
        for row in await src.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    shapes: list[TableShape] = []
    for name in names:
        if name in _NOT_COPIED:
            continue
        info = list(await src.execute_fetchall(f"PRAGMA table_info({_quote(name)})"))
        columns = [str(r[1]) for r in info]
        primary_key = [str(r[1]) for r in sorted((r for r in info if r[5]), key=lambda r: int(r[5]))]
        shape = TableShape(name, columns, primary_key or columns)
        for fk in await src.execute_fetchall(f"PRAGMA foreign_key_list({_quote(name)})"):
            parent, column = str(fk[2]), str(fk[3])
            if parent == name:
                shape.self_references.append(column)
            else:
                shape.parents.add(parent)
        shapes.append(shape)
    return shapes


def foreign_key_order(shapes: Sequence[TableShape]) -> list[TableShape]:
    """Parents before children (by name among equals, so runs are repeatable). Self-references
    do not count: they are filled in a second pass. A cycle between tables raises ValueError."""
    by_name = {s.name: s for s in shapes}
    placed: list[TableShape] = []
    done: set[str] = set()
    pending = sorted(by_name)
    while pending:
        ready = [n for n in pending if by_name[n].parents & by_name.keys() <= done]
        if not ready:
            raise ValueError(f"foreign keys form a cycle among: {', '.join(pending)}")
        for name in ready:
            placed.append(by_name[name])
            done.add(name)
        pending = [n for n in pending if n not in done]
    return placed


async def _source_rows(
    src: aiosqlite.Connection, shape: TableShape, digest: Any, counter: list[int]
) -> AsyncGenerator[tuple[Any, ...], None]:
    """Stream one table's rows in primary-key order, hashing each as it goes; self-referencing
    columns are sent as NULL (their referents may come later in the same table)."""
    blank = [i for i, c in enumerate(shape.columns) if c in shape.self_references]
    async with src.execute(_ordered_select(shape)) as cur:
        while batch := await cur.fetchmany(BATCH_ROWS):
            for row in batch:
                digest.update(canonical_row(row))
                counter[0] += 1
                values = tuple(row)
                if blank:
                    values = tuple(None if i in blank else v for i, v in enumerate(values))
                yield values


# ---------------------------------------------------------------------------- the target


async def _migrate_target(url: str) -> None:
    db = PostgresDatabase(url, pool_min=1, pool_max=1)
    try:
        await db.open(migrate=True)
    except CollationRefused as exc:
        raise CopyRefused(Refusal.COLLATION, exc.create_line) from exc
    await db.close()


async def _check_target(conn: PgConn, shapes: Sequence[TableShape]) -> None:
    """Refuse a target that lacks a table or column of the source, or holds any row."""
    rows = await conn.fetch(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
    )
    target: dict[str, set[str]] = {}
    for row in rows:
        target.setdefault(row["table_name"], set()).add(row["column_name"])
    for shape in shapes:
        missing = set(shape.columns) - target.get(shape.name, set())
        if missing:
            raise CopyRefused(Refusal.TARGET_SCHEMA, f"{shape.name}({', '.join(sorted(missing))})")
    for shape in shapes:
        if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {_quote(shape.name)})"):
            raise CopyRefused(Refusal.TARGET_NOT_EMPTY, shape.name)


async def _fill_self_references(src: aiosqlite.Connection, conn: PgConn, shape: TableShape) -> None:
    """Second pass: set the self-referencing columns through a temporary table (one COPY and one
    UPDATE, not a statement per row)."""
    keys = shape.primary_key
    wanted = [*keys, *shape.self_references]
    condition = " OR ".join(f"{_quote(c)} IS NOT NULL" for c in shape.self_references)
    stage = f"_copy_{shape.name}"
    await conn.execute(
        f"CREATE TEMPORARY TABLE {_quote(stage)} ON COMMIT DROP AS "
        f"SELECT {', '.join(_quote(c) for c in wanted)} FROM {_quote(shape.name)} WITH NO DATA"
    )
    rows = await src.execute_fetchall(
        f"SELECT {', '.join(_quote(c) for c in wanted)} FROM {_quote(shape.name)} WHERE {condition}"
    )
    await conn.copy_records_to_table(stage, columns=wanted, records=[tuple(r) for r in rows])
    assignments = ", ".join(f"{_quote(c)} = s.{_quote(c)}" for c in shape.self_references)
    match = " AND ".join(f"t.{_quote(c)} = s.{_quote(c)}" for c in keys)
    await conn.execute(
        f"UPDATE {_quote(shape.name)} AS t SET {assignments} FROM {_quote(stage)} AS s WHERE {match}"
    )


async def _reset_identities(conn: PgConn, shapes: Sequence[TableShape]) -> None:
    """Move every identity sequence to the largest copied id, so the next insert gets max + 1
    (the ids were copied explicitly, which leaves a ``BY DEFAULT`` identity at its start)."""
    copied = {s.name for s in shapes}
    identities = await conn.fetch(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for row in identities:
        table, column = row["table_name"], row["column_name"]
        if table not in copied:
            continue
        # max() is NULL on an empty table: setval is strict, so the sequence stays at its start.
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence($1, $2), m) "
            f"FROM (SELECT max({_quote(column)}) AS m FROM {_quote(table)}) AS t WHERE m IS NOT NULL",
            _quote(table),
            column,
        )


# ---------------------------------------------------------------------------- the copy


def is_postgres_url(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL server (the two schemes libpq accepts)."""
    return url.startswith(("postgresql://", "postgres://"))


async def copy_database(source: Path, url: str) -> list[TableCheck]:
    """Copy the SQLite database at ``source`` into the empty PostgreSQL database ``url``; return
    each table's verification (all OK: the target was committed).

    Raises :class:`CopyRefused` before writing any row, :class:`CopyFailed` when the target
    refused a row, :class:`ChecksumMismatch` when a table read back differs; in the last two
    cases the target transaction was rolled back and the target holds no copied row.
    """
    if not is_postgres_url(url):
        raise CopyRefused(Refusal.NOT_POSTGRES, redact_url(url))
    async with _source_snapshot(source) as src:
        await _check_source_migrations(src, source)
        shapes = foreign_key_order(await source_tables(src))
        await _migrate_target(url)
        conn: PgConn = await asyncpg.connect(url)
        try:
            async with conn.transaction():
                await _check_target(conn, shapes)
                checks = await _copy_tables(src, conn, shapes)
            # VACUUM now, not at autovacuum's leisure: it sets the visibility map, without which
            # the statistics' index-only scans read the heap too and the planner falls back to
            # whole-table scans (measured at national scale: one province's case tally 245 ms
            # right after the copy, 58 ms once vacuumed); ANALYZE gives it the row counts.
            for shape in shapes:
                await conn.execute(f"VACUUM (ANALYZE) {_quote(shape.name)}")
            return checks
        finally:
            await conn.close()


async def _copy_tables(
    src: aiosqlite.Connection, conn: PgConn, shapes: Sequence[TableShape]
) -> list[TableCheck]:
    sources: dict[str, tuple[int, str]] = {}
    for shape in shapes:
        digest = hashlib.sha256()
        counter = [0]
        try:
            # aclosing: a COPY stopped by a bad row must close the stream while the source is open.
            async with contextlib.aclosing(_source_rows(src, shape, digest, counter)) as stream:
                await conn.copy_records_to_table(shape.name, columns=shape.columns, records=stream)
            if shape.self_references:
                await _fill_self_references(src, conn, shape)
        except asyncpg.PostgresError as exc:
            raise CopyFailed(shape.name, str(exc)) from exc
        except _UNENCODABLE as exc:
            # asyncpg encodes binary COPY rows itself: a value SQLite's loose typing kept (a word
            # in an INTEGER column) fails here, before the server sees it.
            raise CopyFailed(shape.name, f"{type(exc).__name__}: {exc}") from exc
        sources[shape.name] = (counter[0], digest.hexdigest())
    await _reset_identities(conn, shapes)
    checks = []
    for shape in shapes:
        rows, sha = sources[shape.name]
        checks.append(TableCheck(shape.name, rows, sha, *await target_checksum(conn, shape)))
    if not all(check.ok for check in checks):
        raise ChecksumMismatch(checks)  # leaving the transaction block rolls it back
    return checks
