"""``/thongbao``: announcements from officers to many people.

Home (when there is anything to show): running announcements with a «Hủy» button each, the
history with delivery reports, or «Soạn thông báo mới». Composing: the text (the whole message
must fit Zalo's 2,000 characters), an optional file (a photo or document sent to the bot: it is
passed on by its channel's reference to recipients on that channel, and the others read where it
went and whom to ask), an optional document link (every channel carries a link), the audience as
combinable toggles (groups of people, and for province officers and admins places: communes
found by typing part of a name, the pilot communes), whether it is a training invitation (RSVP
buttons), when to send (now or «dd/mm/yyyy hh:mm» local time), urgency (admins only: ignores
quiet hours), then a preview exactly as recipients will see it (naming the file, and the line
shown instead of it on other channels) with the recipient count and how many cannot be
reached. «Gửi» queues everything in one transaction.

Commune officers address their own commune only; the service refuses anything else too.
"""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import Attachment, Channel, Choice, FileRef, InboundFile, Reply
from bot.domain.broadcasts import MAX_FILE_BYTES, MAX_MESSAGE_CHARS, Audience, Group
from bot.domain.people import Person
from bot.domain.vntext import display_name, fold
from bot.flows.common import (
    EDITING,
    commune_steps,
    confirm_words,
    require_officer,
    then,
    too_long,
    yes_no_step,
    yes_no_words,
)
from bot.services import broadcasts
from bot.services.broadcasts import BroadcastError, Draft, Report
from bot.storage import units
from bot.storage.broadcasts import BroadcastRow
from bot.texts import broadcast as tb
from bot.texts import common as t
from bot.texts import outbox as to
from bot.texts import zalo as tz
from bot.workers.quiet_hours import next_allowed

MIN_TEXT_CHARS = 10
MAX_LINK_CHARS = 500
SCHEDULE_MAX_DAYS = 60
HISTORY_SIZE = 5
MB = 1024 * 1024

_LINK = re.compile(r"^https?://\S+$", re.IGNORECASE)
# "25/03/2026 08:00", "25/3 8h", "25-3-2026 8:30", "25/03/2026 luc 8 gio" (folded).
_WHEN = re.compile(
    r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}))?\s*,?\s+(?:luc\s+)?"
    r"(\d{1,2})\s*(?:[:h]|gio)?\s*(\d{2})?\s*(?:phut)?$"
)


def _me(ctx: Ctx) -> Person:
    assert ctx.actor.person is not None
    return ctx.actor.person


def _local(ctx: Ctx, moment: datetime) -> str:
    local = moment.astimezone(ctx.app.tz)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def _audience(ctx: Ctx) -> Audience:
    return Audience(
        groups=frozenset(Group(g) for g in ctx.data.get("groups", [])),
        communes=tuple(ctx.data.get("communes", [])),
        pilot=bool(ctx.data.get("pilot")),
    )


def _send_at(ctx: Ctx) -> datetime | None:
    when = ctx.data.get("schedule")
    return datetime.fromisoformat(when) if when else None


def _attachment(ctx: Ctx) -> Attachment | None:
    stored = ctx.data.get("file")
    if not stored:
        return None
    ref = FileRef(Channel(stored["channel"]), stored["file_id"], stored["photo"])
    return Attachment(stored["name"], stored["mime_type"], ref=ref)


def _draft(ctx: Ctx) -> Draft:
    """The announcement as composed so far."""
    return Draft(
        text=ctx.data.get("text", ""),
        audience=_audience(ctx),
        link=ctx.data.get("link"),
        training=bool(ctx.data.get("training")),
        send_at=_send_at(ctx),
        urgent=bool(ctx.data.get("urgent")) and broadcasts.may_send_urgent(_me(ctx)),
        attachment=_attachment(ctx),
    )


# ---------------------------------------------------------------------------- home


async def _begin(ctx: Ctx) -> None:
    me = _me(ctx)
    if not broadcasts.may_broadcast(me):
        raise Invalid(t.NOT_ALLOWED)
    own = broadcasts.commune_scope(me)
    ctx.data.update({"groups": [], "communes": [own] if own else [], "pilot": False})
    ctx.data["has_home"] = bool(await broadcasts.visible(ctx.tx, me, limit=1))


async def _home_prompt(ctx: Ctx) -> Reply:
    running = await broadcasts.reports(
        ctx.app.db, await broadcasts.visible(ctx.tx, _me(ctx), running_only=True)
    )
    lines = [tb.HOME]
    choices = [Choice(tb.NEW, "new")]
    if running:
        lines.append(tb.HOME_RUNNING)
    for report in running:
        item = report.broadcast
        lines.append(
            tb.RUNNING_LINE.format(
                id=item.id, preview=broadcasts.preview(item.text), progress=_progress(ctx, report)
            )
        )
        choices.append(
            Choice(
                tb.CANCEL_ONE.format(id=item.id, preview=broadcasts.preview(item.text, 24)),
                f"cancel:{item.id}",
            )
        )
    choices.append(Choice(tb.HISTORY, "history"))
    return Reply("\n".join(lines), choices=choices)


def _progress(ctx: Ctx, report: Report) -> str:
    item = report.broadcast
    waiting = item.cancelled_at is None and report.counts.remaining and not report.counts.sent
    if waiting and item.send_at is not None and item.send_at > ctx.now:
        return tb.HISTORY_SCHEDULED.format(at=_local(ctx, item.send_at))
    return to.progress(report.counts)


async def _home_parse(ctx: Ctx, answer: Answer) -> str:
    assert answer.choice is not None
    return answer.choice


def _after_home(ctx: Ctx) -> str | None:
    home = str(ctx.data.get("home"))
    if home == "new":
        return "text"
    if home == "history":
        return "history"
    return "cancel" if home.startswith("cancel:") else None


async def _history_prompt(ctx: Ctx) -> Reply:
    # The history is a step, not the end of the flow: what is typed next is an answer here,
    # not a question for the law search.
    choices = [Choice(tb.NEW, "new"), Choice(tb.HISTORY_BACK, "back"), Choice(tb.HISTORY_DONE, "done")]
    return Reply(await _history(ctx) + "\n\n" + tb.HISTORY_NEXT, choices=choices)


async def _history_parse(ctx: Ctx, answer: Answer) -> str:
    assert answer.choice is not None
    if answer.choice == "new":
        ctx.data["home"] = "new"
    return answer.choice


def _after_history(ctx: Ctx) -> str | None:
    return {"new": "text", "back": "home"}.get(str(ctx.data.get("history")))


def _cancel_id(ctx: Ctx) -> int:
    return int(str(ctx.data["home"]).partition(":")[2])


async def _cancel_prompt(ctx: Ctx) -> Reply:
    broadcast_id = _cancel_id(ctx)
    item = await broadcasts.find(ctx.tx, _me(ctx), broadcast_id)
    progress = ""
    if item is not None:
        (report,) = await broadcasts.reports(ctx.app.db, [item])
        progress = _progress(ctx, report)
    preview = broadcasts.preview(item.text) if item else ""
    text = tb.ASK_CANCEL.format(id=broadcast_id, preview=preview, progress=progress)
    return Reply(text, choices=[Choice(t.YES, "yes"), Choice(t.NO, "no")], columns=2)


async def _yes(ctx: Ctx, answer: Answer) -> bool:
    return answer.choice == "yes"


async def _history(ctx: Ctx) -> str:
    shown = await broadcasts.reports(
        ctx.app.db, await broadcasts.visible(ctx.tx, _me(ctx), limit=HISTORY_SIZE)
    )
    if not shown:
        return tb.NO_HISTORY
    items = [tb.HISTORY_TITLE]
    for report in shown:
        items.append(await _history_item(ctx, report))
    return "\n\n".join(items)


def _names(names: list[str], shown: int = 30) -> str:
    text = ", ".join(display_name(n) for n in names[:shown])
    return text + (tb.RSVP_MORE.format(n=len(names) - shown) if len(names) > shown else "")


async def _history_item(ctx: Ctx, report: Report) -> str:
    item: BroadcastRow = report.broadcast
    lines = [
        tb.HISTORY_ITEM.format(
            id=item.id,
            at=_local(ctx, item.created_at),
            preview=broadcasts.preview(item.text),
            audience=await _audience_text(ctx, item.audience),
            progress=_progress(ctx, report),
        )
    ]
    if item.attachment is not None:
        lines.append(tb.HISTORY_FILE.format(name=item.attachment.filename))
    if item.cancelled_at is not None:
        lines.append(tb.HISTORY_CANCELLED.format(at=_local(ctx, item.cancelled_at)))
    if item.unreachable:
        lines.append(tb.HISTORY_UNREACHABLE.format(n=item.unreachable))
    if item.training:
        lines.append(broadcasts.rsvp_line(report.rsvp, tb.HISTORY_RSVP))
        names = await broadcasts.rsvp_names(ctx.tx, _me(ctx), item.id)
        for answer, label in tb.RSVP_LABELS.items():
            if names.get(answer):
                lines.append(
                    tb.RSVP_NAMES.format(label=label, n=len(names[answer]), names=_names(names[answer]))
                )
    return "\n".join(lines)


# ---------------------------------------------------------------------------- composing


async def _text_prompt(ctx: Ctx) -> Reply:
    head = await broadcasts.header(ctx.tx, _me(ctx))
    return Reply(tb.ASK_TEXT.format(limit=MAX_MESSAGE_CHARS, header=head))


async def _check_length(ctx: Ctx, **changes: Any) -> None:
    """Refuse an answer that would make the announcement (in its longest form, the one for
    recipients who cannot get its file) too long for Zalo."""
    draft = dataclasses.replace(_draft(ctx), **changes)
    length = len(broadcasts.full_text(await broadcasts.header(ctx.tx, _me(ctx)), draft))
    if length > MAX_MESSAGE_CHARS:
        raise Invalid(tb.TEXT_TOO_LONG.format(length=length, limit=MAX_MESSAGE_CHARS))


async def _text_parse(ctx: Ctx, answer: Answer) -> str:
    text = answer.text.strip()
    if len(text) < MIN_TEXT_CHARS:
        raise Invalid(tb.TEXT_TOO_SHORT)
    draft = dataclasses.replace(_draft(ctx), text=text)
    length = len(broadcasts.full_text(await broadcasts.header(ctx.tx, _me(ctx)), draft))
    if length > MAX_MESSAGE_CHARS:
        # Keep the text and offer it cut to what fits beside the header, link and file note.
        room = len(text) - (length - MAX_MESSAGE_CHARS)
        raise too_long(tb.TEXT_WHAT, text, MAX_MESSAGE_CHARS, room=max(room, 0), length=length)
    return text


async def _file_prompt(ctx: Ctx) -> Reply:
    return Reply(tb.ASK_FILE.format(limit=MAX_FILE_BYTES // MB), choices=[Choice(tb.NO_FILE, "none")])


async def _file_parse(ctx: Ctx, answer: Answer) -> dict[str, Any] | None:
    """The file as session data (its reference and name, never its bytes), or None."""
    if answer.choice == "none":
        return None
    file = answer.file
    if file is None:
        raise Invalid(tb.FILE_EXPECTED)
    if file.size is not None and file.size > MAX_FILE_BYTES:
        size = math.ceil(file.size / MB)
        raise Invalid(tb.FILE_TOO_BIG.format(name=file.name, size=size, limit=MAX_FILE_BYTES // MB))
    await _check_length(ctx, attachment=file.attachment())
    return _stored(file)


def _stored(file: InboundFile) -> dict[str, Any]:
    ref = file.ref
    return {
        "channel": str(ref.channel),
        "file_id": ref.file_id,
        "photo": ref.photo,
        "name": file.name,
        "mime_type": file.mime_type,
    }


async def _link_prompt(ctx: Ctx) -> Reply:
    return Reply(tb.ASK_LINK, choices=[Choice(tb.NO_LINK, "none")])


async def _link_parse(ctx: Ctx, answer: Answer) -> str | None:
    if answer.choice == "none":
        return None
    link = answer.text.strip()
    if len(link) > MAX_LINK_CHARS or not _LINK.match(link):
        raise Invalid(tb.LINK_BAD)
    await _check_length(ctx, link=link)
    return link


def _province_level(ctx: Ctx) -> bool:
    return broadcasts.commune_scope(_me(ctx)) is None


async def _places_text(ctx: Ctx, audience: Audience) -> str:
    if audience.province_wide:
        return tb.PLACES_PROVINCE
    places = []
    for code in audience.communes:
        commune = await units.commune_by_code(ctx.tx, code)
        places.append(commune.label if commune else code)
    if audience.pilot:
        places.append(tb.PLACES_PILOT)
    return ", ".join(places)


async def _audience_text(ctx: Ctx, audience: Audience) -> str:
    groups = ", ".join(tb.GROUP_LABELS[g] for g in Group if g in audience.groups) or tb.AUDIENCE_NONE
    return f"{groups} — {await _places_text(ctx, audience)}"


async def _audience_prompt(ctx: Ctx) -> Reply:
    audience = _audience(ctx)
    groups = ", ".join(tb.GROUP_LABELS[g] for g in Group if g in audience.groups) or tb.AUDIENCE_NONE
    lines = [tb.ASK_AUDIENCE, tb.AUDIENCE_NOW.format(groups=groups, places=await _places_text(ctx, audience))]
    if audience.groups:
        count = await broadcasts.measure(ctx.tx, _me(ctx), audience)
        lines.append(tb.AUDIENCE_COUNT.format(people=count.people, unreachable=count.unreachable))
    choices = [
        Choice((tb.CHECKED if g in audience.groups else tb.UNCHECKED) + tb.GROUP_LABELS[g], f"g:{g.value}")
        for g in Group
    ]
    if _province_level(ctx):
        choices.append(Choice(tb.ADD_COMMUNE, "add"))
        if audience.communes:
            choices.append(Choice(tb.CLEAR_COMMUNES, "clear"))
        choices.append(Choice((tb.CHECKED if audience.pilot else tb.UNCHECKED) + tb.PILOT, "pilot"))
    choices.append(Choice(tb.AUDIENCE_DONE, "done"))
    return Reply("\n".join(lines), choices=choices, columns=1)


async def _audience_parse(ctx: Ctx, answer: Answer) -> str:
    action = answer.choice
    assert action is not None
    if action.startswith("g:"):
        groups: list[str] = ctx.data["groups"]
        group = action[2:]
        ctx.data["groups"] = [g for g in groups if g != group] if group in groups else [*groups, group]
    elif action == "pilot":
        ctx.data["pilot"] = not ctx.data.get("pilot")
    elif action == "clear":
        ctx.data["communes"] = []
    elif action == "done" and not ctx.data["groups"]:
        raise Invalid(tb.NEED_GROUP)
    return action


def _after_audience(ctx: Ctx) -> str | None:
    action = ctx.data.get("audience")
    if action == "add":
        return "commune_query"
    if action == "done":
        return then("training")(ctx)
    # A toggle: show the list again with the new state.
    return "audience"


def _commune_steps() -> dict[str, Step]:
    steps = commune_steps("commune_query", "commune_pick", tb.ASK_COMMUNE, next="audience")
    pick = steps["commune_pick"]

    async def pick_and_add(ctx: Ctx, answer: Answer) -> Any:
        code = await pick.parse(ctx, answer)
        if code is not None and code not in ctx.data["communes"]:
            ctx.data["communes"] = [*ctx.data["communes"], code]
        return code

    steps["commune_pick"] = dataclasses.replace(pick, parse=pick_and_add)
    return steps


async def _schedule_prompt(ctx: Ctx) -> Reply:
    return Reply(tb.ASK_SCHEDULE.format(example=_example(ctx)), choices=[Choice(tb.SEND_NOW, "now")])


def _example(ctx: Ctx) -> str:
    """An example send time that is always ahead: tomorrow at 08:00, Vietnam time."""
    tomorrow = ctx.now.astimezone(ctx.app.tz).date() + timedelta(days=1)
    return f"{tomorrow:%d/%m/%Y} 08:00"


async def _schedule_parse(ctx: Ctx, answer: Answer) -> str | None:
    if answer.choice == "now":
        return None
    typed = answer.text.strip()
    match = _WHEN.match(fold(typed))
    if match is None:
        raise Invalid(tb.SCHEDULE_BAD.format(text=typed[:40], example=_example(ctx)))
    day, month, year, hour, minute = match.groups()
    local_now = ctx.now.astimezone(ctx.app.tz)
    try:
        local = datetime(
            int(year) if year else local_now.year,
            int(month),
            int(day),
            int(hour),
            int(minute or 0),
            tzinfo=ctx.app.tz,
        )
    except ValueError:
        raise Invalid(tb.SCHEDULE_BAD.format(text=typed[:40], example=_example(ctx))) from None
    if local <= local_now:
        raise Invalid(tb.SCHEDULE_PAST.format(at=_local(ctx, local)))
    if local - local_now > timedelta(days=SCHEDULE_MAX_DAYS):
        raise Invalid(tb.SCHEDULE_TOO_FAR.format(days=SCHEDULE_MAX_DAYS))
    return local.astimezone(UTC).isoformat()


def _after_schedule(ctx: Ctx) -> str | None:
    return then("urgent")(ctx) if broadcasts.may_send_urgent(_me(ctx)) else "confirm"


async def _urgent_prompt(ctx: Ctx) -> Reply:
    settings = ctx.app.settings
    text = tb.ASK_URGENT.format(
        start=f"{settings.quiet_hours_start:%H:%M}", end=f"{settings.quiet_hours_end:%H:%M}"
    )
    return Reply(text, choices=[Choice(t.YES, "yes"), Choice(t.NO, "no")], columns=2)


# ---------------------------------------------------------------------------- confirming


def rsvp_preview(channels: set[str]) -> list[str]:
    """What an invitation's recipients get to answer with, one line per channel they use:
    Telegram shows buttons, the console a numbered list, Zalo (no buttons) a typed-words line
    in place of the shared hint (``bot.texts.zalo.PHRASES``)."""
    labels = " · ".join(tb.RSVP_LABELS.values())
    used = [ch for ch in tb.PREVIEW_CHOICES if ch in channels]
    if not used:
        # Nobody reachable yet (the summary says so): the generic line.
        return [tb.PREVIEW_BUTTONS.format(labels=labels)]
    typed = tz.PHRASES[tb.RSVP_HINT]
    return [tb.PREVIEW_CHOICES[ch].format(labels=labels, typed=typed) for ch in used]


async def _confirm_prompt(ctx: Ctx) -> Reply:
    ctx.data[EDITING] = True
    me = _me(ctx)
    audience = _audience(ctx)
    training = bool(ctx.data.get("training"))
    count = await broadcasts.measure(ctx.tx, me, audience)
    head = await broadcasts.header(ctx.tx, me)
    text = broadcasts.render(head, ctx.data["text"], ctx.data.get("link"), training)
    lines = [tb.PREVIEW, tb.RULE, text, tb.RULE]
    if training:
        lines += rsvp_preview(await broadcasts.audience_channels(ctx.tx, me, audience))
    attachment = _attachment(ctx)
    if attachment is not None and attachment.ref is not None:
        lines.append(tb.PREVIEW_FILE.format(name=attachment.filename))
        channel = tb.CHANNEL_NAMES[attachment.ref.channel]
        line = broadcasts.file_elsewhere(attachment)
        lines.append(tb.PREVIEW_FILE_ELSEWHERE.format(channel=channel, line=line))
    lines.append("")
    lines.append(
        tb.SUMMARY.format(
            groups=", ".join(tb.GROUP_LABELS[g] for g in Group if g in audience.groups),
            places=await _places_text(ctx, audience),
            people=count.people,
            unreachable=count.unreachable,
            messages=count.messages,
        )
    )
    if count.opted_out:
        lines.append(tb.SUMMARY_OPTED_OUT.format(n=count.opted_out))
    send_at = _send_at(ctx)
    lines.append(tb.SUMMARY_WHEN.format(at=_local(ctx, send_at)) if send_at else tb.SUMMARY_WHEN_NOW)
    urgent = bool(ctx.data.get("urgent")) and broadcasts.may_send_urgent(me)
    if urgent:
        lines.append(tb.SUMMARY_URGENT)
    else:
        settings = ctx.app.settings
        start, end = settings.quiet_hours_start, settings.quiet_hours_end
        moment = send_at or ctx.now
        allowed = next_allowed(moment, start, end, ctx.app.tz)
        if allowed > moment:
            lines.append(
                tb.SUMMARY_QUIET.format(start=f"{start:%H:%M}", end=f"{end:%H:%M}", at=_local(ctx, allowed))
            )
    edits = ["text", "file", "link", "audience", "training", "schedule"]
    if broadcasts.may_send_urgent(me):
        edits.append("urgent")
    choices = [Choice(tb.CONFIRM_SEND, "send")] + [Choice(tb.EDIT_LABELS[e], e) for e in edits]
    return Reply("\n".join(lines), choices=choices, columns=2)


async def _confirm_parse(ctx: Ctx, answer: Answer) -> str:
    assert answer.choice is not None
    if answer.choice == "send":
        # The invitation hint may have made the message longer since the text was checked.
        await _check_length(ctx)
        count = await broadcasts.measure(ctx.tx, _me(ctx), _audience(ctx))
        if not count.messages:
            raise Invalid(tb.NOBODY)
    return answer.choice


async def _finish(ctx: Ctx) -> list[Reply]:
    me = _me(ctx)
    home = str(ctx.data.get("home", ""))
    if home == "history":
        return []
    if home.startswith("cancel:"):
        broadcast_id = _cancel_id(ctx)
        if not ctx.data.get("cancel"):
            return [Reply(tb.CANCEL_KEPT.format(id=broadcast_id))]
        try:
            cancelled = await broadcasts.cancel(ctx.tx, me, broadcast_id, ctx.now)
        except PermissionError:
            return [Reply(tb.NOT_YOURS)]
        done = tb.CANCEL_DONE if cancelled else tb.CANCEL_NOTHING
        return [Reply(done.format(id=broadcast_id, n=cancelled))]
    try:
        queued = await broadcasts.create(ctx.tx, me, _draft(ctx), ctx.now)
    except BroadcastError as exc:
        return [Reply(exc.message)]
    except PermissionError:
        return [Reply(tb.NOT_ALLOWED_SCOPE)]
    count = queued.count
    missing = tb.QUEUED_MISSING.format(n=count.unreachable) if count.unreachable else ""
    numbers = {
        "id": queued.id,
        "reached": count.people - count.unreachable,
        "people": count.people,
        "messages": count.messages,
        "missing": missing,
    }
    if queued.send_at is not None:
        return [Reply(tb.QUEUED_LATER.format(at=_local(ctx, queued.send_at), **numbers))]
    return [Reply(tb.QUEUED.format(**numbers))]


def broadcast_flow() -> Flow:
    """The /thongbao flow."""
    return Flow(
        name="broadcast",
        title=tb.TITLE,
        steps={
            "home": Step("home", _home_prompt, _home_parse, next=_after_home),
            "cancel": Step("cancel", _cancel_prompt, _yes, words=yes_no_words()),
            "history": Step("history", _history_prompt, _history_parse, next=_after_history),
            "text": Step("text", _text_prompt, _text_parse, next=then("file")),
            "file": Step(
                "file", _file_prompt, _file_parse, next=then("link"), free_text=True, accepts_file=True
            ),
            "link": Step("link", _link_prompt, _link_parse, next=then("audience"), free_text=True),
            "audience": Step("audience", _audience_prompt, _audience_parse, next=_after_audience),
            **_commune_steps(),
            "training": yes_no_step("training", tb.ASK_TRAINING, next=then("schedule")),
            "schedule": Step(
                "schedule", _schedule_prompt, _schedule_parse, next=_after_schedule, free_text=True
            ),
            "urgent": Step("urgent", _urgent_prompt, _yes, next="confirm", words=yes_no_words()),
            "confirm": Step(
                "confirm",
                _confirm_prompt,
                _confirm_parse,
                next=lambda ctx: None if ctx.data.get("confirm") == "send" else str(ctx.data.get("confirm")),
                words=confirm_words("send"),
            ),
        },
        first=lambda ctx: "home" if ctx.data.get("has_home") else "text",
        begin=_begin,
        finish=_finish,
        allowed=require_officer,
        command="thongbao",
        restorable=True,
    )
