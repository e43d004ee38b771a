"""Mediators and officers (``hoagiai import people``), matched by phone: columns, checks, writing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.enums import LegalSupporterType, PersonStatus, Role, Sex
from bot.domain.names import person_name
from bot.domain.people import MEDIATOR_ROLES
from bot.services.importing.places import Places, row_commune
from bot.services.importing.report import ImportReport, Problem
from bot.services.importing.rows import MAX_TEXT, Checked, Row, mark_duplicates, parse_bool
from bot.services.importing.tables import (
    COMMUNE_ALIASES,
    TEAM_ALIASES,
    Column,
    Header,
    SourceRow,
    compare_key,
)
from bot.storage import units as repo
from bot.storage.db import Connection
from bot.texts import importer as t

PEOPLE_COLUMNS = (
    Column("full_name", ("full name", "name", "họ và tên", "họ tên", "tên", "hòa giải viên"), required=True),
    Column("sex", ("sex", "gender", "giới tính", "giới", "nam nữ")),
    Column(
        "ethnic_minority", ("ethnic minority", "dân tộc thiểu số", "dtts", "dân tộc", "là dân tộc thiểu số")
    ),
    Column(
        "legal_background",
        (
            "legal background",
            "chuyên môn luật",
            "có chuyên môn luật",
            "trình độ luật",
            "chuyên môn pháp luật",
        ),
    ),
    Column("phone", ("phone", "số điện thoại", "điện thoại", "sđt", "số đt", "đt", "di động"), required=True),
    Column("role", ("role", "vai trò", "chức vụ", "chức danh")),
    Column("commune", COMMUNE_ALIASES),
    Column("team", TEAM_ALIASES),
    Column("recognised_on", ("recognised on", "recognized on", "ngày công nhận", "ngày được công nhận")),
    Column(
        "trained_on",
        ("trained on", "ngày bồi dưỡng", "ngày được bồi dưỡng", "ngày tập huấn", "ngày đào tạo"),
    ),
    Column("is_trainer", ("is trainer", "trainer", "tập huấn viên", "giảng viên", "giảng viên nguồn")),
    Column(
        "legal_supporter",
        ("legal supporter", "hỗ trợ pháp lý", "người hỗ trợ", "hỗ trợ chuyên môn", "người hỗ trợ pháp lý"),
    ),
)


_SEX: dict[str, Sex] = {compare_key(w): Sex.MALE for w in ("nam", "male", "m")} | {
    compare_key(w): Sex.FEMALE for w in ("nữ", "female", "f")
}


def _words(table: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {compare_key(word): value for value, words in table.items() for word in (value, *words)}


_ROLES: dict[str, str] = _words(
    {
        Role.MEDIATOR: ("hòa giải viên", "hgv", "thành viên", "thành viên tổ hòa giải"),
        Role.TEAM_LEADER: ("tổ trưởng", "tổ trưởng tổ hòa giải", "tổ trưởng hòa giải"),
        Role.COMMUNE_OFFICER: (
            "công chức tư pháp",
            "công chức tư pháp hộ tịch",
            "cán bộ tư pháp",
            "công chức xã",
            "cán bộ xã",
        ),
        Role.PROVINCE_OFFICER: ("cán bộ sở tư pháp", "chuyên viên sở tư pháp", "sở tư pháp", "cán bộ tỉnh"),
        Role.ADMIN: ("quản trị", "quản trị viên"),
    }
)

_LEGAL_SUPPORTERS: dict[str, str] = _words(
    {
        LegalSupporterType.LAWYER: ("luật sư",),
        LegalSupporterType.JURIST: ("luật gia",),
        LegalSupporterType.POLICE: ("công an", "công an xã", "công an phường"),
        LegalSupporterType.BORDER_GUARD: ("biên phòng", "bộ đội biên phòng", "đồn biên phòng"),
        LegalSupporterType.LEGAL_CIVIL_SERVANT: (
            "công chức tư pháp",
            "công chức tư pháp hộ tịch",
            "cán bộ tư pháp",
        ),
        LegalSupporterType.FORMER_JUDICIAL: (
            "thẩm phán",
            "kiểm sát viên",
            "điều tra viên",
            "nguyên thẩm phán",
            "nguyên kiểm sát viên",
            "nguyên điều tra viên",
            "nguyên thẩm phán kiểm sát viên điều tra viên",
        ),
        LegalSupporterType.OTHER: ("khác",),
    }
)

# Some lists give the ethnic group instead of a yes/no; Kinh is the majority, the others are the
# groups living in Lạng Sơn (Tày and Nùng above all).
_MAJORITY = frozenset({"kinh"})
_MINORITIES = frozenset(
    compare_key(name)
    for name in (
        "Tày", "Nùng", "Dao", "Mông", "H'Mông", "Hmông", "Hoa", "Sán Chay", "Sán Dìu", "Cao Lan",
        "Thái", "Mường", "Giáy", "Pà Thẻn", "Lô Lô", "Khơ Mú",
    )
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TeamRef:
    """The team a person row names: an existing id, or a name to create (``--create-teams``)."""

    commune_code: str
    name: str
    team_id: int | None


@dataclass(frozen=True, slots=True)
class PersonDraft:
    """A person to upsert by phone: the columns to set, and the team to join or support."""

    phone: str
    role: Role
    values: dict[str, object]
    team: TeamRef | None
    supports_team: bool  # a legal supporter: link them to the team in legal_support


@dataclass(slots=True)
class _PersonFacts:
    # Kept even for rows with other problems, so duplicates are found across every row.
    phone: str | None = None
    leads: tuple[str, str] | None = None  # (commune code, folded team name) of a team leader
    team_name: str = ""


def check_people(
    header: Header, rows: Sequence[SourceRow], places: Places, today: date, create_teams: bool
) -> list[Checked[PersonDraft]]:
    """Check every row of a people file, and refuse phones and team leaders that appear twice."""
    checked: list[Checked[PersonDraft]] = []
    facts: dict[int, _PersonFacts] = {}
    for source in rows:
        row = Row(source, header)
        fact = facts[source.number] = _PersonFacts()
        checked.append(Checked(source, _check_person(row, places, today, create_teams, fact), row.problems))
    mark_duplicates(
        checked,
        lambda c: facts[c.row.number].phone,
        lambda c, others: Problem(
            c.row.number,
            header.column_name("phone"),
            t.DUPLICATE_PHONE.format(phone=facts[c.row.number].phone, other=", ".join(map(str, others))),
        ),
        keep_first=False,  # which of two rows with one phone is right is for the operator to say
    )
    mark_duplicates(
        checked,
        lambda c: facts[c.row.number].leads,
        lambda c, others: Problem(
            c.row.number,
            header.column_name("role") if "role" in header.index else None,
            t.DUPLICATE_LEADER.format(team=facts[c.row.number].team_name, other=", ".join(map(str, others))),
        ),
        keep_first=False,
    )
    return checked


def _check_person(
    row: Row, places: Places, today: date, create_teams: bool, fact: _PersonFacts
) -> PersonDraft | None:
    name = row.required("full_name")
    if name is not None:
        # The chat's own rule: a name the bot would refuse at registration is refused here too.
        checked = person_name(name)
        if checked is None:
            row.fail("full_name", t.NOT_A_NAME.format(value=name))
        name = checked
    phone = row.phone("phone")
    if not row.text("phone") and row.has("phone"):
        row.fail("phone", t.REQUIRED_VALUE)
    fact.phone = phone
    role = _person_role(row, places, phone)
    commune = row_commune(row, places, required=False)
    role_name = t.ROLE_NAMES[role.value]
    if commune is None and not row.text("commune") and role in (*MEDIATOR_ROLES, Role.COMMUNE_OFFICER):
        row.fail("commune", t.NEEDS_COMMUNE.format(role=role_name))
    team = _team(row, commune, places, create_teams)
    if team is None and not row.text("team") and role in MEDIATOR_ROLES:
        row.fail("team", t.NEEDS_TEAM.format(role=role_name))
    if role is Role.TEAM_LEADER and team is not None:
        fact.leads = (team.commune_code, repo.team_key(team.name))
        fact.team_name = team.name

    values: dict[str, object] = {
        "full_name": name,
        "role": role,
        "status": PersonStatus.ACTIVE,
        "commune_code": commune.code if commune else None,
    }
    # An empty optional cell keeps what is stored: a partial list must not erase known facts.
    optional: dict[str, object | None] = {
        "sex": _choice(row, "sex", _SEX, t.BAD_SEX),
        "ethnic_minority": _ethnic(row),
        "legal_background": row.flag("legal_background"),
        "recognised_on": row.date("recognised_on", today),
        "trained_on": row.date("trained_on", today),
        "is_trainer": row.flag("is_trainer"),
    }
    values.update({k: v for k, v in optional.items() if v is not None})
    if "trained_on" in values:
        # A historical training date: kept apart from those derived from recorded attendance.
        values["trained_source"] = "import"
    supporter_text = row.text("legal_supporter")
    supporter = None
    if supporter_text:
        if parse_bool(supporter_text) is False:
            values["legal_supporter"] = None  # "không": explicitly no longer a supporter
        else:
            supporter = _choice(row, "legal_supporter", _LEGAL_SUPPORTERS, t.BAD_LEGAL_SUPPORTER)
            if supporter:
                values["legal_supporter"] = LegalSupporterType(supporter)
    if row.problems or phone is None or name is None:
        return None
    return PersonDraft(phone, role, values, team, supports_team=supporter is not None)


def _person_role(row: Row, places: Places, phone: str | None) -> Role:
    chosen = _choice(row, "role", _ROLES, t.BAD_ROLE)
    if chosen:
        return Role(chosen)
    # A roster of mediators often has no role column: a new person is a mediator, while someone
    # already registered keeps their role (an officer listed there must not be demoted).
    owner = places.phones.get(phone) if phone else None
    return owner.role if owner else Role.MEDIATOR


def _choice(row: Row, name: str, words: Mapping[str, str], error: str) -> str | None:
    value = row.text(name)
    if not value:
        return None
    found = words.get(compare_key(value))
    if found is None:
        row.fail(name, error.format(value=value))
    return found


def _ethnic(row: Row) -> bool | None:
    value = row.text("ethnic_minority")
    if not value:
        return None
    key = compare_key(value)
    parsed = parse_bool(value)
    if parsed is not None:
        return parsed
    if key in _MAJORITY:
        return False
    if key in _MINORITIES:
        return True
    row.fail("ethnic_minority", t.BAD_ETHNICITY.format(value=value))
    return None


def _team(row: Row, commune: repo.StoredCommune | None, places: Places, create_teams: bool) -> TeamRef | None:
    value = row.text("team")
    if not value or commune is None:
        return None
    if len(value) > MAX_TEXT:
        row.fail("team", t.TOO_LONG.format(limit=MAX_TEXT))
        return None
    found = places.teams.resolve(commune.code, value)
    if len(found) == 1:
        return TeamRef(commune.code, found[0].name, found[0].id)
    if found:
        names = ", ".join(f"«{team.name}»" for team in found)
        row.fail("team", t.AMBIGUOUS_TEAM.format(value=value, commune=commune.name, candidates=names))
        return None
    if create_teams:
        return TeamRef(commune.code, value, None)
    row.fail("team", t.UNKNOWN_TEAM.format(value=value, commune=commune.name))
    return None


async def write_people(
    conn: Connection, drafts: Sequence[PersonDraft], report: ImportReport, now: datetime
) -> None:
    """Upsert the people by phone; create the new teams they name, set leaders, link supporters."""
    for draft in drafts:
        team_id = None
        if draft.team is not None:
            team_id = draft.team.team_id
            if team_id is None:
                team_id, created = await repo.ensure_team(conn, draft.team.commune_code, draft.team.name, now)
                report.teams_created += int(created)
        values = dict(draft.values)
        # Officers belong to no team; a team named on their row is the one they support.
        values["team_id"] = team_id if draft.role in MEDIATOR_ROLES else None
        person_id, change = await repo.upsert_person_by_phone(conn, draft.phone, values, now)
        report.counts.add(change)
        if draft.role is Role.TEAM_LEADER and team_id is not None:
            await repo.set_team_leader(conn, team_id, person_id, now)
        if draft.supports_team and team_id is not None:
            await repo.link_legal_support(conn, person_id, team_id)
