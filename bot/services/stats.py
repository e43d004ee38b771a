"""Statistics of grassroots mediation measured against Kế hoạch 115/KH-UBND (Lạng Sơn, 2024).

Everything here is scoped. A *viewer* is either the acting :class:`Person` — a mediator or team
leader sees their own team, a commune officer their commune, a province officer or admin the
whole province — or a :class:`Scope` given by the operator's command line, which has the run of
the database anyway. Asking for a scope the person may not see raises :class:`PermissionError`;
naming a commune or team that does not exist raises :class:`LookupError`.

Counting rules (see ``docs`` of the domain and ``bot/domain/kpi.py``):

* Cases belong to the period in which they were *received* (``received_on``); outcomes are
  those recorded now. Out-of-scope matters count as received, not as mediated.
* Teams and mediators are a snapshot: the current active members of confirmed teams who were
  recognised by the period's end (no status history is stored, so someone who left since is
  not counted). "Trained" means trained on or before the period's end.
* New mediators' training (100% within 6 months of recognition): the mediators whose 6-month
  window *closed* within the period (up to today), and how many of them were trained by then.
  Each mediator is judged exactly once, in the period their window closes.

Queries are a handful of grouped SELECTs whatever the scope (no per-unit round trips), kept in
``bot/storage/stats.py``: the province summary over 100,000 cases takes tens of milliseconds
(``bench/stats_bench.py``).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from bot.config import Settings
from bot.domain.collation import sort_key, sorted_by
from bot.domain.composition import MemberFacts, check_composition
from bot.domain.dates import add_months
from bot.domain.enums import CaseField, Role, Sex
from bot.domain.kpi import CaseCounts, Indicator, IndicatorCode, Targets, indicator
from bot.domain.people import MEDIATOR_ROLES, Person
from bot.domain.periods import Period
from bot.domain.remuneration import RemunerationRates, estimate_total
from bot.storage import stats as repo
from bot.storage.db import Database
from bot.storage.stats import Area
from bot.texts import stats as ts

PROVINCE_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.ADMIN})


class ScopeLevel(StrEnum):
    """How much of the province a statistic covers."""

    TEAM = "team"
    COMMUNE = "commune"
    PILOT = "pilot"  # the communes chosen as điểm chỉ đạo, taken together
    PROVINCE = "province"


@dataclass(frozen=True, slots=True)
class Scope:
    """A team, a commune, the pilot communes or the whole province."""

    level: ScopeLevel
    commune_code: str | None = None
    team_id: int | None = None

    def __post_init__(self) -> None:
        if self.level == ScopeLevel.COMMUNE and not self.commune_code:
            raise ValueError("a commune scope needs a commune code")
        if self.level == ScopeLevel.TEAM and self.team_id is None:
            raise ValueError("a team scope needs a team id")

    @classmethod
    def province(cls) -> Scope:
        """The whole province."""
        return cls(ScopeLevel.PROVINCE)

    @classmethod
    def pilot(cls) -> Scope:
        """The pilot communes (điểm chỉ đạo) together."""
        return cls(ScopeLevel.PILOT)

    @classmethod
    def commune(cls, code: str) -> Scope:
        """One commune."""
        return cls(ScopeLevel.COMMUNE, commune_code=code)

    @classmethod
    def team(cls, team_id: int) -> Scope:
        """One mediation team."""
        return cls(ScopeLevel.TEAM, team_id=team_id)

    def key(self) -> str:
        """A short string for session data: "province", "pilot", "commune:06040", "team:12"."""
        if self.level == ScopeLevel.COMMUNE:
            return f"commune:{self.commune_code}"
        if self.level == ScopeLevel.TEAM:
            return f"team:{self.team_id}"
        return self.level.value

    @classmethod
    def from_key(cls, key: str) -> Scope:
        """Inverse of :meth:`key`; raises ValueError on anything else."""
        level, _, rest = key.partition(":")
        if level == ScopeLevel.COMMUNE:
            return cls.commune(rest)
        if level == ScopeLevel.TEAM:
            return cls.team(int(rest))
        return cls(ScopeLevel(level))


Viewer = Person | Scope


def default_scope(person: Person) -> Scope:
    """What a person sees by default; PermissionError when they may see no statistics at all."""
    if not person.active:
        raise PermissionError("person is not active")
    if person.role in PROVINCE_ROLES:
        return Scope.province()
    if person.role == Role.COMMUNE_OFFICER and person.commune_code:
        return Scope.commune(person.commune_code)
    if person.role in MEDIATOR_ROLES and person.team_id is not None:
        return Scope.team(person.team_id)
    raise PermissionError("person has no team or commune")


def may_see_groups(person: Person) -> bool:
    """Whether the person may look at province-wide groups (the province, the pilot communes)."""
    return person.active and person.role in PROVINCE_ROLES


@dataclass(frozen=True, slots=True)
class ScopeInfo:
    """A resolved scope with the names reports print.

    ``is_pilot`` says whether a team's or commune's commune is a pilot one (None for groups).
    """

    scope: Scope
    name: str
    commune_name: str | None = None
    team_name: str | None = None
    is_pilot: bool | None = None

    @property
    def level(self) -> ScopeLevel:
        """The scope's level."""
        return self.scope.level


@dataclass(frozen=True, slots=True)
class Unit:
    """A row of a per-unit table: a commune (province and pilot views) or a team (commune view)."""

    key: str
    name: str
    commune_code: str
    is_pilot: bool = False
    is_model: bool = False
    team_id: int | None = None


@dataclass(frozen=True, slots=True)
class Staffing:
    """Teams and mediators (form 10c) plus the team- and training-based indicator counts.

    ``male + female`` can be below ``mediators`` when someone's sex was not recorded.
    """

    teams: int = 0
    mediators: int = 0
    male: int = 0
    female: int = 0
    legal: int = 0
    ethnic_minority: int = 0
    trained: int = 0
    teams_compliant: int = 0
    teams_supported: int = 0
    new_due: int = 0
    new_trained_in_time: int = 0

    @property
    def non_legal(self) -> int:
        """Mediators without legal training (form 10c: "chưa qua đào tạo chuyên môn Luật")."""
        return self.mediators - self.legal

    def __add__(self, other: Staffing) -> Staffing:
        """Field-wise sum (teams into a commune, communes into the province)."""
        return Staffing(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in dataclasses.fields(self)}
        )


@dataclass(frozen=True, slots=True)
class UnitRow:
    """One unit's cases in the period and its staffing at the period's end."""

    unit: Unit
    cases: CaseCounts
    staffing: Staffing


@dataclass(frozen=True, slots=True)
class UnitTable:
    """Per-unit rows of a scope (communes of the province, teams of a commune) and their total."""

    info: ScopeInfo
    period: Period
    rows: list[UnitRow]
    cases: CaseCounts
    staffing: Staffing


@dataclass(frozen=True, slots=True)
class StatsSummary:
    """Everything the /thongke summary and the indicator report show for a scope and period."""

    info: ScopeInfo
    period: Period
    cases: CaseCounts
    staffing: Staffing
    indicators: list[Indicator]
    remuneration: int
    team_months: int
    trainers: int | None = None
    communes: int | None = None
    model_communes: int | None = None


@dataclass(frozen=True, slots=True)
class CasebookEntry:
    """One line of a team's Sổ theo dõi hoạt động hòa giải ở cơ sở (Art. 21)."""

    code: str
    received_on: date
    parties_count: int | None
    field: str
    summary: str
    outcome: str
    outcome_on: date | None
    mediator: str
    out_of_scope_reason: str | None = None
    next_step: str | None = None
    written_agreement: bool | None = None
    wants_court_recognition: bool | None = None
    legal_support: str | None = None
    vulnerable_involved: bool | None = None


@dataclass(frozen=True, slots=True)
class CasebookTeam:
    """A team's casebook for a period."""

    unit: Unit
    team_name: str
    commune_name: str
    entries: list[CasebookEntry] = field(default_factory=list)


# --------------------------------------------------------------------------- scope resolution


def _commune_label(unit_type: str, name: str) -> str:
    return ts.COMMUNE_NAME.format(unit_type=unit_type, name=name)


async def resolve_scope(db: Database, viewer: Viewer, scope: Scope | None = None) -> ScopeInfo:
    """Check that ``viewer`` may see ``scope`` (default: the viewer's own) and name it.

    Raises PermissionError when the person may not see it, LookupError when the commune or team
    does not exist. A :class:`Scope` viewer is the operator and may see anything.
    """
    person: Person | None
    if isinstance(viewer, Person):
        person = viewer
        if not person.active:
            raise PermissionError("person is not active")
        scope = scope if scope is not None else default_scope(person)
    else:
        person = None
        scope = scope if scope is not None else viewer

    if scope.level in (ScopeLevel.PROVINCE, ScopeLevel.PILOT):
        if person is not None and person.role not in PROVINCE_ROLES:
            raise PermissionError(f"{person.role} may not see {scope.level}")
        name = ts.PROVINCE_NAME if scope.level == ScopeLevel.PROVINCE else ts.PILOT_GROUP_NAME
        return ScopeInfo(scope, name)

    if scope.level == ScopeLevel.COMMUNE:
        assert scope.commune_code is not None  # Scope guarantees it
        found = await repo.scope_commune(db, scope.commune_code)
        if found is None:
            raise LookupError(f"commune {scope.commune_code}")
        if person is not None and not person.may_see_commune(found.code):
            raise PermissionError(f"person {person.id} may not see commune {found.code}")
        label = _commune_label(found.unit_type, found.name)
        return ScopeInfo(scope, label, commune_name=label, is_pilot=found.is_pilot)

    assert scope.team_id is not None  # Scope guarantees it
    team = await repo.scope_team(db, scope.team_id)
    if team is None:
        raise LookupError(f"team {scope.team_id}")
    if person is not None and not person.may_see_team(team.id, team.commune_code):
        raise PermissionError(f"person {person.id} may not see team {team.id}")
    commune = _commune_label(team.unit_type, team.commune_name)
    return ScopeInfo(
        scope,
        ts.TEAM_IN_COMMUNE.format(team=team.name, commune=commune),
        commune_name=commune,
        team_name=team.name,
        is_pilot=team.is_pilot,
    )


# --------------------------------------------------------------------------- reading helpers


def _area(scope: Scope) -> Area:
    """The storage layer's plain form of a scope."""
    if scope.level == ScopeLevel.TEAM:
        return Area(team_id=scope.team_id)
    if scope.level == ScopeLevel.COMMUNE:
        return Area(commune_code=scope.commune_code)
    return Area(pilot=scope.level == ScopeLevel.PILOT)


def _by_commune(scope: Scope) -> bool:
    """Group groups of communes by commune, a commune or team by team."""
    return scope.level in (ScopeLevel.PROVINCE, ScopeLevel.PILOT)


def _field(code: str | None) -> CaseField:
    """A stored field code as the enum; anything unknown (or absent) counts as ``khac``."""
    try:
        return CaseField(code or CaseField.KHAC)
    except ValueError:
        return CaseField.KHAC


def _counts(groups: Iterable[tuple[str, str | None, int]]) -> CaseCounts:
    """Build tallies from ``(outcome, field, n)`` groups; an unknown field counts as ``khac``."""
    return CaseCounts.from_groups((outcome, _field(case_field), n) for outcome, case_field, n in groups)


async def _grouped_cases(db: Database, scope: Scope, period: Period) -> dict[str, CaseCounts]:
    """Case tallies per unit key (commune code, or team id as text); units without cases are absent."""
    groups = await repo.case_groups(db, _area(scope), period.start, period.end, by_commune=_by_commune(scope))
    return {key: _counts(value) for key, value in groups.items()}


# --------------------------------------------------------------------------- queries


async def case_counts(db: Database, viewer: Viewer, period: Period, scope: Scope | None = None) -> CaseCounts:
    """Cases received in the period within the scope: outcomes and fields."""
    info = await resolve_scope(db, viewer, scope)
    return _sum_cases((await _grouped_cases(db, info.scope, period)).values())


def months_of(period: Period) -> list[Period]:
    """The calendar months a period touches, in order."""
    months: list[Period] = []
    cursor = date(period.start.year, period.start.month, 1)
    while cursor <= period.end:
        months.append(Period.month(cursor.year, cursor.month))
        cursor = add_months(cursor, 1)
    return months


async def monthly_counts(
    db: Database, viewer: Viewer, period: Period, scope: Scope | None = None
) -> list[tuple[Period, CaseCounts]]:
    """Case outcomes per calendar month of the period (months without cases included, as zeros).

    Fields are not tallied here (the monthly chart shows outcomes only). The store groups cases
    by day (see :func:`bot.storage.stats.daily_outcomes`), months are summed here.
    """
    info = await resolve_scope(db, viewer, scope)
    rows = await repo.daily_outcomes(db, _area(info.scope), period.start, period.end)
    groups: dict[str, list[tuple[str, str | None, int]]] = defaultdict(list)
    for row in rows:
        groups[row["day"][:7]].append((row["outcome"], None, row["n"]))
    result = []
    for month in months_of(period):
        counts = _counts(groups.get(month.label, []))
        result.append((month, dataclasses.replace(counts, by_field={})))
    return result


async def _units(db: Database, info: ScopeInfo) -> tuple[list[Unit], dict[str, bool]]:
    """The rows of a scope's table and the Art. 12 ethnic-area flag of every commune involved."""
    scope = info.scope
    if _by_commune(scope):
        communes = await repo.communes(db, pilot_only=scope.level == ScopeLevel.PILOT)
        # Vietnamese alphabetical order by the commune's name (not the SQL's code-point order).
        communes = sorted_by(communes, lambda c: c.name)
        units = [
            Unit(
                key=c.code,
                name=_commune_label(c.unit_type, c.name),
                commune_code=c.code,
                is_pilot=c.is_pilot,
                is_model=c.is_model,
            )
            for c in communes
        ]
        return units, {c.code: c.is_ethnic_area for c in communes}
    if scope.level == ScopeLevel.COMMUNE:
        assert scope.commune_code is not None  # Scope guarantees it
        teams = await repo.commune_teams(db, scope.commune_code)
    else:
        assert scope.team_id is not None  # Scope guarantees it
        team = await repo.team_unit(db, scope.team_id)
        teams = [] if team is None else [team]
    teams = sorted_by(teams, lambda t: t.name)
    units = [
        Unit(
            key=str(t.id),
            name=ts.TEAM_NAME.format(team=t.name),
            commune_code=t.commune_code,
            is_pilot=t.is_pilot,
            is_model=t.is_model,
            team_id=t.id,
        )
        for t in teams
    ]
    return units, {t.commune_code: t.is_ethnic_area for t in teams}


@dataclass(slots=True)
class _TeamTally:
    """Mutable per-team accumulator while reading members."""

    commune_code: str
    members: list[MemberFacts] = field(default_factory=list)
    male: int = 0
    female: int = 0
    legal: int = 0
    ethnic: int = 0
    trained: int = 0
    new_due: int = 0
    new_in_time: int = 0


def _opt_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


TRAINING_WINDOW_MONTHS = 6  # Kế hoạch 115: new mediators trained within 6 months of recognition
_SEX = {Sex.MALE.value: Sex.MALE, Sex.FEMALE.value: Sex.FEMALE}


def recognition_window(first: date, last: date) -> tuple[date, date] | None:
    """Recognition dates whose 6-month training deadline falls in ``first..last`` (inclusive).

    The deadline ``add_months(r, 6)`` never decreases as ``r`` grows, so those dates form one
    interval; computing it once spares a date computation per mediator. None when empty.
    """
    if last < first:
        return None

    def deadline(d: date) -> date:
        return add_months(d, TRAINING_WINDOW_MONTHS)

    day = timedelta(days=1)
    low = add_months(first, -TRAINING_WINDOW_MONTHS)
    # Month-end clamping maps several days to one deadline (29–31/8 → 28/2): step to the edge.
    while deadline(low - day) >= first:
        low -= day
    while deadline(low) < first:
        low += day
    high = add_months(last, -TRAINING_WINDOW_MONTHS)
    while deadline(high + day) <= last:
        high += day
    while deadline(high) > last:
        high -= day
    return (low, high) if low <= high else None


async def _staffing(
    db: Database, info: ScopeInfo, period: Period, as_of: date, ethnic_area: dict[str, bool]
) -> dict[str, Staffing]:
    """Form 10c counts and team indicators per unit key, as of the period's end."""
    scope = info.scope
    area = _area(scope)
    team_communes = await repo.team_communes(db, area)
    tallies = {team_id: _TeamTally(commune_code) for team_id, commune_code in team_communes.items()}
    if not tallies:
        return {}
    members = await repo.active_members(db, area)
    supported = await repo.supported_teams(db, area)
    # ISO dates compare correctly as strings: the loop below runs once per mediator of the
    # province, so it avoids parsing dates except for the few whose training window closes.
    end_iso = period.end.isoformat()
    window = recognition_window(period.start, min(period.end, as_of))
    low_iso, high_iso = (window[0].isoformat(), window[1].isoformat()) if window else ("", "")
    leader = Role.TEAM_LEADER.value
    # Member facts are immutable and take few distinct values: share them instead of building
    # one per mediator (frozen dataclasses are slow to construct).
    facts: dict[tuple[Sex | None, bool | None, bool], MemberFacts] = {}
    deadlines: dict[str, str] = {}  # recognition date → training deadline; many share a day
    for team_id, role, sex_code, ethnic_flag, legal, recognised, trained_on in members:
        if recognised and recognised > end_iso:
            continue
        tally = tallies[team_id]
        sex = _SEX.get(sex_code)
        ethnic = None if ethnic_flag is None else bool(ethnic_flag)
        trained = bool(trained_on) and trained_on <= end_iso
        fact_key = (sex, ethnic, role == leader)
        fact = facts.get(fact_key)
        if fact is None:
            fact = facts[fact_key] = MemberFacts(True, sex, ethnic, is_leader=fact_key[2])
        tally.members.append(fact)
        tally.male += sex is Sex.MALE
        tally.female += sex is Sex.FEMALE
        tally.legal += bool(legal)
        tally.ethnic += ethnic is True
        tally.trained += trained
        if recognised and low_iso <= recognised <= high_iso:
            tally.new_due += 1
            deadline = deadlines.get(recognised)
            if deadline is None:
                deadline = add_months(date.fromisoformat(recognised), TRAINING_WINDOW_MONTHS).isoformat()
                deadlines[recognised] = deadline
            tally.new_in_time += trained and trained_on <= deadline

    by_unit: dict[str, list[int]] = {}
    for team_id, tally in tallies.items():
        compliant = check_composition(tally.members, ethnic_area.get(tally.commune_code, True)).ok
        key = tally.commune_code if _by_commune(scope) else str(team_id)
        counts = [
            1,
            len(tally.members),
            tally.male,
            tally.female,
            tally.legal,
            tally.ethnic,
            tally.trained,
            int(compliant),
            int(team_id in supported),
            tally.new_due,
            tally.new_in_time,
        ]
        total = by_unit.setdefault(key, [0] * len(counts))
        for index, value in enumerate(counts):
            total[index] += value
    # The list order above is Staffing's field order.
    return {key: Staffing(*values) for key, values in by_unit.items()}


def _sum_cases(items: Iterable[CaseCounts]) -> CaseCounts:
    total = CaseCounts()
    for item in items:
        total = total + item
    return total


def _sum_staffing(items: Iterable[Staffing]) -> Staffing:
    total = Staffing()
    for item in items:
        total = total + item
    return total


async def unit_table(
    db: Database,
    viewer: Viewer,
    period: Period,
    scope: Scope | None = None,
    *,
    today: date | None = None,
) -> UnitTable:
    """Per-unit cases and staffing: every commune of the province (or of the pilot group), or the
    teams of a commune (confirmed ones, plus any other team that received cases in the period).

    ``today`` bounds the new-mediator training windows judged (default: the period's end).
    """
    info = await resolve_scope(db, viewer, scope)
    return await _table(db, info, period, today or period.end)


async def _table(db: Database, info: ScopeInfo, period: Period, as_of: date) -> UnitTable:
    units, ethnic_area = await _units(db, info)
    cases = await _grouped_cases(db, info.scope, period)
    staffing = await _staffing(db, info, period, as_of, ethnic_area)
    rows = []
    for unit in units:
        unit_cases = cases.get(unit.key, CaseCounts())
        unit_staff = staffing.get(unit.key, Staffing())
        # A commune's table lists its staffed teams and any team that received cases; every
        # commune of a province-level table is listed, as on the official forms.
        if _by_commune(info.scope) or unit_staff.teams or unit_cases.received:
            rows.append(UnitRow(unit, unit_cases, unit_staff))
    return UnitTable(
        info=info,
        period=period,
        rows=rows,
        cases=_sum_cases(r.cases for r in rows),
        staffing=_sum_staffing(r.staffing for r in rows),
    )


def _months_elapsed(period: Period, as_of: date) -> int:
    """Calendar months of the period up to ``as_of`` (the current month counts)."""
    end = min(period.end, as_of)
    if end < period.start:
        return 0
    return (end.year * 12 + end.month) - (period.start.year * 12 + period.start.month) + 1


def build_indicators(
    table: UnitTable,
    targets: Targets,
    *,
    trainers: int | None = None,
    communes: int | None = None,
    model_communes: int | None = None,
) -> list[Indicator]:
    """The Kế hoạch 115 indicators that make sense for the table's scope.

    A scope made only of pilot communes (the pilot group, or a team or commune in a pilot
    commune) is judged against the pilot targets; the province against both. The trainer and
    model-commune indicators exist only province-wide.
    """
    info = table.info
    all_pilot = info.level == ScopeLevel.PILOT or info.is_pilot is True
    pilot_rows = [r for r in table.rows if r.unit.is_pilot]
    any_pilot = all_pilot or bool(pilot_rows)
    pilot_cases = _sum_cases(r.cases for r in pilot_rows) if not all_pilot else table.cases
    pilot_staff = _sum_staffing(r.staffing for r in pilot_rows) if not all_pilot else table.staffing
    cases, staff = table.cases, table.staffing

    def make(code: IndicatorCode, numerator: int, denominator: int) -> Indicator:
        return indicator(code, numerator, denominator, targets.get(code))

    found: list[Indicator] = []
    if not all_pilot:
        found.append(make(IndicatorCode.SUCCESS_RATE, cases.thanh, cases.mediated))
    if any_pilot:
        found.append(make(IndicatorCode.PILOT_SUCCESS_RATE, pilot_cases.thanh, pilot_cases.mediated))
    found.append(make(IndicatorCode.COMPOSITION, staff.teams_compliant, staff.teams))
    found.append(make(IndicatorCode.LEGAL_SUPPORT, staff.teams_supported, staff.teams))
    if not all_pilot:
        found.append(make(IndicatorCode.TRAINED, staff.trained, staff.mediators))
    if any_pilot:
        found.append(make(IndicatorCode.PILOT_TRAINED, pilot_staff.trained, pilot_staff.mediators))
    found.append(make(IndicatorCode.NEW_TRAINED_6M, staff.new_trained_in_time, staff.new_due))
    if trainers is not None:
        found.append(make(IndicatorCode.TRAINERS_PER_100_TEAMS, trainers, staff.teams))
    if communes is not None and model_communes is not None:
        found.append(make(IndicatorCode.MODEL_COMMUNES, model_communes, communes))
    return found


async def summary(
    db: Database,
    viewer: Viewer,
    period: Period,
    scope: Scope | None = None,
    *,
    targets: Targets | None = None,
    rates: RemunerationRates | None = None,
    today: date | None = None,
) -> StatsSummary:
    """Cases, staffing, every applicable indicator with target and gap, and the remuneration estimate.

    ``today`` bounds the months of team allowance and the training windows judged (default: the
    period's end, i.e. a closed period).
    """
    info = await resolve_scope(db, viewer, scope)
    as_of = today or period.end
    table = await _table(db, info, period, as_of)
    return await summarise(db, table, targets=targets, rates=rates, today=as_of)


async def summarise(
    db: Database,
    table: UnitTable,
    *,
    targets: Targets | None = None,
    rates: RemunerationRates | None = None,
    today: date | None = None,
) -> StatsSummary:
    """The summary of an already computed table (saves the queries when both are needed)."""
    targets = targets or Targets()
    rates = rates or RemunerationRates()
    as_of = today or table.period.end
    trainers = communes = model = None
    if table.info.level == ScopeLevel.PROVINCE:
        trainers = await repo.active_trainers(db)
        communes = len(table.rows)
        model = sum(1 for r in table.rows if r.unit.is_model)
    team_months = table.staffing.teams * _months_elapsed(table.period, as_of)
    return StatsSummary(
        info=table.info,
        period=table.period,
        cases=table.cases,
        staffing=table.staffing,
        indicators=build_indicators(
            table, targets, trainers=trainers, communes=communes, model_communes=model
        ),
        remuneration=estimate_total(table.cases, rates, team_months=team_months),
        team_months=team_months,
        trainers=trainers,
        communes=communes,
        model_communes=model,
    )


def ranking(table: UnitTable, top: int = 5, bottom: int = 5) -> tuple[list[UnitRow], list[UnitRow], int]:
    """Best and worst units by success rate, and how many units had no concluded case to rank.

    Ties are broken by the number of concluded cases (more evidence first), then by name, so the
    order is stable. When there are fewer than ``top + bottom`` ranked units, all are in ``best``.
    """
    ranked = [r for r in table.rows if r.cases.mediated > 0]
    ranked.sort(key=lambda r: (-(r.cases.success.exact or 0), -r.cases.mediated, sort_key(r.unit.name)))
    unranked = len(table.rows) - len(ranked)
    if len(ranked) <= top + bottom:
        return ranked, [], unranked
    return ranked[:top], ranked[-bottom:], unranked


async def casebook(
    db: Database, viewer: Viewer, period: Period, scope: Scope | None = None
) -> list[CasebookTeam]:
    """The Sổ theo dõi of every team in scope that received cases in the period, cases by date."""
    info = await resolve_scope(db, viewer, scope)
    rows = await repo.casebook_rows(db, _area(info.scope), period.start, period.end)
    books: dict[int, CasebookTeam] = {}
    for row in rows:
        book = books.get(row["team_id"])
        if book is None:
            unit = Unit(
                key=str(row["team_id"]),
                name=ts.TEAM_NAME.format(team=row["team"]),
                commune_code=row["commune_code"],
                is_pilot=bool(row["is_pilot"]),
                team_id=row["team_id"],
            )
            commune = _commune_label(row["unit_type"], row["commune"])
            book = books[row["team_id"]] = CasebookTeam(unit, row["team"], commune)
        book.entries.append(
            CasebookEntry(
                code=row["code"],
                received_on=date.fromisoformat(row["received_on"]),
                parties_count=row["parties_count"],
                field=row["field"],
                summary=row["summary"],
                outcome=row["outcome"],
                outcome_on=_opt_date(row["outcome_on"]),
                mediator=row["mediator"],
                out_of_scope_reason=row["out_of_scope_reason"],
                next_step=row["next_step"],
                written_agreement=_opt_bool(row["written_agreement"]),
                wants_court_recognition=_opt_bool(row["wants_court_recognition"]),
                legal_support=row["legal_support"],
                vulnerable_involved=_opt_bool(row["vulnerable_involved"]),
            )
        )
    # Books by commune, then team, in Vietnamese alphabetical order.
    return sorted(books.values(), key=lambda b: (sort_key(b.commune_name), sort_key(b.team_name)))


def _opt_bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def rates_from_settings(settings: Settings) -> RemunerationRates:
    """Remuneration rates from configuration (``REMUNERATION_*`` variables)."""
    return RemunerationRates(
        per_case=settings.remuneration_per_case,
        per_successful_case=settings.remuneration_per_successful_case,
        team_monthly=settings.remuneration_team_monthly,
    )


__all__ = [
    "PROVINCE_ROLES",
    "CasebookEntry",
    "CasebookTeam",
    "Scope",
    "ScopeInfo",
    "ScopeLevel",
    "Staffing",
    "StatsSummary",
    "Unit",
    "UnitRow",
    "UnitTable",
    "Viewer",
    "build_indicators",
    "case_counts",
    "casebook",
    "default_scope",
    "may_see_groups",
    "monthly_counts",
    "months_of",
    "ranking",
    "rates_from_settings",
    "recognition_window",
    "resolve_scope",
    "summarise",
    "summary",
    "unit_table",
]
