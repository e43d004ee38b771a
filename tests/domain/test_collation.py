"""Vietnamese alphabetical order (issue 14 item 9): the examples a reader checks first."""

from __future__ import annotations

import random

import pytest

from bot.domain.collation import sort_key, sort_names, sorted_by


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Bắc Sơn", "Bình Gia"),  # ă < i, although U+1EAF > U+00EC
        ("Duy", "Đa"),  # every D before Đ
        ("Dương Văn Hà", "Đinh Thị Mười Hai"),
        ("Đức", "Em"),  # Đ before E
        ("Anh", "Ăn"),
        ("Ăn", "Ân"),
        ("Ânh", "Bình"),
        ("Anh", "Ân"),  # â is a letter after a: "Anh" first, although it is longer
        ("Ong", "Ông"),
        ("Ông", "Ơn"),
        ("Ơn", "Pác Cáp"),
        ("Uông", "Ưng"),
        ("Ưng", "Vi"),
        ("Ba", "Bà"),  # tones: none, huyền, hỏi, ngã, sắc, nặng
        ("Bà", "Bả"),
        ("Bả", "Bã"),
        ("Bã", "Bá"),
        ("Bá", "Bạ"),
        ("Bạ", "Bác"),  # letters before tones: "Bạ" is a prefix of "Bác"
        ("tổ dân phố 2", "tổ dân phố 10"),  # numbers as numbers
        ("Lê Văn An", "Lê Văn Anh"),
        ("lan", "Lan"),  # case last
        ("Nà Lầu", "Nà Pàn"),
    ],
)
def test_order(first: str, second: str) -> None:
    assert sort_key(first) < sort_key(second)


def test_tone_placement_and_normalisation_do_not_matter() -> None:
    assert sort_key("Hoà Bình") == sort_key("Hòa Bình")
    assert sort_key("Thuỷ") == sort_key("Thủy")
    decomposed = "Bi\u0300nh"  # NFD "Bình"
    assert sort_key(decomposed) == sort_key("Bình")


def test_a_shuffled_list_comes_back_in_dictionary_order() -> None:
    expected = [
        "An Bình",
        "Ân Nghĩa",
        "Bắc Sơn",
        "Bình Gia",
        "Cao Lộc",
        "Chi Lăng",
        "Dương Thủy",
        "Đình Lập",
        "Đồng Đăng",
        "Hữu Lũng",
        "Lộc Bình",
        "Tràng Định",
        "Văn Lãng",
        "Văn Quan",
    ]
    shuffled = expected[:]
    random.Random(3).shuffle(shuffled)
    assert sort_names(shuffled) == expected
    assert [n for n, _ in sorted_by([(n, 0) for n in shuffled], lambda item: item[0])] == expected


def test_odd_text_still_sorts() -> None:
    names = ["", "  ", "(khác)", "123", "Zê", "Nguyễn-Văn", "O'Brien", "中文"]
    assert sorted(sort_names(names)) == sorted(names)
