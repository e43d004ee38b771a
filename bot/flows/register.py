"""Registration on first contact: privacy notice → role → commune → team → name → sex → ethnicity
(optional) → phone → confirm.

The notice (:mod:`bot.flows.consent`) comes before the first personal question; refusing ends
the flow with nothing stored but the refusal itself.

The person is created as pending; the commune's justice officer (or the province, for officers)
is asked to approve. Until then the person may ask questions but not report cases.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.actor import Actor
from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step, choice_step
from bot.conversation.messages import Choice, Reply
from bot.domain.enums import PersonStatus, Role, Sex
from bot.domain.people import Person
from bot.domain.vntext import squeeze
from bot.flows.common import (
    EDITING,
    commune_steps,
    confirm_words,
    ethnicity_words,
    name_step,
    phone_step,
    then,
)
from bot.flows.consent import consent_begin, consent_first, consent_step, link_consent, refused
from bot.services import registration
from bot.storage import units
from bot.texts import privacy as tp
from bot.texts import register as tr

_ROLES = [Role.MEDIATOR, Role.TEAM_LEADER, Role.COMMUNE_OFFICER, Role.PROVINCE_OFFICER]


def _not_registered(actor: Actor) -> str | None:
    if actor.person is not None:
        return tr.ALREADY_REGISTERED.format(status=tr.STATUS_LABELS[actor.person.status])
    return None


def _role(ctx: Ctx) -> Role:
    return Role(ctx.data["role"])


def _after_role(ctx: Ctx) -> str:
    return "name" if _role(ctx) == Role.PROVINCE_OFFICER else "commune_query"


def _after_commune(ctx: Ctx) -> str | None:
    if _role(ctx) in (Role.MEDIATOR, Role.TEAM_LEADER):
        return "team"
    return then("name")(ctx)


async def _team_prompt(ctx: Ctx) -> Reply:
    commune = await units.commune_by_code(ctx.tx, ctx.data["commune"])
    label = commune.label if commune else ""
    # A thôn proposed by someone still waiting for approval is not offered: typing its name
    # joins the same proposal, and a rejection leaves nothing behind.
    teams = [team for team in await units.teams_of_commune(ctx.tx, ctx.data["commune"]) if team.confirmed]
    if not teams:
        return Reply(tr.ASK_TEAM_EMPTY.format(commune=label))
    choices = [Choice(team.name, str(team.id)) for team in teams[:30]]
    return Reply(tr.ASK_TEAM.format(commune=label), choices=choices, columns=2)


async def _team_parse(ctx: Ctx, answer: Answer) -> int | None:
    if answer.choice is not None:
        ctx.data["new_team"] = None
        return int(answer.choice)
    name = squeeze(answer.text)
    if not 2 <= len(name) <= 60 or not any(ch.isalpha() for ch in name):
        raise Invalid(tr.TEAM_NAME_BAD)
    ctx.data["new_team"] = name
    return None


async def _sex_prompt(ctx: Ctx) -> Reply:
    return Reply(tr.ASK_SEX, choices=[Choice(tr.MALE, "male"), Choice(tr.FEMALE, "female")], columns=2)


async def _ethnic_prompt(ctx: Ctx) -> Reply:
    choices = [Choice(tr.ETHNIC_KINH, "no"), Choice(tr.ETHNIC_MINORITY, "yes"), Choice(tp.SKIP, "skip")]
    return Reply(f"{tr.ASK_ETHNIC}\n{tp.ETHNICITY_PURPOSE}", choices=choices)


async def _pick(ctx: Ctx, answer: Answer) -> Any:
    return answer.choice


def _draft(ctx: Ctx) -> registration.Registration:
    data = ctx.data
    return registration.Registration(
        role=Role(data["role"]),
        full_name=data["name"],
        sex=data["sex"],
        ethnic_minority={"yes": True, "no": False}.get(str(data.get("ethnic"))),
        phone=data["phone"],
        commune_code=data.get("commune"),
        team_id=data.get("team"),
        new_team_name=data.get("new_team"),
    )


async def _card(ctx: Ctx) -> str:
    reg = _draft(ctx)
    preview = Person(
        id=0,
        full_name=reg.full_name,
        role=reg.role,
        status=PersonStatus.PENDING,
        sex=Sex(reg.sex),
        ethnic_minority=reg.ethnic_minority,
        phone=reg.phone,
        commune_code=reg.commune_code,
        team_id=reg.team_id,
    )
    return await registration.describe(ctx.tx, preview, new_team=reg.new_team_name)


async def _confirm_prompt(ctx: Ctx) -> Reply:
    ctx.data[EDITING] = True
    choices = [Choice(tr.SEND, "send"), Choice(tr.EDIT_NAME, "name"), Choice(tr.EDIT_PHONE, "phone")]
    if _role(ctx) != Role.PROVINCE_OFFICER:
        choices.append(Choice(tr.EDIT_PLACE, "commune_query"))
    return Reply(tr.SUMMARY.format(card=await _card(ctx)), choices=choices)


async def _confirm_parse(ctx: Ctx, answer: Answer) -> str:
    if answer.choice == "send" and await registration.phone_taken(ctx.tx, ctx.data["phone"]):
        raise Invalid(tr.PHONE_TAKEN)
    return answer.choice or "send"


def _after_confirm(ctx: Ctx) -> str | None:
    choice = ctx.data.get("confirm")
    return None if choice == "send" else str(choice)


async def _finish(ctx: Ctx) -> list[Reply]:
    if refused(ctx):
        return [Reply(tp.REFUSED, remove_keyboard=True)]
    reg = _draft(ctx)
    try:
        done = await registration.submit(ctx.tx, ctx.inbound.channel, ctx.inbound.user_id, reg, ctx.now)
    except registration.RegistrationError as exc:
        return [Reply(exc.message)]
    await link_consent(ctx, done.person_id)
    if not done.approvers:
        return [Reply(tr.SUBMITTED_NO_APPROVER.format(id=done.person_id), remove_keyboard=True)]
    approver = tr.APPROVER_PROVINCE
    if done.by_commune and reg.commune_code:
        commune = await units.commune_by_code(ctx.tx, reg.commune_code)
        approver = tr.APPROVER_COMMUNE.format(commune=commune.label if commune else "")
    return [Reply(tr.SUBMITTED.format(id=done.person_id, approver=approver), remove_keyboard=True)]


def register_flow() -> Flow:
    """The self-registration flow."""
    steps = {
        "consent": consent_step(next_step="role"),
        "role": choice_step(
            "role", tr.ASK_ROLE, [Choice(tr.ROLE_LABELS[r], r.value) for r in _ROLES], next=_after_role
        ),
        **commune_steps("commune_query", "commune", tr.ASK_COMMUNE, next=_after_commune),
        "team": Step("team", _team_prompt, _team_parse, next=then("name"), free_text=True),
        "name": name_step("name", tr.ASK_NAME, next=then("sex")),
        "sex": Step("sex", _sex_prompt, _pick, next=then("ethnic")),
        "ethnic": Step("ethnic", _ethnic_prompt, _pick, next=then("phone"), words=ethnicity_words()),
        "phone": phone_step("phone", next="confirm"),
        "confirm": Step(
            "confirm", _confirm_prompt, _confirm_parse, next=_after_confirm, words=confirm_words("send")
        ),
    }
    return Flow(
        name="register",
        title="Đăng ký",
        steps=steps,
        first=consent_first("role"),
        finish=_finish,
        allowed=_not_registered,
        begin=consent_begin,
        command="dangky",
        restorable=True,
    )
