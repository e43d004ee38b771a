"""Officers approve or reject pending registrations (opened from the menu or a notification)."""

from __future__ import annotations

from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Choice, Reply
from bot.domain.enums import PersonStatus
from bot.domain.people import Person
from bot.flows.common import require_officer
from bot.services import privacy, registration
from bot.storage import people as people_repo
from bot.texts import register as tr


def _officer(ctx: Ctx) -> Person:
    assert ctx.actor.person is not None
    return ctx.actor.person


async def _begin(ctx: Ctx) -> None:
    pending = await registration.pending_for(ctx.tx, _officer(ctx))
    wanted = ctx.data.get("arg")
    if wanted and any(str(p.id) == wanted for p in pending):
        ctx.data["pick"] = int(wanted)
    elif wanted:
        # Still pending but not this officer's to decide (a forwarded button): say so plainly.
        is_id = wanted.isascii() and wanted.isdigit()
        candidate = await people_repo.get_person(ctx.tx, int(wanted)) if is_id else None
        if candidate is not None and candidate.status == PersonStatus.PENDING:
            raise Invalid(tr.NOT_IN_SCOPE)
        raise Invalid(tr.NOT_PENDING)
    elif not pending:
        raise Invalid(tr.NO_PENDING)
    ctx.data["options"] = [
        [tr.PENDING_ITEM.format(name=p.shown_name, role=tr.ROLE_LABELS[p.role]), str(p.id)] for p in pending
    ]


async def _pick_prompt(ctx: Ctx) -> Reply:
    options = ctx.data["options"]
    return Reply(tr.PICK_PENDING.format(n=len(options)), choices=[Choice(a, b) for a, b in options])


async def _pick_parse(ctx: Ctx, answer: Answer) -> int:
    assert answer.choice is not None
    return int(answer.choice)


async def _decide_prompt(ctx: Ctx) -> Reply:
    candidate = await people_repo.get_person(ctx.tx, ctx.data["pick"])
    if candidate is None:
        raise Invalid(tr.NOT_PENDING)
    card = await registration.describe(ctx.tx, candidate)
    scope = f"person:{candidate.id}"
    await privacy.record_access(ctx.tx, _officer(ctx).id, "approval_card", scope, ctx.now, candidate.id)
    choices = [Choice(tr.APPROVE, "approve"), Choice(tr.REJECT, "reject")]
    return Reply(tr.DECIDE.format(card=card), choices=choices, columns=2)


async def _decide_parse(ctx: Ctx, answer: Answer) -> str:
    assert answer.choice is not None
    return answer.choice


async def _reason_prompt(ctx: Ctx) -> Reply:
    return Reply(tr.ASK_REASON)


async def _reason_parse(ctx: Ctx, answer: Answer) -> str:
    reason = answer.text.strip()
    if not 3 <= len(reason) <= 300:
        raise Invalid(tr.REASON_BAD)
    return reason


async def _finish(ctx: Ctx) -> list[Reply]:
    approve = ctx.data["decide"] == "approve"
    try:
        person = await registration.decide(
            ctx.tx, _officer(ctx), ctx.data["pick"], approve, ctx.data.get("reason", ""), ctx.now
        )
    except registration.RegistrationError as exc:
        return [Reply(exc.message)]
    except PermissionError:
        return [Reply(tr.NOT_IN_SCOPE)]
    done = tr.APPROVED_DONE if approve else tr.REJECTED_DONE
    return [Reply(done.format(name=person.shown_name))]


def approve_flow() -> Flow:
    """The approval flow for officers."""
    return Flow(
        name="approve",
        title="Duyệt đăng ký",
        steps={
            "pick": Step("pick", _pick_prompt, _pick_parse, next="decide"),
            "decide": Step(
                "decide",
                _decide_prompt,
                _decide_parse,
                next=lambda ctx: "reason" if ctx.data.get("decide") == "reject" else None,
            ),
            "reason": Step("reason", _reason_prompt, _reason_parse),
        },
        first=lambda ctx: "decide" if "pick" in ctx.data else "pick",
        begin=_begin,
        finish=_finish,
        allowed=require_officer,
        command="duyet",
    )
