"""Words and buttons handled before any flow: announcement opt-out/opt-in and training RSVPs.

The engine calls :func:`preflight` for every message before commands and flows. It answers:

* the RSVP buttons of a training invitation (``go:rsvp:<broadcast id>:<yes|no|ack>``);
* «tắt thông báo» / «hủy đăng ký nhận tin» and «bật thông báo» (with or without diacritics):
  announcements only — reminders about one's own cases, approvals and decisions keep coming;
* «sẽ tham dự», «không tham dự», «đã nhận» typed within a week of an invitation delivered to
  this chat (Zalo and the console show buttons as a numbered list, so people type instead).

Anything else returns None and the engine carries on as usual, leaving any active flow as it is.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.conversation.flow import Ctx
from bot.conversation.messages import InboundKind, Reply
from bot.domain.broadcasts import RsvpAnswer
from bot.domain.vntext import fold
from bot.services import broadcasts
from bot.storage import broadcasts as repo
from bot.texts import broadcast as tb

# A typed answer counts for the invitation most recently delivered within this window.
RSVP_WINDOW = timedelta(days=7)

_BUTTON = re.compile(r"^go:rsvp:(\d{1,12}):(yes|no|ack)$")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)

OPT_OUT_WORDS = frozenset(
    {"tat thong bao", "huy dang ky nhan tin", "huy nhan tin", "tat nhan tin", "ngung nhan thong bao"}
)
OPT_IN_WORDS = frozenset({"bat thong bao", "bat lai thong bao", "mo thong bao", "nhan lai thong bao"})
RSVP_WORDS: dict[str, RsvpAnswer] = {
    "se tham du": RsvpAnswer.YES,
    "toi se tham du": RsvpAnswer.YES,
    "co tham du": RsvpAnswer.YES,
    "khong tham du": RsvpAnswer.NO,
    "toi khong tham du": RsvpAnswer.NO,
    "khong the tham du": RsvpAnswer.NO,
    "da nhan": RsvpAnswer.ACK,
    "da nhan duoc": RsvpAnswer.ACK,
    "toi da nhan": RsvpAnswer.ACK,
}


def _words(text: str) -> str:
    """The typed words without diacritics, emoji or punctuation around them."""
    return _EDGES.sub("", fold(text))


async def preflight(ctx: Ctx, text: str) -> list[Reply] | None:
    """Handle an opt-out word or an RSVP before any flow; None when the message is not one."""
    if ctx.inbound.kind == InboundKind.CHOICE:
        button = _BUTTON.match(text)
        if button is None:
            return None
        return await _answer(ctx, int(button.group(1)), RsvpAnswer(button.group(2)))
    if ctx.inbound.kind != InboundKind.TEXT:
        return None
    words = _words(text)
    if words in OPT_OUT_WORDS:
        return await _announcements(ctx, wanted=False)
    if words in OPT_IN_WORDS:
        return await _announcements(ctx, wanted=True)
    answer = RSVP_WORDS.get(words)
    if answer is None or ctx.actor.person is None:
        return None
    invitation = await repo.latest_invitation(
        ctx.tx, ctx.inbound.channel, ctx.inbound.chat_id, ctx.now - RSVP_WINDOW
    )
    if invitation is None:
        # Not an answer to anything we sent: let the flows and the knowledge base have it.
        return None
    return await _answer(ctx, invitation, answer)


async def _answer(ctx: Ctx, broadcast_id: int, answer: RsvpAnswer) -> list[Reply]:
    person = ctx.actor.person
    if person is None:
        return [Reply(tb.RSVP_STALE)]
    stored = await broadcasts.answer_invitation(ctx.tx, person, broadcast_id, answer, ctx.now)
    if stored is None:
        return [Reply(tb.RSVP_STALE)]
    if stored != answer:
        return [Reply(tb.RSVP_KEPT.format(answer=tb.RSVP_LABELS[stored]))]
    return [Reply(tb.RSVP_SAVED[answer])]


async def _announcements(ctx: Ctx, *, wanted: bool) -> list[Reply]:
    person = ctx.actor.person
    if person is None:
        return [Reply(tb.OPT_NEEDS_REGISTRATION)]
    changed = await broadcasts.set_announcements(ctx.tx, person, wanted, ctx.now)
    if wanted:
        return [Reply(tb.OPTED_IN if changed else tb.OPTED_IN_ALREADY)]
    return [Reply(tb.OPTED_OUT if changed else tb.OPTED_OUT_ALREADY)]
