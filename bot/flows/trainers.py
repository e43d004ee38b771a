"""The trainer list inside ``/lophoc``: an officer sees who is flagged as trainer in their
scope, finds a person by name or phone to add, or removes one. Steps of the courses flow (they
share its session); the rules are in :mod:`bot.services.trainers`."""

from __future__ import annotations

from bot.conversation.flow import Answer, Ctx, Invalid, Step
from bot.conversation.messages import Choice, Reply
from bot.domain.people import Person
from bot.domain.phone import mask_phone
from bot.services import trainers
from bot.storage import people as people_repo
from bot.texts import training as tt
from bot.texts.register import ROLE_LABELS

MAX_MATCHES = 8  # more than this: ask for a fuller name rather than show a long list


def _me(ctx: Ctx) -> Person:
    assert ctx.actor.person is not None
    return ctx.actor.person


def _label(person: Person) -> str:
    # Two people may share a name: the role and the masked phone tell them apart.
    phone = mask_phone(person.phone) if person.phone else "—"
    return tt.TRAINER_LINE.format(name=person.full_name, role=ROLE_LABELS[person.role], phone=phone)


async def _list_prompt(ctx: Ctx) -> Reply:
    listed = await trainers.listed(ctx.tx, _me(ctx))
    names = "\n".join(f"• {name}" for _, name in listed) or tt.TRAINERS_NONE_YET
    choices = [Choice(tt.TRAINER_ADD, "trainer_find")]
    if listed:
        choices.append(Choice(tt.TRAINER_REMOVE, "trainer_drop"))
    choices.append(Choice(tt.TRAINERS_BACK, "home"))
    return Reply(tt.TRAINERS_HOME.format(count=len(listed), names=names), choices=choices)


async def _list_parse(ctx: Ctx, answer: Answer) -> str:
    return answer.value


async def _find_prompt(ctx: Ctx) -> Reply:
    return Reply(tt.ASK_TRAINER_NAME)


async def _find_parse(ctx: Ctx, answer: Answer) -> list[int]:
    query = " ".join(answer.text.split())
    found = await trainers.find(ctx.tx, _me(ctx), query)
    if not found:
        raise Invalid(tt.TRAINER_NOT_FOUND.format(query=query))
    if len(found) > MAX_MATCHES:
        raise Invalid(tt.TRAINER_TOO_MANY.format(count=len(found), query=query))
    return [p.id for p in found]


async def _pick_prompt(ctx: Ctx) -> Reply:
    people = [await people_repo.get_person(ctx.tx, int(pid)) for pid in ctx.data["trainer_find"]]
    return Reply(tt.PICK_TRAINER, choices=[Choice(_label(p), str(p.id)) for p in people if p is not None])


async def _pick_parse(ctx: Ctx, answer: Answer) -> None:
    await _set(ctx, int(answer.value), True)


async def _drop_prompt(ctx: Ctx) -> Reply:
    listed = await trainers.listed(ctx.tx, _me(ctx))
    return Reply(tt.PICK_TRAINER_REMOVE, choices=[Choice(name, str(pid)) for pid, name in listed])


async def _drop_parse(ctx: Ctx, answer: Answer) -> None:
    await _set(ctx, int(answer.value), False)


async def _set(ctx: Ctx, person_id: int, flag: bool) -> None:
    try:
        person, changed = await trainers.set_trainer(ctx.tx, _me(ctx), person_id, flag, ctx.now)
    except PermissionError:
        raise Invalid(tt.TRAINER_NOT_FOUND.format(query=str(person_id))) from None
    if not flag:
        ctx.say(tt.TRAINER_REMOVED.format(name=person.full_name))
    else:
        ctx.say((tt.TRAINER_ADDED if changed else tt.TRAINER_ALREADY).format(name=person.full_name))


def trainer_steps() -> dict[str, Step]:
    """The steps to merge into the courses flow (entered at ``trainer_list``)."""
    return {
        "trainer_list": Step(
            "trainer_list", _list_prompt, _list_parse, next=lambda ctx: str(ctx.data["trainer_list"])
        ),
        "trainer_find": Step("trainer_find", _find_prompt, _find_parse, next="trainer_pick"),
        "trainer_pick": Step("trainer_pick", _pick_prompt, _pick_parse, next="trainer_list", store=None),
        "trainer_drop": Step("trainer_drop", _drop_prompt, _drop_parse, next="trainer_list", store=None),
    }
