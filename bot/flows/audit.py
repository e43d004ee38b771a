"""``/nhatky``: province officers and admins read who viewed or exported personal data, and when.

A commune officer answering "who looked at my data?" for one person asks the province (or the
server operator, ``hoagiai audit --person ID``); the list itself is personal data about officers,
so it is not shown more widely.
"""

from __future__ import annotations

from bot.conversation.actor import Actor
from bot.conversation.flow import Answer, Ctx, Flow, Step
from bot.conversation.messages import Choice, Reply
from bot.domain.enums import Role
from bot.flows.common import require_active
from bot.services import privacy
from bot.texts import common as t
from bot.texts import privacy as tp
from bot.texts import register as tr

_SHOWN = 30


def _province_or_admin(actor: Actor) -> str | None:
    refusal = require_active(actor)
    if (
        refusal is None
        and actor.person is not None
        and actor.person.role
        not in (
            Role.PROVINCE_OFFICER,
            Role.ADMIN,
        )
    ):
        return t.NOT_ALLOWED
    return refusal


async def _show(ctx: Ctx) -> Reply:
    entries = await privacy.list_audit(ctx.app.db, limit=_SHOWN)
    return Reply(privacy.format_audit(entries), choices=[Choice(tr.DONE, "done")])


async def _done(ctx: Ctx, answer: Answer) -> None:
    return None


async def _finish(ctx: Ctx) -> list[Reply]:
    return []


def audit_flow() -> Flow:
    """The audit-log flow: the latest accesses and a button to close."""
    return Flow(
        name="audit",
        title=tp.AUDIT_TITLE,
        steps={"view": Step("view", _show, _done, next=None, store=None)},
        first="view",
        finish=_finish,
        allowed=_province_or_admin,
        command="nhatky",
    )
