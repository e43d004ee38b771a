"""``/hoso`` as a mediator uses it: see everything held, then leave and have contact data erased."""

from __future__ import annotations

from bot.runtime import App
from bot.texts import privacy as tp
from tests.flows.support import World, count, report_case


async def test_hoso_shows_my_data_and_leaving_erases_contact_data(app: App, world: World) -> None:
    case = await report_case(app, world.med)
    med = world.chat("med")
    await med("/hoso")
    shown = await med.press("my_data")
    assert tp.MY_DATA_HEADER in shown and "Hoàng Thị Lan" in shown and case.code in shown
    assert "Bạn muốn làm gì?" in shown  # back at the profile menu
    await med.press("leave")
    assert tp.LEFT_DONE in await med("có")
    person = await app.db.fetchone(
        "SELECT full_name, phone, status FROM people WHERE id = ?", (world.med.id,)
    )
    assert person is not None
    assert (person["full_name"], person["phone"], person["status"]) == (
        "Hòa giải viên, tổ Thôn Nà Pàn (đã rời)",
        None,
        "left",
    )
    assert await count(app, "SELECT COUNT(*) FROM identities WHERE person_id = ?", world.med.id) == 0
    assert await count(app, "SELECT COUNT(*) FROM cases WHERE reported_by = ?", world.med.id) == 1
