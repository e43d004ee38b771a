"""``/start CODE``: register directly in the role an admin's invite code grants.

Like ``/dangky``, the privacy notice comes before the first personal question (issue 17); a
refusal leaves the code unused and nothing stored but the answer."""

from __future__ import annotations

from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Reply
from bot.domain.enums import Role
from bot.domain.vntext import display_name
from bot.flows.common import name_step, phone_step
from bot.flows.consent import consent_begin, consent_first, consent_step, link_consent, refused
from bot.services import registration
from bot.storage import units
from bot.texts import privacy as tp
from bot.texts import register as tr


async def _begin(ctx: Ctx) -> None:
    if ctx.actor.person is not None:
        raise Invalid(tr.ALREADY_REGISTERED.format(status=tr.STATUS_LABELS[ctx.actor.person.status]))
    invite = await registration.valid_invite(ctx.tx, ctx.data.get("code", ""), ctx.now)
    if invite is None:
        raise Invalid(tr.INVITE_INVALID)
    place = ""
    if invite.commune_code:
        commune = await units.commune_by_code(ctx.tx, invite.commune_code)
        place = f" ({commune.label})" if commune else ""
    ctx.say(tr.INVITE_WELCOME.format(role=tr.ROLE_LABELS[invite.role], place=place))
    await consent_begin(ctx)


_PHONE = phone_step("phone", next=None)
_phone_prompt = _PHONE.prompt


async def _phone_parse(ctx: Ctx, answer: Answer) -> str:
    phone: str = await _PHONE.parse(ctx, answer)
    if await registration.phone_taken(ctx.tx, phone):
        raise Invalid(tr.PHONE_TAKEN_RETRY)
    return phone


async def _finish(ctx: Ctx) -> list[Reply]:
    if refused(ctx):
        return [Reply(tp.REFUSED)]
    invite = await registration.valid_invite(ctx.tx, ctx.data["code"], ctx.now)
    if invite is None:
        return [Reply(tr.INVITE_INVALID)]
    try:
        person_id = await registration.redeem_invite(
            ctx.tx,
            invite,
            ctx.inbound.channel,
            ctx.inbound.user_id,
            ctx.data["name"],
            ctx.data["phone"],
            ctx.now,
        )
    except registration.RegistrationError as exc:
        return [Reply(exc.message)]
    await link_consent(ctx, person_id)
    role = tr.ROLE_LABELS[Role(invite.role)]
    return [
        Reply(tr.INVITE_DONE.format(role=role, name=display_name(ctx.data["name"])), remove_keyboard=True)
    ]


def invite_flow() -> Flow:
    """Redeeming an invite code."""
    return Flow(
        name="invite",
        title="Đăng ký bằng mã mời",
        steps={
            "consent": consent_step(next_step="name"),
            "name": name_step("name", tr.ASK_NAME, next="phone"),
            "phone": Step("phone", _phone_prompt, _phone_parse, next=None, phone=True),
        },
        first=consent_first("name"),
        begin=_begin,
        finish=_finish,
    )
