"""The PostgreSQL engine as ``database_for`` hands it out: a store several processes share.

``PostgresDatabase`` (``bot/storage/engines/postgres.py``) serialises each chat with an advisory
lock and claims outbox rows with ``FOR UPDATE SKIP LOCKED``, so ``hoagiai run`` needs no run lock
on it. The attribute that says so lives here until the engine module declares it itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.storage.engines.postgres import PostgresDatabase

if TYPE_CHECKING:
    from bot.config import Settings


class SharedPostgresDatabase(PostgresDatabase):
    """``PostgresDatabase`` with ``single_process = False`` (the ``Database`` protocol's flag)."""

    single_process = False

    @classmethod
    def from_settings(cls, settings: Settings) -> SharedPostgresDatabase:
        """The database ``DATABASE_URL`` names, with the pool sized by the settings."""
        db = super().from_settings(settings)
        assert isinstance(db, SharedPostgresDatabase)  # super() builds through cls
        return db

    async def __aenter__(self) -> SharedPostgresDatabase:
        await self.open()
        return self
