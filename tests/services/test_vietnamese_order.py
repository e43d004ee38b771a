"""Issue 14 item 9: /to lists teams and members in Vietnamese alphabetical order.

SQL's ORDER BY (and the folded names) put «Bùi» before «Bế» and mix «Đ» with «D»; the lists
must read as a Vietnamese dictionary does.
"""

from __future__ import annotations

from bot.domain.enums import Role
from bot.services import registration
from tests.flows.support import TAN_DOAN, World, add_person, add_team

MEMBERS = ["Đinh Thị Hoa", "Bùi Văn Nam", "Dương Văn Bắc", "Bế Thị Lan"]
MEMBERS_IN_ORDER = ["Bế Thị Lan", "Bùi Văn Nam", "Dương Văn Bắc", "Đinh Thị Hoa"]


async def test_team_list_of_to_is_in_vietnamese_order(world: World) -> None:
    for name in ("Thôn Đông", "Thôn Bình Gia", "Thôn Dưới", "Thôn Bắc Sơn"):
        await add_team(world.app, TAN_DOAN, name)
    team = await add_team(world.app, TAN_DOAN, "Thôn Ả Rầm")
    for name in MEMBERS:
        await add_person(world.app, Role.MEDIATOR, team=team, name=name)
    async with world.app.db.transaction() as tx:
        statuses = await registration.commune_teams(tx, world.officer, TAN_DOAN)
    assert [s.team.name for s in statuses] == [
        "Bản Khuổi Cáp",
        "Thôn Ả Rầm",
        "Thôn Bắc Sơn",
        "Thôn Bình Gia",
        "Thôn Dưới",
        "Thôn Đông",
        "Thôn Nà Pàn",
    ]
    members = next(s for s in statuses if s.team.id == team).members
    assert [m.full_name for m in members] == MEMBERS_IN_ORDER
