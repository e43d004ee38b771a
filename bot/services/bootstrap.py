"""First-start preparation: a database without communes gets the bundled Lạng Sơn units."""

from __future__ import annotations

import asyncio
import logging

from bot.services.importing import bundled_communes
from bot.storage.db import Database, query_one
from bot.storage.units import list_communes, upsert_communes

log = logging.getLogger(__name__)


async def ensure_units(db: Database) -> int:
    """Load the bundled communes when the table is empty; returns how many were added."""
    if await list_communes(db):
        return 0
    communes = await asyncio.to_thread(bundled_communes)
    async with db.transaction() as tx:
        # Several processes starting on one new PostgreSQL database: the later ones wait here
        # and find the units already loaded (the check above ran before anyone held the lock).
        await db.lock_chat(tx, "bootstrap:units")
        if await query_one(tx, "SELECT 1 FROM communes LIMIT 1") is not None:
            return 0
        await upsert_communes(tx, communes)
    log.info("units_loaded count=%s", len(communes))
    return len(communes)
