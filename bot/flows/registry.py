"""All flows of the bot and the menu that leads to them."""

from __future__ import annotations

from bot.conversation.flow import Flow
from bot.flows.approve import approve_flow
from bot.flows.ask import ask_flow
from bot.flows.audit import audit_flow
from bot.flows.broadcast import broadcast_flow
from bot.flows.cases import cases_flow
from bot.flows.checkin import checkin_flow
from bot.flows.consent import notice_flow
from bot.flows.contest import contest_flow
from bot.flows.courses import courses_flow
from bot.flows.invite import invite_flow
from bot.flows.invite_admin import invite_admin_flow
from bot.flows.link import link_flow
from bot.flows.menu import MenuItem, menu_flow
from bot.flows.profile import profile_flow
from bot.flows.register import register_flow
from bot.flows.report_case import report_flow
from bot.flows.stats import stats_flow
from bot.flows.study import study_flow
from bot.flows.teams import teams_flow
from bot.texts import menu as tm
from bot.texts import privacy as tp

# Display order; who sees an item is the item's flow's own ``allowed`` rule.
MENU = [
    MenuItem(tm.REGISTER, "register"),
    MenuItem(tm.REPORT, "report"),
    MenuItem(tm.MY_CASES, "cases"),
    MenuItem(tm.APPROVALS, "approve"),
    MenuItem(tm.TEAMS, "teams"),
    MenuItem(tm.STATS, "stats"),
    MenuItem(tm.BROADCAST, "broadcast"),
    MenuItem(tm.COURSES, "courses"),
    MenuItem(tm.CONTEST, "contest"),
    MenuItem(tm.INVITE, "invite_admin"),
    MenuItem(tp.AUDIT_TITLE, "audit"),
    MenuItem(tm.STUDY, "study"),
    MenuItem(tm.CHECKIN, "checkin"),
    MenuItem(tm.ASK, "ask"),
    MenuItem(tm.PROFILE, "profile"),
]


def build_flows() -> dict[str, Flow]:
    """Every flow by name (the engine looks flows up here), with the menu over them."""
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
        study_flow(),
        checkin_flow(),
        courses_flow(),
        contest_flow(),
        audit_flow(),
        notice_flow(),
        link_flow(),
    ]
    by_name = {flow.name: flow for flow in flows}
    by_name["menu"] = menu_flow([item for item in MENU if item.flow in by_name], by_name)
    return by_name
