"""``/hoso``: see one's own details and everything the bot holds, correct name, phone or
ethnicity, or leave — for a mediator also stopping under Art. 11 — which erases contact data
(:func:`bot.services.privacy.leave`)."""

from __future__ import annotations

from bot.conversation.actor import Actor
from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Choice, Reply
from bot.domain.enums import PersonStatus
from bot.domain.people import Person
from bot.flows.common import parse_person_name, phone_step
from bot.services import notify, privacy, registration, training
from bot.storage import people as people_repo
from bot.texts import common as t
from bot.texts import linking as tl
from bot.texts import privacy as tp
from bot.texts import register as tr


def _me(ctx: Ctx) -> Person:
    assert ctx.actor.person is not None
    return ctx.actor.person


def _registered(actor: Actor) -> str | None:
    return None if actor.person is not None else t.NEED_REGISTRATION


async def _view_prompt(ctx: Ctx) -> Reply:
    me = _me(ctx)
    card = await registration.describe(ctx.tx, me)
    if me.is_mediator:
        card = f"{card}\n{await training.history_text(ctx.tx, me)}"
    choices = [Choice(tr.EDIT_NAME, "edit_name"), Choice(tr.EDIT_PHONE, "edit_phone")]
    if me.is_mediator:
        # Ethnicity is sensitive data: its owner may correct it or withdraw it (leave it unanswered).
        choices.append(Choice(tp.EDIT_ETHNIC, "edit_ethnic"))
    choices.append(Choice(tp.MY_DATA_BUTTON, "my_data"))
    channels, _ = await notify.channel_choice(ctx.tx, me)
    if len(channels) > 1:
        # Only someone on both Telegram and Zalo has anything to choose.
        choices.append(Choice(tl.PREFERENCE_BUTTON, "channel"))
    # Anyone may leave and have contact data erased (issue 17); for a mediator it is also
    # stopping under Art. 11, so their officers are told.
    choices.append(Choice(tr.LEAVE_TEAM if me.is_mediator else tp.LEAVE_ASSISTANT, "leave"))
    choices.append(Choice(tr.DONE, "done"))
    return Reply(tr.PROFILE.format(card=card), choices=choices)


async def _view_parse(ctx: Ctx, answer: Answer) -> str:
    assert answer.choice is not None
    if answer.choice == "my_data":
        ctx.say(await privacy.describe_my_data(ctx.tx, _me(ctx).id))
    return answer.choice


async def _name_prompt(ctx: Ctx) -> Reply:
    return Reply(tr.ASK_NAME)


async def _name_parse(ctx: Ctx, answer: Answer) -> None:
    await registration.update_contact(ctx.tx, _me(ctx), ctx.now, full_name=parse_person_name(answer.text))
    ctx.say(tr.PROFILE_SAVED)


async def _save_phone(ctx: Ctx, answer: Answer) -> None:
    phone = await phone_step("edit_phone", None).parse(ctx, answer)
    try:
        await registration.update_contact(ctx.tx, _me(ctx), ctx.now, phone=phone)
    except registration.RegistrationError as exc:
        raise Invalid(exc.message) from None
    ctx.say(Reply(tr.PROFILE_SAVED, remove_keyboard=True))


async def _ethnic_prompt(ctx: Ctx) -> Reply:
    choices = [Choice(tr.ETHNIC_KINH, "no"), Choice(tr.ETHNIC_MINORITY, "yes"), Choice(tp.SKIP, "skip")]
    return Reply(f"{tr.ASK_ETHNIC}\n{tp.ETHNICITY_PURPOSE}", choices=choices)


async def _ethnic_parse(ctx: Ctx, answer: Answer) -> None:
    value = {"yes": True, "no": False}.get(str(answer.choice))
    await people_repo.set_ethnic_minority(ctx.tx, _me(ctx).id, ctx.now, value)
    ctx.say(tp.ETHNIC_SAVED)


async def _leave_prompt(ctx: Ctx) -> Reply:
    question = f"{tr.LEAVE_CONFIRM}\n{tp.LEAVE_ERASES}" if _me(ctx).is_mediator else tp.LEAVE_CONFIRM_SELF
    return Reply(question, choices=[Choice(t.YES, "yes"), Choice(t.NO, "no")], columns=2)


async def _leave_parse(ctx: Ctx, answer: Answer) -> bool:
    return answer.choice == "yes"


def _channel_name(channel: str) -> str:
    return tl.CHANNEL_NAMES.get(channel, channel)


async def _channel_prompt(ctx: Ctx) -> Reply:
    channels, chosen = await notify.channel_choice(ctx.tx, _me(ctx))
    current = (
        tl.PREFERENCE_CURRENT_FIXED.format(channel=_channel_name(chosen))
        if chosen in channels
        else tl.PREFERENCE_CURRENT_LAST
    )
    choices = [Choice(tl.PREFERENCE_ONLY.format(channel=_channel_name(c)), c) for c in channels]
    choices.append(Choice(tl.PREFERENCE_LAST_USED, "last"))
    return Reply(tl.ASK_PREFERENCE.format(current=current), choices=choices)


async def _channel_parse(ctx: Ctx, answer: Answer) -> None:
    assert answer.choice is not None
    channel = None if answer.choice == "last" else answer.choice
    try:
        await notify.choose_channel(ctx.tx, _me(ctx), channel, ctx.now)
    except notify.PreferenceError as exc:
        raise Invalid(exc.message) from None
    if channel is None:
        ctx.say(tl.PREFERENCE_SAVED_LAST)
    else:
        ctx.say(tl.PREFERENCE_SAVED_FIXED.format(channel=_channel_name(channel)))


async def _finish(ctx: Ctx) -> list[Reply]:
    if ctx.data.get("view") == "leave" and ctx.data.get("leave"):
        me = _me(ctx)
        if me.is_mediator and me.status != PersonStatus.LEFT:
            await registration.leave(ctx.tx, me, ctx.now)
        await privacy.leave(ctx.tx, me.id, ctx.now)
        return [Reply(tp.LEFT_DONE if me.is_mediator else tp.LEFT_DONE_OFFICER)]
    return []


def _after_view(ctx: Ctx) -> str | None:
    view = str(ctx.data.get("view"))
    return None if view == "done" else "view" if view == "my_data" else view


def profile_flow() -> Flow:
    """The profile flow."""
    ask_phone = phone_step("edit_phone", next="view")
    return Flow(
        name="profile",
        title="Hồ sơ của tôi",
        steps={
            "view": Step(
                "view",
                _view_prompt,
                _view_parse,
                next=_after_view,
            ),
            "edit_name": Step("edit_name", _name_prompt, _name_parse, next="view", store=None),
            "edit_phone": Step(
                "edit_phone", ask_phone.prompt, _save_phone, next="view", store=None, phone=True
            ),
            "edit_ethnic": Step("edit_ethnic", _ethnic_prompt, _ethnic_parse, next="view", store=None),
            "channel": Step("channel", _channel_prompt, _channel_parse, next="view", store=None),
            "leave": Step("leave", _leave_prompt, _leave_parse, next=None),
        },
        first="view",
        finish=_finish,
        allowed=_registered,
        command="hoso",
    )
