"""Questions on other laws' substance decline with where to ask, unless they speak of mediation."""

from __future__ import annotations

import pytest

from bot.kb import KnowledgeBase, Regime


@pytest.mark.parametrize(
    ("question", "regime"),
    [
        ("con dâu có được hưởng thừa kế của bố chồng không", Regime.INHERITANCE),
        ("di chuc viet tay co hop le khong", Regime.INHERITANCE),
        ("thủ tục làm sổ đỏ lần đầu cần giấy tờ gì", Regime.LAND_TITLE),
        ("xin cap giay chung nhan quyen su dung dat o dau", Regime.LAND_TITLE),
        ("giải quyết tranh chấp đất đai bằng con đường hành chính ở đâu", Regime.LAND_TITLE),
        ("nam bao nhieu tuoi thi du tuoi ket hon", Regime.FAMILY_LAW),
        ("của hồi môn có phải tài sản riêng của vợ không", Regime.FAMILY_LAW),
    ],
)
def test_other_laws_decline_with_where_to_ask(real_kb: KnowledgeBase, question: str, regime: Regime) -> None:
    result = real_kb.search(question)
    assert result.decision == "decline"
    assert result.regime == regime
    text = real_kb.answer(question).text
    assert "xin hỏi" in text
    assert "«hòa giải»" in text  # the way back when the parties do want mediation


@pytest.mark.parametrize(
    "question",
    [
        "anh em tranh chấp thừa kế đất thì tổ hòa giải có hòa giải được không",
        "hgv co hoa giai vu bao luc gia dinh duoc khong",
        "hai nha cai nhau ve so do, to hoa giai co giai quyet khong",
    ],
)
def test_mediating_such_disputes_stays_in_scope(real_kb: KnowledgeBase, question: str) -> None:
    result = real_kb.search(question)
    assert result.regime is None
    assert result.decision != "decline"


def test_sections_of_one_guide_are_not_rivals(real_kb: KnowledgeBase) -> None:
    from bot.kb.model import Decision
    from bot.kb.search import Ranking

    searcher = real_kb.searcher
    by_ref = searcher.by_ref
    sections = [by_ref["hd-bao-luc-an-toan:dau-hieu"], by_ref["hd-bao-luc-an-toan:an-toan-ban-than"]]
    other = next(i for i, p in enumerate(searcher.passages) if p.doc_id == "luat-35-2013" and not p.cites)
    order = [sections[0], sections[1], other]
    ranking = Ranking("", [], Decision.SUGGEST, order=order, scores=[1.0, 0.95, 0.5])
    assert searcher._runner_up(ranking) == 0.5
