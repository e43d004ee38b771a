"""Privacy in the conversation (issue 17): the notice step that opens registration, the
``privacy_notice`` flow that asks registered people to read a new notice version (offered at the
top of their menu, never in the way of a flow under way), and the once-per-conversation
"automated assistant, information not a decision" line.

``consent_begin`` checks whether this chat already accepted the current notice version; if so
the flow starts at its first personal question, otherwise at ``consent``, which shows the notice
with «Đồng ý» / «Không đồng ý» and stores the answer with the version and time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from bot.conversation.actor import Actor
from bot.conversation.flow import Answer, Ctx, Flow, Step
from bot.conversation.messages import Choice, Reply
from bot.flows.common import yes_no_words
from bot.services import privacy
from bot.services.console_identity import is_operator_as
from bot.texts import privacy as tp

_ACCEPTED = "consent"


def current_notice(ctx: Ctx) -> privacy.Notice:
    """The notice as configured (file, controller, link); read again only when the file changes,
    since every flow start of a registered person checks its version (bot/flows/notice_gate.py)."""
    settings = ctx.app.settings
    path = settings.notice_file
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1  # load_notice reports the missing file
    return _load(path, stamp, settings.privacy_controller, settings.privacy_notice_url)


@lru_cache(maxsize=8)
def _load(path: Path, stamp: int, controller: str, url: str) -> privacy.Notice:
    return privacy.load_notice(path, controller, url)


async def consent_begin(ctx: Ctx) -> None:
    """Remember whether the chat already accepted the current notice (then it is not shown again)."""
    notice = current_notice(ctx)
    needed = await privacy.needs_consent(ctx.tx, ctx.inbound.channel, ctx.inbound.chat_id, notice)
    ctx.data[_ACCEPTED] = None if needed else "accept"


def consent_first(first_question: str) -> Callable[[Ctx], str]:
    """The flow's first step: the notice unless it was already accepted."""
    return lambda ctx: first_question if ctx.data.get(_ACCEPTED) == "accept" else "consent"


async def _prompt(ctx: Ctx) -> Reply:
    choices = [Choice(tp.CONSENT_ACCEPT, "accept"), Choice(tp.CONSENT_REFUSE, "refuse")]
    return Reply(current_notice(ctx).text, choices=choices, columns=2)


async def _parse(ctx: Ctx, answer: Answer) -> str:
    accepted = answer.choice == "accept"
    notice = current_notice(ctx)
    await privacy.record_consent(
        ctx.tx, ctx.inbound.channel, ctx.inbound.chat_id, notice.version, accepted, ctx.now
    )
    return "accept" if accepted else "refuse"


def consent_step(next_step: str | None) -> Step:
    """The notice step; a refusal finishes the flow (see :func:`refused`)."""
    return Step(
        "consent",
        _prompt,
        _parse,
        next=lambda ctx: next_step if ctx.data.get(_ACCEPTED) == "accept" else None,
        store=_ACCEPTED,
        words=yes_no_words("accept", "refuse"),
    )


def refused(ctx: Ctx) -> bool:
    """True when the flow ended because the notice was refused."""
    return ctx.data.get(_ACCEPTED) == "refuse"


async def link_consent(ctx: Ctx, person_id: int) -> None:
    """Attach this chat's consents to the person just created (they show in /hoso)."""
    await privacy.link_consents(ctx.tx, ctx.inbound.channel, ctx.inbound.chat_id, person_id)


async def with_disclaimer(ctx: Ctx, text: str) -> str:
    """``text`` followed by the automated-assistant line, once per conversation."""
    idle = timedelta(minutes=ctx.app.settings.session_idle_minutes)
    if await privacy.disclaimer_due(ctx.tx, ctx.inbound.channel, ctx.inbound.chat_id, ctx.now, idle):
        return f"{text}\n\n{tp.ASSISTANT_DISCLAIMER}"
    return text


async def renewal_choices(ctx: Ctx) -> list[Choice]:
    """For a registered person who has not accepted the current version (a new text, a refusal, or
    an account created without any consent record): the menu button to read the notice."""
    person = ctx.actor.person
    if person is None or is_operator_as(ctx.inbound.channel, ctx.inbound.user_id):
        return []
    consent = await privacy.person_consent(ctx.tx, person.id, ctx.inbound.channel, ctx.inbound.chat_id)
    if consent is not None and consent.accepted and consent.version == current_notice(ctx).version:
        return []
    return [Choice(tp.READ_NOTICE, "privacy_notice")]


def _registered(actor: Actor) -> str | None:
    return None if actor.person is not None else tp.NOTICE_AT_REGISTRATION


# The flow the person was starting when the notice was put first (see bot/flows/notice_gate.py):
# ``[name, data, first_answer]`` (sessions saved before the answer was carried have two items).
THEN = "then"
_LATER = "later"


async def _renewal_prompt(ctx: Ctx) -> Reply:
    choices = [
        Choice(tp.CONSENT_ACCEPT, "accept"),
        Choice(tp.CONSENT_REFUSE, "refuse"),
        Choice(tp.NOTICE_LATER, _LATER),
    ]
    text = current_notice(ctx).text
    if THEN in ctx.data:
        text = f"{tp.NOTICE_BEFORE_FLOW}\n\n{text}"
    return Reply(text, choices=choices, columns=2)


async def _renewal_parse(ctx: Ctx, answer: Answer) -> str:
    if answer.choice not in ("accept", "refuse"):
        # «Để sau», or a question typed instead: nothing is recorded and the person goes on.
        if answer.choice is None and answer.text:
            ctx.data[THEN] = ["ask", {"q": answer.text}, ""]
        return _LATER
    assert ctx.actor.person is not None
    accepted = answer.choice == "accept"
    await privacy.record_consent(
        ctx.tx,
        ctx.inbound.channel,
        ctx.inbound.chat_id,
        current_notice(ctx).version,
        accepted,
        ctx.now,
        person_id=ctx.actor.person.id,
    )
    return answer.choice


async def _renewal_finish(ctx: Ctx) -> list[Reply]:
    assert ctx.actor.person is not None
    await privacy.link_consents(ctx.tx, ctx.inbound.channel, ctx.inbound.chat_id, ctx.actor.person.id)
    answer = ctx.data.get(_ACCEPTED)
    then = ctx.data.get(THEN)
    if then is not None:
        # Carry on with what the person was starting when the notice was put first.
        ctx.start_flow(then[0], then[2] if len(then) > 2 else "", **then[1])
    if answer == "accept":
        return [Reply(tp.NOTICE_THANKS)]
    if answer == "refuse":
        return [Reply(tp.NOTICE_REFUSED_REGISTERED)]
    return [Reply(tp.NOTICE_LATER_DONE)]


def notice_flow() -> Flow:
    """A registered person reads the current notice and answers it, or leaves it for later.

    Ephemeral: «menu» or another command simply moves on (the menu keeps offering the notice),
    so it never stands between a person and their work."""
    return Flow(
        name="privacy_notice",
        title=tp.READ_NOTICE,
        steps={
            "consent": Step(
                "consent", _renewal_prompt, _renewal_parse, next=None, store=_ACCEPTED, free_text=True
            )
        },
        first="consent",
        finish=_renewal_finish,
        allowed=_registered,
        ephemeral=True,
    )
