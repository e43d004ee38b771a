"""The PostgreSQL engine as ``database_for`` hands it out: a store several processes share.

``PostgresDatabase`` (``bot/storage/engines/postgres.py``) serialises each chat's write
transaction with an advisory lock and claims outbox rows with ``FOR UPDATE SKIP LOCKED``, so
``hoagiai run`` needs no run lock on it (``single_process = False``). What this class adds is the
hold of a chat for a channel's whole turn (:meth:`hold_chat`): the transaction lock ends at the
commit, before the replies are sent, and without the hold a redelivery of the same update to
another process would send the replies still being sent here a second time, and the chat's next
message could be answered before this one's replies are out.

A hold is a session-level advisory lock on a connection of a pool of its own: turns never wait
for the pool that transactions use while they hold a chat (no deadlock however busy the main
pool is), and the connection is idle between statements, not idle in a transaction (no snapshot
kept, nothing for VACUUM to wait for). A killed process's holds end with its sessions. These
members live here until the engine module declares them itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import asyncpg

from bot.storage.engines.postgres import PostgresDatabase

if TYPE_CHECKING:
    from bot.config import Settings

# A turn waits at most this many statement timeouts for another process's turn of the same chat
# (an export produced while sending may take a while; a dead holder frees the chat at once).
HOLD_WAIT_FACTOR = 10


class SharedPostgresDatabase(PostgresDatabase):
    """``PostgresDatabase`` for several processes: ``single_process = False`` and chat holds."""

    single_process = False
    _holds: asyncpg.Pool[asyncpg.Record] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SharedPostgresDatabase:
        """The database ``DATABASE_URL`` names, with the pools sized by the settings."""
        db = super().from_settings(settings)
        assert isinstance(db, SharedPostgresDatabase)  # super() builds through cls
        return db

    async def __aenter__(self) -> SharedPostgresDatabase:
        await self.open()
        return self

    async def open(self, migrate: bool = True) -> None:
        """Open the main pool (and migrate), then the pool of chat holds, empty until used."""
        await super().open(migrate)
        try:
            self._holds = await asyncpg.create_pool(
                self._url,
                min_size=0,
                max_size=self._pool_max,
                timeout=self._timeout,
                command_timeout=self._timeout,
                server_settings={"application_name": f"{self._application_name} holds"},
            )
        except BaseException as exc:
            await super().close()
            if isinstance(exc, Exception):
                raise self._unavailable(exc) from exc
            raise

    async def close(self) -> None:
        """Close the pool of holds, then the main pool."""
        holds, self._holds = self._holds, None
        if holds is not None:
            try:
                await holds.close()
            except TimeoutError:
                holds.terminate()
        await super().close()

    @contextlib.asynccontextmanager
    async def hold_chat(self, key: str) -> AsyncIterator[None]:
        """Hold ``key`` (a session-level advisory lock) until the block ends; another process
        holding it makes this wait. Unlocked on the way out; asyncpg's reset of a released
        connection (``pg_advisory_unlock_all``) and a dead session free it too."""
        if self._holds is None:
            raise RuntimeError("database is not open")
        try:
            raw = await self._holds.acquire(timeout=self._timeout)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            raise self._unavailable(exc) from exc
        try:
            await raw.execute(
                "SELECT pg_advisory_lock(hashtextextended($1, 0))",
                key,
                timeout=self._timeout * HOLD_WAIT_FACTOR,
            )
            try:
                yield
            finally:
                with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
                    await raw.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", key)
        finally:
            await self._holds.release(raw)
