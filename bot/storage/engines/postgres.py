"""The PostgreSQL store: an asyncpg pool behind the same protocol as the SQLite engine.

The repositories write SQL once, with ``?`` placeholders, and use connections the way they use
aiosqlite's (``execute`` awaited or entered, ``rowcount``, ``fetchone``/``fetchall``,
``execute_fetchall``, ``executemany``). This module is where PostgreSQL differs
(docs/postgres-plan.md §1–§4): placeholders become ``$n``, row counts come from the status tag,
a write transaction is ``BEGIN`` at READ COMMITTED on a pooled connection, a chat is serialised
across processes by a transaction-level advisory lock, migrations run under an advisory lock
with their PostgreSQL companions, and backups are ``pg_dump``'s job.

Errors of the statements themselves (``asyncpg.UniqueViolationError`` and the rest) reach the
caller unchanged; "no connection could be had" and "the session died under a statement" become
:class:`DatabaseUnavailable`, whose message never contains the password.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import shlex
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import asyncpg

from bot.storage.engines.base import Connection, Params, Row, StorageError
from bot.storage.engines.schema import Migration, bundled_migrations

if TYPE_CHECKING:
    from typing import TypeAlias

    from bot.config import Settings

    # asyncpg's classes are generic only in its stubs, so these aliases exist for mypy alone.
    RawConnection: TypeAlias = (
        asyncpg.Connection[asyncpg.Record] | asyncpg.pool.PoolConnectionProxy[asyncpg.Record]
    )
    Lease: TypeAlias = Callable[[], AbstractAsyncContextManager[RawConnection]]

log = logging.getLogger(__name__)

# Key of the advisory lock that serialises migrations between processes ("hoagiaiM" as a
# big-endian 64-bit integer: a constant no chat key's hash is likely to meet).
MIGRATION_LOCK_KEY = int.from_bytes(b"hoagiaiM", "big")

# Collations that compare text byte by byte (code point order), as SQLite does: the bot compares
# ISO timestamps as strings and sorts names expecting that order (plan §1.1).
_BYTE_ORDER_COLLATIONS = frozenset({"C", "C.UTF-8", "C.utf8", "POSIX"})

# The command that creates a database the engine accepts; the refusal quotes it.
CREATE_DATABASE_LINE = (
    "CREATE DATABASE {name} TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
)

# Failures that mean the session to the server is gone (restart, network, administrator), as
# opposed to an error of the statement itself.
_CONNECTION_LOST: tuple[type[BaseException], ...] = (
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CannotConnectNowError,
    ConnectionError,
)
# asyncpg.InterfaceError is both "this connection's session is gone" and a misuse (a wrong
# argument count); _is_gone() tells them apart.
_LOST_OR_MISUSED: tuple[type[BaseException], ...] = (*_CONNECTION_LOST, asyncpg.InterfaceError)
# What opening a connection may raise when the server cannot be reached or refuses us.
_CONNECT_FAILURES: tuple[type[BaseException], ...] = (
    *_CONNECTION_LOST,
    OSError,
    TimeoutError,
    asyncpg.InvalidAuthorizationSpecificationError,
    asyncpg.InvalidPasswordError,
    asyncpg.InvalidCatalogNameError,
    asyncpg.TooManyConnectionsError,
    asyncpg.ClientConfigurationError,
)
# Opening the pool also parses the URL: a malformed one (a port that is no number) is a ValueError.
_OPEN_FAILURES: tuple[type[BaseException], ...] = (*_CONNECT_FAILURES, ValueError)


class DatabaseUnavailable(StorageError):
    """No connection to the server could be had: unreachable, refused, or none free in time."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"PostgreSQL at {where} is unavailable: {reason}")
        self.where = where
        self.reason = reason


class CollationRefused(StorageError):
    """The database sorts text by a language's rules, not byte by byte as the bot requires."""

    def __init__(self, database: str, collation: str, create_line: str) -> None:
        super().__init__(
            f"database {database} uses collation {collation!r}; the bot needs C.UTF-8. "
            f"Create a new database with: {create_line}"
        )
        self.database = database
        self.collation = collation
        self.create_line = create_line


class BackupNotSupported(StorageError):
    """A PostgreSQL database is backed up by the server's own tool; ``command`` is the line."""

    def __init__(self, command: str) -> None:
        super().__init__(f"back up PostgreSQL with pg_dump: {command}")
        self.command = command


# ---------------------------------------------------------------------------- SQL translation

_QUERY_VERBS = frozenset({"SELECT", "VALUES", "TABLE", "SHOW", "EXPLAIN"})
_DML_VERBS = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE"})


@dataclass(frozen=True, slots=True)
class PgStatement:
    """One SQL text as PostgreSQL gets it: ``$n`` placeholders, and how to run it.

    ``returns_rows``: run it with ``fetch`` (a query, or a data change with ``RETURNING``);
    otherwise with ``execute``, whose status tag gives the row count. ``read_only``: a query
    that changes nothing, so running it again after a lost connection is harmless.
    """

    text: str
    placeholders: int
    returns_rows: bool
    read_only: bool


@functools.lru_cache(maxsize=4096)
def pg_statement(sql: str) -> PgStatement:
    """Translate ``?`` placeholders to ``$1…$n`` and classify the statement, in one scan.

    A ``?`` inside a string literal, a quoted identifier or a comment is left alone. The
    statement's verb is its first word outside parentheses (after a ``WITH`` list: the first
    verb that follows it), so a ``RETURNING`` inside a CTE does not make the outer statement
    return rows. Cached: the repositories send the same few hundred texts over and over.
    """
    out: list[str] = []
    top_words: list[str] = []  # words outside parentheses, upper-cased
    any_dml = False
    count = depth = i = 0
    length = len(sql)
    while i < length:
        ch = sql[i]
        if ch in "'\"":
            # A doubled quote inside ('it''s') just ends one literal and starts the next.
            end = sql.find(ch, i + 1)
            end = length if end < 0 else end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = length if end < 0 else end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = length if end < 0 else end + 2
        elif ch == "?":
            count += 1
            out.append(f"${count}")
            i += 1
            continue
        elif ch.isalpha() or ch == "_":
            end = i + 1
            while end < length and (sql[end].isalnum() or sql[end] in "_$"):
                end += 1
            word = sql[i:end].upper()
            any_dml = any_dml or word in _DML_VERBS
            if depth == 0:
                top_words.append(word)
        else:
            depth += ch == "("
            depth -= ch == ")"
            end = i + 1
        out.append(sql[i:end])
        i = end
    verb = _main_verb(top_words, starts_with_paren=sql.lstrip().startswith("("))
    returns_rows = verb in _QUERY_VERBS or (verb in _DML_VERBS and "RETURNING" in top_words)
    return PgStatement(
        text="".join(out),
        placeholders=count,
        returns_rows=returns_rows,
        read_only=verb in _QUERY_VERBS and not any_dml,
    )


def _main_verb(top_words: Sequence[str], *, starts_with_paren: bool) -> str:
    if starts_with_paren:  # "(SELECT …) UNION (SELECT …)"
        return "SELECT"
    if not top_words:
        return ""
    if top_words[0] != "WITH":
        return top_words[0]
    return next((w for w in top_words[1:] if w in _QUERY_VERBS or w in _DML_VERBS), "")


def rowcount_from_status(status: str) -> int:
    """The row count in a command status tag: ``"INSERT 0 3"`` → 3, ``"UPDATE 2"`` → 2; −1 for
    commands that count nothing (``"BEGIN"``, ``"CREATE TABLE"``), as sqlite3 reports them."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


# ---------------------------------------------------------------------------- URLs


def redact_url(url: str, mask: str | None = "***") -> str:
    """``url`` with its password replaced by ``mask`` (or removed when ``mask`` is None), in the
    user part and in a ``password=`` query parameter alike."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, hosts = netloc.rsplit("@", 1)
        user, has_password, _ = userinfo.partition(":")
        if has_password:
            userinfo = user if mask is None else f"{user}:{mask}"
        netloc = f"{userinfo}@{hosts}"
    query = parts.query
    if query:
        pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True)]
        kept = [(k, mask) for k, _ in pairs if k == "password" and mask is not None]
        kept += [(k, v) for k, v in pairs if k != "password"]
        query = urlencode(kept, safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


# ---------------------------------------------------------------------------- connections


class PgCursor:
    """The outcome of one statement, its rows already fetched (asyncpg returns them at once)."""

    __slots__ = ("_position", "_rows", "rowcount")

    def __init__(self, rows: list[asyncpg.Record], rowcount: int) -> None:
        self._rows = rows
        self._position = 0
        self.rowcount = rowcount

    async def fetchone(self) -> Row | None:
        """The next row, or None after the last (successive calls walk the rows, as sqlite3's)."""
        if self._position >= len(self._rows):
            return None
        self._position += 1
        return self._rows[self._position - 1]

    async def fetchall(self) -> list[Row]:
        """The rows not fetched yet."""
        rest = self._rows[self._position :]
        self._position = len(self._rows)
        return list(rest)


class _PendingCursor:
    """What :meth:`PgConnection.execute` returns: awaitable, and an async context manager."""

    __slots__ = ("_run",)

    def __init__(self, run: Callable[[], Generator[Any, None, PgCursor]]) -> None:
        self._run = run

    def __await__(self) -> Generator[Any, None, PgCursor]:
        return self._run()

    async def __aenter__(self) -> PgCursor:
        return await self

    async def __aexit__(self, *exc: object) -> None:
        return None


class PgConnection:
    """The :class:`~bot.storage.engines.base.Connection` of this engine.

    Each statement runs on the connection ``lease`` hands out: inside a transaction always the
    same one; for the reader a pool connection taken for that statement alone (autocommit), so
    a read never waits behind a write transaction. A session that died under a statement (a
    server restart, say) raises :class:`DatabaseUnavailable`; the reader first retries a
    read-only query once on a fresh connection, since running it again changes nothing.
    """

    def __init__(
        self,
        lease: Lease,
        *,
        in_transaction: bool,
        unavailable: Callable[[BaseException], DatabaseUnavailable],
    ) -> None:
        self._lease: Lease | None = lease
        self.in_transaction = in_transaction
        self._unavailable = unavailable

    def execute(self, sql: str, parameters: Params = (), /) -> _PendingCursor:
        """Run one statement; await the result or use it as ``async with … as cur``."""
        return _PendingCursor(lambda: self._cursor(sql, parameters).__await__())

    async def execute_fetchall(self, sql: str, parameters: Params = (), /) -> list[Row]:
        """Run one statement and return all its rows (none for a statement without rows)."""
        return await (await self._cursor(sql, parameters)).fetchall()

    async def executemany(self, sql: str, parameters: Iterable[Params], /) -> None:
        """Run one statement for each parameter tuple (asyncpg reports no count)."""
        statement = pg_statement(sql)
        rows = [tuple(p) for p in parameters]
        async with self._connection() as raw:
            try:
                await raw.executemany(statement.text, rows)
            except _LOST_OR_MISUSED as exc:
                self._raise_if_lost(raw, exc)
                raise

    def finish(self) -> None:
        """Refuse further statements: the transaction this adapter belonged to has ended, and
        its connection may already serve someone else."""
        self._lease = None

    def _connection(self) -> AbstractAsyncContextManager[RawConnection]:
        if self._lease is None:
            raise RuntimeError("the transaction of this connection has ended")
        return self._lease()

    async def _cursor(self, sql: str, parameters: Params) -> PgCursor:
        statement = pg_statement(sql)
        args = tuple(parameters)
        retry = not self.in_transaction and statement.read_only
        while True:
            async with self._connection() as raw:
                try:
                    if statement.returns_rows:
                        rows = await raw.fetch(statement.text, *args)
                        return PgCursor(rows, len(rows))
                    status = await raw.execute(statement.text, *args)
                    return PgCursor([], rowcount_from_status(status))
                except _LOST_OR_MISUSED as exc:
                    if not retry:
                        self._raise_if_lost(raw, exc)
                        raise
                    if isinstance(exc, asyncpg.InterfaceError) and not _is_gone(raw):
                        raise
            # Leaving the block handed the dead connection back, and the pool drops it.
            retry = False
            log.warning("postgres_connection_lost retrying_read=1")

    def _raise_if_lost(self, raw: RawConnection, exc: BaseException) -> None:
        # A misuse stays asyncpg's own error; only a dead session becomes DatabaseUnavailable.
        if isinstance(exc, _CONNECTION_LOST) or _is_gone(raw):
            raise self._unavailable(exc) from exc


def _is_gone(raw: RawConnection) -> bool:
    """Whether a connection in our hands has died. asyncpg hands a pool connection back to the
    pool by itself when its session ends; its proxy then refuses every call, ``is_closed`` too."""
    try:
        return raw.is_closed()
    except asyncpg.InterfaceError:
        return True


# ---------------------------------------------------------------------------- the database


class PostgresDatabase:
    """The store on a PostgreSQL server. Use :meth:`open` / :meth:`close` or ``async with``."""

    engine = "postgresql"

    def __init__(
        self,
        url: str,
        *,
        pool_min: int = 1,
        pool_max: int = 10,
        timeout_seconds: float = 30.0,
        application_name: str = "hoagiai",
    ) -> None:
        self._url = url
        self._where = redact_url(url)  # computed once: every transaction names it
        self._application_name = application_name
        self._pool_min = pool_min
        self._pool_max = pool_max
        self._timeout = timeout_seconds
        self._pool: asyncpg.Pool[asyncpg.Record] | None = None
        self._reader = PgConnection(self._pooled, in_transaction=False, unavailable=self._unavailable)

    @classmethod
    def from_settings(cls, settings: Settings) -> PostgresDatabase:
        """The database ``DATABASE_URL`` names, with the pool sized by the settings."""
        if settings.database_url is None:
            raise ValueError("DATABASE_URL is not set")
        return cls(
            settings.database_url.get_secret_value(),
            pool_min=settings.database_pool_min,
            pool_max=settings.database_pool_max,
            timeout_seconds=settings.database_timeout_seconds,
        )

    async def __aenter__(self) -> PostgresDatabase:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def describe(self) -> str:
        """The URL without its password, for messages and logs."""
        return self._where

    async def open(self, migrate: bool = True) -> None:
        """Open the pool (its first connections prove the server answers) and migrate."""
        try:
            self._pool = await asyncpg.create_pool(
                self._url,
                min_size=self._pool_min,
                max_size=self._pool_max,
                # One limit for connecting, for each statement, and (below) for waiting for a
                # free connection: a stuck server surfaces as an error, not a hung bot.
                timeout=self._timeout,
                command_timeout=self._timeout,
                # Names the sessions in pg_stat_activity (which process holds what).
                server_settings={"application_name": self._application_name},
                reset=keep_session,
            )
        except _OPEN_FAILURES as exc:
            raise self._unavailable(exc) from exc
        try:
            if migrate:
                await self.migrate()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        """Close the pool, waiting (at most the timeout) for connections in use to come back."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            await asyncio.wait_for(pool.close(), self._timeout)
        except TimeoutError:
            pool.terminate()

    def _unavailable(self, exc: BaseException) -> DatabaseUnavailable:
        """The error for a connection that could not be had or died, without the password
        (a driver's message may quote parts of the URL)."""
        reason = str(exc) or type(exc).__name__  # TimeoutError's own text is empty
        parts = urlsplit(self._url)
        secrets = [parts.password or ""] + [v for k, v in parse_qsl(parts.query) if k == "password"]
        for secret in filter(None, secrets):
            reason = reason.replace(secret, "***").replace(unquote(secret), "***")
        return DatabaseUnavailable(self._where, reason)

    def _require_pool(self) -> asyncpg.Pool[asyncpg.Record]:
        if self._pool is None:
            raise RuntimeError("database is not open")
        return self._pool

    @asynccontextmanager
    async def _pooled(self) -> AsyncIterator[RawConnection]:
        """A pool connection for one use. asyncpg replaces a connection that died (a server
        restart) when it is next handed out, and drops one that broke in use when it comes back."""
        pool = self._require_pool()
        try:
            raw = await pool.acquire(timeout=self._timeout)
        except _CONNECT_FAILURES as exc:
            raise self._unavailable(exc) from exc
        try:
            yield raw
        finally:
            await pool.release(raw)

    @property
    def reader(self) -> PgConnection:
        """Queries outside a transaction: each statement on its own pool connection."""
        self._require_pool()
        return self._reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """One write transaction on one pool connection: committed when the block ends, rolled
        back on an error (the connection goes back to the pool either way)."""
        async with self._pooled() as raw:
            # READ COMMITTED, deliberately (plan §4): every statement takes a fresh snapshot, so
            # a statement after lock_chat() sees what the previous holder of the chat committed
            # (its inbound_seen row, its session). REPEATABLE READ would pin the snapshot at the
            # first statement, the lock itself, and a second process would act on stale rows.
            conn = PgConnection(
                lambda: contextlib.nullcontext(raw), in_transaction=True, unavailable=self._unavailable
            )
            try:
                await conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
                try:
                    yield conn
                except BaseException:
                    # A session lost mid-way cannot roll back, and needs not: the server has
                    # already, and the pool drops the connection. The first error is what matters.
                    with contextlib.suppress(DatabaseUnavailable, asyncpg.InterfaceError):
                        await conn.execute("ROLLBACK")
                    raise
                await conn.execute("COMMIT")
            finally:
                conn.finish()

    async def lock_chat(self, conn: Connection, key: str) -> None:
        """Hold the advisory lock of one chat until ``conn``'s transaction ends, so two
        processes handle a chat's messages one after the other (released by COMMIT, ROLLBACK
        or the session's death: a killed process never leaves a chat locked)."""
        if not (isinstance(conn, PgConnection) and conn.in_transaction):
            raise TypeError("lock_chat needs a connection from transaction()")
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (key,))

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a read-only query outside any transaction (sees committed data only)."""
        return await self.reader.execute_fetchall(sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Run a read-only query returning at most one row."""
        async with self.reader.execute(sql, params) as cur:
            return await cur.fetchone()

    # ------------------------------------------------------------------------ migrations

    async def migrate(self, migrations: Iterable[Migration] | None = None) -> list[int]:
        """Apply the pending migrations, each in one transaction with its bookkeeping row and
        its PostgreSQL companion; return the versions this call applied.

        Every step holds the migration advisory lock and re-reads the applied versions under
        it, so processes starting together apply each version exactly once. Refused with
        :class:`CollationRefused` on a database that does not sort text byte by byte.
        """
        async with self._pooled() as raw:
            await self._check_collation(raw)
            async with _locked_transaction(raw):
                await raw.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            done = {row[0] for row in await raw.fetch("SELECT version FROM schema_migrations")}
            applied: list[int] = []
            for migration in migrations if migrations is not None else bundled_migrations():
                if migration.version in done:
                    continue
                async with _locked_transaction(raw):
                    already = await raw.fetchval(
                        "SELECT 1 FROM schema_migrations WHERE version = $1", migration.version
                    )
                    if already:
                        continue
                    # Scripts without parameters go over the simple protocol, which runs
                    # several statements in one round trip.
                    await raw.execute(migration.sql)
                    if migration.postgresql_sql:
                        await raw.execute(migration.postgresql_sql)
                    await raw.execute(
                        "INSERT INTO schema_migrations(version, name, applied_at) VALUES ($1, $2, $3)",
                        migration.version,
                        migration.name,
                        datetime.now(UTC).isoformat(timespec="microseconds"),
                    )
                log.info(
                    "migration_applied engine=postgresql version=%s name=%s",
                    migration.version,
                    migration.name,
                )
                applied.append(migration.version)
            return applied

    async def _check_collation(self, raw: RawConnection) -> None:
        # to_jsonb: the catalog's columns differ between versions (datlocprovider since 15,
        # daticulocale renamed datlocale in 17); reading them as JSON works on all of them.
        info = await raw.fetchval(
            "SELECT to_jsonb(d)::text FROM pg_database d WHERE datname = current_database()"
        )
        row: dict[str, Any] = json.loads(info)
        provider = row.get("datlocprovider", "c")
        if provider == "c":
            collation = str(row.get("datcollate"))
            accepted = collation in _BYTE_ORDER_COLLATIONS
        else:  # ICU ("i") sorts by language rules; builtin ("b", 17+) is byte order for C/C.UTF-8
            collation = str(row.get("datlocale") or row.get("daticulocale") or provider)
            accepted = provider == "b" and collation in _BYTE_ORDER_COLLATIONS
        if accepted:
            return
        line = CREATE_DATABASE_LINE.format(name="hoagiai")
        if raw.get_server_version().major >= 15:
            # Without it, a cluster whose template0 uses ICU would create an ICU database again.
            line += " LOCALE_PROVIDER libc"
        raise CollationRefused(str(row.get("datname")), collation, line)

    # ------------------------------------------------------------------------ backup, checks

    async def backup(self, destination: Path | str) -> None:
        """Refuse: a PostgreSQL database is backed up with ``pg_dump`` (consistent while the
        bot runs); :class:`BackupNotSupported` carries the command line to use."""
        command = (
            f"pg_dump -Fc -f {shlex.quote(str(destination))} "
            f"{shlex.quote(redact_url(self._url, mask=None))}"
        )
        raise BackupNotSupported(command)

    async def integrity_check(self) -> list[str]:
        """Return [] once the server answers ``SELECT 1``.

        Nothing like SQLite's page and foreign-key scans is needed: the server enforces foreign
        keys on every write (they cannot be switched off per connection), checks its own pages
        (WAL, checksums when the cluster has them) and a deep check (``amcheck``) needs an
        extension and superuser rights and reads every index. A failure raises instead.
        """
        await self.reader.execute_fetchall("SELECT 1")
        return []


async def keep_session(conn: asyncpg.Connection[asyncpg.Record]) -> None:
    """What the pool runs on a connection coming back, after rolling back a transaction left
    open (it always does that itself): nothing. asyncpg's default sends one more statement
    (``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``), a round trip per read and
    per transaction, to undo session state this engine never creates: its advisory locks are
    transaction-level, it runs no SET, LISTEN or cursor outside a transaction."""


@asynccontextmanager
async def _locked_transaction(raw: RawConnection) -> AsyncIterator[None]:
    """A transaction on ``raw`` that first takes the migration advisory lock."""
    async with raw.transaction():
        await raw.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK_KEY)
        yield

