"""How a question is read before ranking: a story's names left out, everyday phrases reworded.

The questions are written for these tests in the shape citizens use (a story naming the
people, then the question), not taken from the real-question sets.
"""

from __future__ import annotations

import pytest

from bot.kb import KnowledgeBase
from bot.kb.model import Decision
from bot.kb.normalize import asking_part, paraphrase, proper_name_positions, terms
from bot.kb.search import Ranking


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
    query = s._without_names(story, terms(story))
    assert "hoa" not in query and "lan" in query
    # Off our subject the names stay: they keep an off-topic question's coverage low.
    off = "xe khách đi Hà Nội mấy giờ chạy"
    assert real_kb.search(off).decision == "decline"


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("thu lao cho người hòa giải", "thu lao cho hoa giai vien"),
        ("tổ viên tổ hòa giải có được tiền công không", "hoa giai vien co duoc thu lao khong"),
        ("bên kia không chịu ra thì sao", "ben kia khong dong y hoa giai thi sao"),
        ("trưởng ấp có vai trò gì", "truong thon co vai tro gi"),
        ("mâu thuẫn láng giềng", "mau thuan hang xom"),
    ],
)
def test_everyday_phrases_become_the_kb_wording(said: str, meant: str) -> None:
    assert " ".join(paraphrase(terms(said))) == meant


def test_refusing_to_carry_out_an_agreement_is_not_refusing_mediation() -> None:
    # "không chịu" alone keeps its words: the story decides what was refused.
    said = "hòa giải thành rồi nhưng bên kia không chịu thực hiện"
    assert paraphrase(terms(said)) == terms(said)


def test_a_paraphrased_question_finds_the_kb_passage(real_kb: KnowledgeBase) -> None:
    hits = [h.ref for h in real_kb.search("người hòa giải có được tiền công không", k=3).hits]
    assert any(
        r in hits
        for r in ("faq:thu-lao-bao-nhieu", "luat-35-2013:dieu-9", "hd-thu-lao-ho-tro:thu-lao-vu-viec")
    )


def test_asking_part_is_the_questions_or_the_last_sentence() -> None:
    story = (
        "Nhà tôi cạnh nhà ông Tư. Ông ấy xây tường lấn sang. Tôi có nhờ tổ hòa giải được không? Xin cảm ơn."
    )
    assert asking_part(story) == "Tôi có nhờ tổ hòa giải được không?"
    assert asking_part("Hàng xóm lấn đất. Tôi nhờ tổ hòa giải ở thôn") == "Tôi nhờ tổ hòa giải ở thôn"
    assert asking_part("Hòa giải viên có được thù lao không?") is None


_STORY = (
    "Tôi là hòa giải viên ở thôn, mấy hôm trước trưởng ban công tác mặt trận bảo tôi đi hòa giải "
    "vụ tranh chấp lối đi giữa nhà ông Bảy và nhà bà Năm, mà bà Năm lại là chị ruột của vợ tôi. "
    "Vậy tôi có phải từ chối hòa giải vụ này không?"
)


def _offered(real_kb: KnowledgeBase, top: str) -> Ranking:
    s = real_kb.searcher
    ranking = Ranking(_STORY, terms(_STORY), Decision.SUGGEST, domain=True)
    ranking.order, ranking.scores, ranking.gate = [s.by_ref[top]], [1.0], Decision.SUGGEST
    return ranking


@pytest.mark.parametrize("top", ["faq:tu-choi-hoa-giai", "luat-35-2013:dieu-10"])
def test_a_story_is_answered_when_its_question_alone_finds_the_same_answer(
    real_kb: KnowledgeBase, top: str
) -> None:
    # Alone, the asking sentence answers from the FAQ on refusing (which cites Điều 10).
    ranking = _offered(real_kb, top)
    real_kb.searcher._confirm_by_asking_part(ranking)
    assert ranking.decision is Decision.ANSWER


def test_a_story_whose_question_alone_finds_something_else_stays_a_list(real_kb: KnowledgeBase) -> None:
    # The runner-up rules' looser agreement (a shared citation) is not enough here.
    ranking = _offered(real_kb, "hd-mau-thuan-hang-xom:thon-khac-nhau")
    real_kb.searcher._confirm_by_asking_part(ranking)
    assert ranking.decision is Decision.SUGGEST


def test_a_declined_story_is_not_rescued_by_its_asking_sentence(real_kb: KnowledgeBase) -> None:
    ranking = _offered(real_kb, "faq:tu-choi-hoa-giai")
    ranking.gate = ranking.decision = Decision.DECLINE
    real_kb.searcher._confirm_by_asking_part(ranking)
    assert ranking.decision is Decision.DECLINE
