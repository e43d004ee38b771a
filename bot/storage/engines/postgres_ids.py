"""The PostgreSQL engine with :meth:`sync_ids`, the one protocol method ``postgres.py`` lacks.

Kept apart only while the engine module is being written on another branch: at merge this
method moves into :class:`~bot.storage.engines.postgres.PostgresDatabase` and this module goes.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.storage.engines.base import Connection
from bot.storage.engines.postgres import PostgresDatabase


class PostgresStore(PostgresDatabase):
    """:class:`PostgresDatabase` plus :meth:`sync_ids`."""

    async def __aenter__(self) -> PostgresStore:
        # Typed as this class, so that ``async with`` gives a complete Database.
        await self.open()
        return self

    async def sync_ids(self, conn: Connection, tables: Sequence[str]) -> None:
        """Set each table's identity to continue after its largest id (1 when empty).

        An identity keeps counting after a DELETE and knows nothing of explicitly inserted ids,
        unlike SQLite's rowid; ``setval`` (``is_called`` false: the value given is the next one)
        restores SQLite's numbering. Tables without an identity ``id`` are left alone.
        """
        rows = await conn.execute_fetchall(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'"
        )
        with_identity = {str(row[0]) for row in rows}
        for table in tables:
            if table not in with_identity:
                continue
            # The table name is one of the caller's constants, never input: it cannot be a
            # parameter of MAX's FROM.
            await conn.execute_fetchall(
                "SELECT setval(pg_get_serial_sequence(?, 'id'), COALESCE(MAX(id), 0) + 1, false) "
                f"FROM {table}",
                (table,),
            )
