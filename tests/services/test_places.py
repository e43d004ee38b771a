"""Commune search over the bundled 65 units, and team lookups."""

from __future__ import annotations

import pytest

from bot.domain.units import CommuneMatch
from bot.runtime import App
from bot.services import places
from bot.storage import units
from tests.flows.support import KHANH_KHE, TAN_DOAN, add_team


async def _search(app: App, query: str) -> list[CommuneMatch]:
    async with app.db.transaction() as tx:
        return await places.find_communes(tx, query)


async def test_the_bundled_units_are_loaded(app: App) -> None:
    async with app.db.transaction() as tx:
        communes = await units.communes_in(tx)
    assert len(communes) == 65
    assert sum(1 for c in communes if c.type.value == "phuong") == 4


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("tan doan", "Tân Đoàn"),
        ("Khanh khe", "Khánh Khê"),
        ("dong dang", "Đồng Đăng"),
        ("xã Tân Đoàn", "Tân Đoàn"),
        ("KHÁNH KHÊ", "Khánh Khê"),
        ("khanh khee", "Khánh Khê"),  # a typo
        ("thatkhe", "Thất Khê"),  # spaces dropped
        ("ky lua", "Kỳ Lừa"),
        ("06316", "Tân Đoàn"),  # the unit code
    ],
)
async def test_fuzzy_search_puts_the_right_commune_first(app: App, query: str, name: str) -> None:
    matches = await _search(app, query)
    assert matches, query
    assert matches[0].commune.name == name
    assert matches[0].via is None
    assert matches[0].score == max(m.score for m in matches)


async def test_an_old_commune_name_finds_the_unit_it_was_merged_into(app: App) -> None:
    [best, *_] = await _search(app, "cao minh")
    assert best.commune.name == "Đoàn Kết"
    assert best.via is not None and best.via.name == "Cao Minh"


@pytest.mark.parametrize("query", ["qqqq", "", "x", "dong dang cao loc lang son"])
async def test_nonsense_finds_nothing(app: App, query: str) -> None:
    assert await _search(app, query) == []


async def test_search_returns_at_most_five(app: App) -> None:
    assert len(await _search(app, "tan")) <= 5


async def test_commune_info_and_label(app: App) -> None:
    async with app.db.transaction() as tx:
        commune = await units.commune_by_code(tx, KHANH_KHE)
        phuong = await units.commune_by_code(tx, "06187")
        missing = await units.commune_by_code(tx, "99999")
    assert commune is not None and commune.label == "xã Khánh Khê"
    assert phuong is not None and phuong.label == "phường Kỳ Lừa"
    assert missing is None


async def test_team_names_are_unique_per_commune_ignoring_diacritics(app: App) -> None:
    first = await add_team(app, TAN_DOAN, "Thôn Nà Pàn")
    assert await add_team(app, TAN_DOAN, "thon na pan") == first
    assert await add_team(app, KHANH_KHE, "Thôn Nà Pàn") != first
    unconfirmed = await add_team(app, TAN_DOAN, "Bản Cốc Lùng", confirmed=False)
    async with app.db.transaction() as tx:
        teams = await units.teams_of_commune(tx, TAN_DOAN)
    # Confirmed teams first.
    assert [(team.name, team.confirmed) for team in teams] == [("Thôn Nà Pàn", True), ("Bản Cốc Lùng", False)]
    assert teams[1].id == unconfirmed
