"""Reminders and digests, computed from the database on every scheduler run.

Nothing is held in memory between runs: each rule looks at the data as it is now and says
which reminders are due, each with a *subject key* naming its recipient, its subject and its
period (``rem:stale:<case>:<updated_at>:<person>``). A reminder is queued through
:func:`bot.storage.outbox.enqueue` with the key plus the channel as the outbox's unique
``dedupe_key``, so it goes out at most once per subject and period however often the rules
run. After downtime the next run finds what fell due meanwhile and queues it once — unless it
has expired (a court deadline that passed, a report whose due date is behind us).

The rules:

========================  ===========================  ==========================================
rule                      to                           once per
========================  ===========================  ==========================================
stale case                the reporting mediator¹      case × last change (a new change re-arms)
start deadline (Art. 20)  reporter and team leaders    case × person
court recognition (418)   the reporting mediator¹      case × deadline
pending registrations     commune officer              officer × day
team composition (Art 12) commune officer              officer × ISO week
untrained mediators       commune officer              officer × ISO week
report due                commune officer              officer × report instance
weekly digest             commune officer              officer × (previous) ISO week
silent communes           province officer             officer × month
monthly digest            province officer             officer × (previous) month
========================  ===========================  ==========================================

¹ or, when the reporter is no longer active, the team's leaders.

All are of kind ``reminder``: the outbox sender holds them during quiet hours. Officers'
periodic reminders wait each day until ``send_after`` (local time) so they reflect the
morning's state rather than midnight's.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.conversation.messages import Choice, Reply
from bot.domain.access import may_approve
from bot.domain.composition import MemberFacts, Shortfall, check_composition
from bot.domain.dates import add_months, format_date
from bot.domain.deadlines import (
    START_WITHIN_DAYS,
    court_recognition_deadline,
    days_left,
    is_approaching,
    start_deadline,
    training_deadline,
)
from bot.domain.enums import FIELD_LABELS, CaseField, PersonStatus, Role
from bot.domain.kpi import CaseCounts, Targets
from bot.domain.people import Person
from bot.domain.periods import (
    Period,
    ReportingCalendar,
    ReportLevel,
    current_reporting_period,
    next_due,
)
from bot.services import stats
from bot.services.notify import reachable_identities
from bot.storage import outbox, units
from bot.storage import people as people_repo
from bot.storage import reminders as repo
from bot.storage.db import Database
from bot.storage.reminders import CaseDue, Officer
from bot.texts import reminders as tr
from bot.texts.stats import number, percent, period_title

log = logging.getLogger(__name__)


class Rule(StrEnum):
    """The reminder rules; :attr:`RemindersConfig.rules` says which are on."""

    STALE_CASE = "stale_case"
    START_DEADLINE = "start_deadline"
    COURT_DEADLINE = "court_deadline"
    PENDING_REGISTRATIONS = "pending_registrations"
    TEAM_COMPOSITION = "team_composition"
    UNTRAINED = "untrained"
    REPORT_DUE = "report_due"
    COMMUNE_DIGEST = "commune_digest"
    SILENT_COMMUNES = "silent_communes"
    PROVINCE_DIGEST = "province_digest"


@dataclass(frozen=True, slots=True)
class RemindersConfig:
    """Which rules run and their thresholds; every default can be replaced by configuration.

    ``start_late_days``: how long after the Art. 20.2 deadline an unstarted case is still worth
    a reminder (older ones are left to the stale-case rule, so imported history is not flooded).
    ``weekly_from`` (0 = Monday) and ``monthly_from`` (day of month): the first day of the week
    or month on which weekly and monthly reminders may go out; a later day of the same week or
    month catches up after downtime.
    """

    rules: frozenset[Rule] = frozenset(Rule)
    stale_days: int = 7
    start_late_days: int = 7
    court_lead_days: int = 30
    untrained_after_months: int = 5
    report_lead_days: int = 7
    silent_after_days: int = 28
    weekly_from: int = 0
    monthly_from: int = 1
    send_after: time = time(7, 30)
    max_lines: int = 15
    calendar: ReportingCalendar = field(default_factory=ReportingCalendar)
    targets: Targets = field(default_factory=Targets)


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder to one person; ``key`` is its subject key (the outbox key minus the channel)."""

    rule: Rule
    person_id: int
    key: str
    reply: Reply


@dataclass(frozen=True, slots=True)
class _Run:
    """One evaluation of the rules: the moment, its local date, and the configuration."""

    db: Database
    now: datetime
    local: datetime
    config: RemindersConfig

    @property
    def today(self) -> date:
        return self.local.date()

    @property
    def daily_ok(self) -> bool:
        """Officers' periodic reminders wait for the morning."""
        return self.local.time() >= self.config.send_after

    @property
    def weekly_ok(self) -> bool:
        return self.daily_ok and self.local.weekday() >= self.config.weekly_from

    @property
    def monthly_ok(self) -> bool:
        return self.daily_ok and self.local.day >= self.config.monthly_from

    def iso_week(self, day: date | None = None) -> str:
        year, week, _ = (day or self.today).isocalendar()
        return f"{year}-W{week:02d}"

    async def fresh(self, keys: Iterable[str]) -> set[str]:
        """The keys not queued before (saves building messages that would be dropped)."""
        wanted = list(keys)
        return set(wanted) - await repo.logged(self.db, wanted)


Producer = Callable[[_Run], Awaitable[list[Reminder]]]


async def run_rules(
    db: Database, now: datetime, tz: ZoneInfo, config: RemindersConfig | None = None, *, batch: int = 100
) -> dict[Rule, int]:
    """Evaluate every enabled rule and queue what is due; returns outbox rows queued per rule.

    Reads use the reader connection; writes go in transactions of at most ``batch`` reminders,
    so the chats' write transactions are never held up for long. A rule that fails is logged
    and left out of the result; the others still run (the next run tries it again).
    """
    config = config or RemindersConfig()
    run = _Run(db=db, now=now, local=now.astimezone(tz), config=config)
    queued: dict[Rule, int] = {}
    for rule, producer in _PRODUCERS.items():
        if rule not in config.rules:
            continue
        try:
            queued[rule] = await deliver(db, await producer(run), now, batch=batch)
        except Exception:
            log.exception("reminder_rule_failed rule=%s", rule)
            continue
        if queued[rule]:
            log.info("reminders_queued rule=%s messages=%d", rule, queued[rule])
    return queued


async def deliver(db: Database, reminders: Sequence[Reminder], now: datetime, *, batch: int = 100) -> int:
    """Queue reminders not queued before, to every reachable chat of each recipient.

    A reminder enters the ledger once queued to at least one chat; one whose recipient has no
    reachable chat is tried again on later runs (the user may come back).
    """
    done = await repo.logged(db, [r.key for r in reminders])
    todo = [r for r in reminders if r.key not in done]
    queued = 0
    for start in range(0, len(todo), batch):
        async with db.transaction() as conn:
            for reminder in todo[start : start + batch]:
                chats = await reachable_identities(conn, reminder.person_id)
                for channel, chat_id in chats:
                    queued += await outbox.enqueue(
                        conn,
                        channel=channel,
                        chat_id=chat_id,
                        person_id=reminder.person_id,
                        reply=reminder.reply,
                        dedupe_key=f"{reminder.key}:{channel}",
                        kind=outbox.Kind.REMINDER,
                        now=now,
                    )
                if chats:
                    await repo.log(conn, reminder.key, reminder.rule, reminder.person_id, now)
    return queued


# ---------------------------------------------------------------------------- case rules


def _field(code: str) -> str:
    try:
        return FIELD_LABELS[CaseField(code)].split(" (")[0]
    except ValueError:
        return FIELD_LABELS[CaseField.KHAC]


async def _recipients(run: _Run, cases: Sequence[CaseDue], *, leaders_too: bool) -> dict[int, list[int]]:
    """Who hears about each case: the reporter (and the team's leaders when ``leaders_too``);
    the leaders stand in when the reporter is no longer active. Only reachable people count."""
    leaders = await repo.team_leaders(run.db, {c.team_id for c in cases})
    everyone = {c.reported_by for c in cases} | {p for ids in leaders.values() for p in ids}
    reachable = await repo.reachable_active(run.db, everyone)
    found: dict[int, list[int]] = {}
    for case in cases:
        team = [p for p in leaders.get(case.team_id, []) if p in reachable]
        reporter = [case.reported_by] if case.reported_by in reachable else []
        chosen = reporter + team if leaders_too else reporter or team
        found[case.id] = list(dict.fromkeys(chosen))
    return found


async def _stale_cases(run: _Run) -> list[Reminder]:
    cases = await repo.stale_cases(run.db, run.now - timedelta(days=run.config.stale_days))
    recipients = await _recipients(run, cases, leaders_too=False)
    found = []
    for case in cases:
        idle = (run.now - datetime.fromisoformat(case.updated_at)).days
        reply = Reply(
            tr.STALE_CASE.format(
                code=case.code, field=_field(case.field), received=format_date(case.received_on), days=idle
            ),
            choices=[Choice(tr.RECORD_NOW, f"go:cases:{case.id}")],
        )
        for person in recipients[case.id]:
            key = f"rem:stale:{case.id}:{case.updated_at}:{person}"
            found.append(Reminder(Rule.STALE_CASE, person, key, reply))
    return found


async def _start_deadline(run: _Run) -> list[Reminder]:
    today, late = run.today, run.config.start_late_days
    # received + 3 days is the last day to start: remind from that day for ``late`` more days.
    latest = today - timedelta(days=START_WITHIN_DAYS)
    cases = await repo.unstarted_assigned(run.db, latest - timedelta(days=late), latest)
    tz = run.local.tzinfo
    # A case recorded only after its deadline had passed was evidently handled off the record:
    # a reminder to start it would be noise.
    cases = [
        c
        for c in cases
        if datetime.fromisoformat(c.created_at).astimezone(tz).date() <= start_deadline(c.received_on)
    ]
    recipients = await _recipients(run, cases, leaders_too=True)
    found = []
    for case in cases:
        deadline = start_deadline(case.received_on)
        overdue = -days_left(deadline, today)
        template = tr.START_DUE_TODAY if overdue == 0 else tr.START_OVERDUE
        reply = Reply(
            template.format(
                code=case.code,
                field=_field(case.field),
                received=format_date(case.received_on),
                deadline=format_date(deadline),
                late=overdue,
            ),
            choices=[Choice(tr.OPEN_CASE, f"go:cases:{case.id}")],
        )
        for person in recipients[case.id]:
            found.append(Reminder(Rule.START_DEADLINE, person, f"rem:start:{case.id}:{person}", reply))
    return found


async def _court_deadline(run: _Run) -> list[Reminder]:
    today, lead = run.today, run.config.court_lead_days
    # Agreements older than six months (and a few days for month-end clamping) are out of time.
    candidates = await repo.court_recognition_wanted(run.db, add_months(today, -6) - timedelta(days=4))
    cases = [
        c
        for c in candidates
        if c.outcome_on is not None and is_approaching(court_recognition_deadline(c.outcome_on), today, lead)
    ]
    recipients = await _recipients(run, cases, leaders_too=False)
    found = []
    for case in cases:
        assert case.outcome_on is not None
        deadline = court_recognition_deadline(case.outcome_on)
        remaining = days_left(deadline, today)
        template = tr.COURT_DEADLINE_TODAY if remaining == 0 else tr.COURT_DEADLINE
        reply = Reply(
            template.format(
                code=case.code,
                agreed=format_date(case.outcome_on),
                deadline=format_date(deadline),
                days=remaining,
            ),
            choices=[Choice(tr.OPEN_CASE, f"go:cases:{case.id}")],
        )
        for person in recipients[case.id]:
            key = f"rem:court:{case.id}:{deadline.isoformat()}:{person}"
            found.append(Reminder(Rule.COURT_DEADLINE, person, key, reply))
    return found


# ---------------------------------------------------------------------------- commune officers


def _lines(lines: Sequence[str], limit: int) -> str:
    """At most ``limit`` lines, then how many were left out."""
    shown = list(lines[:limit])
    if len(lines) > limit:
        shown.append(tr.MORE_LINES.format(n=len(lines) - limit))
    return "\n".join(shown)


async def _due_officers(run: _Run, role: Role, key: Callable[[Officer], str]) -> list[tuple[Officer, str]]:
    """Reachable officers of ``role`` with the key of this period's reminder, not yet queued."""
    officers = await repo.reachable_officers(run.db, role)
    keyed = [(officer, key(officer)) for officer in officers]
    fresh = await run.fresh(k for _, k in keyed)
    return [(officer, k) for officer, k in keyed if k in fresh]


async def _commune_labels(run: _Run) -> dict[str, str]:
    return {c.code: c.label for c in await units.list_communes(run.db)}


async def _pending_by_officer(run: _Run, officers: Iterable[Officer]) -> dict[int, list[Person]]:
    """Pending registrations each officer may decide."""
    pending = await people_repo.people_with_status(run.db.reader, PersonStatus.PENDING)
    found: dict[int, list[Person]] = {}
    for officer in officers:
        person = await people_repo.get_person(run.db.reader, officer.id)
        if person is not None:
            found[officer.id] = [p for p in pending if may_approve(person, p.role, p.commune_code)]
    return found


async def _pending_registrations(run: _Run) -> list[Reminder]:
    if not run.daily_ok:
        return []
    due = await _due_officers(
        run, Role.COMMUNE_OFFICER, lambda o: f"rem:pending:{o.id}:{run.today.isoformat()}"
    )
    pending = await _pending_by_officer(run, (officer for officer, _ in due))
    found = []
    for officer, key in due:
        people = pending.get(officer.id, [])
        if not people:
            continue
        names = ", ".join(p.full_name for p in people[: run.config.max_lines])
        if len(people) > run.config.max_lines:
            names += " …"
        reply = Reply(
            tr.PENDING_REGISTRATIONS.format(n=len(people), names=names),
            choices=[Choice(tr.OPEN_APPROVALS, "go:approve")],
        )
        found.append(Reminder(Rule.PENDING_REGISTRATIONS, officer.id, key, reply))
    return found


def _shortfall(shortfall: Shortfall) -> str:
    return tr.SHORTFALLS[shortfall.code].format(have=shortfall.have, need=shortfall.need)


async def _team_composition(run: _Run) -> list[Reminder]:
    if not run.weekly_ok:
        return []
    week = run.iso_week()
    due = await _due_officers(run, Role.COMMUNE_OFFICER, lambda o: f"rem:composition:{o.id}:{week}")
    labels = await _commune_labels(run) if due else {}
    failing_by_commune: dict[str, list[str]] = {}
    found = []
    for officer, key in due:
        code = officer.commune_code
        assert code is not None
        if code not in failing_by_commune:
            teams, members = await repo.confirmed_teams(run.db, code)
            lines = []
            for team in teams:
                facts = [
                    MemberFacts(True, m.sex, m.ethnic_minority, is_leader=m.is_leader)
                    for m in members
                    if m.team_id == team.id
                ]
                result = check_composition(facts, team.ethnic_area)
                if not result.ok:
                    problems = "; ".join(_shortfall(s) for s in result.shortfalls)
                    lines.append(tr.COMPOSITION_LINE.format(team=team.name, problems=problems))
            failing_by_commune[code] = lines
        lines = failing_by_commune[code]
        if not lines:
            continue
        text = "\n".join(
            [
                tr.COMPOSITION_TITLE.format(n=len(lines), commune=labels.get(code, code)),
                _lines(lines, run.config.max_lines),
                tr.COMPOSITION_FOOTER,
            ]
        )
        found.append(Reminder(Rule.TEAM_COMPOSITION, officer.id, key, Reply(text)))
    return found


async def _untrained(run: _Run) -> list[Reminder]:
    if not run.weekly_ok:
        return []
    week = run.iso_week()
    months = run.config.untrained_after_months
    due = await _due_officers(run, Role.COMMUNE_OFFICER, lambda o: f"rem:untrained:{o.id}:{week}")
    labels = await _commune_labels(run) if due else {}
    # "More than N months ago": recognised before the day N months back.
    recognised_by = add_months(run.today, -months) - timedelta(days=1)
    found = []
    for officer, key in due:
        code = officer.commune_code
        assert code is not None
        rows = await repo.untrained_recognised_by(run.db, code, recognised_by)
        if not rows:
            continue
        lines = []
        for row in rows:
            deadline = training_deadline(row.recognised_on)
            template = tr.UNTRAINED_LINE_LATE if deadline < run.today else tr.UNTRAINED_LINE
            lines.append(
                template.format(
                    name=row.full_name,
                    recognised=format_date(row.recognised_on),
                    deadline=format_date(deadline),
                )
            )
        title = tr.UNTRAINED_TITLE.format(n=len(rows), commune=labels.get(code, code), months=months)
        text = title + "\n" + _lines(lines, run.config.max_lines)
        found.append(Reminder(Rule.UNTRAINED, officer.id, key, Reply(text)))
    return found


async def _report_due(run: _Run) -> list[Reminder]:
    if not run.daily_ok:
        return []
    report = next_due(run.today, run.config.calendar, ReportLevel.COMMUNE)
    if report is None or days_left(report.due, run.today) > run.config.report_lead_days:
        return []
    instance = f"{report.kind}:{report.period.label}:{report.due.isoformat()}"
    due = await _due_officers(run, Role.COMMUNE_OFFICER, lambda o: f"rem:report:{o.id}:{instance}")
    labels = await _commune_labels(run) if due else {}
    remaining = days_left(report.due, run.today)
    template = tr.REPORT_DUE_TODAY if remaining == 0 else tr.REPORT_DUE
    name = tr.REPORT_NAMES[report.kind].format(period=period_title(report.period))
    found = []
    for officer, key in due:
        code = officer.commune_code
        assert code is not None
        text = template.format(
            report=name,
            commune=labels.get(code, code),
            due=format_date(report.due),
            days=remaining,
            cutoff=format_date(report.cutoff),
        )
        found.append(Reminder(Rule.REPORT_DUE, officer.id, key, Reply(text)))
    return found


async def _commune_digest(run: _Run) -> list[Reminder]:
    if not run.weekly_ok:
        return []
    monday = run.today - timedelta(days=run.today.weekday())
    first, last = monday - timedelta(days=7), monday - timedelta(days=1)
    week = run.iso_week(first)
    due = await _due_officers(run, Role.COMMUNE_OFFICER, lambda o: f"rem:cdigest:{o.id}:{week}")
    if not due:
        return []
    labels = await _commune_labels(run)
    pending = await _pending_by_officer(run, (officer for officer, _ in due))
    counts: dict[str, CaseCounts] = {}
    found = []
    for officer, key in due:
        code = officer.commune_code
        assert code is not None
        if code not in counts:
            counts[code] = await stats.case_counts(
                run.db, stats.Scope.commune(code), Period.custom(first, last)
            )
        tally = counts[code]
        text = tr.COMMUNE_DIGEST.format(
            first=format_date(first)[:5],
            last=format_date(last),
            commune=labels.get(code, code),
            received=number(tally.received),
            thanh=number(tally.thanh),
            khong_thanh=number(tally.khong_thanh),
            dang=number(tally.dang),
            pending=number(len(pending.get(officer.id, []))),
        )
        found.append(Reminder(Rule.COMMUNE_DIGEST, officer.id, key, Reply(text)))
    return found


# ---------------------------------------------------------------------------- province officers


async def _silent_communes(run: _Run) -> list[Reminder]:
    if not run.monthly_ok:
        return []
    current = current_reporting_period(run.today, run.config.calendar, ReportLevel.COMMUNE)
    if current is None or (run.today - current.period.start).days < run.config.silent_after_days:
        return []
    month = run.today.strftime("%Y-%m")
    due = await _due_officers(run, Role.PROVINCE_OFFICER, lambda o: f"rem:silent:{o.id}:{month}")
    if not due:
        return []
    activity = await repo.commune_activity(run.db, current.period.start, run.today)
    silent = [c.code for c in activity if c.cases == 0 and c.has_mediators]
    if not silent:
        return []
    unstaffed = sum(1 for c in activity if c.cases == 0 and not c.has_mediators)
    labels = await _commune_labels(run)
    names = sorted(labels.get(code, code) for code in silent)
    text = tr.SILENT_COMMUNES.format(
        period=period_title(current.period),
        start=format_date(current.period.start),
        n=len(silent),
        names=_lines([f"• {name}" for name in names], run.config.max_lines * 3),
    )
    if unstaffed:
        text += "\n" + tr.SILENT_UNSTAFFED.format(n=unstaffed)
    return [Reminder(Rule.SILENT_COMMUNES, officer.id, key, Reply(text)) for officer, key in due]


async def _province_digest(run: _Run) -> list[Reminder]:
    if not run.monthly_ok:
        return []
    previous = add_months(date(run.today.year, run.today.month, 1), -1)
    month = Period.month(previous.year, previous.month)
    due = await _due_officers(run, Role.PROVINCE_OFFICER, lambda o: f"rem:pdigest:{o.id}:{month.label}")
    if not due:
        return []
    summary = await stats.summary(run.db, stats.Scope.province(), month, targets=run.config.targets)
    cases, staff = summary.cases, summary.staffing
    text = tr.PROVINCE_DIGEST.format(
        month=f"{previous.month}/{previous.year}",
        received=number(cases.received),
        thanh=number(cases.thanh),
        khong_thanh=number(cases.khong_thanh),
        dang=number(cases.dang),
        rate=percent(cases.success.value),
        target=percent(run.config.targets.success_rate.low, 0),
        failing=number(staff.teams - staff.teams_compliant),
        teams=number(staff.teams),
        trained_share=percent(staff.trained / staff.mediators if staff.mediators else None),
        trained=number(staff.trained),
        mediators=number(staff.mediators),
    )
    return [Reminder(Rule.PROVINCE_DIGEST, officer.id, key, Reply(text)) for officer, key in due]


_PRODUCERS: dict[Rule, Producer] = {
    Rule.STALE_CASE: _stale_cases,
    Rule.START_DEADLINE: _start_deadline,
    Rule.COURT_DEADLINE: _court_deadline,
    Rule.PENDING_REGISTRATIONS: _pending_registrations,
    Rule.TEAM_COMPOSITION: _team_composition,
    Rule.UNTRAINED: _untrained,
    Rule.REPORT_DUE: _report_due,
    Rule.COMMUNE_DIGEST: _commune_digest,
    Rule.SILENT_COMMUNES: _silent_communes,
    Rule.PROVINCE_DIGEST: _province_digest,
}
