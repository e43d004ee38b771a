"""The conversation engine: one inbound message in, the replies out.

Per message, inside one write transaction: de-duplicate the message id, find who is talking,
load the chat's session, apply global commands or feed the answer to the current step, and
save the session. Replies are returned only after the commit, so whatever the bot confirms is
already on disk and a restart resumes exactly where the user was.

Messages of one chat are handled strictly in order (a lock per chat); different chats run
concurrently and only serialise on the short write transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from bot.conversation.actor import Actor
from bot.conversation.choices import match_choice
from bot.conversation.commands import Command, flow_phrase, parse_command
from bot.conversation.flow import SUSPENDED, Answer, Ctx, Flow, Invalid, TooLong
from bot.conversation.messages import Choice, Inbound, InboundKind, Reply
from bot.conversation.vocabulary import resume_or_drop, yes_no
from bot.domain.numbers import whole_number
from bot.domain.vntext import clean_input
from bot.storage import drafts, reply_log
from bot.storage import people as people_repo
from bot.storage.db import Connection
from bot.storage.sessions import Session, delete_session, load_session, mark_seen, save_session
from bot.texts import common as t

if TYPE_CHECKING:
    from bot.runtime import App

log = logging.getLogger(__name__)

# Longest text a step accepts; anything longer is refused before any processing.
MAX_INPUT_CHARS = 4000
_OFFERED = "_offered"
# Why a session is paused: "idle" (back after idleness) or "cancel" (asked to confirm «hủy»).
_PAUSE = "_pause"
# «hủy» after this many answered steps asks first: a long draft is not thrown away by one word.
CONFIRM_CANCEL_AFTER = 3
# An over-long answer kept for the step that refused it: {"step": name, "text": the cut version}.
_CUT = "_cut"


def chat_key(channel: str, chat_id: str) -> str:
    """The cross-process lock key of one chat (``Database.lock_chat``)."""
    return f"chat:{channel}:{chat_id}"


class _ChatLocks:
    """One lock per chat, dropped when nobody waits on it (so the dict does not grow forever)."""

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: tuple[str, str]) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class Engine:
    """Routes inbound messages to flows, the menu and the knowledge base."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._locks = _ChatLocks()

    @property
    def active_chats(self) -> int:
        """Chats with a message being handled or waiting (for tests and shutdown)."""
        return len(self._locks)

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Handle one message; never raises — a failure becomes an apology, the data stays safe."""
        async with self._locks.hold((inbound.channel, inbound.chat_id)):
            try:
                return await self._handle(inbound)
            except Exception:
                log.exception(
                    "handle_failed channel=%s chat=%s message=%s",
                    inbound.channel,
                    inbound.chat_id,
                    inbound.message_id,
                )
                return [Reply(t.INTERNAL_ERROR)]

    async def _handle(self, inbound: Inbound) -> list[Reply]:
        now = self.app.clock()
        async with self.app.db.transaction() as tx:
            # First statement: another process handling this chat (several processes share a
            # PostgreSQL database) commits before we read its de-duplication mark and session;
            # the in-process lock above keeps waiting messages from holding pool connections.
            await self.app.db.lock_chat(tx, chat_key(inbound.channel, inbound.chat_id))
            if not await mark_seen(tx, inbound.channel, inbound.chat_id, inbound.message_id, now):
                log.info("duplicate_ignored channel=%s message=%s", inbound.channel, inbound.message_id)
                return []
            person = await people_repo.resolve_identity(
                tx, inbound.channel, inbound.user_id, inbound.chat_id, inbound.display_name, now
            )
            actor = Actor(inbound.channel, inbound.user_id, inbound.chat_id, person)
            session = await load_session(tx, inbound.channel, inbound.chat_id)
            turn = _Turn(self.app, tx, inbound, actor, session, now)
            replies = await turn.run()
            # Kept with the de-duplication mark, so a redelivery after a crash between this
            # commit and the send can still deliver them (bot/channels/delivery.py).
            await reply_log.keep(tx, inbound.channel, inbound.chat_id, inbound.message_id, replies)
            return replies


class _Turn:
    """The handling of one message (lives for one transaction)."""

    def __init__(
        self,
        app: App,
        tx: Connection,
        inbound: Inbound,
        actor: Actor,
        session: Session | None,
        now: datetime,
    ) -> None:
        self.app = app
        self.tx = tx
        self.inbound = inbound
        self.actor = actor
        self.session = session
        self.now = now
        self.text = ""

    # -- entry ---------------------------------------------------------------------------------

    async def run(self) -> list[Reply]:
        raw = self.inbound.text if self.inbound.kind != InboundKind.CHOICE else self.inbound.value
        if len(raw) > MAX_INPUT_CHARS:
            return await self._with_reprompt(t.TOO_LONG.format(length=len(raw), limit=MAX_INPUT_CHARS))
        self.text = clean_input(raw).strip()
        if self.inbound.kind == InboundKind.UNSUPPORTED or (
            self.inbound.kind == InboundKind.FILE and not self._file_expected()
        ):
            return await self._with_reprompt(t.UNSUPPORTED)
        # A file's caption is not a message of its own: it never opts out or answers an RSVP.
        if self.app.preflight is not None and self.inbound.kind != InboundKind.FILE:
            handled = await self.app.preflight(self._ctx({}), self.text)
            if handled is not None:
                return handled

        command = parse_command(self.text, self.app.flow_commands) if self._typed() else None
        if command is not None:
            return await self._command(command)
        wanted = self._flow_phrase()
        if wanted is not None:
            return await self._switch_to(wanted, {})
        if self.inbound.kind == InboundKind.CHOICE and self.text.startswith("go:"):
            return await self._action(self.text)

        if self.session is not None:
            flow = self.app.flows.get(self.session.flow)
            if flow is None or self.session.step not in flow.steps:
                # A flow or step removed by an upgrade: drop the stale session instead of crashing.
                await self._end_session()
            elif self.session.paused:
                return await self._answer_resume(flow)
            elif self._idle() and flow.ephemeral and SUSPENDED not in self.session.data:
                await self._end_session()
            elif self._idle():
                return await self._ask_resume(flow)
            else:
                return await self._answer_step(flow)
        if self.inbound.kind == InboundKind.CHOICE:
            return [Reply(t.STALE_BUTTON_IDLE)]
        if not self.text:
            return await self.start_flow("menu", {})
        # Free text outside a flow is a question for the knowledge base.
        return await self.start_flow("ask", {"q": self.text})

    def _flow_phrase(self) -> str | None:
        """A flow asked for in words («dang ky», «tôi muốn báo cáo»), outside a step only: inside
        one, the same words may be its answer (a summary, a name). Q&A follow-ups and the menu
        are not steps in that sense."""
        if not self._typed():
            return None
        if self.session is not None:
            flow = self.app.flows.get(self.session.flow)
            if self.session.paused or (flow is not None and not flow.ephemeral):
                return None
        wanted = flow_phrase(self.text, self.app.flow_commands)
        if wanted is None or wanted not in self.app.flows:
            return None
        # A flow this role never has («thong bao» typed by a mediator) leaves the words to the
        # knowledge base; a refusal that says what to do first (register, wait for approval)
        # is shown.
        return None if self.app.flows[wanted].allowed(self.actor) == t.NOT_ALLOWED else wanted

    def _typed(self) -> bool:
        return self.inbound.kind == InboundKind.TEXT

    def _file_expected(self) -> bool:
        """Whether the current step takes a file as its answer (elsewhere a file is refused)."""
        if self.session is None or self.session.paused:
            return False
        flow = self.app.flows.get(self.session.flow)
        step = flow.steps.get(self.session.step) if flow is not None else None
        return step is not None and step.accepts_file

    def _idle(self) -> bool:
        assert self.session is not None and self.session.updated_at is not None
        limit = timedelta(minutes=self.app.settings.session_idle_minutes)
        return self.now - self.session.updated_at > limit

    def _ctx(self, data: dict[str, Any]) -> Ctx:
        local = self.now.astimezone(self.app.tz)
        return Ctx(
            app=self.app,
            tx=self.tx,
            inbound=self.inbound,
            actor=self.actor,
            data=data,
            now=self.now,
            today=local.date(),
        )

    # -- global commands -------------------------------------------------------------------------

    async def _command(self, command: Command) -> list[Reply]:
        if command.name == "help":
            return await self._with_reprompt(t.HELP)
        if command.name == "cancel":
            return await self._cancel()
        if command.name == "back":
            return await self._back()
        if command.name == "menu":
            return await self._menu()
        if command.name == "start":
            if command.arg and "invite" in self.app.flows:
                return await self._switch_to("invite", {"code": command.arg})
            # A bare /start is the menu: an unfinished flow is kept as «▶️ Tiếp tục …».
            return await self._menu()
        if command.name == "flow":
            return await self._switch_to(command.flow, {}, first_answer=command.arg)
        return await self._with_reprompt(t.UNKNOWN_COMMAND.format(command="/" + command.arg))

    async def _cancel(self) -> list[Reply]:
        """«hủy»: a long flow asks first; a cancelled flow worth keeping becomes a draft the menu
        can restore for a day."""
        if self.session is None:
            return [Reply(t.NOTHING_TO_CANCEL)]
        flow = self.app.flows.get(self.session.flow)
        if (
            flow is not None
            and not flow.ephemeral
            and not self.session.paused
            and len(self.session.history) >= CONFIRM_CANCEL_AFTER
        ):
            return await self._pause(
                "cancel", t.CANCEL_CONFIRM.format(title=flow.title, n=len(self.session.history))
            )
        return await self._drop()

    async def _drop(self) -> list[Reply]:
        """End the current flow for good, keeping it as a draft when it is worth restoring."""
        assert self.session is not None
        flow = self.app.flows.get(self.session.flow)
        snapshot = self._snapshot()
        await self._end_session()
        if snapshot is not None and await self._keep_draft(snapshot):
            return [Reply(t.CANCELLED_KEPT.format(title=snapshot["title"], hours=_hours(drafts.KEEP_FOR)))]
        if flow is None or flow.ephemeral:
            return [Reply(t.CANCELLED_PLAIN)]
        return [Reply(t.CANCELLED.format(title=flow.title))]

    def _snapshot(self) -> dict[str, Any] | None:
        """The current flow as the menu or a draft keeps it (or the one the menu keeps)."""
        if self.session is None:
            return None
        suspended = self.session.data.get(SUSPENDED)
        if suspended is not None:
            return dict(suspended)
        flow = self.app.flows.get(self.session.flow)
        if flow is None or flow.ephemeral:
            return None
        data = {k: v for k, v in self.session.data.items() if k not in (_OFFERED, _PAUSE)}
        return {
            "flow": self.session.flow,
            "step": self.session.step,
            "data": data,
            "history": list(self.session.history),
            "title": flow.title,
        }

    async def _keep_draft(self, snapshot: dict[str, Any]) -> bool:
        """Keep a dropped flow restorable from the menu, if its flow is ``restorable`` and
        something was answered. Returns whether it was kept."""
        flow = self.app.flows.get(snapshot["flow"])
        if flow is None or not flow.restorable or not snapshot["history"]:
            return False
        await drafts.keep(self.tx, self.inbound.channel, self.inbound.chat_id, snapshot, self.now)
        return True

    async def _switch_to(self, name: str, data: dict[str, Any], first_answer: str = "") -> list[Reply]:
        """Leave the current flow for ``name`` — unless ``name`` refuses to start (not allowed,
        or its ``begin`` says no: an approval already decided, a case no longer visible), which
        says why and repeats the current question with the current flow intact.
        ``first_answer`` (the text after ``/lienket``, ``/hoi`` …) answers the first question."""
        opening = await self._open(name, data, first_answer)
        if isinstance(opening, _Refused):
            return opening.notes + await self._with_reprompt(opening.message)
        notes = await self._stop_current()
        return notes + await self._launch(opening, _own(opening, name, first_answer))

    async def _menu(self) -> list[Reply]:
        """Show the menu; an unfinished flow is kept in it as "▶️ Tiếp tục …", not thrown away."""
        flow = self.app.flows.get(self.session.flow) if self.session else None
        if self.session is None or flow is None or flow.ephemeral:
            # «menu» at the menu (or in Q&A) still keeps the flow the menu was keeping.
            kept = self.session.data.get(SUSPENDED) if self.session else None
            await self._end_session()
            return await self.start_flow("menu", {SUSPENDED: kept} if kept else {})
        suspended = {
            "flow": self.session.flow,
            "step": self.session.step,
            "data": self.session.data,
            "history": self.session.history,
            "title": flow.title,
        }
        await self._end_session()
        return await self.start_flow("menu", {SUSPENDED: suspended})

    async def _action(self, value: str) -> list[Reply]:
        """A stateless button (``go:<flow>[:arg]``) from a notification or an old message."""
        _, _, rest = value.partition(":")
        name, _, arg = rest.partition(":")
        if name not in self.app.flows:
            return [Reply(t.STALE_BUTTON_IDLE)]
        return await self._switch_to(name, {"arg": arg} if arg else {})

    async def _stop_current(self) -> list[Reply]:
        """Drop the current flow (or the one the menu keeps) for another; say so, and keep it as a
        draft when it is worth restoring."""
        snapshot = self._snapshot()
        await self._end_session()
        if snapshot is None:
            return []
        if await self._keep_draft(snapshot):
            return [Reply(t.STOPPED_KEPT.format(title=snapshot["title"], hours=_hours(drafts.KEEP_FOR)))]
        return [Reply(t.STOPPED_FOR_MENU.format(title=snapshot["title"]))]

    async def _hand_over(self, ctx: Ctx) -> list[Reply]:
        """A step handed the chat to another flow (a menu item, «ghi kết quả ngay» …): open that
        flow first; if it refuses, the current step is asked again with the reason and nothing
        is lost — including a flow the menu was keeping as «▶️ Tiếp tục …»."""
        assert self.session is not None and ctx.next_flow is not None
        name, data = ctx.next_flow
        opening = await self._open(name, data, ctx.next_answer)
        if isinstance(opening, _Refused):
            before = ctx.notes + opening.notes
            return before + await self._with_reprompt(opening.message)
        # Only a flow the menu was keeping is left here (a flow's own hand-over means it is done).
        notes = list(ctx.notes)
        if SUSPENDED in self.session.data:
            notes += await self._stop_current()
        await self._end_session()
        return notes + await self._launch(opening, _own(opening, name, ctx.next_answer))

    async def _restore(self, snapshot: dict[str, Any], before: list[Reply]) -> list[Reply]:
        """Go back to a flow suspended by the menu, at the step where it was left."""
        flow = self.app.flows.get(snapshot["flow"])
        if flow is None or snapshot["step"] not in flow.steps:
            await self._end_session()
            return [*before, Reply(t.CANCELLED_PLAIN)]
        self.session = Session(
            channel=self.inbound.channel,
            chat_id=self.inbound.chat_id,
            flow=snapshot["flow"],
            step=snapshot["step"],
            data=snapshot["data"],
            history=snapshot["history"],
        )
        return await self._prompt(flow, self._ctx(self.session.data), before)

    async def _back(self) -> list[Reply]:
        if self.session is None:
            return [Reply(t.NOTHING_TO_CANCEL)]
        flow = self.app.flows[self.session.flow]
        if not self.session.history:
            return await self._with_reprompt(t.NO_PREVIOUS_STEP)
        self.session.step = self.session.history.pop()
        self.session.paused = False
        self.session.data.pop(_PAUSE, None)
        return await self._prompt(flow, self._ctx(self.session.data), [])

    def _title(self) -> str:
        assert self.session is not None
        flow = self.app.flows.get(self.session.flow)
        return flow.title if flow else self.session.flow

    async def _end_session(self) -> None:
        if self.session is not None:
            await delete_session(self.tx, self.inbound.channel, self.inbound.chat_id)
            self.session = None

    # -- resuming after idleness -------------------------------------------------------------------

    def _resume_choices(self) -> list[Choice]:
        return [Choice(t.RESUME_CONTINUE, "resume"), Choice(t.RESUME_CANCEL, "drop")]

    async def _ask_resume(self, flow: Flow) -> list[Reply]:
        return await self._pause("idle", t.RESUME_QUESTION.format(title=flow.title))

    async def _pause(self, reason: str, question: str) -> list[Reply]:
        """Hold the current step and ask «tiếp tục hay hủy?» (after idleness, or on «hủy»)."""
        assert self.session is not None
        self.session.paused = True
        self.session.data[_PAUSE] = reason
        self.session.data[_OFFERED] = [[c.label, c.value] for c in self._resume_choices()]
        await save_session(self.tx, self.session, self.now)
        return [Reply(question, choices=self._resume_choices(), columns=2)]

    async def _answer_resume(self, flow: Flow) -> list[Reply]:
        assert self.session is not None
        picked = match_choice(self.text, self._resume_choices())
        value = picked.value if picked is not None else None
        if value is None:
            # «tt», «làm tiếp», «bỏ»: the short answers that mean one option only.
            said = resume_or_drop(self.text)
            value = None if said is None else ("resume" if said else "drop")
        if value is None and self.session.data.get(_PAUSE) == "cancel":
            # «Hủy thật không?» — a typed yes cancels, a typed no goes on.
            said = yes_no(self.text)
            value = None if said is None else ("drop" if said else "resume")
        if value is None:
            return [Reply(t.RESUME_REPEAT, choices=self._resume_choices(), columns=2)]
        if value == "drop":
            return await self._drop()
        self.session.paused = False
        self.session.data.pop(_PAUSE, None)
        return await self._prompt(flow, self._ctx(self.session.data), [])

    # -- flows ---------------------------------------------------------------------------------------

    async def start_flow(self, name: str, data: dict[str, Any], first_answer: str = "") -> list[Reply]:
        """Start flow ``name`` for this chat (replacing any session) and return its first prompt
        (or, given ``first_answer``, what answering its first question with it says)."""
        opening = await self._open(name, data, first_answer)
        if isinstance(opening, _Refused):
            return [*opening.notes, Reply(opening.message)]
        return await self._launch(opening, _own(opening, name, first_answer))

    async def _open(self, name: str, data: dict[str, Any], first_answer: str = "") -> _Opening | _Refused:
        """Check whether ``name`` may start now — its ``allowed`` rule, its ``begin`` and its first
        question — without touching the current session, so a refusal can leave the current
        flow intact."""
        flow = self.app.flows[name]
        refusal = flow.allowed(self.actor)
        if refusal is not None:
            return _Refused(refusal, [])
        if self.app.before_flow is not None:
            # An app hook may put another flow first (bot/flows/notice_gate.py); it carries ``name``
            # and ``first_answer``, which then answer nothing in the flow put first.
            detour = await self.app.before_flow(self._ctx(dict(data)), name, first_answer)
            if detour is not None:
                return await self._open(*detour)
        ctx = self._ctx(dict(data))
        try:
            if flow.begin is not None:
                await _guarded(flow.begin(ctx))
            if ctx.next_flow is not None:
                return _Opening(flow, ctx, "", None)
            step = flow.first_step(ctx)
            reply = await self._render(flow, step, ctx)
        except Invalid as exc:
            return _Refused(exc.message, ctx.notes)
        return _Opening(flow, ctx, step, reply)

    async def _launch(self, opening: _Opening, first_answer: str = "") -> list[Reply]:
        """Make an opened flow the chat's session and send its first question — or, given
        ``first_answer`` (the text after ``/lienket``, ``/hoi`` …), answer it at once."""
        flow, ctx = opening.flow, opening.ctx
        if ctx.next_flow is not None or opening.reply is None:
            assert ctx.next_flow is not None
            return ctx.notes + await self.start_flow(*ctx.next_flow, ctx.next_answer)
        self.session = Session(
            channel=self.inbound.channel, chat_id=self.inbound.chat_id, flow=flow.name, step=opening.step
        )
        self.session.data = ctx.data
        replies = await self._send_prompt(opening.reply, ctx.notes)
        if first_answer:
            # Answered at once: the first question is not shown, its answer's outcome is.
            self.text = first_answer
            replies = [r for r in replies if r is not opening.reply]
            replies += await self._answer_step(flow)
        return replies

    async def _render(self, flow: Flow, step: str, ctx: Ctx) -> Reply:
        """The question of ``step`` (raises Invalid when it cannot be asked now — also when the
        person may no longer use the flow: role changed, account unlinked since it began)."""
        refusal = flow.allowed(self.actor)
        if refusal is not None:
            raise Invalid(refusal)
        reply = await _guarded(flow.steps[step].prompt(ctx))
        cut = ctx.data.get(_CUT)
        if cut is not None and cut["step"] == step:
            reply.choices = [*reply.choices, Choice(t.USE_CUT, _CUT)]
        return reply

    async def _send_prompt(self, reply: Reply, before: list[Reply], error: str | None = None) -> list[Reply]:
        """Record what ``reply`` offers in the session, commit it, and return it after ``before``."""
        assert self.session is not None
        self.session.data[_OFFERED] = [[c.label, c.value] for c in reply.choices]
        await save_session(self.tx, self.session, self.now)
        if error:
            reply.text = f"{error}\n\n{reply.text}"
        return [*before, reply]

    async def _prompt(
        self, flow: Flow, ctx: Ctx, before: list[Reply], error: str | None = None
    ) -> list[Reply]:
        """Ask the current step. A step that cannot be asked now (nobody to pick, a case no
        longer visible) says why and falls back to the step before it — or, at the first step,
        ends the flow with the way out — so no input loops on an apology."""
        assert self.session is not None
        reasons: list[str] = []
        while True:
            try:
                reply = await self._render(flow, self.session.step, ctx)
                break
            except Invalid as exc:
                if exc.message not in reasons:
                    reasons.append(exc.message)
                if not self.session.history:
                    await self._end_session()
                    return [*before, Reply("\n".join([*reasons, "", t.FLOW_ENDED.format(title=flow.title)]))]
                self.session.step = self.session.history.pop()
        self.session.data = ctx.data
        return await self._send_prompt(reply, before, "\n".join(reasons) if reasons else error)

    async def _with_reprompt(self, message: str) -> list[Reply]:
        """Say ``message``; inside a flow, repeat the current question with it."""
        if self.session is None or self.session.paused or self.session.flow not in self.app.flows:
            return [Reply(message)]
        flow = self.app.flows[self.session.flow]
        if self.session.step not in flow.steps:
            return [Reply(message)]
        return await self._prompt(flow, self._ctx(self.session.data), [], error=message)

    async def _answer_step(self, flow: Flow) -> list[Reply]:
        assert self.session is not None
        refusal = flow.allowed(self.actor)
        if refusal is not None:
            # The flow began when this person could use it; they no longer can.
            await self._end_session()
            return [Reply(f"{refusal}\n\n{t.FLOW_ENDED.format(title=flow.title)}")]
        step = flow.steps[self.session.step]
        offered = [Choice(label, value) for label, value in self.session.data.get(_OFFERED, [])]
        # The cut version of a refused over-long answer is on offer: a new typed text is fine too.
        cut_offered = any(c.value == _CUT for c in offered)
        answer = Answer(self.text)
        if self.inbound.kind == InboundKind.FILE:
            # Only a step that accepts files gets here (see run); the caption is not matched
            # against the offered choices: the file is the answer.
            answer.file = self.inbound.file
        elif self.inbound.kind == InboundKind.CONTACT:
            if not step.phone:
                return await self._with_reprompt(t.CONTACT_NOT_EXPECTED)
            answer.phone = self.inbound.value
        elif self.inbound.kind == InboundKind.CHOICE and not offered:
            # A button from an older message while this step expects typing: never read its
            # value as the typed answer.
            return await self._with_reprompt(t.STALE_BUTTON)
        elif offered:
            picked = None
            if self.inbound.kind == InboundKind.CHOICE:
                picked = _pressed(self.text, offered)
                if picked is None:
                    return await self._with_reprompt(t.STALE_BUTTON)
            else:
                picked = match_choice(self.text, offered)
                if picked is None and step.words is not None:
                    # «ko», «dc», «đúng rồi», «tày»: the step's vocabulary of short replies.
                    meant = step.words(self.text)
                    picked = next((c for c in offered if c.value == meant), None)
            if picked is not None and picked.value == _CUT:
                answer = Answer(self.session.data[_CUT]["text"])
            elif picked is not None:
                answer.choice = picked.value
            elif not step.free_text and not cut_offered:
                if not self.text:
                    return await self._with_reprompt(t.NOT_A_CHOICE_EMPTY)
                return await self._with_reprompt(t.NOT_A_CHOICE.format(answer=_quote(self.text)))
        if answer.choice is None and answer.phone is None and answer.file is None and not self.text:
            return await self._with_reprompt(t.EMPTY_ANSWER)

        ctx = self._ctx(self.session.data)
        try:
            value = await _guarded(step.parse(ctx, answer))
        except TooLong as exc:
            ctx.data[_CUT] = {"step": step.name, "text": exc.cut}
            return await self._with_reprompt(exc.message)
        except Invalid as exc:
            return await self._with_reprompt(exc.message)
        ctx.data.pop(_CUT, None)
        key = step.key()
        if key is not None:
            ctx.data[key] = value
        if ctx.resume is not None:
            return await self._restore(ctx.resume, ctx.notes)
        if ctx.next_flow is not None:
            return await self._hand_over(ctx)
        following = step.next_step(ctx)
        if following is None:
            # A finish that refuses (the case is no longer theirs …) undoes its own writes and
            # asks the last question again with the reason, instead of an apology.
            await self.tx.execute("SAVEPOINT finish")
            try:
                replies = await _guarded(flow.finish(ctx))
            except Invalid as exc:
                await self.tx.execute("ROLLBACK TO finish")
                await self.tx.execute("RELEASE finish")
                return ctx.notes + await self._with_reprompt(exc.message)
            await self.tx.execute("RELEASE finish")
            if ctx.next_flow is not None:
                await self._end_session()
                return ctx.notes + replies + await self.start_flow(*ctx.next_flow, ctx.next_answer)
            await self._end_session()
            # Never leave the user in silence: a flow that ends without a word gets a short close.
            return ctx.notes + replies if ctx.notes or replies else [Reply(t.DONE)]
        self.session.history.append(step.name)
        self.session.step = following
        return await self._prompt(flow, ctx, ctx.notes)


@dataclass(slots=True)
class _Opening:
    """A flow that agreed to start: its context after ``begin`` and its first question (None
    when ``begin`` handed over to another flow), not yet the chat's session."""

    flow: Flow
    ctx: Ctx
    step: str
    reply: Reply | None


_T = TypeVar("_T")


async def _guarded(call: Awaitable[_T]) -> _T:
    """Run a flow's hook; a service's PermissionError (scope checked in the services) becomes a
    plain refusal instead of an apology."""
    try:
        return await call
    except PermissionError:
        raise Invalid(t.NOT_ALLOWED_NOW) from None


@dataclass(slots=True)
class _Refused:
    """A flow that may not start now: why (Vietnamese), and anything its ``begin`` said first."""

    message: str
    notes: list[Reply]


def _pressed(value: str, offered: list[Choice]) -> Choice | None:
    """The offered choice a button press refers to: by value, or ``#n`` (1-based) for channels
    whose button payloads cannot hold long values (Telegram's 64-byte callback data)."""
    index = whole_number(value[1:]) if value.startswith("#") else None
    if index is not None:
        return offered[index - 1] if 1 <= index <= len(offered) else None
    return next((c for c in offered if c.value == value), None)


def _own(opening: _Opening, name: str, first_answer: str) -> str:
    """``first_answer`` when ``opening`` is the flow it was typed for; a flow put first (the
    privacy notice) carries it on in its data instead of taking it as its own answer."""
    return first_answer if opening.flow.name == name else ""


def _hours(delta: timedelta) -> int:
    return int(delta.total_seconds() // 3600)


def _quote(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
