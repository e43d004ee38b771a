"""Normalisation: tone placement, folding, abbreviations, article numbers, Telex."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.vntext import canonical, fold
from bot.kb.normalize import (
    ArticleRef,
    bigrams,
    content_terms,
    display,
    find_article_refs,
    telex_fold,
    terms,
    tokenize,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Hoà giải", "hòa giải"), ("THUỶ LỢI", "thủy lợi"), ("khoẻ", "khỏe"), ("quý", "quý"), ("hoàn", "hoàn")],
)
def test_canonical_tone_placement(text: str, expected: str) -> None:
    assert canonical(text) == expected


def test_display_is_canonical_and_squeezed() -> None:
    assert display("  Hoà   giải\tviên ") == "hòa giải viên"


def test_fold_removes_diacritics_and_d_bar() -> None:
    assert fold("Đơn yêu cầu công nhận hòa giải thành") == "don yeu cau cong nhan hoa giai thanh"
    assert tokenize("Điều 12, khoản 3.") == ["dieu", "12", "khoan", "3"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hgv", "hoa giai vien"),
        ("hgcs", "hoa giai o co so"),
        ("tổ hg", "to hoa giai"),
        ("to hg", "to hoa giai"),
        ("ubnd xã", "uy ban nhan dan xa"),
        ("mttq", "mat tran to quoc"),
        ("tand", "toa an nhan dan"),
        ("vksnd", "vien kiem sat"),
        ("blttds", "bo luat to tung dan su"),
        ("nđ 15", "nghi dinh 15"),
        ("nd15", "nghi dinh 15"),
        ("tt 56", "thong tu 56"),
        ("tt thg", "to truong to hoa giai"),
        ("qđ 315", "quyet dinh 315"),
        ("ko dc j", "khong duoc gi"),
        ("co dc k", "co duoc khong"),
        ("đc", "duoc"),
    ],
)
def test_abbreviations(text: str, expected: str) -> None:
    assert " ".join(terms(text)) == expected


@pytest.mark.parametrize(
    ("text", "number", "clause"),
    [
        ("Điều 12", 12, None),
        ("điều 12 luật hòa giải", 12, None),
        ("dieu 3 nd 15", 3, None),
        ("d418 blttds", 418, None),
        ("đ.12", 12, None),
        ("dieu12", 12, None),
        ("d 27", 27, None),
        ("điều số 7", 7, None),
        ("khoản 2 điều 9", 9, 2),
        ("dieu 3 khoan 1", 3, 1),
        ("k2 d9", 9, 2),
    ],
)
def test_article_reference_forms(text: str, number: int, clause: int | None) -> None:
    assert find_article_refs(terms(text))[0] == ArticleRef(number, clause)


@pytest.mark.parametrize("text", ["điều kiện làm hòa giải viên", "d la gi", "12 dieu", "dieu 1234"])
def test_not_article_references(text: str) -> None:
    assert find_article_refs(terms(text)) == []


@pytest.mark.parametrize(
    ("token", "expected"),
    [("hoaf", "hoa"), ("giair", "giai"), ("vieen", "vien"), ("dduwowcj", "duoc"), ("khoong", "khong")],
)
def test_telex(token: str, expected: str) -> None:
    assert telex_fold(token) == expected


def test_bigrams_and_content_terms() -> None:
    toks = terms("hòa giải viên có được thù lao không")
    assert bigrams(toks)[:2] == ["hoa_giai", "giai_vien"]
    assert content_terms(toks) == ["hoa", "giai", "vien", "thu", "lao"]


@given(st.text(max_size=60))
def test_terms_never_raise_and_are_ascii(text: str) -> None:
    for tok in terms(text):
        assert tok.isascii()
        assert tok == tok.lower()
