"""Demo data: a plausible province in an empty database, to try the bot and its reports.

``seed_demo`` fills the 65 bundled communes with 4–6 teams each (thôn named from Tày/Nùng
syllables, "Khối n" in the phường), 4–7 mediators per team with a leader, one justice officer
per commune, two province officers, an admin, a few trainers and legal supporters, some
pending registrations, pilot and model communes, and a few hundred cases over the last two
years with their audit trail. Everything is invented; the same ``rng_seed`` and ``now`` always
give the same database.

An empty database is one without people, teams or cases. Anything else is refused
(:class:`DemoRefused`) unless ``force`` is set; then every person, team, case, message, invite
and session is DELETED first and the demo is written afresh, so seeding twice never adds
anything twice. Even ``force`` refuses a database that a real Telegram or Zalo user has written
to: that is a live deployment, not a demo.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.conversation.messages import Channel
from bot.domain.composition import MemberFacts, check_composition
from bot.domain.enums import (
    CaseField,
    CaseOrigin,
    CaseOutcome,
    LegalSupporterType,
    NextStep,
    OutOfScopeReason,
    PersonStatus,
    Role,
    Sex,
)
from bot.domain.units import PRE2025_DISTRICTS, UnitType
from bot.domain.vntext import fold
from bot.services.bootstrap import ensure_units
from bot.storage import cases as case_repo
from bot.storage import people as people_repo
from bot.storage.db import Connection, Database
from bot.storage.units import StoredCommune, ensure_team, link_legal_support, list_communes
from bot.texts import demo as td
from bot.texts import register as tr

DEFAULT_SEED = 2025
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

# Tables emptied by ``force``, children before parents (foreign keys are enforced). A new table
# that references people, teams or cases belongs here too (tests/services/test_demo.py checks).
WIPED_TABLES = (
    "access_audit",
    "privacy_consents",
    "privacy_notice_asks",
    "assistant_disclaimers",
    "contest_answers",
    "contest_rounds",
    "training_attendance",
    "training_sessions",
    "training_trainers",
    "training_invitees",
    "training_courses",
    "quiz_answers",
    "lesson_progress",
    "training_prefs",
    "case_events",
    "cases",
    "case_counters",
    "legal_support",
    "training_rsvp",
    "reminder_log",
    "outbox",
    "broadcasts",
    "invites",
    "sessions",
    "inbound_seen",
    "zalo_inbox",
    "link_codes",
    "identities",
    "people",
    "teams",
)

# Mobile prefixes in use since the 2018 renumbering (Viettel, Vinaphone, MobiFone, Vietnamobile…).
_MOBILE_PREFIXES = (
    "32", "33", "34", "35", "36", "37", "38", "39", "56", "58", "70", "76", "77", "78", "79",
    "81", "82", "83", "84", "85", "86", "88", "89", "90", "91", "94", "96", "97", "98",
)  # fmt: skip
_OUTCOME_WEIGHTS = {
    CaseOutcome.THANH: 75,
    CaseOutcome.KHONG_THANH: 15,
    CaseOutcome.DANG_HOA_GIAI: 7,
    CaseOutcome.NGOAI_PHAM_VI: 3,
}
_FIELD_WEIGHTS = {
    CaseField.DAT_DAI: 30,
    CaseField.HON_NHAN_GIA_DINH: 24,
    CaseField.DAN_SU_KHAC: 18,
    CaseField.SINH_HOAT_CONG_DONG: 18,
    CaseField.VI_PHAM_NHO: 6,
    CaseField.KHAC: 4,
}
_ORIGIN_WEIGHTS = {CaseOrigin.PARTIES_REQUESTED: 62, CaseOrigin.WITNESSED: 18, CaseOrigin.ASSIGNED: 20}
_NEXT_STEP_WEIGHTS = {NextStep.CONTINUE: 30, NextStep.COMPETENT_AUTHORITY: 55, NextStep.REFERRED: 15}
_CASE_SUPPORT_WEIGHTS = {
    LegalSupporterType.LEGAL_CIVIL_SERVANT: 40,
    LegalSupporterType.POLICE: 30,
    LegalSupporterType.JURIST: 10,
    LegalSupporterType.BORDER_GUARD: 8,
    LegalSupporterType.LAWYER: 5,
    LegalSupporterType.FORMER_JUDICIAL: 5,
    LegalSupporterType.OTHER: 2,
}
# Mediators with a legal background who support their team: retired police, former judicial staff…
_MEMBER_SUPPORT = (
    LegalSupporterType.POLICE,
    LegalSupporterType.FORMER_JUDICIAL,
    LegalSupporterType.JURIST,
    LegalSupporterType.BORDER_GUARD,
)
_CASES = (380, 520)
_TWO_YEARS = 729
_FIRST_RECOGNITION = date(2018, 6, 1)
_NEW_MEDIATOR_DAYS = 200
_MODEL_COMMUNES = 4


class RefusalReason(StrEnum):
    """Why the demo was not written."""

    NOT_EMPTY = "not_empty"  # people, teams or cases present and no ``force``
    LIVE_DATA = "live_data"  # real Telegram/Zalo users: never wiped


class DemoRefused(Exception):
    """The database is not one the demo may be written to (see :class:`RefusalReason`)."""

    def __init__(self, reason: RefusalReason, people: int, teams: int, cases: int, identities: int) -> None:
        super().__init__(f"demo refused: {reason} (people={people} teams={teams} cases={cases})")
        self.reason = reason
        self.people = people
        self.teams = teams
        self.cases = cases
        self.identities = identities


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What the demo database holds, counted from the database after writing."""

    communes: int
    pilot_communes: int
    model_communes: int
    teams: int
    compliant_teams: int
    mediators: int  # active mediators and team leaders
    trained: int  # of those, trained at least once
    pending: int
    left: int
    commune_officers: int
    province_officers: int
    admins: int
    trainers: int
    legal_supporters: int
    supported_teams: int
    cases: int
    outcomes: dict[str, int]
    events: int
    wiped: bool
    showcase_mediator: int  # the mediator ``hoagiai chat --as mediator`` speaks as


async def seed_demo(
    db: Database,
    now: datetime,
    force: bool = False,
    rng_seed: int = DEFAULT_SEED,
    timezone: str = DEFAULT_TIMEZONE,
) -> DemoSummary:
    """Write the demo into ``db`` (one transaction); raises :class:`DemoRefused` (see the module doc)."""
    await ensure_units(db)
    async with db.transaction() as tx:
        people, teams, cases, identities = await _existing(tx)
        wiped = False
        if people or teams or cases:
            if not force:
                raise DemoRefused(RefusalReason.NOT_EMPTY, people, teams, cases, identities)
            if identities:
                raise DemoRefused(RefusalReason.LIVE_DATA, people, teams, cases, identities)
            for table in WIPED_TABLES:
                await tx.execute(f"DELETE FROM {table}")
            # The same demo again, ids included (the summary names people by id).
            await db.sync_ids(tx, WIPED_TABLES)
            wiped = True
        builder = _Builder(tx, now, random.Random(rng_seed), ZoneInfo(timezone))
        await builder.build(await list_communes(db))
        return await _summary(tx, wiped)


async def _scalar(conn: Connection, sql: str, params: Sequence[Any] = ()) -> int:
    async with conn.execute(sql, params) as cur:
        row = await cur.fetchone()
    return int(row[0] or 0) if row is not None else 0


async def _existing(conn: Connection) -> tuple[int, int, int, int]:
    return (
        await _scalar(conn, "SELECT COUNT(*) FROM people"),
        await _scalar(conn, "SELECT COUNT(*) FROM teams"),
        await _scalar(conn, "SELECT COUNT(*) FROM cases"),
        await _scalar(conn, "SELECT COUNT(*) FROM identities WHERE channel <> ?", (Channel.CONSOLE.value,)),
    )


# --------------------------------------------------------------------------- building


@dataclass(slots=True)
class _Member:
    id: int
    recognised_on: date


@dataclass(slots=True)
class _Team:
    id: int
    commune_code: str
    leader: int
    members: list[_Member] = field(default_factory=list)  # active ones


@dataclass(slots=True)
class _CasePlan:
    team: _Team
    reporter: int
    created_at: datetime
    values: dict[str, Any]
    # Reported while still in progress and concluded later: (when, who, changes).
    update: tuple[datetime, int, dict[str, Any]] | None = None
    note: tuple[datetime, str] | None = None


class _Builder:
    """Writes the demo inside one transaction; every random draw comes from ``rng``."""

    def __init__(self, conn: Connection, now: datetime, rng: random.Random, tz: ZoneInfo) -> None:
        self.conn = conn
        self.now = now.astimezone(UTC)
        self.rng = rng
        self.tz = tz
        self.today = now.astimezone(tz).date()
        self.phones: set[str] = set()
        self.teams: list[_Team] = []

    async def build(self, communes: list[StoredCommune]) -> None:
        # Communes in a stable order, xã first: the first commune gets the showcase data.
        ordered = sorted(communes, key=lambda c: (c.type != UnitType.XA, c.code))
        ordered = await self._flag_communes(ordered)
        admin = await self._person(Role.ADMIN, sex=Sex.MALE, minority=False, legal_background=1)
        province = [
            await self._person(
                Role.PROVINCE_OFFICER,
                sex=sex,
                minority=True,
                legal_background=1,
                is_trainer=1,
                approved_by=admin,
            )
            for sex in (Sex.FEMALE, Sex.MALE)
        ]
        for index, commune in enumerate(ordered):
            await self._commune(commune, approver=province[index % 2], showcase=index == 0)
        await self._cases()

    async def _flag_communes(self, communes: list[StoredCommune]) -> list[StoredCommune]:
        """One pilot commune per former district (Kế hoạch 115), a few model ones; the communes
        are returned with their new flags."""
        pilots: list[str] = []
        for district in PRE2025_DISTRICTS:
            candidates = [
                c.code for c in communes if c.former_districts[:1] == (district,) and c.type == UnitType.XA
            ]
            if candidates:
                pilots.append(self.rng.choice(candidates))
        others = [c.code for c in communes if c.code not in pilots]
        model = [*self.rng.sample(pilots, _MODEL_COMMUNES - 1), self.rng.choice(others)]
        flagged = []
        for commune in communes:
            is_pilot, is_model = commune.code in pilots, commune.code in model
            await self.conn.execute(
                "UPDATE communes SET is_pilot = ?, is_model = ? WHERE code = ?",
                (int(is_pilot), int(is_model), commune.code),
            )
            flagged.append(replace(commune, is_pilot=is_pilot, is_model=is_model))
        return flagged

    # -- people --------------------------------------------------------------------------------

    def _phone(self) -> str:
        while True:
            number = f"+84{self.rng.choice(_MOBILE_PREFIXES)}{self.rng.randrange(10**7):07d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def _name(self, sex: Sex, minority: bool) -> str:
        surname = self.rng.choice(td.MINORITY_SURNAMES if minority else td.KINH_SURNAMES)
        if sex == Sex.FEMALE:
            return f"{surname} {self.rng.choice(td.FEMALE_MIDDLE)} {self.rng.choice(td.FEMALE_GIVEN)}"
        return f"{surname} {self.rng.choice(td.MALE_MIDDLE)} {self.rng.choice(td.MALE_GIVEN)}"

    async def _person(
        self,
        role: Role,
        *,
        sex: Sex,
        minority: bool,
        status: PersonStatus = PersonStatus.ACTIVE,
        **columns: Any,
    ) -> int:
        return await people_repo.insert_person(
            self.conn,
            self.now,
            full_name=self._name(sex, minority),
            sex=sex.value,
            ethnic_minority=int(minority),
            phone=self._phone(),
            role=role.value,
            status=status.value,
            **columns,
        )

    def _recognition(self) -> tuple[date, date | None]:
        """A recognition date and, for about four in five, the first training after it."""
        latest = self.today - timedelta(days=1)
        if self.rng.random() < 0.15:
            recognised = latest - timedelta(days=self.rng.randint(0, _NEW_MEDIATOR_DAYS))
            trained_share, delay = 0.55, (10, 150)
        else:
            span = (latest - timedelta(days=_NEW_MEDIATOR_DAYS) - _FIRST_RECOGNITION).days
            recognised = _FIRST_RECOGNITION + timedelta(days=self.rng.randint(0, max(span, 0)))
            trained_share, delay = 0.87, (15, 170)
        trained = None
        if self.rng.random() < trained_share:
            day = recognised + timedelta(days=self.rng.randint(*delay))
            trained = day if day <= latest else None
        return recognised, trained

    # -- communes and teams ----------------------------------------------------------------------

    def _team_names(self, commune: StoredCommune, count: int) -> list[str]:
        if commune.type == UnitType.PHUONG:
            return [f"{td.WARD_WORD} {n}" for n in range(1, count + 1)]
        names: dict[str, str] = {}
        while len(names) < count:
            if self.rng.random() < 0.15:
                name = f"{td.VILLAGE_WORDS[0]} {self.rng.choice(td.KINH_VILLAGES)}"
            else:
                word = self.rng.choice(td.VILLAGE_WORDS)
                name = f"{word} {self.rng.choice(td.PLACE_HEADS)} {self.rng.choice(td.PLACE_TAILS)}"
            names.setdefault(fold(name), name)
        return list(names.values())

    async def _commune(self, commune: StoredCommune, approver: int, showcase: bool) -> None:
        officer_supports = self.rng.random() < 0.3
        officer = await self._person(
            Role.COMMUNE_OFFICER,
            sex=Sex.FEMALE if self.rng.random() < 0.75 else Sex.MALE,
            minority=self.rng.random() < 0.75,
            commune_code=commune.code,
            legal_background=1,
            # Pilot communes' officers train the others (≥1 trainer per 100 teams, Kế hoạch 115).
            is_trainer=int(commune.is_pilot or self.rng.random() < 0.05),
            legal_supporter=LegalSupporterType.LEGAL_CIVIL_SERVANT.value if officer_supports else None,
            approved_by=approver,
        )
        teams = []
        for position, name in enumerate(self._team_names(commune, self.rng.randint(4, 6))):
            team_id, _ = await ensure_team(self.conn, commune.code, name, self.now)
            teams.append(await self._staff(team_id, commune, officer, plain=showcase and position == 0))
        self.teams.extend(teams)
        if officer_supports:
            for team in self.rng.sample(teams, self.rng.randint(1, 2)):
                await link_legal_support(self.conn, officer, team.id)
        pending = 2 if showcase else int(self.rng.random() < 0.15)
        for _ in range(pending):
            await self._pending(self.rng.choice(teams).id, commune)
        if showcase:
            # A registration naming a thôn the commune has not confirmed yet.
            new_team, _ = await ensure_team(self.conn, commune.code, td.NEW_THON, self.now, confirmed=False)
            await self._pending(new_team, commune)

    async def _pending(self, team_id: int, commune: StoredCommune) -> None:
        sex = Sex.FEMALE if self.rng.random() < 0.5 else Sex.MALE
        await self._person(
            Role.MEDIATOR,
            sex=sex,
            minority=self.rng.random() < 0.8,
            status=PersonStatus.PENDING,
            commune_code=commune.code,
            team_id=team_id,
        )

    async def _staff(self, team_id: int, commune: StoredCommune, officer: int, plain: bool) -> _Team:
        """4–7 mediators; most teams meet Art. 12, a few lack a woman, a minority member or people."""
        size = self.rng.randint(4, 7)
        minority_share = 0.6 if commune.type == UnitType.PHUONG else 0.85
        sexes = [Sex.FEMALE if self.rng.random() < 0.42 else Sex.MALE for _ in range(size)]
        minority = [self.rng.random() < minority_share for _ in range(size)]
        left = [False] * size
        flaw = 1.0 if plain else self.rng.random()
        if flaw < 0.06:
            sexes = [Sex.MALE] * size
        elif flaw < 0.09 and commune.is_ethnic_area:
            minority = [False] * size
        elif flaw < 0.12:
            left = [i >= 2 for i in range(size)]  # only two still active
        else:
            if Sex.FEMALE not in sexes:
                sexes[self.rng.randrange(size)] = Sex.FEMALE
            if commune.is_ethnic_area and not any(minority):
                minority[self.rng.randrange(size)] = True
            if not plain:
                # Now and then someone stopped (Art. 11); three always stay.
                for i in range(3, size):
                    left[i] = self.rng.random() < 0.04
        leader_index = self.rng.choice([i for i in range(size) if not left[i]])
        team = _Team(team_id, commune.code, leader=0)
        for i in range(size):
            recognised, trained = self._recognition()
            legal = self.rng.random() < 0.03
            supporter = self.rng.choice(_MEMBER_SUPPORT) if legal and self.rng.random() < 0.7 else None
            is_leader = i == leader_index
            person = await self._person(
                Role.TEAM_LEADER if is_leader else Role.MEDIATOR,
                sex=sexes[i],
                minority=minority[i],
                status=PersonStatus.LEFT if left[i] else PersonStatus.ACTIVE,
                commune_code=commune.code,
                team_id=team_id,
                recognised_on=recognised.isoformat(),
                trained_on=trained.isoformat() if trained else None,
                legal_background=int(legal),
                legal_supporter=supporter.value if supporter else None,
                is_trainer=int(is_leader and self.rng.random() < 0.02),
                approved_by=officer,
                status_reason=tr.LEFT_SELF_REASON if left[i] else None,
            )
            if supporter is not None and not left[i]:
                await link_legal_support(self.conn, person, team_id)
            if is_leader:
                team.leader = person
            if not left[i]:
                team.members.append(_Member(person, recognised))
        return team

    # -- cases ---------------------------------------------------------------------------------

    def _moment(self, day: date) -> datetime:
        """A working-hours instant of a local day, never after now."""
        local = datetime.combine(day, time(self.rng.randint(7, 19), self.rng.randint(0, 59)), self.tz)
        moment = local.astimezone(UTC)
        if moment > self.now:
            moment = self.now - timedelta(minutes=self.rng.randint(1, 30))
        return moment

    def _pick(self, weights: dict[Any, int]) -> Any:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _plan(
        self, team: _Team, outcome: CaseOutcome, received: date, reporter: int | None = None
    ) -> _CasePlan:
        if reporter is None:
            eligible = [m.id for m in team.members if m.recognised_on <= received]
            reporter = self.rng.choice(eligible or [m.id for m in team.members])
        case_field: CaseField = self._pick(_FIELD_WEIGHTS)
        values: dict[str, Any] = {
            "team_id": team.id,
            "commune_code": team.commune_code,
            "reported_by": reporter,
            "received_on": received.isoformat(),
            "origin": self._pick(_ORIGIN_WEIGHTS).value,
            "field": case_field.value,
            "summary": self.rng.choice(td.SUMMARIES[case_field.value]),
            "out_of_scope_reason": None,
            "parties_count": None,
            "vulnerable_involved": None,
            "outcome": outcome.value,
            "outcome_on": None,
            "written_agreement": None,
            "wants_court_recognition": None,
            "next_step": None,
            "legal_support": None,
        }
        if outcome == CaseOutcome.NGOAI_PHAM_VI:
            values["out_of_scope_reason"] = self.rng.choice(list(OutOfScopeReason)).value
            return _CasePlan(team, reporter, self._moment(received), values)
        values["parties_count"] = self.rng.choices((2, 3, 4, 5), weights=(80, 13, 5, 2))[0]
        values["vulnerable_involved"] = int(self.rng.random() < 0.35)
        if self.rng.random() < 0.08:
            values["legal_support"] = self._pick(_CASE_SUPPORT_WEIGHTS).value
        if outcome == CaseOutcome.DANG_HOA_GIAI:
            return _CasePlan(team, reporter, self._moment(received), values)

        concluded_on = min(received + timedelta(days=self.rng.randint(0, 21)), self.today)
        conclusion: dict[str, Any] = {"outcome": outcome.value, "outcome_on": concluded_on.isoformat()}
        if outcome == CaseOutcome.THANH:
            written = self.rng.random() < 0.55
            conclusion["written_agreement"] = int(written)
            conclusion["wants_court_recognition"] = int(written and self.rng.random() < 0.12)
        else:
            conclusion["next_step"] = self._pick(_NEXT_STEP_WEIGHTS).value
        gap = (concluded_on - received).days
        plan = _CasePlan(team, reporter, self._moment(concluded_on), values)
        if gap >= 2 and self.rng.random() < 0.35:
            # Reported while in progress, concluded later (by the reporter or the team leader).
            values["outcome"] = CaseOutcome.DANG_HOA_GIAI.value
            plan.created_at = self._moment(received + timedelta(days=self.rng.randint(0, min(2, gap - 1))))
            who = team.leader if self.rng.random() < 0.3 else reporter
            plan.update = (self._moment(concluded_on), who, conclusion)
        else:
            values.update(conclusion)
        if outcome == CaseOutcome.THANH and self.rng.random() < 0.2:
            note_day = concluded_on + timedelta(days=self.rng.randint(7, 60))
            if note_day <= self.today:
                plan.note = (self._moment(note_day), self.rng.choice(td.NOTES))
        return plan

    def _showcase_plans(self) -> list[_CasePlan]:
        """Cases of the first mediator: one still open, one agreed and due for court recognition."""
        team = self.teams[0]
        mediator = next(m for m in team.members if m.id != team.leader)
        open_case = self._plan(team, CaseOutcome.DANG_HOA_GIAI, self.today - timedelta(days=3), mediator.id)
        agreed = self._plan(team, CaseOutcome.THANH, self.today - timedelta(days=40), mediator.id)
        agreed.update = None
        concluded = self.today - timedelta(days=35)
        agreed.values |= {
            "outcome": CaseOutcome.THANH.value,
            "outcome_on": concluded.isoformat(),
            "written_agreement": 1,
            "wants_court_recognition": 1,
        }
        agreed.created_at = self._moment(concluded)
        return [open_case, agreed]

    async def _cases(self) -> None:
        plans = self._showcase_plans()
        staffed = [team for team in self.teams if team.members]
        weights = [self.rng.random() ** 2.5 for _ in staffed]  # many quiet teams, a few busy ones
        for _ in range(self.rng.randint(*_CASES) - len(plans)):
            team = self.rng.choices(staffed, weights=weights)[0]
            outcome: CaseOutcome = self._pick(_OUTCOME_WEIGHTS)
            recent = outcome == CaseOutcome.DANG_HOA_GIAI  # open cases are recent ones
            back = self.rng.randint(0, 40) if recent else self.rng.randint(1, _TWO_YEARS)
            plans.append(self._plan(team, outcome, self.today - timedelta(days=back)))
        # Codes follow the order cases were reported in, as they would have been allocated.
        plans.sort(key=lambda p: p.created_at)
        for number, plan in enumerate(plans, start=1):
            code = await case_repo.next_code(self.conn, plan.created_at.year)
            values = {"code": code, "draft_key": f"demo-{number:05d}", **plan.values}
            case_id = await case_repo.insert_case(self.conn, plan.created_at, values)
            if plan.update is not None:
                at, who, changes = plan.update
                row = await case_repo.get_case(self.conn, case_id)
                assert row is not None
                await case_repo.update_fields(self.conn, row, who, changes, at)
            if plan.note is not None:
                at, text = plan.note
                await case_repo.add_event(self.conn, case_id, plan.reporter, at, "note", None, None, text)


# --------------------------------------------------------------------------- summary


async def _summary(conn: Connection, wiped: bool) -> DemoSummary:
    async def n(sql: str, *params: Any) -> int:
        return await _scalar(conn, sql, params)

    active = PersonStatus.ACTIVE.value
    mediator_roles = (Role.MEDIATOR.value, Role.TEAM_LEADER.value)
    ethnic_area: dict[str, bool] = {}
    async with conn.execute("SELECT code, is_ethnic_area FROM communes") as cur:
        for row in await cur.fetchall():
            ethnic_area[row["code"]] = bool(row["is_ethnic_area"])
    members: dict[int, list[MemberFacts]] = defaultdict(list)
    async with conn.execute(
        "SELECT team_id, role, sex, ethnic_minority FROM people WHERE status = ? AND role IN (?, ?) "
        "AND team_id IS NOT NULL",
        (active, *mediator_roles),
    ) as cur:
        for row in await cur.fetchall():
            members[row["team_id"]].append(
                MemberFacts(
                    active=True,
                    sex=Sex(row["sex"]) if row["sex"] else None,
                    ethnic_minority=bool(row["ethnic_minority"]),
                    is_leader=row["role"] == Role.TEAM_LEADER.value,
                )
            )
    compliant = 0
    async with conn.execute("SELECT id, commune_code FROM teams") as cur:
        for row in await cur.fetchall():
            compliant += check_composition(members[row["id"]], ethnic_area.get(row["commune_code"], True)).ok
    outcomes: Counter[str] = Counter()
    async with conn.execute("SELECT outcome, COUNT(*) AS n FROM cases GROUP BY outcome") as cur:
        for row in await cur.fetchall():
            outcomes[row["outcome"]] = int(row["n"])
    role_count = "SELECT COUNT(*) FROM people WHERE role = ? AND status = ?"
    return DemoSummary(
        communes=await n("SELECT COUNT(*) FROM communes"),
        pilot_communes=await n("SELECT COUNT(*) FROM communes WHERE is_pilot = 1"),
        model_communes=await n("SELECT COUNT(*) FROM communes WHERE is_model = 1"),
        teams=await n("SELECT COUNT(*) FROM teams"),
        compliant_teams=compliant,
        mediators=await n(
            "SELECT COUNT(*) FROM people WHERE status = ? AND role IN (?, ?)", active, *mediator_roles
        ),
        trained=await n(
            "SELECT COUNT(*) FROM people WHERE status = ? AND role IN (?, ?) AND trained_on IS NOT NULL",
            active,
            *mediator_roles,
        ),
        pending=await n("SELECT COUNT(*) FROM people WHERE status = ?", PersonStatus.PENDING.value),
        left=await n("SELECT COUNT(*) FROM people WHERE status = ?", PersonStatus.LEFT.value),
        commune_officers=await n(role_count, Role.COMMUNE_OFFICER.value, active),
        province_officers=await n(role_count, Role.PROVINCE_OFFICER.value, active),
        admins=await n(role_count, Role.ADMIN.value, active),
        trainers=await n("SELECT COUNT(*) FROM people WHERE is_trainer = 1 AND status = ?", active),
        legal_supporters=await n("SELECT COUNT(DISTINCT person_id) FROM legal_support"),
        supported_teams=await n("SELECT COUNT(DISTINCT team_id) FROM legal_support"),
        cases=sum(outcomes.values()),
        outcomes={outcome.value: outcomes.get(outcome.value, 0) for outcome in CaseOutcome},
        events=await n("SELECT COUNT(*) FROM case_events"),
        wiped=wiped,
        showcase_mediator=await n(
            "SELECT MIN(id) FROM people WHERE role = ? AND status = ?", Role.MEDIATOR.value, active
        ),
    )
