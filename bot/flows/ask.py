"""Questions to the knowledge base, with follow-ups: full article, suggestions, feedback.

Free text outside any flow lands here. The answer is shown with choices (full text, 👍/👎,
or "Ý bạn là…" candidates); a typed new question simply starts over, so the follow-up never
traps the user. The session is ephemeral: nothing here is worth resuming after a pause.
"""

from __future__ import annotations

import re

from bot.conversation.commands import is_command_like
from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Choice, Reply
from bot.domain.privacy import mask_sensitive
from bot.domain.vntext import fold
from bot.flows.consent import with_disclaimer
from bot.kb.model import Decision
from bot.storage import kb_log
from bot.texts import menu as tm

# Chunk size for answers: below Zalo's 2000-character limit so every channel can send it whole.
ANSWER_CHARS = 1900


async def _answer_question(ctx: Ctx, question: str) -> None:
    kb = ctx.app.kb
    if kb is None:
        ctx.data["show"] = tm.KB_UNAVAILABLE
        ctx.data["offer"] = []
        return
    result = kb.answer(question, max_len=ANSWER_CHARS)
    offer: list[list[str]] = []
    if result.decision == Decision.SUGGEST:
        offer = [[label, f"ref:{ref}"] for label, ref in result.suggestions[:3]]
    elif result.full_ref:
        offer = [[tm.FULL_TEXT, f"full:{result.full_ref}"]]
    if result.refs and result.decision == Decision.ANSWER:
        offer += [[tm.HELPFUL, f"fb:1:{result.refs[0]}"], [tm.NOT_HELPFUL, f"fb:0:{result.refs[0]}"]]
    # Commands, menu numbers and single characters are not questions the KB failed to answer.
    if result.decision != Decision.ANSWER and not is_command_like(question, ctx.app.flow_commands):
        masked, _ = mask_sensitive(question)
        await kb_log.record_unanswered(ctx.tx, fold(masked), result.decision, ctx.now)
    ctx.data["q"] = question
    # An answer or the closest passages quote the law: the first of a conversation says it is
    # information, not a decision (a decline quotes nothing and points to the officer anyway).
    quotes_law = result.decision in (Decision.ANSWER, Decision.SUGGEST)
    ctx.data["show"] = await with_disclaimer(ctx, result.text) if quotes_law else result.text
    ctx.data["offer"] = offer


async def _show_passage(ctx: Ctx, ref: str) -> None:
    kb = ctx.app.kb
    chunks = kb.render_full(ref, ANSWER_CHARS) if kb is not None else []
    if not chunks:
        raise Invalid(tm.KB_UNAVAILABLE)
    for chunk in chunks[:-1]:
        ctx.say(chunk)
    ctx.data["show"] = await with_disclaimer(ctx, chunks[-1])
    ctx.data["offer"] = [[tm.HELPFUL, f"fb:1:{ref}"], [tm.NOT_HELPFUL, f"fb:0:{ref}"]]


# A greeting is how most people open a chat — on Zalo, which has no /start, it is usually the
# very first message: it gets the menu (the welcome, for a newcomer), not a failed KB search.
GREETINGS = frozenset(
    {"xin chao", "chao", "chao ban", "chao tro ly", "xin chao tro ly", "chao anh", "chao chi", "chao em",
     "alo", "hello", "hi", "xin chao a", "chao a"}
)  # fmt: skip


def is_greeting(text: str) -> bool:
    """Whether a whole message is only a greeting («Xin chào!», «alo», «chao ban»)."""
    return " ".join(re.sub(r"[^\w\s]+", " ", fold(text)).split()) in GREETINGS


async def _begin(ctx: Ctx) -> None:
    question = ctx.data.get("q")
    if question and is_greeting(question):
        ctx.start_flow("menu")
        return
    if question:
        await _answer_question(ctx, question)


async def _question_prompt(ctx: Ctx) -> Reply:
    return Reply(tm.ASK_PROMPT)


async def _question_parse(ctx: Ctx, answer: Answer) -> None:
    await _answer_question(ctx, answer.text)


async def _followup_prompt(ctx: Ctx) -> Reply:
    text = ctx.data.pop("show", None) or tm.FOLLOWUP
    choices = [Choice(label, value) for label, value in ctx.data.get("offer", [])]
    return Reply(text, choices=choices, columns=2 if len(choices) == 2 else 1)


async def _followup_parse(ctx: Ctx, answer: Answer) -> None:
    value = answer.choice
    if value is None:
        await _answer_question(ctx, answer.text)
        return
    kind, _, ref = value.partition(":")
    if kind in ("full", "ref"):
        await _show_passage(ctx, ref)
        return
    helpful, _, ref = ref.partition(":")
    await kb_log.record_feedback(ctx.tx, ref, helpful == "1", ctx.now)
    if helpful != "1" and ctx.data.get("q"):
        masked, _ = mask_sensitive(ctx.data["q"])
        await kb_log.record_unanswered(ctx.tx, fold(masked), "not_helpful", ctx.now)
    ctx.say(tm.THANKS_HELPFUL if helpful == "1" else tm.THANKS_NOT_HELPFUL)
    ctx.data["done"] = True


async def _finish(ctx: Ctx) -> list[Reply]:
    return []


def ask_flow() -> Flow:
    """The question-and-answer flow."""
    return Flow(
        name="ask",
        title="Hỏi đáp pháp luật",
        steps={
            "question": Step("question", _question_prompt, _question_parse, next="followup", store=None),
            "followup": Step(
                "followup",
                _followup_prompt,
                _followup_parse,
                next=lambda ctx: None if ctx.data.get("done") else "followup",
                free_text=True,
                store=None,
            ),
        },
        first=lambda ctx: "followup" if ctx.data.get("q") else "question",
        begin=_begin,
        finish=_finish,
        command="hoidap",
        ephemeral=True,
    )
