"""``/vuviec``: the team's cases (open ones first); record an outcome, correct a concluded outcome
or its date, add a follow-up note (Art. 26), correct the summary, see the audit trail. Commune
officers read their commune's cases, may ask the team for an update and correct an outcome
with a reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.conversation.actor import Actor
from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Choice, Reply
from bot.domain.dates import format_date
from bot.domain.deadlines import court_recognition_deadline
from bot.domain.enums import FIELD_LABELS, CaseField, CaseOutcome, NextStep, Role
from bot.domain.people import Person
from bot.domain.remuneration import RemunerationRates
from bot.flows.common import require_active
from bot.flows.report_case import outcome_steps, parse_summary, summary_lines
from bot.services import cases
from bot.storage import people as people_repo
from bot.storage import units
from bot.storage.cases import CaseRow
from bot.storage.cases import events as case_events
from bot.texts import cases as tc
from bot.texts import common as t

_ICONS = {"dang_hoa_giai": "⏳", "thanh": "✅", "khong_thanh": "❌", "ngoai_pham_vi": "🚫"}


def _me(ctx: Ctx) -> Person:
    assert ctx.actor.person is not None
    return ctx.actor.person


def case_data(case: CaseRow) -> dict[str, Any]:
    """A stored case in the shape of a report draft (so both share the summary renderer)."""
    return {
        "received": case.received_on.isoformat(),
        "origin": case.origin,
        "field": case.field,
        "summary": case.summary,
        "scope": case.out_of_scope_reason or "ok",
        "parties": case.parties_count,
        "vulnerable": case.vulnerable_involved,
        "outcome": case.outcome
        if case.outcome != CaseOutcome.NGOAI_PHAM_VI
        else CaseOutcome.DANG_HOA_GIAI.value,
        "agreement": case.written_agreement,
        "court": case.wants_court_recognition,
        "next_step": case.next_step,
        "outcome_on": case.outcome_on.isoformat() if case.outcome_on else None,
        "legal": case.legal_support or "none",
    }


async def _begin(ctx: Ctx) -> None:
    me = _me(ctx)
    wanted = ctx.data.get("arg")
    if wanted:
        try:
            await cases.get_visible(ctx.tx, me, int(wanted))
        except (PermissionError, ValueError):
            raise Invalid(tc.CASE_NOT_VISIBLE) from None
        ctx.data["case"] = int(wanted)
        return
    ctx.data["options"] = await _case_options(ctx)


async def _case_options(ctx: Ctx) -> list[list[str]]:
    """The cases this person sees now, as [label, id] (refused when there are none)."""
    me = _me(ctx)
    try:
        visible = await cases.visible_cases(ctx.tx, me)
    except PermissionError:
        # A province officer or admin has no commune of their own to list.
        raise Invalid(t.NOT_ALLOWED) from None
    if not visible:
        raise Invalid(tc.NO_CASES if me.is_mediator else tc.NO_CASES_COMMUNE)
    return [
        [
            tc.CASE_ITEM.format(
                icon=_ICONS.get(c.outcome, ""),
                code=c.code,
                field=FIELD_LABELS[CaseField(c.field)].split(" (")[0],
                date=format_date(c.received_on),
            ),
            str(c.id),
        ]
        for c in visible
    ]


async def _pick_prompt(ctx: Ctx) -> Reply:
    me = _me(ctx)
    # Listed afresh: coming back here, the person may have moved team since the flow began.
    ctx.data["options"] = await _case_options(ctx)
    if me.is_mediator:
        title = tc.PICK_CASE
    else:
        commune = await units.commune_by_code(ctx.tx, me.commune_code) if me.commune_code else None
        title = tc.PICK_CASE_OFFICER.format(commune=commune.label if commune else me.commune_code or "")
    return Reply(title, choices=[Choice(label, value) for label, value in ctx.data["options"]])


async def _pick_parse(ctx: Ctx, answer: Answer) -> int:
    assert answer.choice is not None
    return int(answer.choice)


async def _case(ctx: Ctx) -> CaseRow:
    try:
        return await cases.get_visible(ctx.tx, _me(ctx), ctx.data["case"])
    except PermissionError:
        raise Invalid(tc.CASE_NOT_VISIBLE) from None


async def _action_prompt(ctx: Ctx) -> Reply:
    me = _me(ctx)
    case = await _case(ctx)
    ctx.data["received"] = case.received_on.isoformat()
    lines = (
        summary_lines(case_data(case))
        if case.outcome != CaseOutcome.NGOAI_PHAM_VI
        else summary_lines({**case_data(case), "scope": case.out_of_scope_reason})
    )
    text = tc.CASE_CARD.format(
        code=case.code, team=await cases.team_label(ctx.tx, case.team_id), lines="\n".join(lines)
    )
    if me.is_officer:
        rates = RemunerationRates(
            per_case=ctx.app.settings.remuneration_per_case,
            per_successful_case=ctx.app.settings.remuneration_per_successful_case,
            team_monthly=ctx.app.settings.remuneration_team_monthly,
        )
        text += "\n" + tc.CASE_REMUNERATION.format(
            amount=f"{cases.remuneration(case, rates):,}".replace(",", ".")
        )
    choices: list[Choice] = []
    days = ctx.app.settings.correction_days
    right = await cases.correction_right(ctx.tx, me, case, ctx.now, days)
    ctx.data["correction"] = right.value if right else None
    if cases.may_change(me, case):
        if case.outcome == CaseOutcome.DANG_HOA_GIAI:
            choices.append(Choice(tc.RECORD_OUTCOME, "outcome"))
        elif right is not None:
            choices.append(Choice(tc.CORRECT_OUTCOME, "correct"))
        elif CaseOutcome(case.outcome) in cases.CONCLUDED:
            text += "\n\n" + tc.CORRECTION_WINDOW.format(days=days)
        choices += [Choice(tc.ADD_NOTE, "note"), Choice(tc.EDIT_SUMMARY, "summary")]
    elif me.is_officer:
        choices.append(Choice(tc.ASK_UPDATE, "ask_update"))
        if right is not None:
            choices.append(Choice(tc.CORRECT_OUTCOME, "correct"))
    elif me.is_mediator:
        text += "\n\n" + tc.NOT_YOURS
    choices.append(Choice(tc.HISTORY, "history"))
    return Reply(text + "\n\n" + tc.CASE_ACTIONS, choices=choices)


async def _action_parse(ctx: Ctx, answer: Answer) -> str:
    assert answer.choice is not None
    if answer.choice == "history":
        ctx.say(await _history(ctx))
    return answer.choice


async def _history(ctx: Ctx) -> str:
    trail = await case_events(ctx.tx, ctx.data["case"])
    if not trail:
        return tc.HISTORY_EMPTY
    names: dict[int, str] = {}
    lines = []
    for event in trail[-15:]:
        if event.kind == "created":
            what = tc.HISTORY_CREATED
        elif event.kind == "corrected":
            reason = event.new_value
            what = tc.HISTORY_CORRECTED_REASON.format(reason=reason) if reason else tc.HISTORY_CORRECTED
        elif event.kind == "note":
            what = tc.HISTORY_NOTE.format(note=event.new_value)
        else:
            field = event.field or ""
            what = tc.HISTORY_CHANGE.format(
                field=tc.FIELD_NAMES.get(field, field),
                old=_shown(field, event.old_value),
                new=_shown(field, event.new_value),
            )
        who = "—"
        if event.person_id is not None:
            if event.person_id not in names:
                person = await people_repo.get_person(ctx.tx, event.person_id)
                names[event.person_id] = person.shown_name if person else "—"
            who = names[event.person_id]
        local = event.at.astimezone(ctx.app.tz)
        lines.append(tc.HISTORY_LINE.format(at=local.strftime("%d/%m/%Y %H:%M"), who=who, what=what))
    return "\n".join(lines)


def _shown(field: str, value: str | None) -> str:
    """A stored value as people read it (labels for codes, dd/mm/yyyy for dates, có/không for flags)."""
    if value is None or value == "":
        return "—"
    if field == "outcome":
        return tc.OUTCOME_LABELS[CaseOutcome(value)]
    if field == "field":
        return FIELD_LABELS[CaseField(value)]
    if field in ("received_on", "outcome_on"):
        return format_date(date.fromisoformat(value))
    if field in ("written_agreement", "wants_court_recognition", "vulnerable_involved"):
        return tc.YES if value == "1" else tc.NO
    if field == "next_step":
        return tc.NEXT_STEP_LABELS[NextStep(value)]
    return value


def _after_action(ctx: Ctx) -> str | None:
    action = ctx.data.get("action")
    return {"outcome": "new_outcome", "correct": "new_outcome", "note": "note", "summary": "new_summary"}.get(
        str(action)
    )


def _after_new_outcome(ctx: Ctx) -> str | None:
    # A leader's or officer's correction says why; the recorder's own correction does not need to.
    correcting = ctx.data.get("action") == "correct"
    needs_reason = ctx.data.get("correction") == cases.CorrectionRight.WITH_REASON
    return "reason" if correcting and needs_reason else None


async def _reason_prompt(ctx: Ctx) -> Reply:
    await _case(ctx)  # still theirs to change (they may have moved team since the card)
    return Reply(tc.ASK_CORRECTION_REASON)


def _outcome_changes(ctx: Ctx) -> dict[str, Any]:
    """The case fields the newly chosen outcome sets (the others of its kind stay empty)."""
    outcome = CaseOutcome(ctx.data["new_outcome"])
    changes: dict[str, Any] = {"outcome": outcome.value}
    if outcome == CaseOutcome.THANH:
        changes |= {
            "written_agreement": int(bool(ctx.data.get("agreement"))),
            "wants_court_recognition": int(bool(ctx.data.get("court"))),
            "outcome_on": ctx.data["outcome_on"],
        }
    elif outcome == CaseOutcome.KHONG_THANH:
        changes |= {"next_step": ctx.data["next_step"], "outcome_on": ctx.data["outcome_on"]}
    return changes


async def _text_prompt_note(ctx: Ctx) -> Reply:
    await _case(ctx)  # still visible (they may have moved team since the card)
    return Reply(tc.ASK_NOTE)


async def _text_prompt_summary(ctx: Ctx) -> Reply:
    await _case(ctx)
    return Reply(tc.ASK_SUMMARY)


async def _finish(ctx: Ctx) -> list[Reply]:
    me = _me(ctx)
    action = ctx.data.get("action")
    case = await _case(ctx)
    try:
        if action == "ask_update":
            await cases.request_update(ctx.tx, me, case.id, ctx.now)
            return [Reply(tc.UPDATE_ASKED.format(code=case.code))]
        if action == "note":
            await cases.add_note(ctx.tx, me, case.id, ctx.data["note"], ctx.now)
            return [Reply(tc.NOTE_SAVED.format(code=case.code))]
        if action == "summary":
            await cases.update(ctx.tx, me, case.id, {"summary": ctx.data["new_summary"]}, ctx.now)
            return [Reply(tc.SUMMARY_SAVED.format(code=case.code))]
        if action == "correct":
            return await _correct(ctx, me, case)
        if action == "outcome":
            outcome = CaseOutcome(ctx.data["new_outcome"])
            await cases.update(ctx.tx, me, case.id, _outcome_changes(ctx), ctx.now)
            replies = [Reply(tc.OUTCOME_SAVED.format(code=case.code, outcome=tc.OUTCOME_LABELS[outcome]))]
            if outcome == CaseOutcome.THANH and ctx.data.get("court"):
                deadline = court_recognition_deadline(date.fromisoformat(ctx.data["outcome_on"]))
                replies.append(Reply(tc.COURT_REMINDER.format(deadline=format_date(deadline))))
            return replies
    except PermissionError:
        return [Reply(tc.NOT_YOURS)]
    return []


async def _correct(ctx: Ctx, me: Person, case: CaseRow) -> list[Reply]:
    days = ctx.app.settings.correction_days
    try:
        changed = await cases.correct_outcome(
            ctx.tx, me, case.id, _outcome_changes(ctx), ctx.data.get("reason"), ctx.now, days
        )
    except PermissionError:
        # The window closed (or the role changed) while the correction was being typed.
        return [Reply(tc.CORRECTION_WINDOW.format(days=days) if me.is_mediator else tc.NOT_YOURS)]
    if not changed:
        return [Reply(tc.CORRECTION_UNCHANGED.format(code=case.code))]
    outcome = CaseOutcome(ctx.data["new_outcome"])
    replies = [Reply(tc.CORRECTION_SAVED.format(code=case.code, outcome=tc.OUTCOME_LABELS[outcome]))]
    if outcome == CaseOutcome.THANH and ctx.data.get("court"):
        deadline = court_recognition_deadline(date.fromisoformat(ctx.data["outcome_on"]))
        replies.append(Reply(tc.COURT_REMINDER.format(deadline=format_date(deadline))))
    return replies


def _allowed(actor: Actor) -> str | None:
    # The team's mediators and the commune's officer; province officers and admins read cases
    # in /thongke, so the menu does not offer them a list they would be refused.
    refusal = require_active(actor)
    person = actor.person
    may_list = person is not None and (person.is_mediator or person.role == Role.COMMUNE_OFFICER)
    if refusal is None and not may_list:
        return t.NOT_ALLOWED
    return refusal


def cases_flow() -> Flow:
    """The case list and case updates."""
    return Flow(
        name="cases",
        title="Vụ việc của tổ",
        steps={
            "pick": Step("pick", _pick_prompt, _pick_parse, next="action", store="case"),
            "action": Step("action", _action_prompt, _action_parse, next=_after_action),
            **outcome_steps("new_outcome", _after_new_outcome),
            "reason": Step("reason", _reason_prompt, parse_summary),
            "note": Step("note", _text_prompt_note, parse_summary),
            "new_summary": Step("new_summary", _text_prompt_summary, parse_summary),
        },
        first=lambda ctx: "action" if "case" in ctx.data else "pick",
        begin=_begin,
        finish=_finish,
        allowed=_allowed,
        command="vuviec",
    )
