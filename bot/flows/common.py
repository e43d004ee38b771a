"""Step builders shared by several flows: yes/no, commune search, names, phone numbers."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from bot.conversation import vocabulary
from bot.conversation.actor import Actor
from bot.conversation.flow import Answer, Ctx, Invalid, NextFn, Step, TooLong
from bot.conversation.messages import Choice, Reply
from bot.domain.enums import PersonStatus
from bot.domain.names import person_name
from bot.domain.people import Person
from bot.domain.phone import normalize_vn_mobile
from bot.domain.vntext import cut_at_word
from bot.services import places
from bot.texts import common as t
from bot.texts import register as tr

EDITING = "_edit"


def then(step: str, back_to: str = "confirm") -> NextFn:
    """Go to ``step`` — or straight back to the summary when the user is correcting one field."""
    return lambda ctx: back_to if ctx.data.get(EDITING) else step


def yes_no_words(yes: str = "yes", no: str = "no") -> Callable[[str], str | None]:
    """A step vocabulary: a typed yes (``ok``, ``uh``, ``dc``, ``đúng rồi`` …) means the choice
    ``yes``, a typed no (``ko``, ``k``, ``hok`` …) the choice ``no``."""

    def meaning(text: str) -> str | None:
        said = vocabulary.yes_no(text)
        return None if said is None else (yes if said else no)

    return meaning


def confirm_words(value: str) -> Callable[[str], str | None]:
    """A step vocabulary for a summary: «ok», «đúng rồi», «gửi», «xác nhận» … mean ``value``."""
    return lambda text: value if vocabulary.is_confirm(text) else None


def ethnicity_words(minority: str = "yes", majority: str = "no") -> Callable[[str], str | None]:
    """A step vocabulary for ethnicity: «tày», «nùng», «dao» … mean ``minority``, «kinh»
    ``majority``."""

    def meaning(text: str) -> str | None:
        said = vocabulary.minority(text)
        return None if said is None else (minority if said else majority)

    return meaning


def yes_no_step(
    name: str,
    question: str | Callable[[Ctx], str] | Callable[[Ctx], Awaitable[str]],
    next: str | NextFn | None,
    store: str | None = "",
) -> Step:
    """A Có/Không question whose value is a bool; typed ``ok``/``ko``/``dc``… count too.
    ``question`` may be computed from the context (plain or async function)."""

    async def prompt(ctx: Ctx) -> Reply:
        if callable(question):
            text = question(ctx)
            text = await text if inspect.isawaitable(text) else text
        else:
            text = question
        return Reply(text, choices=[Choice(t.YES, "yes"), Choice(t.NO, "no")], columns=2)

    async def parse(ctx: Ctx, answer: Answer) -> bool:
        return answer.choice == "yes"

    return Step(name, prompt, parse, next=next, store=store, words=yes_no_words())


def too_long(what: str, text: str, limit: int, room: int | None = None, length: int | None = None) -> TooLong:
    """The refusal of an over-long text that keeps it: ``what`` («Nội dung») is ``length``
    (default ``len(text)``) long against ``limit``; the cut version keeps at most ``room``
    (default ``limit``) characters of ``text``, ending at a word, and the message shows where."""
    kept, dropped = cut_at_word(text, limit if room is None else room)
    message = t.TOO_LONG_KEPT.format(
        what=what,
        length=len(text) if length is None else length,
        limit=limit,
        kept=len(kept),
        end=kept[-30:].lstrip(),
        dropped=dropped if len(dropped) <= 40 else dropped[:39] + "…",
    )
    return TooLong(message, kept)


def parse_person_name(text: str) -> str:
    """A person's full name as typed (spaces squeezed): 4–80 letters and spaces. It is stored as
    typed; messages show it capitalised (:attr:`Person.shown_name`)."""
    name = person_name(text)
    if name is None:
        raise Invalid(tr.NAME_BAD)
    return name


def name_step(name: str, question: str, next: str | NextFn | None) -> Step:
    """Ask for a full name."""

    async def prompt(ctx: Ctx) -> Reply:
        return Reply(question)

    async def parse(ctx: Ctx, answer: Answer) -> str:
        return parse_person_name(answer.text)

    return Step(name, prompt, parse, next=next)


def phone_step(name: str, next: str | NextFn | None) -> Step:
    """Ask for a Vietnamese mobile number: Telegram's share-contact button, or typed."""

    async def prompt(ctx: Ctx) -> Reply:
        return Reply(tr.ASK_PHONE, request_phone=True)

    async def parse(ctx: Ctx, answer: Answer) -> str:
        raw = answer.phone or answer.text
        phone = normalize_vn_mobile(raw)
        if phone is None:
            raise Invalid(tr.PHONE_BAD.format(text=raw[:30]))
        return phone

    return Step(name, prompt, parse, next=next, phone=True)


def commune_steps(
    query_step: str, pick_step: str, question: str, next: str | NextFn | None
) -> dict[str, Step]:
    """Two steps: type part of a commune's name, then pick among the best matches.

    The picked commune's code is stored under ``pick_step``; the matches are kept in the data
    so a restart re-offers the same list.
    """
    options_key = f"{query_step}_options"

    async def ask(ctx: Ctx) -> Reply:
        return Reply(question)

    async def search(ctx: Ctx, answer: Answer) -> str:
        matches = await places.find_communes(ctx.tx, answer.text)
        if not matches:
            raise Invalid(tr.COMMUNE_NOT_FOUND.format(query=answer.text[:40]))
        options = []
        for match in matches:
            label = f"{tr.UNIT_TYPES[match.commune.type.value]} {match.commune.name}"
            if match.via is not None:
                label = tr.VIA_OLD_UNIT.format(label=label, old=match.via.name)
            options.append([label, match.commune.code])
        ctx.data[options_key] = options
        return answer.text

    async def offer(ctx: Ctx) -> Reply:
        choices = [Choice(label, code) for label, code in ctx.data.get(options_key, [])]
        return Reply(tr.PICK_COMMUNE, choices=[*choices, Choice(tr.SEARCH_AGAIN, "again")])

    async def pick(ctx: Ctx, answer: Answer) -> str | None:
        return None if answer.choice == "again" else answer.choice

    def after_pick(ctx: Ctx) -> str | None:
        if ctx.data.get(pick_step) is None:
            return query_step
        return next(ctx) if callable(next) else next

    return {
        query_step: Step(query_step, ask, search, next=pick_step),
        pick_step: Step(pick_step, offer, pick, next=after_pick),
    }


def require_active(actor: Actor) -> str | None:
    """An ``allowed`` rule: approved people only (others are told to register or to wait)."""
    if actor.person is None:
        return t.NEED_REGISTRATION
    if not actor.person.active:
        return inactive_notice(actor.person)
    return None


def inactive_notice(person: Person) -> str:
    """Why a registered but inactive person cannot use a feature, by their status."""
    if person.status == PersonStatus.REJECTED:
        return t.ACCOUNT_REJECTED
    if person.status == PersonStatus.LEFT:
        return t.ACCOUNT_LEFT
    return t.NEED_APPROVAL


def require_officer(actor: Actor) -> str | None:
    """An ``allowed`` rule: approved commune/province officers and admins."""
    refusal = require_active(actor)
    if refusal is None and actor.person is not None and not actor.person.is_officer:
        return t.NOT_ALLOWED
    return refusal
