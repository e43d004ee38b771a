"""Helpers of the broadcast tests: the /thongbao flow and the pre-flow hook on an app, and a few
more people around the shared test world."""

from __future__ import annotations

from bot.conversation.messages import Reply
from bot.domain.broadcasts import Audience, Group
from bot.domain.people import Person
from bot.runtime import App
from bot.services import broadcasts
from bot.storage import outbox
from bot.storage.db import iso

ALL_MEDIATORS = Audience(frozenset({Group.MEDIATORS}))


async def send(app: App, sender: Person, draft: broadcasts.Draft) -> broadcasts.Queued:
    """Queue a broadcast through the service."""
    async with app.db.transaction() as tx:
        return await broadcasts.create(tx, sender, draft, app.clock())


async def mark_sent(app: App, broadcast_id: int, person_ids: list[int]) -> None:
    """Pretend the sender delivered these people's rows."""
    async with app.db.transaction() as tx:
        marks = ", ".join("?" for _ in person_ids)
        await tx.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ? "
            f"WHERE broadcast_id = ? AND person_id IN ({marks})",
            (iso(app.clock()), broadcast_id, *person_ids),
        )


async def statuses(app: App, broadcast_id: int) -> dict[int, str]:
    """Outbox status per recipient of a broadcast."""
    rows = await app.db.fetchall(
        "SELECT person_id, status FROM outbox WHERE broadcast_id = ? ORDER BY person_id", (broadcast_id,)
    )
    return {row["person_id"]: row["status"] for row in rows}


async def notices_to(app: App, person: Person, prefix: str) -> list[Reply]:
    """Notices queued to a person with a dedupe key prefix, oldest first."""
    rows = await app.db.fetchall(
        "SELECT payload FROM outbox WHERE person_id = ? AND kind = 'notice' AND substr(dedupe_key, 1, ?) = ? "
        "ORDER BY id",
        (person.id, len(prefix), prefix),
    )
    return [outbox.decode_reply(row["payload"]) for row in rows]
