"""Normalisation: tone placement, folding, abbreviations, article numbers, Telex."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.vntext import canonical, fold
from bot.kb.normalize import (
    ABBREVIATIONS,
    ArticleRef,
    PhraseMatcher,
    bigrams,
    content_terms,
    display,
    expand,
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("d", "d"),
        ("k", "khong"),
        ("tt", "to truong"),
        ("k d12", "khong dieu 12"),
        ("tt k2", "to truong khoan 2"),
        ("d 5 k", "dieu 5 khong"),
        ("tt56 tt 56", "thong tu 56 thong tu 56"),
        ("kh2 ttlt5 luat5", "ke hoach 2 thong tu lien tich 5 luat 5"),
    ],
)
def test_letters_read_by_the_next_token(text: str, expected: str) -> None:
    assert " ".join(terms(text)) == expected


def _expand_reference(tokens: list[str]) -> list[str]:
    # The rules spelled out as a plain two-pass loop: split glued prefixes, then read each
    # token with its successor.
    split: list[str] = []
    for tok in tokens:
        m = re.fullmatch(r"(dieu|d|nd|tt|ttlt|qd|kh|khoan|k|luat)(\d+)", tok)
        split.extend(m.groups() if m else (tok,))
    out: list[str] = []
    for i, tok in enumerate(split):
        before_number = i + 1 < len(split) and split[i + 1].isdigit()
        if tok == "d" and before_number:
            out.append("dieu")
        elif tok == "k" and before_number:
            out.append("khoan")
        elif tok == "tt":
            out.extend(("thong", "tu") if before_number else ("to", "truong"))
        else:
            out.extend(ABBREVIATIONS.get(tok, tok).split())
    return out


_TRICKY = ["d", "k", "tt", "12", "3", "d12", "k2", "tt56", "nd15", "kh2", "hg", "ko", "dieu", "a3", "3a"]


@given(st.lists(st.sampled_from(_TRICKY), max_size=8))
def test_expand_follows_the_rules(tokens: list[str]) -> None:
    assert expand(tokens) == _expand_reference(tokens)


def _first_at(tokens: list[str], phrase: tuple[str, ...]) -> int:
    n = len(phrase)
    return next((i for i in range(len(tokens) - n + 1) if tuple(tokens[i : i + n]) == phrase), -1)


@given(
    st.lists(st.sampled_from("abc"), max_size=10),
    st.lists(st.lists(st.sampled_from("abc"), max_size=3).map(tuple), max_size=6),
)
def test_phrase_matcher_finds_first_occurrences(tokens: list[str], phrases: list[tuple[str, ...]]) -> None:
    found = PhraseMatcher(phrases).first_positions(tokens)
    expected = {i: at for i, p in enumerate(phrases) if p and (at := _first_at(tokens, p)) >= 0}
    assert found == expected
