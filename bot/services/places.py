"""Finding communes by what people type: names, old merged units, with or without diacritics."""

from __future__ import annotations

from bot.domain.units import CommuneMatch, search_communes
from bot.storage.db import Connection
from bot.storage.units import communes_in


async def find_communes(conn: Connection, query: str, limit: int = 5) -> list[CommuneMatch]:
    """Communes whose name (or a merged old unit's name) resembles ``query``, best first."""
    communes = [stored.to_domain() for stored in await communes_in(conn)]
    return search_communes(query, communes, limit=limit)
