"""What every storage engine offers the repositories: typed protocols for connections, cursors,
rows and the database itself (docs/architecture.md, "Storage engines").

The repositories write one SQL text for both engines, with ``?`` placeholders, and talk to a
:class:`Connection`. The SQLite engine hands out aiosqlite connections unchanged (they satisfy
the protocol structurally, so SQLite pays nothing for it); the PostgreSQL engine wraps an asyncpg
connection in an adapter with the same surface. Where the engines differ (placeholder syntax,
row counts, starting a write transaction, locking a chat across processes, migrations, backup),
the difference lives in the engine module, never in a repository.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.storage.engines.schema import Migration

Params = Sequence[Any]


class StorageError(Exception):
    """A database failure either engine reports (unreachable server, broken file, constraint)."""


class Row(Protocol):
    """One result row, readable by column name and by position (``sqlite3.Row``, ``asyncpg.Record``)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> Iterable[str]: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class Cursor(Protocol):
    """The outcome of one statement: its rows (fetched at once on PostgreSQL) and its row count."""

    @property
    def rowcount(self) -> int: ...

    async def fetchone(self) -> Row | None: ...

    async def fetchall(self) -> Iterable[Row]: ...


class PendingCursor(Protocol):
    """What ``Connection.execute`` returns: await it, or use it as ``async with … as cur``."""

    def __await__(self) -> Generator[Any, None, Cursor]: ...

    async def __aenter__(self) -> Cursor: ...

    async def __aexit__(self, *exc: Any) -> Any: ...


class Connection(Protocol):
    """The statements a repository may run. Placeholders are ``?`` on both engines; generated ids
    come back through ``RETURNING id`` (there is no ``lastrowid``)."""

    def execute(self, sql: str, parameters: Params = ..., /) -> PendingCursor: ...

    async def execute_fetchall(self, sql: str, parameters: Params = ..., /) -> Iterable[Row]: ...

    async def executemany(self, sql: str, parameters: Iterable[Params], /) -> Any: ...


class Database(Protocol):
    """An open store: a reader for queries outside a transaction, write transactions, migrations,
    backup and checks. ``engine`` is ``"sqlite"`` or ``"postgresql"``.

    ``single_process``: only one ``hoagiai run`` may use the store at a time (SQLite: one file,
    one writer, guarded by the run lock of ``bot/storage/lock.py``). False where several
    processes, on one host or many, share it safely (PostgreSQL: chat locks, outbox claims).
    """

    engine: str
    single_process: bool

    async def open(self, migrate: bool = True) -> None: ...

    async def close(self) -> None: ...

    async def __aenter__(self) -> Database: ...

    async def __aexit__(self, *exc: object) -> None: ...

    @property
    def reader(self) -> Connection: ...

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """One write transaction: committed when the block ends, rolled back on an error."""
        ...

    async def lock_chat(self, conn: Connection, key: str) -> None:
        """Serialise the handling of one chat across processes until ``conn``'s transaction
        ends (a no-op where only one process may write)."""
        ...

    def hold_chat(self, key: str) -> AbstractAsyncContextManager[None]:
        """Keep other processes out of one chat for longer than a transaction: a channel's whole
        turn, handling one update and sending its replies. The chat's next message, or the same
        one redelivered to another process, waits until this turn's replies are out and counted.
        A no-op where one process runs (the channel's in-process queue already orders turns).
        ``key`` must differ from the keys given to :meth:`lock_chat` inside the turn."""
        ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def migrate(self, migrations: Iterable[Migration] | None = None) -> list[int]:
        """Apply the pending migrations (default: the bundled ones); return the versions applied."""
        ...

    async def backup(self, destination: Path | str) -> None: ...

    async def integrity_check(self) -> list[str]: ...

    def describe(self) -> str:
        """Where the data lives, for messages and logs (a path, or a URL without its password)."""
        ...
