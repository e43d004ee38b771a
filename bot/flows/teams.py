"""``/to``: officers list a commune's teams with their Art. 12 status, move mediators, mark leavers;
a team leader sees their own team: its members and whether it meets Art. 12."""

from __future__ import annotations

from bot.conversation.actor import Actor
from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Choice, Reply
from bot.domain.enums import Role
from bot.domain.people import Person
from bot.domain.phone import display_phone
from bot.flows.common import commune_steps, require_active, yes_no_step
from bot.services import privacy, registration
from bot.storage import people as people_repo
from bot.storage import units
from bot.texts import common as t
from bot.texts import register as tr


def _officer(ctx: Ctx) -> Person:
    assert ctx.actor.person is not None
    return ctx.actor.person


def _allowed(actor: Actor) -> str | None:
    refusal = require_active(actor)
    person = actor.person
    if refusal is None and person is not None and not (person.is_officer or person.role == Role.TEAM_LEADER):
        return t.NOT_ALLOWED
    return refusal


async def _begin(ctx: Ctx) -> None:
    officer = _officer(ctx)
    if officer.role in (Role.COMMUNE_OFFICER, Role.TEAM_LEADER):
        ctx.data["commune"] = officer.commune_code


def _team_line(status: registration.TeamStatus) -> str:
    active = sum(1 for m in status.members if m.active)
    if status.composition.ok:
        return tr.TEAM_LINE_OK.format(name=status.team.name, members=active)
    problems = "; ".join(tr.SHORTFALL_LABELS[s.code.value] for s in status.composition.shortfalls)
    return tr.TEAM_LINE_SHORT.format(name=status.team.name, members=active, problems=problems)


async def _own_team_prompt(ctx: Ctx) -> Reply:
    try:
        status = await registration.own_team(ctx.tx, _officer(ctx))
    except PermissionError:
        raise Invalid(tr.NOT_IN_SCOPE) from None
    members = [
        tr.OWN_TEAM_MEMBER.format(
            name=m.shown_name, role=tr.ROLE_LABELS[m.role], phone=display_phone(m.phone)
        )
        for m in status.members
        if m.active
    ]
    text = tr.OWN_TEAM_HEADER.format(line=_team_line(status)) + "\n" + "\n".join(members)
    await privacy.record_access(ctx.tx, _officer(ctx).id, "team_members", f"team:{status.team.id}", ctx.now)
    return Reply(text + "\n\n" + tr.OWN_TEAM_HINT, choices=[Choice(tr.DONE, "done")])


async def _overview(ctx: Ctx) -> str:
    code = ctx.data["commune"]
    commune = await units.commune_by_code(ctx.tx, code)
    label = commune.label if commune else code
    try:
        statuses = await registration.commune_teams(ctx.tx, _officer(ctx), code)
    except PermissionError:
        raise Invalid(tr.NOT_IN_SCOPE) from None
    if not statuses:
        return tr.NO_TEAMS.format(commune=label)
    lines = [tr.TEAMS_HEADER.format(commune=label, n=len(statuses))]
    lines += [_team_line(status) for status in statuses]
    return "\n".join(lines)


async def _list_prompt(ctx: Ctx) -> Reply:
    text = await _overview(ctx) + "\n\n" + tr.TEAMS_ACTION
    choices = [Choice(tr.MOVE_MEDIATOR, "move"), Choice(tr.MARK_LEFT, "left"), Choice(tr.DONE, "done")]
    return Reply(text, choices=choices)


async def _choice(ctx: Ctx, answer: Answer) -> str:
    assert answer.choice is not None
    return answer.choice


async def _mediators(ctx: Ctx) -> list[Person]:
    people: list[Person] = []
    for status in await registration.commune_teams(ctx.tx, _officer(ctx), ctx.data["commune"]):
        people.extend(m for m in status.members if m.active)
    return people


async def _mediator_prompt(ctx: Ctx) -> Reply:
    people = await _mediators(ctx)
    if not people:
        raise Invalid(tr.NO_MEDIATORS)
    scope = f"commune:{ctx.data['commune']}"
    await privacy.record_access(ctx.tx, _officer(ctx).id, "team_members", scope, ctx.now)
    return Reply(tr.PICK_MEDIATOR, choices=[Choice(p.shown_name, str(p.id)) for p in people[:40]])


async def _mediator_parse(ctx: Ctx, answer: Answer) -> int:
    assert answer.choice is not None
    return int(answer.choice)


async def _target_prompt(ctx: Ctx) -> Reply:
    person = await people_repo.get_person(ctx.tx, ctx.data["mediator"])
    teams = await units.teams_of_commune(ctx.tx, ctx.data["commune"])
    choices = [
        Choice(team.name, str(team.id))
        for team in teams
        if team.confirmed and (person is None or team.id != person.team_id)
    ]
    if not choices:
        # One team in the commune: nowhere to move to (the step before offers the way out).
        raise Invalid(tr.NO_OTHER_TEAM)
    return Reply(tr.PICK_TARGET_TEAM.format(name=person.shown_name if person else ""), choices=choices[:40])


async def _target_parse(ctx: Ctx, answer: Answer) -> int:
    assert answer.choice is not None
    return int(answer.choice)


async def _finish(ctx: Ctx) -> list[Reply]:
    action = ctx.data.get("list")
    if action == "done":
        return []
    person = await people_repo.get_person(ctx.tx, ctx.data["mediator"])
    name = person.shown_name if person else ""
    try:
        if action == "move":
            await registration.move_mediator(
                ctx.tx, _officer(ctx), ctx.data["mediator"], ctx.data["target"], ctx.now
            )
            team = await units.team_by_id(ctx.tx, ctx.data["target"])
            return [Reply(tr.MOVED_DONE.format(name=name, team=team.name if team else ""))]
        if ctx.data.get("confirm_left"):
            await registration.mark_left(ctx.tx, _officer(ctx), ctx.data["mediator"], "", ctx.now)
            return [Reply(tr.MARKED_LEFT_DONE.format(name=name))]
    except PermissionError:
        return [Reply(tr.NOT_IN_SCOPE)]
    return [Reply(t.CANCELLED_PLAIN)]


def _first(ctx: Ctx) -> str:
    if _officer(ctx).role == Role.TEAM_LEADER:
        return "own_team"
    return "list" if ctx.data.get("commune") else "commune_query"


def teams_flow() -> Flow:
    """Officers' team tools, and a team leader's view of their own team."""
    return Flow(
        name="teams",
        title="Các tổ hòa giải",
        steps={
            **commune_steps("commune_query", "commune", tr.PICK_COMMUNE_FOR_TEAMS, next="list"),
            "list": Step(
                "list",
                _list_prompt,
                _choice,
                next=lambda ctx: None if ctx.data.get("list") == "done" else "mediator",
            ),
            "mediator": Step(
                "mediator",
                _mediator_prompt,
                _mediator_parse,
                next=lambda ctx: "target" if ctx.data.get("list") == "move" else "confirm_left",
            ),
            "target": Step("target", _target_prompt, _target_parse),
            "confirm_left": yes_no_step("confirm_left", tr.LEAVE_CONFIRM_OFFICER, next=None),
            "own_team": Step("own_team", _own_team_prompt, _choice, store="list"),
        },
        first=_first,
        begin=_begin,
        finish=_finish,
        allowed=_allowed,
        command="to",
    )
