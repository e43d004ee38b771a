"""``/hoc``: short lessons followed by 3–5 questions with immediate feedback, and the weekly
question switch. Progress is committed after every answer, so a restart resumes at the same
question; answers are accepted as the option's number, letter (A/B/C/D) or text."""

from __future__ import annotations

from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Choice, Reply
from bot.domain.people import Person
from bot.flows.common import require_active
from bot.flows.options import option_choices, typed_option
from bot.services import study, weekly_question
from bot.storage import training as repo
from bot.texts import training as tt
from bot.training.content import Bank, Lesson, Question


def _me(ctx: Ctx) -> Person:
    assert ctx.actor.person is not None
    return ctx.actor.person


def _bank(ctx: Ctx) -> Bank:
    return ctx.app.training or Bank()


def _lesson(ctx: Ctx) -> Lesson:
    return _bank(ctx).lessons[str(ctx.data["lesson"])]


def _questions(ctx: Ctx) -> list[Question]:
    return _bank(ctx).questions_for(str(ctx.data["lesson"]))


async def _home_prompt(ctx: Ctx) -> Reply:
    bank = _bank(ctx)
    if not bank.lessons:
        return Reply(tt.STUDY_EMPTY, choices=[Choice(tt.STUDY_DONE, "done")])
    done, following = await study.overview(ctx.tx, _me(ctx), bank)
    choices = (
        [Choice(tt.STUDY_NEXT.format(title=following.title), f"lesson:{following.id}")] if following else []
    )
    choices.append(Choice(tt.STUDY_PICK, "pick"))
    if await weekly_question.pending(ctx.tx, _me(ctx), bank, ctx.now) is not None:
        choices.append(Choice(tt.WEEKLY_ANSWER, "weekly"))
    weekly = await repo.weekly_on(ctx.tx, _me(ctx).id)
    choices.append(Choice(tt.WEEKLY_OFF, "weekly:off") if weekly else Choice(tt.WEEKLY_ON, "weekly:on"))
    choices.append(Choice(tt.STUDY_DONE, "done"))
    head = tt.STUDY_HOME.format(done=done, total=len(bank.lessons))
    return Reply(head if following else f"{head}\n{tt.STUDY_ALL_DONE}", choices=choices)


async def _home_parse(ctx: Ctx, answer: Answer) -> str:
    value = answer.value
    if value.startswith("weekly:"):
        wanted = value == "weekly:on"
        await study.set_weekly(ctx.tx, _me(ctx), wanted, ctx.now)
        ctx.say(tt.WEEKLY_SET_ON if wanted else tt.WEEKLY_SET_OFF)
        return "home"
    if value.startswith("lesson:"):
        await _open(ctx, value.removeprefix("lesson:"))
        return "lesson"
    return value


async def _open(ctx: Ctx, lesson_id: str) -> None:
    lesson = _bank(ctx).lessons.get(lesson_id)
    if lesson is None:
        raise Invalid(tt.STUDY_EMPTY)
    await study.open_lesson(ctx.tx, _me(ctx), lesson, ctx.now)
    ctx.data.update(lesson=lesson.id, index=0, correct=0)


async def _pick_prompt(ctx: Ctx) -> Reply:
    progress = await repo.progress(ctx.tx, _me(ctx).id)
    choices = [
        Choice(
            ("✔️ " if progress.get(lesson.id, None) and progress[lesson.id].completed else "") + lesson.title,
            lesson.id,
        )
        for lesson in _bank(ctx).ordered_lessons()
    ]
    return Reply(tt.PICK_LESSON, choices=choices)


async def _pick_parse(ctx: Ctx, answer: Answer) -> None:
    await _open(ctx, answer.value)


async def _lesson_prompt(ctx: Ctx) -> Reply:
    lesson = _lesson(ctx)
    text = tt.LESSON.format(title=lesson.title, text=lesson.text, refs=", ".join(lesson.refs))
    count = len(_questions(ctx))
    label = tt.LESSON_QUIZ.format(count=count) if count else tt.STUDY_DONE
    return Reply(text, choices=[Choice(label, "quiz")])


async def _lesson_parse(ctx: Ctx, answer: Answer) -> None:
    if not _questions(ctx):
        ctx.say(tt.LESSON_NO_QUIZ)


async def _question_prompt(ctx: Ctx) -> Reply:
    questions = _questions(ctx)
    index = int(ctx.data["index"])
    q = questions[index]
    head = tt.QUESTION.format(n=index + 1, total=len(questions), stem=q.stem)
    return Reply(
        f"{head}\n{tt.OPTION_HINT}",
        choices=option_choices(q),
    )


async def _question_parse(ctx: Ctx, answer: Answer) -> None:
    questions = _questions(ctx)
    index = int(ctx.data["index"])
    q = questions[index]
    # A matched button/number gives the option index; otherwise read the letter or text typed.
    typed = typed_option(answer)
    marked = await study.mark(ctx.tx, _me(ctx), q, typed, q.lesson or None, ctx.now)
    if marked is None:
        raise Invalid(tt.NOT_AN_OPTION)
    if marked.correct:
        ctx.data["correct"] = int(ctx.data["correct"]) + 1
        ctx.say(tt.RIGHT.format(explain=q.explain, ref=q.ref))
    else:
        letter = q.answer_letter
        ctx.say(tt.WRONG.format(letter=letter, option=q.options[q.answer], explain=q.explain, ref=q.ref))
    ctx.data["index"] = index + 1


async def _weekly_prompt(ctx: Ctx) -> Reply:
    question = await weekly_question.pending(ctx.tx, _me(ctx), _bank(ctx), ctx.now)
    if question is None:
        return Reply(tt.WEEKLY_STALE, choices=[Choice(tt.STUDY_BACK, "back")])
    return Reply(tt.WEEKLY_QUESTION.format(stem=question.stem), choices=option_choices(question))


async def _weekly_parse(ctx: Ctx, answer: Answer) -> None:
    question = await weekly_question.pending(ctx.tx, _me(ctx), _bank(ctx), ctx.now)
    if question is None:
        # Answered meanwhile (by its button, on another channel): back to the home screen.
        return
    marked = await weekly_question.answer(ctx.tx, _me(ctx), question, typed_option(answer), ctx.now)
    if marked is None:
        raise Invalid(tt.NOT_AN_OPTION)
    ctx.say(weekly_question.feedback(question, marked))


def _after_lesson(ctx: Ctx) -> str | None:
    return "question" if _questions(ctx) else "home"


def _after_question(ctx: Ctx) -> str | None:
    return "question" if int(ctx.data["index"]) < len(_questions(ctx)) else None


async def _finish(ctx: Ctx) -> list[Reply]:
    if "lesson" not in ctx.data or int(ctx.data.get("index", 0)) == 0:
        return []
    lesson = _lesson(ctx)
    total, correct = int(ctx.data["index"]), int(ctx.data["correct"])
    await study.finish_lesson(ctx.tx, _me(ctx), lesson, correct, total, ctx.now)
    return [
        Reply(
            f"{tt.QUIZ_DONE.format(title=lesson.title, correct=correct, total=total)}\n{tt.SELF_STUDY_NOTE}"
        )
    ]


def study_flow() -> Flow:
    """The self-study flow."""
    return Flow(
        name="study",
        title=tt.STUDY_TITLE,
        steps={
            "home": Step(
                "home",
                _home_prompt,
                _home_parse,
                next=lambda ctx: None if ctx.data["home"] == "done" else str(ctx.data["home"]),
            ),
            "weekly": Step("weekly", _weekly_prompt, _weekly_parse, next="home", free_text=True, store=None),
            "pick": Step("pick", _pick_prompt, _pick_parse, next="lesson", store=None),
            "lesson": Step("lesson", _lesson_prompt, _lesson_parse, next=_after_lesson, store=None),
            "question": Step(
                "question",
                _question_prompt,
                _question_parse,
                next=_after_question,
                free_text=True,
                store=None,
            ),
        },
        first="home",
        finish=_finish,
        allowed=require_active,
        command="hoc",
    )
