"""``/baocao``: a mediator reports a case in under two minutes, step by step.

received date → field → summary → [scope check (Art. 3), only when the field or the summary
suggests doubt] → outcome (+ agreement and court recognition in one question, or next step;
outcome date) → summary with an edit button per field → confirm. What is not asked gets a
sensible default the summary shows and lets them change: origin "parties requested" (Art. 16),
two parties with nobody vulnerable, in scope, no legal support. The common «hòa giải thành»
path is 8 messages, /baocao included. The draft is the session: it is committed after every
step, so a restart resumes it. The draft key makes a double-tapped confirm save once.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from bot.conversation.actor import Actor
from bot.conversation.flow import Answer, Ctx, Flow, Invalid, NextFn, Step, choice_step
from bot.conversation.messages import Choice, Reply
from bot.domain.dates import DateError, check_case_date, format_date, parse_user_date
from bot.domain.deadlines import court_recognition_deadline
from bot.domain.enums import (
    FIELD_LABELS,
    CaseField,
    CaseOrigin,
    CaseOutcome,
    LegalSupporterType,
    NextStep,
    OutOfScopeReason,
)
from bot.domain.privacy import mask_sensitive
from bot.domain.vntext import fold, squeeze
from bot.flows.common import (
    EDITING,
    confirm_words,
    require_active,
    then,
    too_long,
    yes_no_step,
    yes_no_words,
)
from bot.services import cases
from bot.texts import cases as tc
from bot.texts import common as t

SUMMARY_MAX = 500


def _allowed(actor: Actor) -> str | None:
    refusal = require_active(actor)
    if refusal is not None:
        return refusal
    assert actor.person is not None
    if not actor.person.is_mediator:
        return t.NOT_ALLOWED
    if actor.person.team_id is None:
        return tc.NEED_TEAM
    return None


# Folded words in a summary that suggest a crime, an administrative violation or public
# property (Art. 3.1): then the scope question is asked instead of assumed.
_DOUBT_WORDS = (
    "trom",
    "cuop",
    "danh nhau",
    "danh dap",
    "danh bi thuong",
    "thuong tich",
    "gay thuong",
    "ma tuy",
    "co bac",
    "danh bac",
    "lo de",
    "lua dao",
    "hiep dam",
    "xam hai",
    "bao luc",
    "dam chem",
    "giet",
    "dat cong",
    "lan chiem",
    "rung phong ho",
    "xu phat",
    "hinh su",
    "buon lau",
    "vu khi",
)
_DOUBT_FIELDS = frozenset({CaseField.VI_PHAM_NHO, CaseField.KHAC})


def scope_in_doubt(field: str, summary: str) -> bool:
    """Whether the scope check (Art. 3) must be asked: a "minor violation" or "other" field, or a
    summary naming something that may be a crime, a fine or State/public property."""
    if CaseField(field) in _DOUBT_FIELDS:
        return True
    # Whole words only: "trom" (trộm) must not match "trong".
    words = f" {' '.join(re.findall(r'[a-z0-9]+', fold(summary)))} "
    return any(f" {word} " in words for word in _DOUBT_WORDS)


async def _begin(ctx: Ctx) -> None:
    ctx.data["draft_key"] = uuid.uuid4().hex
    # Defaults for what the common path does not ask; the summary shows them with an edit button.
    ctx.data.update(origin=CaseOrigin.PARTIES_REQUESTED.value, parties=2, vulnerable=False, legal="none")


def date_step(
    name: str,
    question: str,
    next_name: str | NextFn | None,
    check: Callable[[Ctx, date], Awaitable[None]] | None = None,
) -> Step:
    """A date question with "today"/"yesterday" buttons and typed dates; ``check`` may warn."""

    async def prompt(ctx: Ctx) -> Reply:
        return Reply(
            question, choices=[Choice(tc.TODAY, "hom nay"), Choice(tc.YESTERDAY, "hom qua")], columns=2
        )

    async def parse(ctx: Ctx, answer: Answer) -> str:
        parsed = parse_user_date(answer.value, ctx.today)
        if isinstance(parsed, DateError):
            raise Invalid(tc.DATE_ERRORS[parsed].format(text=answer.text[:20]))
        if check is not None:
            await check(ctx, parsed)
        return parsed.isoformat()

    return Step(name, prompt, parse, next=next_name, free_text=True)


async def _check_received(ctx: Ctx, received: date) -> None:
    # Corrected from the summary: the date the outcome was reached cannot come before it.
    concluded = ctx.data.get("outcome") in (CaseOutcome.THANH, CaseOutcome.KHONG_THANH)
    if concluded and ctx.data.get("scope", "ok") == "ok" and ctx.data.get("outcome_on"):
        outcome_on = date.fromisoformat(ctx.data["outcome_on"])
        if outcome_on < received:
            message = tc.OUTCOME_BEFORE_RECEIVED
            raise Invalid(message.format(outcome=format_date(outcome_on), received=format_date(received)))
    person = ctx.actor.person
    warnings = check_case_date(received, ctx.today, person.recognised_on if person else None)
    ctx.data["received_warning"] = " ".join(
        tc.DATE_WARNINGS[w].format(date=format_date(received)) for w in warnings
    )


async def check_outcome_on(ctx: Ctx, outcome_on: date) -> None:
    """An outcome cannot predate the day the case was received (``received`` in the data)."""
    received = date.fromisoformat(ctx.data["received"])
    if outcome_on < received:
        raise Invalid(
            tc.OUTCOME_BEFORE_RECEIVED.format(outcome=format_date(outcome_on), received=format_date(received))
        )


def _after_received(ctx: Ctx) -> str | None:
    return "received_confirm" if ctx.data.get("received_warning") else then("field")(ctx)


async def _received_confirm_prompt(ctx: Ctx) -> Reply:
    text = tc.CONFIRM_DATE.format(warnings=ctx.data.get("received_warning", ""))
    return Reply(text, choices=[Choice(t.YES, "yes"), Choice(t.NO, "no")], columns=2)


async def _yes(ctx: Ctx, answer: Answer) -> bool:
    return answer.choice == "yes"


def _after_received_confirm(ctx: Ctx) -> str | None:
    if not ctx.data.get("received_confirm"):
        return "received"
    return then("field")(ctx)


async def _summary_prompt(ctx: Ctx) -> Reply:
    return Reply(tc.ASK_SUMMARY)


async def parse_summary(ctx: Ctx, answer: Answer) -> str:
    """A short free text (summary or note): 5–500 characters, ID and phone numbers masked."""
    text = squeeze(answer.text)
    if len(text) < 5:
        raise Invalid(tc.SUMMARY_TOO_SHORT)
    if len(text) > SUMMARY_MAX:
        raise too_long(tc.SUMMARY_WHAT, text, SUMMARY_MAX)
    masked, count = mask_sensitive(text)
    if count:
        ctx.say(tc.MASKED.format(n=count))
    return masked


async def _scope_prompt(ctx: Ctx) -> Reply:
    choices = [Choice(tc.SCOPE_OK, "ok")] + [
        Choice(label, reason.value) for reason, label in tc.SCOPE_LABELS.items()
    ]
    return Reply(tc.ASK_SCOPE, choices=choices)


async def _scope_parse(ctx: Ctx, answer: Answer) -> str:
    assert answer.choice is not None
    if answer.choice != "ok":
        ctx.say(tc.SCOPE_EXPLAIN[OutOfScopeReason(answer.choice)] + " " + tc.OUT_OF_SCOPE_RECORDED)
    return answer.choice


def _after_summary(ctx: Ctx) -> str | None:
    if ctx.data.get(EDITING):
        return "confirm"
    if scope_in_doubt(ctx.data["field"], ctx.data["summary"]):
        return "scope"
    ctx.data["scope"] = "ok"
    return "outcome"


def _after_scope(ctx: Ctx) -> str | None:
    # Out of scope: nothing was mediated, so no outcome questions.
    if ctx.data.get("scope") != "ok":
        return "confirm"
    # Switching an out-of-scope draft back to "ok" needs the outcome it skipped.
    return then("outcome")(ctx) if "outcome" in ctx.data else "outcome"


def _after_vulnerable(ctx: Ctx) -> str | None:
    # A draft first saved as out of scope has no outcome yet: ask it even when editing.
    return then("outcome")(ctx) if "outcome" in ctx.data else "outcome"


async def _parties_prompt(ctx: Ctx) -> Reply:
    # No buttons: a numbered list of numbers makes "1" mean both "the first" and "one party".
    return Reply(tc.ASK_PARTIES)


async def _parties_parse(ctx: Ctx, answer: Answer) -> int:
    typed = answer.text.strip()
    if not typed.isascii() or not typed.isdigit() or not 2 <= int(typed) <= 99:
        raise Invalid(tc.PARTIES_BAD)
    return int(typed)


async def _agreement_prompt(ctx: Ctx) -> Reply:
    return Reply(tc.ASK_AGREEMENT, choices=[Choice(label, key) for key, label in tc.AGREEMENT_LABELS.items()])


async def _agreement_parse(ctx: Ctx, answer: Answer) -> None:
    # One question for two facts: a court recognition request presupposes the written agreement.
    ctx.data["agreement"] = answer.choice in ("court", "written")
    ctx.data["court"] = answer.choice == "court"


def outcome_steps(name: str, after: str | NextFn | None) -> dict[str, Step]:
    """The outcome question and what a concluded outcome needs, shared by the report and the
    case update: thành → written agreement (Art. 24) → court recognition (BLTTDS 416–419);
    không thành → next step (Art. 27); both → the outcome date. ``after`` follows the date, or
    the outcome itself when it is still "đang hòa giải"."""
    choices = [
        Choice(tc.OUTCOME_LABELS[o], o.value)
        for o in (CaseOutcome.THANH, CaseOutcome.KHONG_THANH, CaseOutcome.DANG_HOA_GIAI)
    ]

    def after_outcome(ctx: Ctx) -> str | None:
        outcome = ctx.data.get(name)
        if outcome == CaseOutcome.THANH:
            return "agreement"
        if outcome == CaseOutcome.KHONG_THANH:
            return "next_step"
        return after(ctx) if callable(after) else after

    return {
        name: choice_step(name, tc.ASK_OUTCOME, choices, next=after_outcome),
        "agreement": Step("agreement", _agreement_prompt, _agreement_parse, next="outcome_on", store=None),
        "next_step": choice_step(
            "next_step",
            tc.ASK_NEXT_STEP,
            [Choice(v, k.value) for k, v in tc.NEXT_STEP_LABELS.items()],
            next="outcome_on",
        ),
        "outcome_on": date_step("outcome_on", tc.ASK_OUTCOME_ON, after, check=check_outcome_on),
    }


async def _legal_prompt(ctx: Ctx) -> Reply:
    choices = [Choice(tc.LEGAL_NONE, "none")] + [Choice(v, k.value) for k, v in tc.LEGAL_LABELS.items()]
    return Reply(tc.ASK_LEGAL, choices=choices, columns=2)


def summary_lines(data: dict[str, Any]) -> list[str]:
    """The summary lines of a draft (also used for stored cases by the case list)."""
    lines = [
        tc.LINE_RECEIVED.format(value=format_date(date.fromisoformat(data["received"]))),
        tc.LINE_ORIGIN.format(value=tc.ORIGIN_LABELS[CaseOrigin(data["origin"])]),
        tc.LINE_FIELD.format(value=FIELD_LABELS[CaseField(data["field"])]),
        tc.LINE_SUMMARY.format(value=data["summary"]),
    ]
    if data.get("scope", "ok") != "ok":
        lines.append(tc.LINE_SCOPE.format(value=tc.SCOPE_LABELS[OutOfScopeReason(data["scope"])]))
        return lines
    lines.append(tc.LINE_SCOPE.format(value=tc.SCOPE_IN))
    lines.append(
        tc.LINE_PARTIES.format(value=data.get("parties", "—"), vulnerable=_yn(data.get("vulnerable")))
    )
    outcome = CaseOutcome(data["outcome"])
    lines.append(tc.LINE_OUTCOME.format(value=tc.OUTCOME_LABELS[outcome]))
    if outcome == CaseOutcome.THANH:
        lines.append(tc.LINE_AGREEMENT.format(value=_yn(data.get("agreement")), court=_yn(data.get("court"))))
    if outcome == CaseOutcome.KHONG_THANH and data.get("next_step"):
        lines.append(tc.LINE_NEXT.format(value=tc.NEXT_STEP_LABELS[NextStep(data["next_step"])]))
    if outcome != CaseOutcome.DANG_HOA_GIAI and data.get("outcome_on"):
        lines.append(tc.LINE_OUTCOME_ON.format(value=format_date(date.fromisoformat(data["outcome_on"]))))
    legal = data.get("legal", "none")
    lines.append(
        tc.LINE_LEGAL.format(
            value=tc.LEGAL_NONE if legal == "none" else tc.LEGAL_LABELS[LegalSupporterType(legal)]
        )
    )
    return lines


def _yn(value: object) -> str:
    return tc.YES if value else tc.NO


async def _confirm_prompt(ctx: Ctx) -> Reply:
    ctx.data[EDITING] = True
    text = tc.SUMMARY_TITLE + "\n" + "\n".join(summary_lines(ctx.data)) + "\n\n" + tc.SUMMARY_DEFAULTS
    edits = ["received", "origin", "field", "summary", "scope"]
    if ctx.data.get("scope") == "ok":
        edits += ["parties", "outcome", "legal"]
    choices = [Choice(tc.CONFIRM_SAVE, "save")] + [Choice(tc.EDIT_LABELS[e], e) for e in edits]
    return Reply(text, choices=choices, columns=2)


async def _confirm_parse(ctx: Ctx, answer: Answer) -> str:
    assert answer.choice is not None
    return answer.choice


def _draft(data: dict[str, Any]) -> cases.CaseDraft:
    in_scope = data.get("scope", "ok") == "ok"
    outcome = CaseOutcome(data["outcome"]) if in_scope else CaseOutcome.NGOAI_PHAM_VI
    concluded = outcome in (CaseOutcome.THANH, CaseOutcome.KHONG_THANH)
    return cases.CaseDraft(
        received_on=date.fromisoformat(data["received"]),
        origin=data["origin"],
        field=data["field"],
        summary=data["summary"],
        outcome=outcome.value,
        out_of_scope_reason=None if in_scope else data["scope"],
        parties_count=data.get("parties") if in_scope else None,
        vulnerable_involved=data.get("vulnerable") if in_scope else None,
        outcome_on=date.fromisoformat(data["outcome_on"]) if concluded and data.get("outcome_on") else None,
        written_agreement=data.get("agreement") if outcome == CaseOutcome.THANH else None,
        wants_court_recognition=data.get("court") if outcome == CaseOutcome.THANH else None,
        next_step=data.get("next_step") if outcome == CaseOutcome.KHONG_THANH else None,
        legal_support=None if not in_scope or data.get("legal", "none") == "none" else data["legal"],
    )


async def _finish(ctx: Ctx) -> list[Reply]:
    assert ctx.actor.person is not None
    draft = _draft(ctx.data)
    case, created = await cases.report(ctx.tx, ctx.actor.person, draft, ctx.data["draft_key"], ctx.now)
    if not created:
        return [Reply(tc.ALREADY_SAVED.format(code=case.code))]
    replies = [
        Reply(
            tc.SAVED.format(
                code=case.code,
                field=FIELD_LABELS[CaseField(case.field)],
                received=format_date(case.received_on),
                outcome=tc.OUTCOME_LABELS[CaseOutcome(case.outcome)],
            )
        )
    ]
    if case.wants_court_recognition and case.outcome_on:
        deadline = court_recognition_deadline(case.outcome_on)
        replies.append(Reply(tc.COURT_REMINDER.format(deadline=format_date(deadline))))
    return replies


def report_flow() -> Flow:
    """The case report flow."""
    steps = {
        "received": date_step("received", tc.ASK_RECEIVED, _after_received, check=_check_received),
        "received_confirm": Step(
            "received_confirm",
            _received_confirm_prompt,
            _yes,
            next=_after_received_confirm,
            words=yes_no_words(),
        ),
        "origin": choice_step(
            "origin",
            tc.ASK_ORIGIN,
            [Choice(v, k.value) for k, v in tc.ORIGIN_LABELS.items()],
            next="confirm",
        ),
        "field": choice_step(
            "field", tc.ASK_FIELD, [Choice(v, k.value) for k, v in FIELD_LABELS.items()], next=then("summary")
        ),
        "summary": Step("summary", _summary_prompt, parse_summary, next=_after_summary),
        "scope": Step("scope", _scope_prompt, _scope_parse, next=_after_scope),
        "parties": Step("parties", _parties_prompt, _parties_parse, next="vulnerable", free_text=True),
        "vulnerable": yes_no_step("vulnerable", tc.ASK_VULNERABLE, next=_after_vulnerable),
        **outcome_steps("outcome", "confirm"),
        "legal": Step("legal", _legal_prompt, _pick, next="confirm"),
        "confirm": Step(
            "confirm",
            _confirm_prompt,
            _confirm_parse,
            next=lambda ctx: None if ctx.data.get("confirm") == "save" else str(ctx.data.get("confirm")),
            words=confirm_words("save"),
        ),
    }
    return Flow(
        name="report",
        title="Báo cáo vụ việc",
        steps=steps,
        first="received",
        begin=_begin,
        finish=_finish,
        allowed=_allowed,
        command="baocao",
        restorable=True,
    )


async def _pick(ctx: Ctx, answer: Answer) -> str | None:
    return answer.choice
