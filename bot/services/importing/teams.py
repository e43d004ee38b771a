"""Mediation teams (``hoagiai import teams``): commune, name and leader, checked and written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.people import OFFICER_ROLES
from bot.services.importing.places import Places, bare_team, row_commune
from bot.services.importing.report import ImportReport, Problem
from bot.services.importing.rows import Checked, Row, mark_duplicates
from bot.services.importing.tables import COMMUNE_ALIASES, TEAM_ALIASES, Column, Header, SourceRow
from bot.storage import units as repo
from bot.storage.db import Connection
from bot.texts import importer as t

TEAM_COLUMNS = (
    Column("commune", COMMUNE_ALIASES, required=True),
    Column("team", TEAM_ALIASES, required=True),
    Column(
        "leader_phone", ("leader phone", "sđt tổ trưởng", "số điện thoại tổ trưởng", "điện thoại tổ trưởng")
    ),
)


@dataclass(frozen=True, slots=True)
class TeamDraft:
    """A team to upsert and the person to make its leader."""

    commune_code: str
    name: str
    team_id: int | None  # the stored team the name matched, None for a new one
    leader: repo.PhoneOwner | None


def check_teams(header: Header, rows: Sequence[SourceRow], places: Places) -> list[Checked[TeamDraft]]:
    """Check every row of a teams file: its commune, its name, and the leader's registered phone."""
    checked: list[Checked[TeamDraft]] = []
    leader_phones: dict[int, str] = {}
    for source in rows:
        row = Row(source, header)
        commune = row_commune(row, places, required=True)
        name = row.required("team")
        leader = None
        phone = row.phone("leader_phone")
        if phone is not None:
            leader_phones[source.number] = phone
            leader = places.phones.get(phone)
            if leader is None:
                row.fail("leader_phone", t.LEADER_NOT_FOUND.format(phone=phone))
            elif leader.role in OFFICER_ROLES:
                row.fail("leader_phone", t.LEADER_IS_OFFICER.format(phone=phone))
        draft = None
        if commune is not None and name is not None:
            found = places.teams.resolve(commune.code, name)
            if len(found) > 1:
                names = ", ".join(f"«{team.name}»" for team in found)
                row.fail("team", t.AMBIGUOUS_TEAM.format(value=name, commune=commune.name, candidates=names))
            draft = TeamDraft(commune.code, name, found[0].id if len(found) == 1 else None, leader)
        checked.append(Checked(source, draft, row.problems))
    mark_duplicates(
        checked,
        lambda c: (c.draft.commune_code, bare_team(repo.team_key(c.draft.name))) if c.draft else None,
        lambda c, others: Problem(
            c.row.number, header.column_name("team"), t.DUPLICATE_TEAM_ROW.format(other=others[0])
        ),
        keep_first=True,
    )
    mark_duplicates(
        checked,
        lambda c: leader_phones.get(c.row.number),
        lambda c, others: Problem(
            c.row.number,
            header.column_name("leader_phone"),
            t.LEADER_TWICE.format(phone=leader_phones[c.row.number], other=others[0]),
        ),
        keep_first=True,
    )
    return checked


async def write_teams(
    conn: Connection, drafts: Sequence[TeamDraft], report: ImportReport, now: datetime
) -> None:
    """Upsert the teams by commune and folded name, and set the leaders the file names."""
    for draft in drafts:
        team_id, change = await repo.upsert_team(conn, draft.commune_code, draft.name, now, draft.team_id)
        report.counts.add(change)
        if draft.leader is not None and await repo.set_team_leader(
            conn, team_id, draft.leader.person_id, now
        ):
            report.leaders_set += 1
