"""``/moi``: an admin creates a one-time invite code for any role, right in the chat."""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.actor import Actor
from bot.conversation.flow import Ctx, Flow, choice_step
from bot.conversation.messages import Choice, Reply
from bot.domain.enums import Role
from bot.flows.common import commune_steps, require_active
from bot.services import registration
from bot.storage import units
from bot.texts import common as t
from bot.texts import register as tr

INVITE_DAYS = 7
_NEEDS_COMMUNE = (Role.MEDIATOR, Role.TEAM_LEADER, Role.COMMUNE_OFFICER)


def _admins_only(actor: Actor) -> str | None:
    refusal = require_active(actor)
    if refusal is None and actor.person is not None and actor.person.role != Role.ADMIN:
        return t.NOT_ALLOWED
    return refusal


async def _finish(ctx: Ctx) -> list[Reply]:
    assert ctx.actor.person is not None
    role = Role(ctx.data["role"])
    commune_code = ctx.data.get("commune") if role in _NEEDS_COMMUNE else None
    try:
        invite = await registration.create_invite(
            ctx.tx, role, commune_code, ctx.actor.person.id, timedelta(days=INVITE_DAYS), ctx.now
        )
    except registration.RegistrationError as exc:
        return [Reply(exc.message)]
    except PermissionError:
        # The admin role was withdrawn while the invite was being made.
        return [Reply(t.NOT_ALLOWED)]
    commune = await units.commune_by_code(ctx.tx, commune_code) if commune_code else None
    until = invite.expires_at.astimezone(ctx.app.tz).strftime("%d/%m/%Y")
    return [
        Reply(
            tr.INVITE_MADE.format(
                role=tr.ROLE_LABELS[role],
                place=f" ({commune.label})" if commune else "",
                code=invite.code,
                until=until,
            )
        )
    ]


def invite_admin_flow() -> Flow:
    """Creating invite codes (admins)."""
    roles = [Choice(tr.ROLE_LABELS[role], role.value) for role in Role]
    return Flow(
        name="invite_admin",
        title="Tạo mã mời",
        steps={
            "role": choice_step(
                "role",
                tr.ASK_INVITE_ROLE,
                roles,
                next=lambda ctx: "commune_query" if Role(ctx.data["role"]) in _NEEDS_COMMUNE else None,
            ),
            **commune_steps("commune_query", "commune", tr.ASK_INVITE_COMMUNE, next=None),
        },
        first="role",
        finish=_finish,
        allowed=_admins_only,
        command="moi",
    )
