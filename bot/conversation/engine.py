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
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import aiosqlite

from bot.conversation.actor import Actor
from bot.conversation.choices import match_choice
from bot.conversation.flow import SUSPENDED, Answer, Ctx, Flow, Invalid
from bot.conversation.messages import Choice, Inbound, InboundKind, Reply
from bot.domain.vntext import clean_input, fold
from bot.storage import people as people_repo
from bot.storage import reply_log
from bot.storage.sessions import Session, delete_session, load_session, mark_seen, save_session
from bot.texts import common as t

if TYPE_CHECKING:
    from bot.runtime import App

log = logging.getLogger(__name__)

# Longest text a step accepts; anything longer is refused before any processing.
MAX_INPUT_CHARS = 4000
_OFFERED = "_offered"

_GLOBAL_WORDS = {
    "menu": "menu",
    "danh muc": "menu",
    "huy": "cancel",
    "huy bo": "cancel",
    "thoi": "cancel",
    "dung": "cancel",
    "cancel": "cancel",
    "quay lai": "back",
    "tro lai": "back",
    "back": "back",
    "tro giup": "help",
    "giup": "help",
    "huong dan": "help",
    "help": "help",
}
_SLASH_COMMANDS = {
    "start": "start",
    "menu": "menu",
    "huy": "cancel",
    "cancel": "cancel",
    "quaylai": "back",
    "back": "back",
    "trogiup": "help",
    "help": "help",
}
_SLASH = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Command:
    """A global command recognised in a message: its name and optional argument."""

    name: str
    arg: str = ""


def parse_command(text: str, flow_commands: dict[str, str]) -> Command | None:
    """Recognise ``/start CODE``, ``/baocao`` or a typed global word (``huy``, ``quay lại`` …)."""
    slash = _SLASH.match(text.strip())
    if slash:
        word = slash.group(1).lower()
        arg = (slash.group(2) or "").strip()
        if word in _SLASH_COMMANDS:
            return Command(_SLASH_COMMANDS[word], arg)
        if word in flow_commands:
            return Command("flow", flow_commands[word])
        return Command("unknown", word)
    word = _GLOBAL_WORDS.get(fold(text).strip(" .!?"))
    return Command(word) if word else None


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
        tx: aiosqlite.Connection,
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
            if self.session is None:
                return [Reply(t.NOTHING_TO_CANCEL)]
            flow = self.app.flows.get(self.session.flow)
            title = self._title()
            await self._end_session()
            if flow is None or flow.ephemeral:
                return [Reply(t.CANCELLED_PLAIN)]
            return [Reply(t.CANCELLED.format(title=title))]
        if command.name == "back":
            return await self._back()
        if command.name == "menu":
            return await self._menu()
        if command.name == "start":
            notes = await self._stop_current()
            if command.arg and "invite" in self.app.flows:
                return notes + await self.start_flow("invite", {"code": command.arg})
            return notes + await self.start_flow("menu", {})
        if command.name == "flow":
            return await self._switch_to(command.arg, {})
        return await self._with_reprompt(t.UNKNOWN_COMMAND.format(command="/" + command.arg))

    async def _switch_to(self, name: str, data: dict[str, Any]) -> list[Reply]:
        """Leave the current flow for ``name`` — unless ``name`` is refused, which keeps it."""
        refusal = self.app.flows[name].allowed(self.actor)
        if refusal is not None:
            return await self._with_reprompt(refusal)
        notes = await self._stop_current()
        return notes + await self.start_flow(name, data)

    async def _menu(self) -> list[Reply]:
        """Show the menu; an unfinished flow is kept in it as "▶️ Tiếp tục …", not thrown away."""
        flow = self.app.flows.get(self.session.flow) if self.session else None
        if self.session is None or flow is None or flow.ephemeral:
            await self._end_session()
            return await self.start_flow("menu", {})
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
        flow = self.app.flows.get(self.session.flow) if self.session else None
        suspended = self.session.data.get(SUSPENDED) if self.session else None
        await self._end_session()
        if suspended is not None:
            return [Reply(t.STOPPED_FOR_MENU.format(title=suspended["title"]))]
        if flow is None or flow.ephemeral:
            return []
        return [Reply(t.STOPPED_FOR_MENU.format(title=flow.title))]

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
        assert self.session is not None
        self.session.paused = True
        self.session.data[_OFFERED] = [[c.label, c.value] for c in self._resume_choices()]
        await save_session(self.tx, self.session, self.now)
        return [Reply(t.RESUME_QUESTION.format(title=flow.title), choices=self._resume_choices(), columns=2)]

    async def _answer_resume(self, flow: Flow) -> list[Reply]:
        assert self.session is not None
        picked = match_choice(self.text, self._resume_choices())
        if picked is None:
            return [Reply(t.RESUME_REPEAT, choices=self._resume_choices(), columns=2)]
        if picked.value == "drop":
            title = flow.title
            await self._end_session()
            return [Reply(t.CANCELLED.format(title=title))]
        self.session.paused = False
        return await self._prompt(flow, self._ctx(self.session.data), [])

    # -- flows ---------------------------------------------------------------------------------------

    async def start_flow(self, name: str, data: dict[str, Any]) -> list[Reply]:
        """Start flow ``name`` for this chat (replacing any session) and return its first prompt."""
        flow = self.app.flows[name]
        refusal = flow.allowed(self.actor)
        if refusal is not None:
            return [Reply(refusal)]
        if self.app.before_flow is not None:
            # An app hook may put another flow first (bot/flows/notice_gate.py); it carries ``name``.
            detour = await self.app.before_flow(self._ctx(dict(data)), name)
            if detour is not None:
                return await self.start_flow(*detour)
        ctx = self._ctx(dict(data))
        if flow.begin is not None:
            try:
                await flow.begin(ctx)
            except Invalid as exc:
                return [*ctx.notes, Reply(exc.message)]
            if ctx.next_flow is not None:
                return ctx.notes + await self.start_flow(*ctx.next_flow)
        self.session = Session(
            channel=self.inbound.channel, chat_id=self.inbound.chat_id, flow=name, step=flow.first_step(ctx)
        )
        self.session.data = ctx.data
        return await self._prompt(flow, ctx, ctx.notes)

    async def _prompt(
        self, flow: Flow, ctx: Ctx, before: list[Reply], error: str | None = None
    ) -> list[Reply]:
        assert self.session is not None
        reply = await flow.steps[self.session.step].prompt(ctx)
        self.session.data = ctx.data
        self.session.data[_OFFERED] = [[c.label, c.value] for c in reply.choices]
        await save_session(self.tx, self.session, self.now)
        if error:
            reply.text = f"{error}\n\n{reply.text}"
        return [*before, reply]

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
        step = flow.steps[self.session.step]
        offered = [Choice(label, value) for label, value in self.session.data.get(_OFFERED, [])]
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
            if picked is not None:
                answer.choice = picked.value
            elif not step.free_text:
                if not self.text:
                    return await self._with_reprompt(t.NOT_A_CHOICE_EMPTY)
                return await self._with_reprompt(t.NOT_A_CHOICE.format(answer=_quote(self.text)))
        if answer.choice is None and answer.phone is None and answer.file is None and not self.text:
            return await self._with_reprompt(t.EMPTY_ANSWER)

        ctx = self._ctx(self.session.data)
        try:
            value = await step.parse(ctx, answer)
        except Invalid as exc:
            return await self._with_reprompt(exc.message)
        key = step.key()
        if key is not None:
            ctx.data[key] = value
        if ctx.resume is not None:
            return await self._restore(ctx.resume, ctx.notes)
        if ctx.next_flow is not None:
            await self._end_session()
            return ctx.notes + await self.start_flow(*ctx.next_flow)
        following = step.next_step(ctx)
        if following is None:
            replies = await flow.finish(ctx)
            if ctx.next_flow is not None:
                await self._end_session()
                return ctx.notes + replies + await self.start_flow(*ctx.next_flow)
            await self._end_session()
            # Never leave the user in silence: a flow that ends without a word gets a short close.
            return ctx.notes + replies if ctx.notes or replies else [Reply(t.DONE)]
        self.session.history.append(step.name)
        self.session.step = following
        return await self._prompt(flow, ctx, ctx.notes)


def _pressed(value: str, offered: list[Choice]) -> Choice | None:
    """The offered choice a button press refers to: by value, or ``#n`` (1-based) for channels
    whose button payloads cannot hold long values (Telegram's 64-byte callback data)."""
    if value.startswith("#") and value[1:].isdigit():
        index = int(value[1:])
        return offered[index - 1] if 1 <= index <= len(offered) else None
    return next((c for c in offered if c.value == value), None)


def _quote(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
