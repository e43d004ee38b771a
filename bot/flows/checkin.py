"""``/diemdanh``: check in to a training session with the code the organiser shows."""

from __future__ import annotations

from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Reply
from bot.flows.common import require_active
from bot.services import training
from bot.texts import training as tt


async def _prompt(ctx: Ctx) -> Reply:
    return Reply(tt.ASK_CODE)


async def _parse(ctx: Ctx, answer: Answer) -> dict[str, str]:
    assert ctx.actor.person is not None
    try:
        done = await training.check_in(ctx.tx, ctx.actor.person, answer.text, ctx.now)
    except training.TrainingError as exc:
        raise Invalid(exc.message) from None
    return {"title": done.course.title, "day": done.session.held_on.strftime("%d/%m/%Y")}


async def _finish(ctx: Ctx) -> list[Reply]:
    return [Reply(tt.CHECKED_IN.format(**ctx.data["code"]))]


def checkin_flow() -> Flow:
    """The check-in flow."""
    return Flow(
        name="checkin",
        title="Điểm danh tập huấn",
        steps={"code": Step("code", _prompt, _parse)},
        first="code",
        finish=_finish,
        allowed=require_active,
        command="diemdanh",
    )
