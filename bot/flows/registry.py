"""All flows of the bot and the menu that leads to them."""

from __future__ import annotations

from bot.conversation.actor import Actor
from bot.conversation.flow import Flow
from bot.domain.enums import Role
from bot.flows.approve import approve_flow
from bot.flows.ask import ask_flow
from bot.flows.broadcast import broadcast_flow
from bot.flows.cases import cases_flow
from bot.flows.invite import invite_flow
from bot.flows.invite_admin import invite_admin_flow
from bot.flows.menu import MenuItem, menu_flow
from bot.flows.profile import profile_flow
from bot.flows.register import register_flow
from bot.flows.report_case import report_flow
from bot.flows.stats import stats_flow, stats_visible
from bot.flows.teams import teams_flow
from bot.texts import menu as tm


def _anyone(actor: Actor) -> bool:
    return True


def _unregistered(actor: Actor) -> bool:
    return actor.person is None


def _registered(actor: Actor) -> bool:
    return actor.person is not None


def _active_officer(actor: Actor) -> bool:
    return actor.person is not None and actor.person.active and actor.person.is_officer


def _active_mediator(actor: Actor) -> bool:
    return actor.person is not None and actor.person.active and actor.person.is_mediator


def _active_admin(actor: Actor) -> bool:
    return actor.person is not None and actor.person.active and actor.person.role == Role.ADMIN


def _active(actor: Actor) -> bool:
    return actor.person is not None and actor.person.active


def menu_items() -> list[MenuItem]:
    """The menu entries, in display order, each with who may see it."""
    return [
        MenuItem(tm.REGISTER, "register", _unregistered),
        MenuItem(tm.REPORT, "report", _active_mediator),
        MenuItem(tm.MY_CASES, "cases", _active),
        MenuItem(tm.APPROVALS, "approve", _active_officer),
        MenuItem(tm.TEAMS, "teams", _active_officer),
        MenuItem(tm.STATS, "stats", stats_visible),
        MenuItem(tm.BROADCAST, "broadcast", _active_officer),
        MenuItem(tm.INVITE, "invite_admin", _active_admin),
        MenuItem(tm.ASK, "ask", _anyone),
        MenuItem(tm.PROFILE, "profile", _registered),
    ]


def build_flows() -> dict[str, Flow]:
    """Every flow by name (the engine looks flows up here); menu items whose flow is absent are dropped."""
    flows = [
        ask_flow(),
        register_flow(),
        approve_flow(),
        invite_flow(),
        profile_flow(),
        teams_flow(),
        report_flow(),
        cases_flow(),
        stats_flow(),
        broadcast_flow(),
        invite_admin_flow(),
    ]
    by_name = {flow.name: flow for flow in flows}
    items = [item for item in menu_items() if item.flow in by_name]
    by_name["menu"] = menu_flow(items)
    return by_name
