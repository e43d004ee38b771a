"""Viewing other people's data in chat leaves an audit row: approval cards and /to member lists."""

from __future__ import annotations

from bot.domain.enums import PersonStatus, Role
from bot.runtime import App
from bot.services import privacy
from bot.texts import common as t
from tests.flows.support import TAN_DOAN, World, add_person


async def _audit(app: App) -> list[tuple[int | None, str, str, int | None]]:
    rows = await app.db.fetchall("SELECT actor_id, action, scope, subject_id FROM access_audit ORDER BY id")
    return [(r["actor_id"], r["action"], r["scope"], r["subject_id"]) for r in rows]


async def test_opening_an_approval_card_is_logged(app: App, world: World) -> None:
    pending = await add_person(
        app, Role.MEDIATOR, team=world.team_a, name="Nông Thị Hiền", status=PersonStatus.PENDING
    )
    await world.chat("officer").play(["/duyet", "1"])
    assert await _audit(app) == [(world.officer.id, "approval_card", f"person:{pending.id}", pending.id)]
    # The person can learn who looked at their registration.
    [entry] = await privacy.list_audit(app.db, subject_id=pending.id)
    assert entry.actor == "Lương Thị Hạnh"


async def test_member_list_of_to_is_logged(app: App, world: World) -> None:
    officer = world.chat("officer")
    await officer.play(["/to", "2"])
    assert "Hoàng Thị Lan" in officer.text
    assert await _audit(app) == [(world.officer.id, "team_members", f"commune:{TAN_DOAN}", None)]


async def test_province_officer_reads_the_audit_in_chat(app: App, world: World) -> None:
    async with app.db.transaction() as tx:
        await privacy.record_access(tx, world.officer.id, "export_xlsx", f"commune:{TAN_DOAN}", app.clock())
    shown = await world.chat("province")("/nhatky")
    assert "Lương Thị Hạnh: xuất tệp Excel" in shown
    assert t.NOT_ALLOWED in await world.chat("med")("/nhatky")  # a mediator is refused
