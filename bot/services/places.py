"""Communes and mediation teams: lookups used by registration, reports and officers' tools."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.domain.units import Commune, CommuneMatch, Predecessor, UnitType, search_communes
from bot.domain.vntext import fold, squeeze
from bot.storage.db import iso


@dataclass(frozen=True, slots=True)
class CommuneInfo:
    """A commune as stored, with the flags that rules and indicators depend on."""

    code: str
    name: str
    unit_type: str
    is_pilot: bool
    is_ethnic_area: bool
    is_model: bool

    @property
    def label(self) -> str:
        """ "xã Tân Đoàn" / "phường Kỳ Lừa" — how people name it."""
        return f"{self.unit_type} {self.name}"


@dataclass(frozen=True, slots=True)
class Team:
    """A mediation team (tổ hòa giải) serving one thôn / tổ dân phố."""

    id: int
    commune_code: str
    name: str
    confirmed: bool


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


async def all_communes(conn: aiosqlite.Connection) -> list[Commune]:
    """Every commune as a domain object for fuzzy search (names of merged old units included)."""
    async with conn.execute(
        "SELECT code, name, unit_type, former_districts, predecessors, uncertain FROM communes ORDER BY name"
    ) as cur:
        rows = await cur.fetchall()
    communes = []
    for row in rows:
        names = _split(row["predecessors"])
        communes.append(
            Commune(
                code=row["code"],
                name=row["name"],
                type=UnitType.PHUONG if fold(row["unit_type"]) == "phuong" else UnitType.XA,
                former_districts=_split(row["former_districts"]),
                predecessors=names,
                predecessor_units=tuple(Predecessor(name) for name in names),
                uncertain=bool(row["uncertain"]),
            )
        )
    return communes


async def find_communes(conn: aiosqlite.Connection, query: str, limit: int = 5) -> list[CommuneMatch]:
    """Communes whose name (or a merged old unit's name) resembles ``query``, best first."""
    return search_communes(query, await all_communes(conn), limit=limit)


async def get_commune(conn: aiosqlite.Connection, code: str) -> CommuneInfo | None:
    """One commune with its flags."""
    async with conn.execute(
        "SELECT code, name, unit_type, is_pilot, is_ethnic_area, is_model FROM communes WHERE code = ?",
        (code,),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return CommuneInfo(
        code=row["code"],
        name=row["name"],
        unit_type=row["unit_type"],
        is_pilot=bool(row["is_pilot"]),
        is_ethnic_area=bool(row["is_ethnic_area"]),
        is_model=bool(row["is_model"]),
    )


async def teams_in_commune(conn: aiosqlite.Connection, commune_code: str) -> list[Team]:
    """The commune's teams, confirmed ones first, by name."""
    async with conn.execute(
        "SELECT id, commune_code, name, confirmed FROM teams WHERE commune_code = ? "
        "ORDER BY confirmed DESC, name",
        (commune_code,),
    ) as cur:
        rows = await cur.fetchall()
    return [Team(r["id"], r["commune_code"], r["name"], bool(r["confirmed"])) for r in rows]


async def get_team(conn: aiosqlite.Connection, team_id: int) -> Team | None:
    """One team by id."""
    async with conn.execute(
        "SELECT id, commune_code, name, confirmed FROM teams WHERE id = ?", (team_id,)
    ) as cur:
        row = await cur.fetchone()
    return Team(row["id"], row["commune_code"], row["name"], bool(row["confirmed"])) if row else None


async def ensure_team(
    conn: aiosqlite.Connection, commune_code: str, name: str, confirmed: bool, now: datetime
) -> int:
    """Return the id of the commune's team with this name (diacritics ignored), creating it if new."""
    clean = squeeze(name)
    key = fold(clean)
    async with conn.execute(
        "SELECT id FROM teams WHERE commune_code = ? AND name_folded = ?", (commune_code, key)
    ) as cur:
        row = await cur.fetchone()
    if row is not None:
        return int(row["id"])
    cur = await conn.execute(
        "INSERT INTO teams(commune_code, name, name_folded, confirmed, created_at) VALUES (?, ?, ?, ?, ?)",
        (commune_code, clean, key, int(confirmed), iso(now)),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid
