"""The app's preflight hook: handlers that may take a message before commands and flows, tried
in order; the first that returns replies wins, None from all lets the engine carry on."""

from __future__ import annotations

from bot.conversation.flow import Ctx
from bot.conversation.messages import Reply
from bot.flows import rsvp, weekly

_HANDLERS = (rsvp.preflight, weekly.preflight)


async def preflight(ctx: Ctx, text: str) -> list[Reply] | None:
    """Opt-out words and RSVP answers first, then answers to the weekly question."""
    for handler in _HANDLERS:
        replies = await handler(ctx, text)
        if replies is not None:
            return replies
    return None
