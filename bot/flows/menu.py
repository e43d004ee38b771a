"""The main menu: what this person may do right now, as choices that start flows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.conversation.actor import Actor
from bot.conversation.flow import SUSPENDED, Answer, Ctx, Flow, Step
from bot.conversation.messages import Choice, Reply
from bot.flows.common import inactive_notice
from bot.flows.consent import renewal_choices, with_disclaimer
from bot.texts import common as t
from bot.texts import privacy as tp

RESUME = "resume"


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
        return Reply(text, choices=renewal + resume_choice(ctx) + offered(ctx.actor), columns=2)

    async def parse(ctx: Ctx, answer: Answer) -> None:
        suspended = ctx.data.get(SUSPENDED)
        if answer.choice == RESUME and suspended is not None:
            ctx.resume_suspended(suspended)
            return
        if suspended is not None:
            ctx.say(t.STOPPED_FOR_MENU.format(title=suspended["title"]))
        # The menu invites typed questions too: anything that is not a menu item is one.
        if answer.choice is None:
            ctx.start_flow("ask", q=answer.text)
        else:
            ctx.start_flow(answer.choice)

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
