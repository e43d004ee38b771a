"""All flows of the bot and the menu that leads to them."""

from __future__ import annotations

from bot.conversation.actor import Actor
from bot.conversation.flow import Flow
from bot.flows.ask import ask_flow
from bot.flows.menu import MenuItem, menu_flow
from bot.texts import menu as tm


def _anyone(actor: Actor) -> bool:
    return True


def menu_items() -> list[MenuItem]:
    """The menu entries, in display order, each with who may see it."""
    return [
        MenuItem(tm.ASK, "ask", _anyone),
    ]


def build_flows() -> dict[str, Flow]:
    """Every flow by name (the engine looks flows up here)."""
    flows = [menu_flow(menu_items()), ask_flow()]
    return {flow.name: flow for flow in flows}
