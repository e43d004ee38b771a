"""``/thi``: contest rounds. A participant answers the open round's questions one by one in their
own order (number, letter or option text); an officer opens a round for the mediators of their
scope, choosing which group of people in it may play, and reads the ranking with its XLSX."""

from __future__ import annotations

import asyncio
import random

from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Attachment, Choice, Reply
from bot.domain.broadcasts import Audience, Group
from bot.domain.enums import Role
from bot.domain.numbers import whole_number
from bot.domain.people import Person
from bot.flows.common import require_active
from bot.flows.options import option_choices, typed_option
from bot.reports.training_xlsx import results_workbook
from bot.reports.xlsx import XLSX_MIME
from bot.services import contests, privacy
from bot.services.training import TrainingError, may_organise
from bot.storage import training as repo
from bot.texts import training as tt
from bot.texts.broadcast import GROUP_LABELS
from bot.training.content import Bank

_DONE = [Choice(tt.STUDY_DONE, "done")]
# Who an officer may open a round for, always within the officer's own scope.
_AUDIENCES = (Group.MEDIATORS, Group.TEAM_LEADERS, Group.UNTRAINED, Group.TRAINERS)


def _me(ctx: Ctx) -> Person:
    assert ctx.actor.person is not None
    return ctx.actor.person


def _bank(ctx: Ctx) -> Bank:
    return ctx.app.training or Bank()


async def _begin(ctx: Ctx) -> None:
    ctx.data["officer"] = may_organise(_me(ctx))
    if not ctx.data["officer"]:
        found = await contests.playable(ctx.tx, _me(ctx), ctx.now)
        if found is None:
            # Nothing to play: the latest round one took part in, if it ended lately, or "none".
            raise Invalid(await contests.latest_result(ctx.tx, _me(ctx), ctx.now) or tt.CONTEST_NONE)
        ctx.data["round"] = found.id


# -- participants ---------------------------------------------------------------------------------


async def _play_prompt(ctx: Ctx) -> Reply:
    ctx.data["q"] = None
    try:
        turn = await contests.next_turn(
            ctx.tx, _me(ctx), int(ctx.data["round"]), _bank(ctx), ctx.now, ctx.app.tz
        )
    except TrainingError as exc:
        return Reply(exc.message, choices=_DONE)
    if turn.question is None:
        end = turn.round.ends_at.astimezone(ctx.app.tz).strftime("%H:%M")
        return Reply(tt.CONTEST_FINISHED.format(total=turn.total, end=end), choices=_DONE)
    q = turn.question
    ctx.data["q"] = q.id
    head = tt.CONTEST_QUESTION.format(title=turn.round.title, n=turn.number, total=turn.total, stem=q.stem)
    choices = option_choices(q)
    return Reply(f"{head}\n{tt.OPTION_HINT}", choices=choices)


async def _play_parse(ctx: Ctx, answer: Answer) -> None:
    question_id = ctx.data.get("q")
    if question_id is None:
        ctx.data["over"] = True
        return
    typed = typed_option(answer)
    try:
        await contests.answer(
            ctx.tx, _me(ctx), int(ctx.data["round"]), str(question_id), typed, _bank(ctx), ctx.now, ctx.app.tz
        )
    except TrainingError as exc:
        if exc.message == tt.NOT_AN_OPTION:
            raise Invalid(exc.message) from None
        ctx.say(exc.message)
        ctx.data["over"] = True


# -- officers ------------------------------------------------------------------------------------


async def _home_prompt(ctx: Ctx) -> Reply:
    rounds = await contests.managed_rounds(ctx.tx, _me(ctx))
    choices = [Choice(tt.CONTEST_NEW, "new")]
    choices += [Choice(tt.CONTEST_RESULTS.format(title=r.title), f"r:{r.id}") for r in rounds]
    return Reply(tt.CONTEST_HOME, choices=choices + _DONE)


async def _home_parse(ctx: Ctx, answer: Answer) -> str:
    value = answer.value
    if not value.startswith("r:"):
        return value
    round_ = await repo.get_round(ctx.tx, int(value[2:]))
    try:
        standings = await contests.ranking(ctx.tx, _me(ctx), int(value[2:]), ctx.now)
    except PermissionError:
        raise Invalid(tt.CONTEST_NONE) from None
    assert round_ is not None
    book = await asyncio.to_thread(results_workbook, round_, standings, ctx.app.tz)
    # The ranking names every participant: logged like the other exports of personal data,
    # scoped to the round so "who saw my data?" finds exactly its entrants (issue 17).
    await privacy.record_access(ctx.tx, _me(ctx).id, "training_list", f"contest:{round_.id}", ctx.now)
    attachment = Attachment(f"ket-qua-thi-{round_.id}.xlsx", XLSX_MIME, data=book)
    ctx.say(Reply(contests.ranking_text(round_, standings), attachment=attachment))
    return "home"


async def _title_prompt(ctx: Ctx) -> Reply:
    return Reply(tt.ASK_CONTEST_TITLE)


async def _title_parse(ctx: Ctx, answer: Answer) -> str:
    title = " ".join(answer.text.split())
    if not 5 <= len(title) <= 150:
        raise Invalid(tt.TITLE_LENGTH)
    return title


def _count_range(ctx: Ctx) -> tuple[int, int]:
    return contests.MIN_QUESTIONS, max(contests.MIN_QUESTIONS, min(50, len(_bank(ctx).questions)))


async def _count_prompt(ctx: Ctx) -> Reply:
    low, high = _count_range(ctx)
    return Reply(tt.ASK_CONTEST_COUNT.format(low=low, high=high))


async def _count_parse(ctx: Ctx, answer: Answer) -> int:
    low, high = _count_range(ctx)
    count = whole_number(answer.text)
    if count is None or not low <= count <= high:
        raise Invalid(tt.BAD_CONTEST_COUNT.format(low=low, high=high))
    return count


async def _audience_prompt(ctx: Ctx) -> Reply:
    return Reply(
        tt.ASK_CONTEST_AUDIENCE, choices=[Choice(GROUP_LABELS[g], f"aud:{g.value}") for g in _AUDIENCES]
    )


async def _audience_parse(ctx: Ctx, answer: Answer) -> str:
    if answer.choice is None or not answer.choice.startswith("aud:"):
        raise Invalid(tt.ASK_CONTEST_AUDIENCE)  # the engine re-asks unmatched input first
    return answer.choice.removeprefix("aud:")


async def _minutes_prompt(ctx: Ctx) -> Reply:
    return Reply(tt.ASK_CONTEST_MINUTES)


async def _minutes_parse(ctx: Ctx, answer: Answer) -> None:
    minutes = whole_number(answer.text) or 0
    me = _me(ctx)
    communes = (me.commune_code,) if me.role == Role.COMMUNE_OFFICER and me.commune_code else ()
    picked = random.sample(sorted(_bank(ctx).questions), int(ctx.data["count"]))
    try:
        round_id = await contests.start_round(
            ctx.tx,
            me,
            title=str(ctx.data["title"]),
            audience=Audience(frozenset({Group(str(ctx.data["audience"]))}), communes=communes),
            question_ids=picked,
            bank=_bank(ctx),
            starts_at=ctx.now,
            minutes=minutes,
            now=ctx.now,
            tz=ctx.app.tz,
        )
    except TrainingError as exc:
        raise Invalid(exc.message) from None
    round_ = await repo.get_round(ctx.tx, round_id)
    assert round_ is not None
    end = round_.ends_at.astimezone(ctx.app.tz).strftime("%H:%M")
    ctx.say(tt.CONTEST_STARTED.format(title=round_.title, count=len(round_.questions), end=end))


async def _finish(ctx: Ctx) -> list[Reply]:
    return []


def contest_flow() -> Flow:
    """The contest flow."""
    return Flow(
        name="contest",
        title=tt.CONTEST_TITLE,
        steps={
            "play": Step(
                "play",
                _play_prompt,
                _play_parse,
                next=lambda ctx: None if ctx.data.get("over") else "play",
                free_text=True,
                store=None,
            ),
            "home": Step(
                "home",
                _home_prompt,
                _home_parse,
                next=lambda ctx: None if ctx.data["home"] == "done" else str(ctx.data["home"]),
            ),
            "new": Step("new", _title_prompt, _title_parse, next="count", store="title"),
            "count": Step("count", _count_prompt, _count_parse, next="audience"),
            "audience": Step("audience", _audience_prompt, _audience_parse, next="minutes"),
            "minutes": Step("minutes", _minutes_prompt, _minutes_parse, next=None, store=None),
        },
        first=lambda ctx: "home" if ctx.data.get("officer") else "play",
        begin=_begin,
        finish=_finish,
        allowed=require_active,
        command="thi",
    )
