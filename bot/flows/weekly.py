"""Answers to the weekly question, taken before any flow (the app's preflight hook).

* A pressed button (``go:wq:<question>:<option>``) always answers that question — or says it
  has passed when it is no longer the pending one (answered already, or a newer week's came).
* A typed number, letter or option text answers the pending question when it was queued in the
  last week and the chat is not in the middle of something: no session, or only an ephemeral
  one (menu, Q&A follow-ups) left before the question was queued. Inside a guided flow a bare
  "2" belongs to that flow; the question can still be answered by its button or from ``/hoc``.

Anything else returns None and the engine carries on as usual.
"""

from __future__ import annotations

from bot.conversation.flow import Ctx
from bot.conversation.messages import InboundKind, Reply
from bot.domain.training import read_option
from bot.services import weekly_question
from bot.storage.sessions import load_session
from bot.storage.training import pending_weekly
from bot.texts import training as tt


async def preflight(ctx: Ctx, text: str) -> list[Reply] | None:
    """Mark an answer to the weekly question; None when the message is not one."""
    person, bank = ctx.actor.person, ctx.app.training
    if ctx.inbound.kind == InboundKind.CHOICE:
        button = weekly_question.read_button(text)
        if button is None:
            return None
        question_id, index = button
        question = await weekly_question.pending(ctx.tx, person, bank, ctx.now) if person and bank else None
        if person is None or question is None or question.id != question_id or index >= len(question.options):
            return [Reply(tt.WEEKLY_STALE)]
        typed = str(index + 1)
    elif ctx.inbound.kind == InboundKind.TEXT and person is not None and bank is not None:
        question = await weekly_question.pending(ctx.tx, person, bank, ctx.now, typed=True)
        if question is None or read_option(text, question.options) is None or not await _chat_is_free(ctx):
            return None
        typed = text
    else:
        return None
    marked = await weekly_question.answer(ctx.tx, person, question, typed, ctx.now)
    if marked is None:
        return None
    return [weekly_question.feedback(question, marked)]


async def _chat_is_free(ctx: Ctx) -> bool:
    """Whether a typed answer can only be meant for the weekly question."""
    session = await load_session(ctx.tx, ctx.inbound.channel, ctx.inbound.chat_id)
    if session is None:
        return True
    flow = ctx.app.flows.get(session.flow)
    person = ctx.actor.person
    waiting = await pending_weekly(ctx.tx, person.id) if person else None
    return (
        flow is not None
        and flow.ephemeral
        and not session.paused
        and waiting is not None
        and session.updated_at is not None
        and session.updated_at <= waiting.since
    )
