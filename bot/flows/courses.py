"""``/lophoc``: an officer creates a training course (the invitation goes out as a training
announcement with RSVP buttons), opens a session's check-in code, ticks names, records late
corrections with a reason, and gets the attendance list as XLSX with a summary."""

from __future__ import annotations

import asyncio
import re
from datetime import date

from bot.conversation.actor import Actor
from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step, choice_step
from bot.conversation.messages import Attachment, Choice, Reply
from bot.domain.broadcasts import Audience, Group
from bot.domain.dates import DateError, parse_user_date
from bot.domain.enums import Role
from bot.domain.people import Person
from bot.domain.vntext import fold
from bot.flows.common import confirm_words, require_officer, yes_no_words
from bot.flows.trainers import trainer_steps
from bot.reports.training_xlsx import attendance_workbook
from bot.reports.xlsx import XLSX_MIME
from bot.services import privacy, training
from bot.storage import training as repo
from bot.storage.training import SessionRow
from bot.texts import common as t
from bot.texts import training as tt

_NUMBERS = re.compile(r"^\d{1,3}(?:\s*[,; ]\s*\d{1,3})*$")
_GROUPS = {"mediators": Group.MEDIATORS, "untrained": Group.UNTRAINED, "leaders": Group.TEAM_LEADERS}


def _me(ctx: Ctx) -> Person:
    assert ctx.actor.person is not None
    return ctx.actor.person


def _allowed(actor: Actor) -> str | None:
    refusal = require_officer(actor)
    if refusal is None and actor.person is not None and not training.may_organise(actor.person):
        return t.NOT_ALLOWED
    return refusal


def _modules(ctx: Ctx) -> dict[str, str]:
    bank = ctx.app.training
    if bank is None:
        return {}
    return {m.id: m.title for m in sorted(bank.modules.values(), key=lambda m: m.order)}


def numbers(text: str, size: int) -> list[int]:
    """1-based numbers typed as «1, 3 5» turned into 0-based indexes; Invalid when any is off."""
    typed = text.strip()
    if fold(typed) in ("tat ca", "het", "ca lop"):
        return list(range(size))
    if not _NUMBERS.match(typed):
        raise Invalid(tt.BAD_NUMBERS)
    picked = [int(n) - 1 for n in re.split(r"[,; ]+", typed)]
    if any(not 0 <= n < size for n in picked):
        raise Invalid(tt.BAD_NUMBERS)
    return sorted(set(picked))


def _listed(names: list[str]) -> str:
    return "\n".join(f"{i}. {name}" for i, name in enumerate(names, 1))


# -- home ---------------------------------------------------------------------------------------


async def _home_prompt(ctx: Ctx) -> Reply:
    courses = await training.my_courses(ctx.tx, _me(ctx))
    choices = [Choice(tt.COURSE_NEW, "new"), Choice(tt.TRAINERS_MENU, "trainer_list")]
    choices += [
        Choice(
            tt.COURSE_LINE.format(title=c.title, dates=training.format_dates(c.starts_on, c.ends_on)),
            f"c:{c.id}",
        )
        for c in courses[:8]
    ]
    return Reply(tt.COURSES_HOME, choices=choices)


async def _home_parse(ctx: Ctx, answer: Answer) -> str:
    value = answer.value
    if value.startswith("c:"):
        ctx.data["course"] = int(value[2:])
        return "course"
    if value == "trainer_list":
        return value
    if not _modules(ctx):
        raise Invalid(tt.NO_TOPICS)
    return "title"


# -- creating a course ----------------------------------------------------------------------------


def _text_step(name: str, question: str, low: int, high: int, error: str, next: str) -> Step:
    async def prompt(ctx: Ctx) -> Reply:
        return Reply(question)

    async def parse(ctx: Ctx, answer: Answer) -> str:
        text = " ".join(answer.text.split())
        if not low <= len(text) <= high:
            raise Invalid(error)
        return text

    return Step(name, prompt, parse, next=next)


def _course_date(text: str, today: date) -> date:
    # Courses lie ahead: a full date after today is what we expect, not an error.
    parsed = parse_user_date(text, today)
    if parsed is DateError.FUTURE:
        parsed = parse_user_date(text, date(today.year + 5, 12, 31))
    if not isinstance(parsed, date):
        raise Invalid(tt.BAD_DATE)
    return parsed


async def _ask(ctx: Ctx, text: str) -> Reply:
    return Reply(text)


async def _start_parse(ctx: Ctx, answer: Answer) -> str:
    return _course_date(answer.text, ctx.today).isoformat()


async def _end_parse(ctx: Ctx, answer: Answer) -> str:
    start = date.fromisoformat(str(ctx.data["start"]))
    end = start if fold(answer.text).strip() in tt.SAME_DAY_WORDS else _course_date(answer.text, ctx.today)
    if end < start:
        raise Invalid(tt.BAD_DATES)
    return end.isoformat()


async def _topics_prompt(ctx: Ctx) -> Reply:
    return Reply(tt.ASK_TOPICS.format(options=_listed(list(_modules(ctx).values()))))


async def _topics_parse(ctx: Ctx, answer: Answer) -> list[str]:
    ids = list(_modules(ctx))
    return [ids[i] for i in numbers(answer.text, len(ids))]


async def _trainer_list(ctx: Ctx) -> list[tuple[int, str]]:
    me = _me(ctx)
    return await repo.trainers(ctx.tx, me.commune_code if me.role == Role.COMMUNE_OFFICER else None)


async def _trainers_prompt(ctx: Ctx) -> Reply:
    names = [name for _, name in await _trainer_list(ctx)]
    return Reply(tt.ASK_TRAINERS.format(options=_listed(names) or tt.NO_TRAINERS_LISTED))


async def _trainers_parse(ctx: Ctx, answer: Answer) -> list[int]:
    if fold(answer.text).strip() in tt.NO_TRAINER_WORDS:
        return []
    listed = await _trainer_list(ctx)
    return [listed[i][0] for i in numbers(answer.text, len(listed))]


def _draft(ctx: Ctx) -> training.CourseDraft:
    me = _me(ctx)
    communes = (me.commune_code,) if me.role == Role.COMMUNE_OFFICER and me.commune_code else ()
    return training.CourseDraft(
        title=str(ctx.data["title"]),
        place=str(ctx.data["place"]),
        starts_on=date.fromisoformat(str(ctx.data["start"])),
        ends_on=date.fromisoformat(str(ctx.data["end"])),
        topics=tuple(ctx.data["topics"]),
        trainer_ids=tuple(int(i) for i in ctx.data["trainers"]),
        audience=Audience(frozenset({_GROUPS[str(ctx.data["audience"])]}), communes=communes),
        open_checkin=ctx.data.get("open") == "yes",
    )


async def _confirm_prompt(ctx: Ctx) -> Reply:
    draft = _draft(ctx)
    modules = _modules(ctx)
    names = dict(await _trainer_list(ctx))
    invitation = tt.INVITATION.format(
        title=draft.title,
        dates=training.format_dates(draft.starts_on, draft.ends_on),
        place=draft.place,
        topics="; ".join(modules[m] for m in draft.topics),
        trainers=", ".join(names.get(i, "") for i in draft.trainer_ids) or tt.NO_TRAINERS,
    )
    return Reply(tt.CONFIRM_COURSE.format(invitation=invitation), choices=[Choice(tt.SEND, "send")])


async def _confirm_parse(ctx: Ctx, answer: Answer) -> None:
    try:
        created = await training.create_course(ctx.tx, _me(ctx), _draft(ctx), _modules(ctx), ctx.now)
    except training.TrainingError as exc:
        raise Invalid(exc.message) from None
    ctx.say(tt.COURSE_CREATED.format(title=ctx.data["title"], people=created.invited, id=created.course_id))
    ctx.data["course"] = created.course_id


# -- managing a course ---------------------------------------------------------------------------


async def _course_prompt(ctx: Ctx) -> Reply:
    course = await training.managed_course(ctx.tx, _me(ctx), int(ctx.data["course"]))
    head = tt.COURSE_MENU.format(
        title=course.title, dates=training.format_dates(course.starts_on, course.ends_on), place=course.place
    )
    choices = [
        Choice(tt.OPEN_SESSION, "open"),
        Choice(tt.TICK, "tick"),
        Choice(tt.FIX, "fix_who"),
        Choice(tt.LIST, "list"),
        Choice(tt.STUDY_DONE, "done"),
    ]
    return Reply(head, choices=choices)


async def _sessions(ctx: Ctx, *, open_now: bool) -> SessionRow:
    sessions = await repo.course_sessions(ctx.tx, int(ctx.data["course"]))
    wanted = [
        s for s in sessions if (s.opens_at <= ctx.now <= s.closes_at) == open_now and s.opens_at <= ctx.now
    ]
    if not wanted:
        raise Invalid(tt.NO_OPEN_SESSION if open_now else tt.NO_CLOSED_SESSION)
    return wanted[-1]


async def _course_parse(ctx: Ctx, answer: Answer) -> str:
    action = answer.value
    me = _me(ctx)
    course_id = int(ctx.data["course"])
    if action == "open":
        session = await training.open_session(ctx.tx, me, course_id, ctx.now, ctx.app.tz)
        course = await training.managed_course(ctx.tx, me, course_id)
        ctx.say(
            tt.SESSION_OPENED.format(
                day=session.held_on.strftime("%d/%m/%Y"),
                title=course.title,
                code=session.code,
                until=session.closes_at.astimezone(ctx.app.tz).strftime("%H:%M"),
            )
        )
        return "course"
    if action == "tick":
        ctx.data["session"] = (await _sessions(ctx, open_now=True)).id
    if action == "fix_who":
        ctx.data["session"] = (await _sessions(ctx, open_now=False)).id
    if action == "list":
        data = await training.sheet(ctx.tx, me, course_id)
        book = await asyncio.to_thread(attendance_workbook, data)
        # The list names every invitee and attendee: logged like the other exports of personal
        # data, scoped to the course so "who saw my data?" finds exactly its people (issue 17).
        await privacy.record_access(ctx.tx, me.id, "training_list", f"course:{course_id}", ctx.now)
        ctx.say(
            Reply(
                training.summary_text(data),
                attachment=Attachment(f"diem-danh-lop-{course_id}.xlsx", XLSX_MIME, data=book),
            )
        )
        return "course"
    return action


async def _invitee_names(ctx: Ctx) -> list[repo.Invitee]:
    return await repo.invitees(ctx.tx, int(ctx.data["course"]))


async def _present(ctx: Ctx) -> set[int]:
    rows = await repo.attendance(ctx.tx, int(ctx.data["course"]))
    return {r.person_id for r in rows if r.session_id == int(ctx.data["session"])}


async def _tick_prompt(ctx: Ctx) -> Reply:
    present = await _present(ctx)
    names = [("✔️ " if i.person_id in present else "") + i.full_name for i in await _invitee_names(ctx)]
    return Reply(tt.ASK_TICK.format(options=_listed(names)))


async def _tick_parse(ctx: Ctx, answer: Answer) -> None:
    invited = await _invitee_names(ctx)
    picked = [invited[i].person_id for i in numbers(answer.text, len(invited))]
    try:
        new, already = await training.tick(ctx.tx, _me(ctx), int(ctx.data["session"]), picked, ctx.now)
    except training.TrainingError as exc:
        raise Invalid(exc.message) from None
    ctx.say(tt.TICKED.format(new=new, already=already))


async def _fix_who_prompt(ctx: Ctx) -> Reply:
    session = await repo.get_session(ctx.tx, int(ctx.data["session"]))
    assert session is not None
    names = [i.full_name for i in await _invitee_names(ctx)]
    return Reply(tt.ASK_FIX_WHO.format(day=session.held_on.strftime("%d/%m/%Y"), options=_listed(names)))


async def _fix_who_parse(ctx: Ctx, answer: Answer) -> int:
    invited = await _invitee_names(ctx)
    picked = numbers(answer.text, len(invited))
    if len(picked) != 1:
        raise Invalid(tt.BAD_NUMBERS)
    person = invited[picked[0]]
    if person.person_id in await _present(ctx):
        raise Invalid(tt.ALREADY_PRESENT.format(name=person.full_name))
    return person.person_id


async def _fix_why_parse(ctx: Ctx, answer: Answer) -> None:
    try:
        await training.correct(
            ctx.tx, _me(ctx), int(ctx.data["session"]), int(ctx.data["fix_who"]), answer.text, ctx.now
        )
    except training.TrainingError as exc:
        raise Invalid(exc.message) from None
    names = {i.person_id: i.full_name for i in await _invitee_names(ctx)}
    session = await repo.get_session(ctx.tx, int(ctx.data["session"]))
    assert session is not None
    ctx.say(
        tt.CORRECTED.format(
            name=names.get(int(ctx.data["fix_who"]), ""),
            day=session.held_on.strftime("%d/%m/%Y"),
            reason=" ".join(answer.text.split()),
        )
    )


async def _finish(ctx: Ctx) -> list[Reply]:
    return []


def courses_flow() -> Flow:
    """The officer's training course flow."""

    def after_home(ctx: Ctx) -> str:
        return str(ctx.data["home"])

    def after_course(ctx: Ctx) -> str | None:
        return None if ctx.data["course_action"] == "done" else str(ctx.data["course_action"])

    return Flow(
        name="courses",
        title=tt.COURSES_TITLE,
        steps={
            "home": Step("home", _home_prompt, _home_parse, next=after_home),
            "title": _text_step("title", tt.ASK_TITLE, 5, 150, tt.TITLE_LENGTH, "place"),
            "place": _text_step("place", tt.ASK_PLACE, 3, 150, tt.PLACE_LENGTH, "start"),
            "start": Step("start", lambda ctx: _ask(ctx, tt.ASK_START), _start_parse, next="end"),
            "end": Step("end", lambda ctx: _ask(ctx, tt.ASK_END), _end_parse, next="topics"),
            "topics": Step("topics", _topics_prompt, _topics_parse, next="trainers"),
            "trainers": Step("trainers", _trainers_prompt, _trainers_parse, next="audience"),
            "audience": choice_step(
                "audience",
                tt.ASK_AUDIENCE,
                [
                    Choice(tt.AUDIENCE_MEDIATORS, "mediators"),
                    Choice(tt.AUDIENCE_UNTRAINED, "untrained"),
                    Choice(tt.AUDIENCE_LEADERS, "leaders"),
                ],
                next="open",
            ),
            "open": choice_step(
                "open",
                tt.ASK_OPEN,
                [Choice(tt.NO, "no"), Choice(tt.YES, "yes")],
                next="confirm",
                words=yes_no_words(),
            ),
            "confirm": Step(
                "confirm",
                _confirm_prompt,
                _confirm_parse,
                next="course",
                store=None,
                words=confirm_words("send"),
            ),
            "course": Step("course", _course_prompt, _course_parse, next=after_course, store="course_action"),
            "tick": Step("tick", _tick_prompt, _tick_parse, next="course", store=None),
            "fix_who": Step("fix_who", _fix_who_prompt, _fix_who_parse, next="fix_why"),
            "fix_why": Step(
                "fix_why", lambda ctx: _ask(ctx, tt.ASK_FIX_WHY), _fix_why_parse, next="course", store=None
            ),
            **trainer_steps(),
        },
        first="home",
        finish=_finish,
        allowed=_allowed,
        command="lophoc",
        restorable=True,
    )
