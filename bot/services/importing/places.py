"""What rows are checked against: the stored communes, teams and phones, found by what a file writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain.units import UnitType, match_communes
from bot.services.importing.report import ImportAborted
from bot.services.importing.rows import Row
from bot.services.importing.tables import compare_key
from bot.storage import units as repo
from bot.storage.db import Database
from bot.texts import importer as t


class CommuneIndex:
    """Find a commune by code or by name (exact after folding, an optional xã/phường prefix)."""

    _KINDS = (("xa ", UnitType.XA), ("phuong ", UnitType.PHUONG), ("p ", UnitType.PHUONG))

    def __init__(self, communes: Sequence[repo.StoredCommune]) -> None:
        self.by_code = {c.code: c for c in communes}
        self.by_name: dict[str, list[repo.StoredCommune]] = defaultdict(list)
        for commune in communes:
            self.by_name[compare_key(commune.name)].append(commune)
        self._domain = [c.to_domain() for c in communes]

    def resolve(self, text: str) -> repo.StoredCommune | str:
        """The commune ``text`` names, or the reason there is none."""
        value = text.strip()
        if value.isascii() and value.isdigit():
            # Codes start with 0 ("06040"); a number cell makes that "6040".
            code = value.zfill(5)
            found = self.by_code.get(code)
            return found if found is not None else t.UNKNOWN_COMMUNE_CODE.format(value=value)
        key = compare_key(value)
        candidates = list(self.by_name.get(key, ()))
        if not candidates:
            for prefix, kind in self._KINDS:
                if key.startswith(prefix):
                    named = self.by_name.get(key[len(prefix) :], [])
                    # "xã Tam Thanh" for the phường still means it when the name is unique.
                    candidates = [c for c in named if c.type == kind] or named
                    break
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            listed = ", ".join(t.COMMUNE_CANDIDATE.format(name=c.name, code=c.code) for c in candidates)
            return t.AMBIGUOUS_COMMUNE.format(value=value, candidates=listed)
        guesses = match_communes(value, self._domain, limit=1)
        if guesses:
            guess = guesses[0][0]
            return t.UNKNOWN_COMMUNE_SUGGEST.format(value=value, name=guess.name, code=guess.code)
        return t.UNKNOWN_COMMUNE.format(value=value)


# Words for "village" that lists write or omit before a name ("Thôn Nà Sla" / "Nà Sla", "Thôn
# Bản Cầu" / "Bản Cầu"). Urban "khối"/"phố" are left out: "Khối 1" and "Phố 1" can both exist.
_TEAM_PREFIXES = ("to dan pho ", "thon ", "ban ", "lang ", "xom ")


def bare_team(folded: str) -> str:
    """A folded team name without the leading words for "village": "thon na sla" → "na sla"."""
    stripped = True
    while stripped:
        stripped = False
        for prefix in _TEAM_PREFIXES:
            if folded.startswith(prefix) and len(folded) > len(prefix):
                folded = folded[len(prefix) :]
                stripped = True
    return folded


class TeamIndex:
    """Find a commune's team by name: exact after folding, else unique without "thôn"/"bản"…"""

    def __init__(self, teams: Iterable[repo.StoredTeam]) -> None:
        self.by_commune: dict[str, dict[str, repo.StoredTeam]] = defaultdict(dict)
        for team in teams:
            self.by_commune[team.commune_code][team.name_folded] = team

    def resolve(self, commune_code: str, name: str) -> list[repo.StoredTeam]:
        """Matching teams: one is a hit, none unknown, several ambiguous."""
        teams = self.by_commune.get(commune_code, {})
        key = repo.team_key(name)
        if key in teams:
            return [teams[key]]
        bare = bare_team(key)
        return [team for folded, team in teams.items() if bare_team(folded) == bare]


@dataclass(frozen=True, slots=True)
class Places:
    """What rows are checked against: communes, teams and the phones already registered."""

    communes: CommuneIndex
    teams: TeamIndex
    phones: dict[str, repo.PhoneOwner]


def row_commune(row: Row, places: Places, *, required: bool) -> repo.StoredCommune | None:
    """The commune a row's "commune" cell names; None, with a problem unless empty, when none."""
    value = row.required("commune") if required else row.text("commune")
    if not value:
        return None
    found = places.communes.resolve(value)
    if isinstance(found, str):
        row.fail("commune", found)
        return None
    return found


async def load_places(db: Database) -> Places:
    """The stored communes, teams and phones; :class:`ImportAborted` when there are no communes."""
    communes = await repo.list_communes(db)
    if not communes:
        raise ImportAborted(t.NO_COMMUNES)
    return Places(
        CommuneIndex(communes), TeamIndex(await repo.list_teams(db)), await repo.people_by_phone(db)
    )
