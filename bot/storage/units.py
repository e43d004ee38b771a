"""Communes and teams — the places people and cases belong to — and the roster writes of imports.

Writes take an open transaction's connection (``async with db.transaction() as conn``) so a
caller can make a whole file one transaction; reads that need no transaction take the
:class:`Database` and use its reader connection.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any

from bot.domain.enums import Role
from bot.domain.units import UNIT_TYPE_LABELS, Commune, Predecessor, UnitType
from bot.domain.vntext import fold, has_diacritics
from bot.storage.db import Connection, Database, Row, insert_returning_id, iso

# Lists are stored as one text column; "; " never occurs inside a unit name.
LIST_SEPARATOR = "; "


class Change(StrEnum):
    """What an upsert did to one row."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(slots=True)
class UpsertCounts:
    """Tally of :class:`Change` outcomes over a batch."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, change: Change) -> None:
        """Count one outcome."""
        if change is Change.CREATED:
            self.created += 1
        elif change is Change.UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1


@dataclass(frozen=True, slots=True)
class CommuneFlags:
    """Admin-set flags of a commune; None leaves the stored value (or the default on insert).

    The bundled list carries no flags, so reloading it never resets what admins have set.
    """

    is_pilot: bool | None = None
    is_ethnic_area: bool | None = None
    is_model: bool | None = None


@dataclass(frozen=True, slots=True)
class StoredCommune:
    """A row of ``communes``."""

    code: str
    name: str
    type: UnitType
    former_districts: tuple[str, ...]
    predecessors: tuple[str, ...]
    uncertain: bool
    is_pilot: bool
    is_ethnic_area: bool
    is_model: bool

    @property
    def label(self) -> str:
        """How people name it: "xã Tân Đoàn", "phường Kỳ Lừa"."""
        return f"{UNIT_TYPE_LABELS[self.type]} {self.name}"

    def to_domain(self) -> Commune:
        """The domain commune, for search; the database keeps predecessor names only."""
        return Commune(
            code=self.code,
            name=self.name,
            type=self.type,
            former_districts=self.former_districts,
            predecessors=self.predecessors,
            predecessor_units=tuple(Predecessor(name) for name in self.predecessors),
            uncertain=self.uncertain,
        )


@dataclass(frozen=True, slots=True)
class StoredTeam:
    """A row of ``teams``."""

    id: int
    commune_code: str
    name: str
    name_folded: str
    confirmed: bool


def team_key(name: str) -> str:
    """The folded name that makes a team unique within its commune."""
    return fold(name)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _unit_type_from_db(text: str) -> UnitType:
    # The schema stores the Vietnamese label ('xã' | 'phường'); accept the code as well so a
    # row written by other code is still readable.
    for unit_type, label in UNIT_TYPE_LABELS.items():
        if text in (label, unit_type.value):
            return unit_type
    raise ValueError(f"unknown unit_type in database: {text!r}")


# --------------------------------------------------------------------------- communes

_COMMUNE_COLUMNS = (
    "code, name, unit_type, former_districts, predecessors, uncertain, is_pilot, is_ethnic_area, is_model"
)


def _commune_from_row(row: Row) -> StoredCommune:
    return StoredCommune(
        code=row["code"],
        name=row["name"],
        type=_unit_type_from_db(row["unit_type"]),
        former_districts=_split(row["former_districts"]),
        predecessors=_split(row["predecessors"]),
        uncertain=bool(row["uncertain"]),
        is_pilot=bool(row["is_pilot"]),
        is_ethnic_area=bool(row["is_ethnic_area"]),
        is_model=bool(row["is_model"]),
    )


async def list_communes(db: Database) -> list[StoredCommune]:
    """Every commune, ordered by code."""
    rows = await db.fetchall(f"SELECT {_COMMUNE_COLUMNS} FROM communes ORDER BY code")
    return [_commune_from_row(row) for row in rows]


async def communes_in(conn: Connection) -> list[StoredCommune]:
    """Every commune, read inside the caller's transaction."""
    async with conn.execute(f"SELECT {_COMMUNE_COLUMNS} FROM communes ORDER BY code") as cur:
        return [_commune_from_row(row) for row in await cur.fetchall()]


async def commune_by_code(conn: Connection, code: str) -> StoredCommune | None:
    """One commune with its flags."""
    async with conn.execute(f"SELECT {_COMMUNE_COLUMNS} FROM communes WHERE code = ?", (code,)) as cur:
        row = await cur.fetchone()
    return _commune_from_row(row) if row else None


async def upsert_communes(
    conn: Connection,
    communes: Iterable[Commune],
    flags: Mapping[str, CommuneFlags] | None = None,
) -> UpsertCounts:
    """Insert or update communes by code; ``flags`` (by code) sets admin flags where not None.

    Idempotent: a second call with the same data reports every row unchanged and writes nothing.
    """
    flags = flags or {}
    counts = UpsertCounts()
    async with conn.execute(f"SELECT {_COMMUNE_COLUMNS} FROM communes") as cur:
        existing = {row["code"]: _commune_from_row(row) for row in await cur.fetchall()}
    for commune in communes:
        wanted = flags.get(commune.code, CommuneFlags())
        values: dict[str, Any] = {
            "name": commune.name,
            "name_folded": fold(commune.name),
            "unit_type": UNIT_TYPE_LABELS[commune.type],
            "former_districts": LIST_SEPARATOR.join(commune.former_districts),
            "predecessors": LIST_SEPARATOR.join(commune.predecessors),
            "uncertain": int(commune.uncertain),
        }
        for name in ("is_pilot", "is_ethnic_area", "is_model"):
            flag = getattr(wanted, name)
            if flag is not None:
                values[name] = int(flag)
        old = existing.get(commune.code)
        if old is None:
            columns = ["code", *values]
            await conn.execute(
                f"INSERT INTO communes({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                (commune.code, *values.values()),
            )
            existing[commune.code] = _stored(commune, wanted)
            counts.add(Change.CREATED)
            continue
        if _same_commune(old, commune, wanted):
            counts.add(Change.UNCHANGED)
            continue
        assignments = ", ".join(f"{name} = ?" for name in values)
        await conn.execute(
            f"UPDATE communes SET {assignments} WHERE code = ?", (*values.values(), commune.code)
        )
        existing[commune.code] = _stored(commune, wanted, old)
        counts.add(Change.UPDATED)
    return counts


def _stored(commune: Commune, flags: CommuneFlags, old: StoredCommune | None = None) -> StoredCommune:
    # What the row holds after the write, so a file naming one code twice counts correctly.
    def pick(new: bool | None, previous: bool | None, default: bool) -> bool:
        if new is not None:
            return new
        return previous if previous is not None else default

    return StoredCommune(
        code=commune.code,
        name=commune.name,
        type=commune.type,
        former_districts=commune.former_districts,
        predecessors=commune.predecessors,
        uncertain=commune.uncertain,
        is_pilot=pick(flags.is_pilot, old.is_pilot if old else None, False),
        is_ethnic_area=pick(flags.is_ethnic_area, old.is_ethnic_area if old else None, True),
        is_model=pick(flags.is_model, old.is_model if old else None, False),
    )


def _same_commune(old: StoredCommune, new: Commune, flags: CommuneFlags) -> bool:
    return (
        old.name == new.name
        and old.type == new.type
        and old.former_districts == new.former_districts
        and old.predecessors == new.predecessors
        and old.uncertain == new.uncertain
        and flags.is_pilot in (None, old.is_pilot)
        and flags.is_ethnic_area in (None, old.is_ethnic_area)
        and flags.is_model in (None, old.is_model)
    )


# --------------------------------------------------------------------------- teams

_TEAM_COLUMNS = "id, commune_code, name, name_folded, confirmed"


def _team_from_row(row: Row) -> StoredTeam:
    return StoredTeam(
        id=row["id"],
        commune_code=row["commune_code"],
        name=row["name"],
        name_folded=row["name_folded"],
        confirmed=bool(row["confirmed"]),
    )


async def list_teams(db: Database, commune_code: str | None = None) -> list[StoredTeam]:
    """Teams of one commune, or of every commune; ordered by commune and name."""
    if commune_code is None:
        rows = await db.fetchall(f"SELECT {_TEAM_COLUMNS} FROM teams ORDER BY commune_code, name_folded")
    else:
        rows = await db.fetchall(
            f"SELECT {_TEAM_COLUMNS} FROM teams WHERE commune_code = ? ORDER BY name_folded", (commune_code,)
        )
    return [_team_from_row(row) for row in rows]


async def teams_of_commune(conn: Connection, commune_code: str) -> list[StoredTeam]:
    """The commune's teams, confirmed ones first, then by name."""
    async with conn.execute(
        f"SELECT {_TEAM_COLUMNS} FROM teams WHERE commune_code = ? ORDER BY confirmed DESC, name_folded",
        (commune_code,),
    ) as cur:
        return [_team_from_row(row) for row in await cur.fetchall()]


async def team_by_id(conn: Connection, team_id: int) -> StoredTeam | None:
    """One team by id."""
    async with conn.execute(f"SELECT {_TEAM_COLUMNS} FROM teams WHERE id = ?", (team_id,)) as cur:
        row = await cur.fetchone()
    return _team_from_row(row) if row else None


async def upsert_team(
    conn: Connection, commune_code: str, name: str, now: datetime, team_id: int | None = None
) -> tuple[int, Change]:
    """Create a confirmed team, or confirm an existing one and take this spelling of its name.

    The existing team is ``team_id`` when the caller matched one (a list's "Thôn Nà Sla" for a
    stored "Nà Sla"), else the commune's team with the same folded name. A team proposed at
    registration (unconfirmed, perhaps typed without diacritics) becomes confirmed with the
    official spelling when an officer's list names it; a spelling without diacritics never
    replaces one with them.
    """
    where: str
    params: tuple[object, ...]
    if team_id is None:
        where, params = "WHERE commune_code = ? AND name_folded = ?", (commune_code, team_key(name))
    else:
        where, params = "WHERE id = ?", (team_id,)
    async with conn.execute(f"SELECT {_TEAM_COLUMNS} FROM teams {where}", params) as cur:
        row = await cur.fetchone()
    if row is None:
        if team_id is not None:
            raise LookupError(f"no team {team_id}")
        return await _insert_team(conn, commune_code, name, now), Change.CREATED
    team = _team_from_row(row)
    if team_key(name) == team.name_folded and has_diacritics(team.name) and not has_diacritics(name):
        # The same name typed without diacritics must not replace its proper spelling.
        name = team.name
    if team.name == name and team.confirmed:
        return team.id, Change.UNCHANGED
    await conn.execute(
        "UPDATE teams SET name = ?, name_folded = ?, confirmed = 1 WHERE id = ?",
        (name, team_key(name), team.id),
    )
    return team.id, Change.UPDATED


async def ensure_team(
    conn: Connection, commune_code: str, name: str, now: datetime, confirmed: bool = True
) -> tuple[int, bool]:
    """The id of the team with this folded name, creating it if absent; True if created.

    ``confirmed=False`` is for a thôn named by a registrant: an officer confirms it on approval.
    """
    key = team_key(name)
    async with conn.execute(
        "SELECT id FROM teams WHERE commune_code = ? AND name_folded = ?", (commune_code, key)
    ) as cur:
        row = await cur.fetchone()
    if row is not None:
        return int(row["id"]), False
    return await _insert_team(conn, commune_code, name, now, confirmed), True


async def _insert_team(
    conn: Connection, commune_code: str, name: str, now: datetime, confirmed: bool = True
) -> int:
    return await insert_returning_id(
        conn,
        "INSERT INTO teams(commune_code, name, name_folded, confirmed, created_at) VALUES (?, ?, ?, ?, ?)",
        (commune_code, name, team_key(name), int(confirmed), iso(now)),
    )


async def set_team_leader(conn: Connection, team_id: int, person_id: int, now: datetime) -> bool:
    """Make a person the leader of a team; any other leader of it becomes a mediator.

    A team has one tổ trưởng (Luật HGCS Art. 12), so naming a new one replaces the old.
    Returns False when the person already led this team.
    """
    async with conn.execute(
        "SELECT t.commune_code, p.role, p.team_id FROM teams t, people p WHERE t.id = ? AND p.id = ?",
        (team_id, person_id),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        raise LookupError(f"no team {team_id} or person {person_id}")
    await conn.execute(
        "UPDATE people SET role = ?, updated_at = ? WHERE team_id = ? AND role = ? AND id <> ?",
        (Role.MEDIATOR.value, iso(now), team_id, Role.TEAM_LEADER.value, person_id),
    )
    if row["role"] == Role.TEAM_LEADER.value and row["team_id"] == team_id:
        return False
    await conn.execute(
        "UPDATE people SET role = ?, team_id = ?, commune_code = ?, updated_at = ? WHERE id = ?",
        (Role.TEAM_LEADER.value, team_id, row["commune_code"], iso(now), person_id),
    )
    return True


# --------------------------------------------------------------------------- people by phone

# Columns an import may set; the phone is the key and is never among them.
PERSON_IMPORT_COLUMNS = frozenset(
    {
        "full_name",
        "sex",
        "ethnic_minority",
        "legal_background",
        "role",
        "status",
        "commune_code",
        "team_id",
        "recognised_on",
        "trained_on",
        "trained_source",
        "is_trainer",
        "legal_supporter",
    }
)


@dataclass(frozen=True, slots=True)
class PhoneOwner:
    """Who holds a phone number already: enough to validate an import against."""

    person_id: int
    role: Role


async def people_by_phone(db: Database) -> dict[str, PhoneOwner]:
    """Every stored phone number with its person's id and role."""
    rows = await db.fetchall("SELECT id, phone, role FROM people WHERE phone IS NOT NULL")
    return {row["phone"]: PhoneOwner(int(row["id"]), Role(row["role"])) for row in rows}


def _db_value(value: object) -> object:
    # Booleans as 0/1, dates as ISO text, enum members as their codes: how the schema stores them.
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


async def upsert_person_by_phone(
    conn: Connection, phone: str, values: Mapping[str, object], now: datetime
) -> tuple[int, Change]:
    """Insert a person with this phone, or update the given columns of the one who has it.

    ``values`` maps columns of :data:`PERSON_IMPORT_COLUMNS` to Python values (bool, date,
    enum members, str, int or None); columns not given keep their stored value.
    """
    unknown = set(values) - PERSON_IMPORT_COLUMNS
    if unknown:
        raise ValueError(f"not importable person columns: {sorted(unknown)}")
    stored = {name: _db_value(value) for name, value in values.items()}
    columns: Sequence[str] = list(stored)
    async with conn.execute(
        f"SELECT id{''.join(', ' + c for c in columns)} FROM people WHERE phone = ?", (phone,)
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        names = ["phone", *columns, "created_at", "updated_at"]
        return await insert_returning_id(
            conn,
            f"INSERT INTO people({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            (phone, *stored.values(), iso(now), iso(now)),
        ), Change.CREATED
    person_id = int(row["id"])
    if all(row[name] == value for name, value in stored.items()):
        return person_id, Change.UNCHANGED
    assignments = "".join(f"{name} = ?, " for name in columns)
    await conn.execute(
        f"UPDATE people SET {assignments}updated_at = ? WHERE id = ?", (*stored.values(), iso(now), person_id)
    )
    return person_id, Change.UPDATED


async def link_legal_support(conn: Connection, person_id: int, team_id: int) -> None:
    """Record that a person supports a team (idempotent)."""
    await conn.execute(
        "INSERT INTO legal_support(person_id, team_id) VALUES (?, ?) "
        "ON CONFLICT(person_id, team_id) DO NOTHING",
        (person_id, team_id),
    )


__all__ = [
    "LIST_SEPARATOR",
    "PERSON_IMPORT_COLUMNS",
    "Change",
    "CommuneFlags",
    "PhoneOwner",
    "StoredCommune",
    "StoredTeam",
    "UpsertCounts",
    "ensure_team",
    "link_legal_support",
    "list_communes",
    "list_teams",
    "people_by_phone",
    "set_team_leader",
    "team_key",
    "upsert_communes",
    "upsert_person_by_phone",
    "upsert_team",
]


async def drop_proposed_team(conn: Connection, team_id: int) -> bool:
    """Remove a team proposed at registration once nobody is left who could still join it
    (no active or pending member, no case, no legal supporter); True if it was removed.
    Rejected registrants keep their record, without the team."""
    async with conn.execute(
        "SELECT confirmed, "
        "(SELECT COUNT(*) FROM people WHERE team_id = teams.id AND status IN ('active', 'pending')) AS live, "
        "(SELECT COUNT(*) FROM cases WHERE team_id = teams.id) AS cases, "
        "(SELECT COUNT(*) FROM legal_support WHERE team_id = teams.id) AS helpers "
        "FROM teams WHERE id = ?",
        (team_id,),
    ) as cur:
        row = await cur.fetchone()
    if row is None or row["confirmed"] or row["live"] or row["cases"] or row["helpers"]:
        return False
    await conn.execute("UPDATE people SET team_id = NULL WHERE team_id = ?", (team_id,))
    await conn.execute("DELETE FROM teams WHERE id = ?", (team_id,))
    return True


async def confirm_team(conn: Connection, team_id: int) -> None:
    """An officer confirms a team proposed at registration."""
    await conn.execute("UPDATE teams SET confirmed = 1 WHERE id = ?", (team_id,))
