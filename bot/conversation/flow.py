"""What a guided conversation is made of: flows, steps, and the context a step sees.

A flow never knows which channel it speaks to. Each step offers a prompt (a :class:`Reply`,
possibly with choices), turns the user's answer into a value or raises :class:`Invalid` with a
Vietnamese message, and names the next step. The engine stores the value, commits the session
and only then replies, so a restart resumes exactly at the next step.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot.conversation.messages import Choice, Inbound, InboundFile, Reply
from bot.storage.db import Connection

if TYPE_CHECKING:
    from bot.conversation.actor import Actor
    from bot.runtime import App


# The data key under which the menu keeps a flow it interrupted, to offer "▶️ Tiếp tục".
SUSPENDED = "_suspended"


class Invalid(Exception):
    """The answer cannot be accepted; ``message`` (Vietnamese) says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooLong(Invalid):
    """The answer is longer than the step takes. The engine keeps it and offers ``cut`` (the
    text shortened at a word boundary, see :func:`bot.domain.vntext.cut_at_word`) as a choice,
    so nobody retypes a long text on a phone; ``message`` says how long and where it was cut."""

    def __init__(self, message: str, cut: str) -> None:
        super().__init__(message)
        self.cut = cut


@dataclass(slots=True)
class Answer:
    """The user's answer to a step: the matched choice's value, the free text, a shared phone
    number, or a file (only at a step that ``accepts_file``; ``text`` is then its caption)."""

    text: str
    choice: str | None = None
    phone: str | None = None
    file: InboundFile | None = None

    @property
    def value(self) -> str:
        """The choice value when one matched, else the text."""
        return self.choice if self.choice is not None else self.text


@dataclass(slots=True)
class Ctx:
    """Everything a step may use while handling one message, inside its write transaction."""

    app: App
    tx: Connection
    inbound: Inbound
    actor: Actor
    data: dict[str, Any]
    now: datetime
    today: date
    notes: list[Reply] = field(default_factory=list)
    next_flow: tuple[str, dict[str, Any]] | None = None
    next_answer: str = ""
    resume: dict[str, Any] | None = None

    def say(self, reply: Reply | str) -> None:
        """Queue an extra message to send before the next prompt."""
        self.notes.append(reply if isinstance(reply, Reply) else Reply(reply))

    def resume_suspended(self, snapshot: dict[str, Any]) -> None:
        """Go back to a flow the menu interrupted (``snapshot`` as the engine stored it)."""
        self.resume = snapshot

    def start_flow(self, name: str, /, first_answer: str = "", **data: Any) -> None:
        """Hand over to another flow once this step is done (menus, "record outcome now" …);
        ``first_answer`` answers its first question (text typed after a command, carried on)."""
        self.next_flow = (name, data)
        self.next_answer = first_answer


PromptFn = Callable[[Ctx], Awaitable[Reply]]
ParseFn = Callable[[Ctx, Answer], Awaitable[Any]]
NextFn = Callable[[Ctx], str | None]


@dataclass(frozen=True, slots=True)
class Step:
    """One question of a flow.

    ``free_text``: when the prompt offers choices, whether a typed answer that matches none of
    them still goes to ``parse`` (dates, names) or is answered with the list again.
    ``next`` is a step name, a function of the context, or None for "finish the flow".
    ``store``: the data key the parsed value goes to (the step name by default); None to skip.
    ``phone``: a shared contact is an answer here. ``accepts_file``: a document or photo is an
    answer here (``Answer.file``); at every other step a file is refused as unsupported.
    ``words``: what short typed replies mean here (see :mod:`bot.conversation.vocabulary`):
    typed text → one of the offered choice values, consulted when the text matches no choice
    (``ko`` → "no", ``dung roi`` → "save"). The shared step helpers set it.
    """

    name: str
    prompt: PromptFn
    parse: ParseFn
    next: str | NextFn | None = None
    free_text: bool = False
    store: str | None = ""
    phone: bool = False
    accepts_file: bool = False
    words: Callable[[str], str | None] | None = None

    def key(self) -> str | None:
        """The data key for this step's value."""
        return self.name if self.store == "" else self.store

    def next_step(self, ctx: Ctx) -> str | None:
        """Resolve the following step for the current data."""
        return self.next(ctx) if callable(self.next) else self.next


@dataclass(frozen=True, slots=True)
class Flow:
    """A guided conversation: named steps, a first step, and what happens at the end.

    ``allowed`` decides who may start it (None, or the Vietnamese refusal); ``begin`` may
    prepare data (or hand over elsewhere) before the first prompt; ``finish`` runs in the same
    transaction as the last answer. An ``ephemeral`` flow (menu, Q&A follow-ups) holds nothing
    worth resuming: after idleness it is dropped silently instead of asking "tiếp tục hay hủy?".
    A ``restorable`` flow dropped part-way (cancelled, or left for another flow) is kept as a
    draft the menu offers to restore for a day (a report half-typed on a phone).
    """

    name: str
    title: str
    steps: dict[str, Step]
    first: str | Callable[[Ctx], str]
    finish: Callable[[Ctx], Awaitable[list[Reply]]]
    allowed: Callable[[Actor], str | None] = lambda actor: None
    begin: Callable[[Ctx], Awaitable[None]] | None = None
    command: str | None = None
    ephemeral: bool = False
    restorable: bool = False

    def first_step(self, ctx: Ctx) -> str:
        """The step to start at."""
        return self.first(ctx) if callable(self.first) else self.first


def choice_step(
    name: str,
    question: str | Callable[[Ctx], str],
    options: list[Choice] | Callable[[Ctx], Awaitable[list[Choice]]],
    next: str | NextFn | None = None,
    columns: int = 1,
    store: str | None = "",
    words: Callable[[str], str | None] | None = None,
) -> Step:
    """A step whose answer must be one of fixed (or computed) choices; the value is the choice
    value. ``words`` maps short typed replies to a choice value (see :class:`Step`)."""

    async def prompt(ctx: Ctx) -> Reply:
        text = question(ctx) if callable(question) else question
        offered = await options(ctx) if callable(options) else options
        return Reply(text, choices=list(offered), columns=columns)

    async def parse(ctx: Ctx, answer: Answer) -> Any:
        return answer.choice

    return Step(name=name, prompt=prompt, parse=parse, next=next, store=store, words=words)
