"""Which console identity ``hoagiai chat --as …`` speaks as."""

from __future__ import annotations

from bot.conversation.messages import Channel
from bot.domain.enums import Role
from bot.domain.numbers import whole_number
from bot.runtime import App
from bot.storage import people as people_repo
from bot.texts import console as tc

ANONYMOUS = "console-user"
# ``hoagiai chat --as``: the operator speaking as someone else (see console_user_for).
_AS_PREFIX = "console-person-"


def is_operator_as(channel: str, user_id: str) -> bool:
    """True for a console identity the operator took on with ``--as``: whatever is answered there
    was not said by that person (so, e.g., it must never count as their consent)."""
    return channel == Channel.CONSOLE and user_id.startswith(_AS_PREFIX)


async def console_user_for(app: App, who: str, user: str = "") -> str:
    """Return the console user id for ``who`` (empty: ``user`` or the default console user; a role;
    a person id).

    For a role or id, the console identity is linked to that person so the engine sees them.
    Raises LookupError with a Vietnamese message when nobody matches.
    """
    who = who.strip()
    if not who:
        return f"console-{user.strip()}" if user.strip() else ANONYMOUS
    number = whole_number(who)
    if number is not None:
        if await people_repo.get_person(app.db.reader, number) is None:
            raise LookupError(tc.NO_PERSON_WITH_ID.format(who=who))
        person_id = number
    else:
        try:
            role = Role(who)
        except ValueError:
            raise LookupError(tc.BAD_AS.format(who=who, roles=", ".join(r.value for r in Role))) from None
        found = await people_repo.active_with_roles(app.db.reader, [role])
        if not found:
            raise LookupError(tc.NO_PERSON_WITH_ROLE.format(who=who))
        person_id = found[0]
    user_id = f"{_AS_PREFIX}{person_id}"
    async with app.db.transaction() as tx:
        await people_repo.touch_identity(tx, Channel.CONSOLE, user_id, user_id, user_id, app.clock())
        await people_repo.link_identity(tx, Channel.CONSOLE, user_id, person_id)
    return user_id
