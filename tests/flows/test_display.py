"""How names and phone numbers are shown (issue 13 item 10), and replies that start with a capital."""

from __future__ import annotations

import pytest

from bot.domain.phone import display_phone
from bot.domain.vntext import display_name
from tests.flows.support import World


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("tran thi lan", "Tran Thi Lan"),
        ("NÔNG VĂN HẢI", "Nông Văn Hải"),
        ("hoàng thị mai", "Hoàng Thị Mai"),
        ("Lăng  Văn Tài", "Lăng Văn Tài"),
        ("McDonald van a", "McDonald Van A"),  # mixed case is kept as typed
    ],
)
def test_names_are_shown_capitalised(typed: str, shown: str) -> None:
    assert display_name(typed) == shown


def test_phones_are_shown_as_vietnamese_users_write_them() -> None:
    assert display_phone("+84912345678") == "0912 345 678"
    assert display_phone("+84388000111") == "0388 000 111"
    assert display_phone(None) == "—"
    assert display_phone("+1234") == "+1234"


async def test_replies_start_with_a_capital(world: World) -> None:
    med = world.chat("med")
    lines = ["/baocao", "hôm qua", "đất đai", "tranh chấp lối đi", "hòa giải thành", "3", "hôm nay"]
    lines += ["xác nhận lưu", "/vuviec", "1", "Lịch sử thay đổi", "/to", "menu", "/hoso"]
    for line in lines:
        reply = await med(line)
        assert reply and not reply[:1].islower(), (line, reply)
