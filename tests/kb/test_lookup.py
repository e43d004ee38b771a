"""Direct article lookup: "điều 12", "dieu 3 nd 15", "d418 blttds"."""

from __future__ import annotations

import pytest

from bot.kb import KnowledgeBase


@pytest.mark.parametrize(
    ("question", "ref"),
    [
        ("Điều 12", "luat-35-2013:dieu-12"),
        ("điều 12 luật hòa giải", "luat-35-2013:dieu-12"),
        ("dieu 3 nd 15", "nd-15-2014:dieu-3"),
        ("Điều 5 Nghị định 15/2014/NĐ-CP", "nd-15-2014:dieu-5"),
        ("d418 blttds", "blttds-2015:dieu-418"),
        ("đ.417", "blttds-2015:dieu-417"),  # the number exists in one document only
        ("dieu12", "luat-35-2013:dieu-12"),
        ("khoản 2 điều 9 luật 35", "luat-35-2013:dieu-9"),
        ("dieu 3 thong tu 56", "tt-56-2023:dieu-3"),
    ],
)
def test_direct_lookup(real_kb: KnowledgeBase, question: str, ref: str) -> None:
    result = real_kb.search(question)
    assert result.direct
    assert result.answered
    assert result.hits[0].ref == ref


def test_clause_is_quoted_alone(real_kb: KnowledgeBase) -> None:
    answer = real_kb.answer("khoan 5 dieu 9")
    assert "5. Hưởng thù lao" in answer.text
    assert "1. Thực hiện hoạt động" not in answer.text
    assert "Căn cứ: khoản 5 Điều 9 Luật Hòa giải ở cơ sở (35/2013/QH13)" in answer.text
    assert answer.full_ref == "luat-35-2013:dieu-9"


def test_unknown_article(real_kb: KnowledgeBase) -> None:
    assert real_kb.search("điều 99").decision == "decline"
    answer = real_kb.answer("điều 40 luật hòa giải")
    assert answer.decision == "decline"
    assert "Điều 1 đến Điều 33" in answer.text


def test_missing_article_says_not_collected(good_kb: KnowledgeBase) -> None:
    answer = good_kb.answer("dieu 3 luat thu nghiem")
    assert answer.refs == ["luat-1-2020:dieu-3"]
    assert "chưa thu thập được nguyên văn" in answer.text


def test_default_document_and_aliases(good_kb: KnowledgeBase) -> None:
    # No Luật 35 in the fixture: a number found in one document goes there.
    assert good_kb.search("điều 2").hits[0].ref == "luat-1-2020:dieu-2"
    assert good_kb.search("dieu 4 ltn").hits[0].ref == "luat-1-2020:dieu-4"
    # Both documents have an Điều 1; the expired one only when named.
    assert good_kb.search("điều 1").hits[0].ref == "luat-1-2020:dieu-1"
    expired = good_kb.answer("điều 1 ttlt 9")
    assert expired.refs == ["tt-9-2010:dieu-1"]
    assert "đã hết hiệu lực" in expired.text
