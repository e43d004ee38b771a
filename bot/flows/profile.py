"""``/hoso``: see one's own details and everything the bot holds, correct name or phone, or stop
being a mediator (Art. 11), which also erases contact data (:func:`bot.services.privacy.leave`)."""

from __future__ import annotations

from bot.conversation.actor import Actor
from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Choice, Reply
from bot.domain.people import Person
from bot.flows.common import parse_person_name, phone_step, yes_no_step
from bot.services import notify, privacy, registration, training
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
    choices = [
        Choice(tr.EDIT_NAME, "edit_name"),
        Choice(tr.EDIT_PHONE, "edit_phone"),
        Choice(tp.MY_DATA_BUTTON, "my_data"),
    ]
    channels, _ = await notify.channel_choice(ctx.tx, me)
    if len(channels) > 1:
        # Only someone on both Telegram and Zalo has anything to choose.
        choices.append(Choice(tl.PREFERENCE_BUTTON, "channel"))
    if me.is_mediator and me.active:
        choices.append(Choice(tr.LEAVE_TEAM, "leave"))
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
        await registration.leave(ctx.tx, _me(ctx), ctx.now)
        await privacy.leave(ctx.tx, _me(ctx).id, ctx.now)
        return [Reply(tp.LEFT_DONE)]
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
            "channel": Step("channel", _channel_prompt, _channel_parse, next="view", store=None),
            "leave": yes_no_step("leave", tr.LEAVE_CONFIRM, next=None),
        },
        first="view",
        finish=_finish,
        allowed=_registered,
        command="hoso",
    )
