"""The ``/thongke`` flow: indicators against Kế hoạch 115, charts and official report files.

Team leaders see their team, commune officers their commune, province officers and admins the
province (or the pilot communes). The user picks a period — this month, this quarter, the
current reporting period, this year, or one typed like "2026-Q2" — and gets a short summary
with ✅/⚠️ per indicator, numerator/denominator and target, plus a chart. Then they may ask for
other charts or the Excel reports, each sent as an attachment.

The summary is computed while the chat's transaction is open (a few grouped queries, fast);
charts and workbooks are built by attachment factories, which the channel runs after the
commit, so slow rendering never holds the database lock. Scope is enforced by the statistics
service, not only by who sees the menu item.
"""

from __future__ import annotations

import asyncio
from datetime import date

from bot.conversation.actor import Actor
from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step, choice_step
from bot.conversation.messages import Attachment, AttachmentFactory, Choice, Reply
from bot.domain.dates import add_months
from bot.domain.enums import FIELD_LABELS, Role
from bot.domain.kpi import IndicatorCode, Targets
from bot.domain.people import Person
from bot.domain.periods import (
    Period,
    PeriodError,
    ReportingCalendar,
    ReportLevel,
    current_reporting_period,
    parse_period,
)
from bot.reports import charts
from bot.reports.export import ExportKind, ExportOptions, build_report, default_kinds
from bot.reports.xlsx import XLSX_MIME
from bot.services import privacy, stats, training
from bot.services.stats import Scope, ScopeLevel, StatsSummary
from bot.storage.db import Database
from bot.texts import stats as ts

ALLOWED_ROLES = frozenset({Role.TEAM_LEADER, Role.COMMUNE_OFFICER, Role.PROVINCE_OFFICER, Role.ADMIN})
RANKING_SIZE = 5
PNG_MIME = "image/png"


def stats_visible(actor: Actor) -> bool:
    """Whether the menu shows «Thống kê» to this actor."""
    person = actor.person
    return person is not None and person.active and person.role in ALLOWED_ROLES


def _allowed(actor: Actor) -> str | None:
    return None if stats_visible(actor) else ts.NOT_ALLOWED


def _person(ctx: Ctx) -> Person:
    person = ctx.actor.person
    if person is None:  # the flow's ``allowed`` rules this out; a stale session must not crash
        raise Invalid(ts.NOT_ALLOWED)
    return person


def _scope(ctx: Ctx) -> Scope | None:
    """The scope picked in the flow, None for the person's own."""
    key = ctx.data.get("scope")
    return Scope.from_key(key) if key else None


def _period(ctx: Ctx) -> Period:
    raw = ctx.data["period"]
    return Period(date.fromisoformat(raw["start"]), date.fromisoformat(raw["end"]), raw["label"])


def _is_group(ctx: Ctx) -> bool:
    scope = _scope(ctx)
    return scope is not None and scope.level in (ScopeLevel.PROVINCE, ScopeLevel.PILOT)


# --------------------------------------------------------------------------- summary text


def _short_field(label: str) -> str:
    # "Dân sự khác (tài sản, hợp đồng, …)" is too long for a chat line.
    return label.split(" (", 1)[0]


def format_summary(summary: StatsSummary) -> str:
    """The chat summary: cases, staffing, each indicator against its target, remuneration."""
    cases, staff = summary.cases, summary.staffing
    period = summary.period
    lines = [
        ts.SUMMARY_TITLE.format(scope=summary.info.name),
        ts.SUMMARY_PERIOD.format(title=ts.period_title(period), range=ts.period_range(period)),
        "",
    ]
    if cases.received:
        lines.append(
            ts.SUMMARY_CASES.format(
                received=ts.number(cases.received),
                thanh=ts.number(cases.thanh),
                khong_thanh=ts.number(cases.khong_thanh),
                dang=ts.number(cases.dang),
                out=ts.number(cases.out_of_scope),
            )
        )
        fields = sorted(cases.by_field.items(), key=lambda item: -item[1])
        lines.append(
            ts.SUMMARY_FIELDS.format(
                fields=ts.FIELD_SEPARATOR.join(
                    f"{_short_field(FIELD_LABELS[f])} {ts.number(n)}" for f, n in fields
                )
            )
        )
    else:
        lines.append(ts.SUMMARY_NO_CASES)
    lines.append(
        ts.SUMMARY_STAFF.format(
            teams=ts.number(staff.teams),
            mediators=ts.number(staff.mediators),
            female=ts.number(staff.female),
            ethnic=ts.number(staff.ethnic_minority),
        )
    )
    lines += ["", ts.SUMMARY_TARGETS]
    lines += [ts.indicator_line(ind) for ind in summary.indicators]
    lines += ["", ts.SUMMARY_PAY.format(amount=ts.number(summary.remuneration))]
    return "\n".join(lines)


# --------------------------------------------------------------------------- chart factories


def _success_target(scope_level: ScopeLevel, is_pilot: bool | None, targets: Targets) -> float:
    pilot = scope_level == ScopeLevel.PILOT or is_pilot is True
    return (targets.pilot_success_rate if pilot else targets.success_rate).low


def monthly_window(period: Period) -> Period:
    """The days the monthly chart shows: the 12 months ending with the period's last month, or
    the whole period when it is longer; labelled by its first and last month ("2025-07_2026-06")."""
    last_month = date(period.end.year, period.end.month, 1)
    start = min(period.start, add_months(last_month, -11))
    first, last = f"{start:%Y-%m}", f"{period.end:%Y-%m}"
    return Period(start, period.end, first if first == last else f"{first}_{last}")


def monthly_chart(db: Database, person: Person, scope: Scope | None, period: Period) -> AttachmentFactory:
    """Success rate per month over the 12 months ending with the period (or the whole period
    when it is longer), with the target line."""

    async def make() -> Attachment:
        info = await stats.resolve_scope(db, person, scope)
        window = monthly_window(period)
        months = await stats.monthly_counts(db, info.scope, window)
        bars = [
            charts.Bar(
                ts.CHART_MONTH.format(month=month.start.month, year=month.start.year),
                counts.thanh,
                counts.mediated,
            )
            for month, counts in months
        ]
        target = _success_target(info.level, info.is_pilot, Targets())
        subtitle = f"{info.name} · {ts.period_range(window)}"
        png = await asyncio.to_thread(
            charts.monthly_success_png, bars, target, ts.CHART_MONTHLY_TITLE, subtitle
        )
        # Named after the months it shows, which are more than the period asked for.
        return Attachment(f"ty-le-thanh-theo-thang_{window.label}.png", PNG_MIME, data=png)

    return make


def ranking_chart(db: Database, person: Person, scope: Scope | None, period: Period) -> AttachmentFactory:
    """Best and worst communes by success rate (province or pilot view)."""

    async def make() -> Attachment:
        table = await stats.unit_table(db, person, period, scope)
        best, worst, unranked = stats.ranking(table, RANKING_SIZE, RANKING_SIZE)

        def bars(rows: list[stats.UnitRow]) -> list[charts.Bar]:
            return [charts.Bar(r.unit.name, r.cases.thanh, r.cases.mediated) for r in rows]

        target = _success_target(table.info.level, table.info.is_pilot, Targets())
        subtitle = f"{table.info.name} · {ts.period_title(period)}"
        png = await asyncio.to_thread(
            charts.ranking_png, bars(best), bars(worst), target, ts.CHART_RANKING_TITLE, subtitle, unranked
        )
        return Attachment(f"xep-hang-xa_{period.label}.png", PNG_MIME, data=png)

    return make


_TRAINING_LABELS = {
    IndicatorCode.TRAINED: ts.TRAINING_ALL,
    IndicatorCode.PILOT_TRAINED: ts.TRAINING_PILOT,
    IndicatorCode.NEW_TRAINED_6M: ts.TRAINING_NEW,
}


def training_chart(
    db: Database, person: Person, scope: Scope | None, period: Period, today: date
) -> AttachmentFactory:
    """Training coverage of all mediators, pilot-commune mediators and new mediators vs targets."""

    async def make() -> Attachment:
        summary = await stats.summary(db, person, period, scope, today=today)
        bars = [
            charts.TargetBar(
                _TRAINING_LABELS[ind.code], ind.numerator, ind.denominator, target=ind.target_low
            )
            for ind in summary.indicators
            if ind.code in _TRAINING_LABELS
        ]
        subtitle = f"{summary.info.name} · {ts.period_title(period)}"
        png = await asyncio.to_thread(charts.coverage_png, bars, ts.CHART_TRAINING_TITLE, subtitle)
        return Attachment(f"boi-duong_{period.label}.png", PNG_MIME, data=png)

    return make


def report_attachment(
    db: Database, person: Person, scope: Scope | None, period: Period, kind: ExportKind, today: date
) -> AttachmentFactory:
    """One Excel report as an attachment."""

    async def make() -> Attachment:
        report = await build_report(db, kind, period, person, scope, ExportOptions(today=today))
        return Attachment(report.filename, XLSX_MIME, data=report.data)

    return make


# --------------------------------------------------------------------------- steps


_QUICK_PERIODS = ("month", "quarter", "reporting", "year")


async def _period_prompt(ctx: Ctx) -> Reply:
    return Reply(
        ts.PICK_PERIOD,
        choices=[
            Choice(ts.PERIOD_MONTH, "month"),
            Choice(ts.PERIOD_QUARTER, "quarter"),
            Choice(ts.PERIOD_REPORTING, "reporting"),
            Choice(ts.PERIOD_YEAR, "year"),
        ],
        columns=2,
    )


def _quick_period(value: str, today: date, level: ReportLevel) -> Period:
    if value == "month":
        return Period.month(today.year, today.month)
    if value == "quarter":
        return Period.quarter(today.year, (today.month - 1) // 3 + 1)
    if value == "year":
        return Period.year(today.year)
    instance = current_reporting_period(today, ReportingCalendar(), level)
    if instance is None:
        raise Invalid(ts.NO_REPORTING_PERIOD)
    return instance.period


def _report_level(ctx: Ctx) -> ReportLevel:
    # The province reports to the ministry on its own calendar; everyone else reports as a commune.
    return ReportLevel.PROVINCE if _is_group(ctx) else ReportLevel.COMMUNE


async def _period_parse(ctx: Ctx, answer: Answer) -> dict[str, str]:
    if answer.choice in _QUICK_PERIODS:
        period = _quick_period(answer.choice, ctx.today, _report_level(ctx))
    else:
        parsed = parse_period(answer.text, ctx.today)
        if isinstance(parsed, PeriodError):
            raise Invalid(ts.PERIOD_ERRORS[parsed].format(text=answer.text.strip()))
        period = parsed
    person, scope = _person(ctx), _scope(ctx)
    try:
        summary = await stats.summary(
            ctx.app.db,
            person,
            period,
            scope,
            rates=stats.rates_from_settings(ctx.app.settings),
            today=ctx.today,
        )
    except PermissionError:
        raise Invalid(ts.OUT_OF_SCOPE) from None
    except LookupError:
        raise Invalid(ts.SCOPE_MISSING) from None
    chart = (
        ranking_chart(ctx.app.db, person, scope, period)
        if _is_group(ctx)
        else monthly_chart(ctx.app.db, person, scope, period)
    )
    text = format_summary(summary)
    level = summary.info.scope.level
    if person.is_officer and level in (ScopeLevel.COMMUNE, ScopeLevel.PROVINCE):
        # Formal training and self-study, counted from the training records.
        text += "\n\n" + await training.indicators_text(ctx.tx, person, summary.info.scope.commune_code)
    ctx.say(Reply(text, attachment_factory=chart))
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label}


async def _more_prompt(ctx: Ctx) -> Reply:
    choices = [Choice(ts.MORE_XLSX, "xlsx"), Choice(ts.MORE_MONTHLY, "monthly")]
    if _is_group(ctx):
        choices.append(Choice(ts.MORE_RANKING, "ranking"))
    choices += [
        Choice(ts.MORE_TRAINING, "training"),
        Choice(ts.MORE_OTHER_PERIOD, "period"),
        Choice(ts.MORE_DONE, "done"),
    ]
    return Reply(ts.MORE_PROMPT, choices=choices, columns=2)


async def _more_parse(ctx: Ctx, answer: Answer) -> str:
    value = answer.choice or ""
    if value in ("done", "period"):
        return value
    db, person, scope, period = ctx.app.db, _person(ctx), _scope(ctx), _period(ctx)
    try:
        info = await stats.resolve_scope(db, person, scope)
    except PermissionError:
        raise Invalid(ts.OUT_OF_SCOPE) from None
    except LookupError:
        raise Invalid(ts.SCOPE_MISSING) from None
    scope_name, title = info.name, ts.period_title(period)
    if value == "xlsx":
        kinds = default_kinds(info.level)
        audit_scope = privacy.scope_key(info.scope.level, info.scope.commune_code, info.scope.team_id)
        await privacy.record_access(ctx.tx, person.id, "export_xlsx", audit_scope, ctx.now)
        ctx.say(ts.XLSX_SENDING.format(n=len(kinds), title=title))
        for kind in kinds:
            factory = report_attachment(db, person, scope, period, kind, ctx.today)
            ctx.say(Reply(ts.REPORT_CAPTIONS[kind.value], attachment_factory=factory))
    elif value == "monthly":
        caption = ts.CHART_CAPTION_MONTHLY.format(scope=scope_name)
        ctx.say(Reply(caption, attachment_factory=monthly_chart(db, person, scope, period)))
    elif value == "ranking":
        caption = ts.CHART_CAPTION_RANKING.format(scope=scope_name, title=title)
        ctx.say(Reply(caption, attachment_factory=ranking_chart(db, person, scope, period)))
    elif value == "training":
        caption = ts.CHART_CAPTION_TRAINING.format(scope=scope_name, title=title)
        ctx.say(Reply(caption, attachment_factory=training_chart(db, person, scope, period, ctx.today)))
    return value


def _after_more(ctx: Ctx) -> str | None:
    value = ctx.data.get("more")
    if value == "done":
        return None
    return "period" if value == "period" else "more"


async def _finish(ctx: Ctx) -> list[Reply]:
    return [Reply(ts.DONE)]


def _first(ctx: Ctx) -> str:
    person = ctx.actor.person
    return "scope" if person is not None and stats.may_see_groups(person) else "period"


def stats_flow() -> Flow:
    """The statistics flow (command ``/thongke``)."""
    return Flow(
        name="stats",
        title=ts.FLOW_TITLE,
        steps={
            "scope": choice_step(
                "scope",
                ts.PICK_SCOPE,
                [
                    Choice(ts.SCOPE_PROVINCE, Scope.province().key()),
                    Choice(ts.SCOPE_PILOT, Scope.pilot().key()),
                ],
                next="period",
            ),
            "period": Step("period", _period_prompt, _period_parse, next="more", free_text=True),
            "more": Step("more", _more_prompt, _more_parse, next=_after_more),
        },
        first=_first,
        finish=_finish,
        allowed=_allowed,
        command="thongke",
        ephemeral=True,
    )


__all__ = [
    "ALLOWED_ROLES",
    "format_summary",
    "monthly_chart",
    "ranking_chart",
    "report_attachment",
    "stats_flow",
    "stats_visible",
    "training_chart",
]
