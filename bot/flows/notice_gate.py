"""Ask registered people to read a privacy notice they have not answered, before their next flow.

The engine calls :func:`before_flow` whenever a flow is about to start (a command, a menu pick, a
question, a notification button). For a registered person who never answered the current notice
version — the text changed, or the account was created without a consent record (imports, old
invite codes) — it puts the ``privacy_notice`` flow first, once per version, carrying the flow
they were starting so it begins right after their answer. It never fires inside a flow under way
(the engine only starts flows between flows) nor when the menu holds a suspended flow, and
«Để sau» or any command moves on: the notice is a question, never a wall (issue 17).
"""

from __future__ import annotations

from typing import Any

from bot.conversation.flow import SUSPENDED, Ctx
from bot.flows.consent import THEN, current_notice
from bot.services import privacy
from bot.services.console_identity import is_operator_as

NOTICE_FLOW = "privacy_notice"
# Flows a pending notice never delays: the notice itself, registration (which shows it anyway)
# and /hoso, where a person goes to see or erase their data — reading a notice first would be
# a hurdle in front of exactly the rights it describes.
NEVER_DELAYED = frozenset({NOTICE_FLOW, "register", "invite", "profile"})


async def before_flow(ctx: Ctx, name: str, first_answer: str = "") -> tuple[str, dict[str, Any]] | None:
    """The flow to start instead of ``name`` (the notice, then ``name`` — answered with
    ``first_answer``, the text typed after its command, so it need not be retyped), or None."""
    person = ctx.actor.person
    if person is None or name in NEVER_DELAYED or SUSPENDED in ctx.data:
        return None
    if is_operator_as(ctx.inbound.channel, ctx.inbound.user_id):
        # The operator trying the bot as someone (`hoagiai chat --as`) cannot consent for them.
        return None
    version = current_notice(ctx).version
    if not await privacy.ask_notice_once(
        ctx.tx, person.id, ctx.inbound.channel, ctx.inbound.chat_id, version, ctx.now
    ):
        return None
    return NOTICE_FLOW, {THEN: [name, dict(ctx.data), first_answer]}
