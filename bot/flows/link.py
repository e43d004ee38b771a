"""``/lienket``: attach this chat to a person known on another channel, with a one-time code.

Known here: the bot shows a fresh code. Not known here: the code typed when asked attaches this
chat to the code's person (:mod:`bot.services.linking`).
"""

from __future__ import annotations

from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Reply
from bot.services import linking
from bot.texts import linking as tl

_REFUSALS = {
    linking.LinkRefusal.UNKNOWN: tl.UNKNOWN,
    linking.LinkRefusal.EXPIRED: tl.EXPIRED,
    linking.LinkRefusal.OTHER_PERSON: tl.OTHER_PERSON,
}


async def _redeem(ctx: Ctx, code: str) -> str:
    """The sentence for the result of typing ``code`` here."""
    result = await linking.redeem(ctx.tx, code, ctx.actor.channel, ctx.actor.external_id, ctx.now)
    return tl.LINKED if isinstance(result, int) else _REFUSALS[result]


async def _begin(ctx: Ctx) -> None:
    if ctx.actor.person is not None:
        fresh = await linking.new_code(ctx.tx, ctx.actor.person.id, ctx.now)
        minutes = int(linking.CODE_LIFETIME.total_seconds() // 60)
        ctx.say(tl.CODE_SHOWN.format(code=fresh, minutes=minutes))
        ctx.start_flow("menu")


async def _prompt(ctx: Ctx) -> Reply:
    return Reply(tl.ASK_CODE)


async def _parse(ctx: Ctx, answer: Answer) -> str:
    said = await _redeem(ctx, answer.text)
    if said != tl.LINKED:
        raise Invalid(said)
    return said


async def _finish(ctx: Ctx) -> list[Reply]:
    return [Reply(tl.LINKED)]


def link_flow() -> Flow:
    """The linking flow."""
    return Flow(
        name="link",
        title="Liên kết Telegram và Zalo",
        steps={"code": Step("code", _prompt, _parse, free_text=True)},
        first="code",
        begin=_begin,
        finish=_finish,
        command="lienket",
    )
