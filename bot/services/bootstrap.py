"""First-start preparation: a database without communes gets the bundled Lạng Sơn units."""

from __future__ import annotations

import logging
from importlib import resources

from bot.domain.units import parse_units_csv
from bot.storage.db import Database
from bot.storage.units import upsert_communes

log = logging.getLogger(__name__)


def bundled_units_text() -> str:
    """The bundled 2025 unit list (a copy of the province's 65 communes; never read from ../shared)."""
    return (resources.files("bot") / "data" / "langson_units_2025.csv").read_text("utf-8")


async def ensure_units(db: Database) -> int:
    """Load the bundled communes when the table is empty; returns how many were added."""
    row = await db.fetchone("SELECT COUNT(*) AS n FROM communes")
    if row is not None and row["n"]:
        return 0
    communes = parse_units_csv(bundled_units_text())
    async with db.transaction() as tx:
        await upsert_communes(tx, communes)
    log.info("units_loaded count=%s", len(communes))
    return len(communes)
