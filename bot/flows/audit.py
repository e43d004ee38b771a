"""``/nhatky``: officers read who viewed or exported personal data, and when.

Province officers and admins see the whole province; a commune officer sees what concerns the
people of their commune (accesses naming them, lists that include them, and their own). Either
can look one person up ("who looked at my data?" — a person asks their commune officer, who
answers from here); the look-up is logged too. Mediators are refused: the list names officers.
"""

from __future__ import annotations

from bot.conversation.actor import Actor
from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Choice, Reply
from bot.domain.enums import Role
from bot.domain.people import Person
from bot.domain.vntext import display_name
from bot.flows.common import require_active
from bot.services import privacy
from bot.texts import common as t
from bot.texts import privacy as tp
from bot.texts import register as tr

_SHOWN = 30
_AUDIT_ROLES = (Role.COMMUNE_OFFICER, Role.PROVINCE_OFFICER, Role.ADMIN)


def _officer_or_admin(actor: Actor) -> str | None:
    refusal = require_active(actor)
    if refusal is None and actor.person is not None and actor.person.role not in _AUDIT_ROLES:
        return t.NOT_ALLOWED
    return refusal


def _me(ctx: Ctx) -> Person:
    assert ctx.actor.person is not None
    return ctx.actor.person


async def _show(ctx: Ctx) -> Reply:
    me = _me(ctx)
    entries = await privacy.audit_for_viewer(ctx.app.db, me, limit=_SHOWN)
    header = tp.AUDIT_HEADER if privacy.audit_commune(me) is None else tp.AUDIT_HEADER_COMMUNE
    choices = [Choice(tp.AUDIT_BY_PERSON, "person"), Choice(tr.DONE, "done")]
    labels = await privacy.scope_labels(ctx.tx, entries)
    return Reply(privacy.format_audit(entries, header, tz=ctx.app.tz, labels=labels), choices=choices)


async def _view_parse(ctx: Ctx, answer: Answer) -> str:
    return answer.choice or "done"


async def _who_prompt(ctx: Ctx) -> Reply:
    return Reply(tp.AUDIT_ASK_PERSON)


async def _who_parse(ctx: Ctx, answer: Answer) -> list[list[object]]:
    # Read outside the write transaction: a province-wide search reads every name.
    found = await privacy.find_people(ctx.app.db.reader, _me(ctx), answer.text)
    if not found:
        raise Invalid(tp.AUDIT_NO_MATCH.format(text=answer.text[:40]))
    if len(found) == 1:
        await _person_report(ctx, found[0].id, found[0].name)
    return [[f.id, f.name, f.team] for f in found]


def _label(name: object, team: object) -> str:
    shown = display_name(str(name))
    return f"{shown} (tổ {team})" if team else shown


async def _pick_prompt(ctx: Ctx) -> Reply:
    choices = [Choice(_label(name, team), f"p:{pid}") for pid, name, team in ctx.data["who"]]
    return Reply(tp.AUDIT_PICK_PERSON, choices=choices)


async def _person_report(ctx: Ctx, person_id: int, name: str) -> None:
    try:
        entries = await privacy.audit_of_person(ctx.tx, ctx.app.db, _me(ctx), person_id, ctx.now, _SHOWN)
    except PermissionError:
        raise Invalid(t.NOT_ALLOWED) from None
    shown = display_name(name)
    ctx.say(
        privacy.format_audit(
            entries,
            tp.AUDIT_PERSON_HEADER.replace("{name}", shown),
            tp.AUDIT_PERSON_EMPTY.format(name=shown),
            tz=ctx.app.tz,
            labels=await privacy.scope_labels(ctx.tx, entries),
        )
    )


async def _pick_parse(ctx: Ctx, answer: Answer) -> int:
    person_id = int(answer.value.removeprefix("p:"))
    name = next(str(n) for pid, n, _ in ctx.data["who"] if pid == person_id)
    await _person_report(ctx, person_id, name)
    return person_id


async def _finish(ctx: Ctx) -> list[Reply]:
    return []


def _after_who(ctx: Ctx) -> str | None:
    return "pick" if len(ctx.data["who"]) > 1 else None


def _after_view(ctx: Ctx) -> str | None:
    return "who" if ctx.data.get("view") == "person" else None


def audit_flow() -> Flow:
    """The audit-log flow: the latest accesses in the officer's scope, and a look-up by person."""
    return Flow(
        name="audit",
        title=tp.AUDIT_TITLE,
        steps={
            "view": Step("view", _show, _view_parse, next=_after_view),
            "who": Step("who", _who_prompt, _who_parse, next=_after_who, free_text=True),
            "pick": Step("pick", _pick_prompt, _pick_parse, next=None),
        },
        first="view",
        finish=_finish,
        allowed=_officer_or_admin,
        command="nhatky",
    )
