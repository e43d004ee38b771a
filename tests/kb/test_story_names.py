"""Names of people and places in a told story are left out of the search query.

The questions are written for these tests in the shape citizens use (a story naming the
people, then the question), not taken from the real-question sets.
"""

from __future__ import annotations

import pytest

from bot.kb import KnowledgeBase
from bot.kb.normalize import proper_name_positions, terms


def _names(real_kb: KnowledgeBase, text: str) -> list[str]:
    idf = real_kb.searcher.index.idf
    positions = proper_name_positions(text, lambda a, b: f"{a}_{b}" in idf)
    return [t for i, t in enumerate(terms(text)) if i in positions]


def test_people_and_places_of_a_story(real_kb: KnowledgeBase) -> None:
    text = "Anh Tư ở ấp Phước Lợi, xã Long Điền có tranh chấp với bà Hạnh. Chị Hoa là hòa giải viên."
    assert _names(real_kb, text) == ["tu", "phuoc", "loi", "long", "dien", "hanh", "hoa"]


@pytest.mark.parametrize(
    "text",
    [
        "Theo Điều 4 Luật Hòa giải ở cơ sở, Ủy ban Mặt trận Tổ quốc Việt Nam phối hợp với Tòa án",
        "Nhà nước khuyến khích hòa giải, Nghị định 15 quy định thù lao",
        "TRANH CHẤP LỐI ĐI CHUNG GIẢI QUYẾT THẾ NÀO",
        "Hòa Giải Viên Có Được Hưởng Thù Lao Không",
        "có Ủy ban xã đứng ra, đi Tòa án được không",
    ],
)
def test_legal_nouns_headlines_and_title_case_are_not_names(real_kb: KnowledgeBase, text: str) -> None:
    assert _names(real_kb, text) == []


def test_first_word_of_a_sentence_is_not_a_name(real_kb: KnowledgeBase) -> None:
    assert _names(real_kb, "Hàng xóm lấn đất. Tôi phải làm sao?") == []


def test_names_leave_the_query_of_an_on_subject_story_only(real_kb: KnowledgeBase) -> None:
    s = real_kb.searcher
    story = "Chị Hoa hàng xóm nhà tôi xây tường lấn sang lối đi"
    query = s._query(story, terms(story))
    assert "hoa" not in query and "lan" in query
    # Off our subject the names stay: they keep an off-topic question's coverage low.
    off = "xe khách đi Hà Nội mấy giờ chạy"
    assert real_kb.search(off).decision == "decline"
