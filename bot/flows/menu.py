"""The main menu: what this person may do right now, as choices that start flows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.conversation.actor import Actor
from bot.conversation.flow import SUSPENDED, Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Choice, Reply
from bot.flows.common import inactive_notice
from bot.flows.consent import renewal_choices, with_disclaimer
from bot.storage import drafts
from bot.texts import common as t
from bot.texts import privacy as tp

RESUME = "resume"
RESTORE = "restore:"


@dataclass(frozen=True, slots=True)
class MenuItem:
    """One menu entry: a label and the flow it starts."""

    label: str
    flow: str


def menu_flow(items: list[MenuItem], flows: Mapping[str, Flow]) -> Flow:
    """Build the menu over ``items``: an item is offered exactly when its flow would let this
    person start it (the flow's own ``allowed`` rule), so menu and refusal never disagree."""

    def offered(actor: Actor) -> list[Choice]:
        return [Choice(item.label, item.flow) for item in items if flows[item.flow].allowed(actor) is None]

    def resume_choice(ctx: Ctx) -> list[Choice]:
        suspended = ctx.data.get(SUSPENDED)
        return [Choice(t.RESUME_FLOW.format(title=suspended["title"]), RESUME)] if suspended else []

    async def restore_choices(ctx: Ctx) -> list[Choice]:
        kept = await drafts.active(ctx.tx, ctx.inbound.channel, ctx.inbound.chat_id, ctx.now)
        suspended = ctx.data.get(SUSPENDED)
        return [
            Choice(
                t.RESTORE_DRAFT.format(
                    title=d.title, time=d.cancelled_at.astimezone(ctx.app.tz).strftime("%H:%M %d/%m")
                ),
                RESTORE + d.flow,
            )
            for d in kept
            if d.flow in flows
            and flows[d.flow].allowed(ctx.actor) is None
            and not (suspended and suspended["flow"] == d.flow)
        ]

    async def prompt(ctx: Ctx) -> Reply:
        person = ctx.actor.person
        if person is None:
            text = t.WELCOME_NEW
        elif not person.active:
            text = inactive_notice(person) + "\n\n" + t.MENU_TITLE
        else:
            text = t.MENU_TITLE
        # The greeting says once per conversation that this is an automated assistant (issue 17).
        text = await with_disclaimer(ctx, text)
        renewal = await renewal_choices(ctx)
        if renewal:
            text = f"{tp.NOTICE_CHANGED}\n\n{text}"
        choices = renewal + resume_choice(ctx) + await restore_choices(ctx) + offered(ctx.actor)
        return Reply(text, choices=choices, columns=2)

    async def parse(ctx: Ctx, answer: Answer) -> None:
        suspended = ctx.data.get(SUSPENDED)
        if answer.choice == RESUME and suspended is not None:
            ctx.resume_suspended(suspended)
            return
        if answer.choice is not None and answer.choice.startswith(RESTORE):
            await restore(ctx, answer.choice.removeprefix(RESTORE), suspended)
            return
        # Leaving a suspended flow for another item is said by the engine, once that item has
        # agreed to start (a refused item keeps the suspended flow).
        # The menu invites typed questions too: anything that is not a menu item is one.
        if answer.choice is None:
            ctx.start_flow("ask", q=answer.text)
        else:
            ctx.start_flow(answer.choice)

    async def restore(ctx: Ctx, name: str, suspended: dict[str, object] | None) -> None:
        draft = await drafts.take(ctx.tx, ctx.inbound.channel, ctx.inbound.chat_id, name, ctx.now)
        if draft is None or name not in flows or draft.step not in flows[name].steps:
            raise Invalid(t.DRAFT_GONE.format(hours=int(drafts.KEEP_FOR.total_seconds() // 3600)))
        if suspended is not None and flows[str(suspended["flow"])].restorable:
            # The flow the menu was keeping is not lost either: it becomes the draft.
            await drafts.keep(ctx.tx, ctx.inbound.channel, ctx.inbound.chat_id, dict(suspended), ctx.now)
        ctx.say(t.RESTORED.format(title=draft.title))
        ctx.resume_suspended(draft.snapshot())

    async def finish(ctx: Ctx) -> list[Reply]:
        return []

    return Flow(
        name="menu",
        title="Menu",
        steps={"pick": Step("pick", prompt, parse, store=None, free_text=True)},
        first="pick",
        finish=finish,
        command="menu",
        ephemeral=True,
    )
