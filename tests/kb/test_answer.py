"""Answers (citation, highlight, suggestions) and chunking within max_len."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.kb import KnowledgeBase
from bot.kb.answer import chunk, pack


def test_article_answer_quotes_best_clause(good_kb: KnowledgeBase) -> None:
    answer = good_kb.answer("mỗi tổ hòa giải có từ mấy hòa giải viên, có hòa giải viên nữ không")
    assert answer.decision in ("answer", "suggest")
    top = good_kb.search("mỗi tổ hòa giải có từ mấy hòa giải viên, có hòa giải viên nữ không").hits[0]
    assert top.ref in ("faq:so-nguoi-to", "luat-1-2020:dieu-4")


def test_faq_answer_ends_with_citations(good_kb: KnowledgeBase) -> None:
    answer = good_kb.answer("to hg co bao nhieu nguoi")
    assert answer.decision == "answer"
    assert answer.refs[0] == "faq:so-nguoi-to"
    assert answer.text.splitlines()[-1] == "Căn cứ: Điều 4 Luật Thử nghiệm (1/2020/QH14)"
    assert answer.full_ref == "luat-1-2020:dieu-4"


def test_partial_article_notes_it(good_kb: KnowledgeBase) -> None:
    answer = good_kb.answer("điều 4 luật thử nghiệm")
    assert "mới có một phần nguyên văn" in answer.text


def test_real_answer_has_citation_and_full_option(real_kb: KnowledgeBase) -> None:
    answer = real_kb.answer("dieu 12")
    assert answer.decision == "answer"
    assert "Căn cứ: Điều 12 Luật Hòa giải ở cơ sở (35/2013/QH13)" in answer.text
    long = real_kb.answer("dieu 3 thong tu 56", max_len=2000)
    assert len(long.text) <= 2000
    assert long.full_ref == "tt-56-2023:dieu-3"


def test_suggest_answers_best_and_offers_each_alternative_once(real_kb: KnowledgeBase) -> None:
    answer = real_kb.answer("kinh phi")  # one topic word: too short to be sure
    assert answer.decision == "suggest"
    best = real_kb.passage(answer.refs[0])
    assert best is not None
    # The best candidate is answered (its text and "Căn cứ" line), not offered as a guess.
    assert best.clauses[0][:40] in answer.text and "Căn cứ:" in answer.text
    assert 1 <= len(answer.suggestions) <= 2
    assert [ref for _, ref in answer.suggestions] == answer.refs[1:]
    # Alternatives appear once: as choices, never also listed in the text.
    for label, ref in answer.suggestions:
        assert len(label) <= 60
        assert label not in answer.text and ref != best.ref
    assert "Xem toàn văn" not in answer.text  # no such choice after a suggestion


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (
            "Điều 8 Luật Hòa giải ở cơ sở: Bầu, công nhận hòa giải viên",
            "Điều 8 Luật Hòa giải ở cơ sở: Bầu, công nhận hòa giải viên",
        ),
        (
            "Điều 17 Nghị định 15/2014/NĐ-CP: Các khoản được hỗ trợ khi hòa giải viên gặp tai nạn",
            "Điều 17 Nghị định 15/2014/NĐ-CP: Các khoản được hỗ trợ khi…",
        ),
        (
            "Khi nào được thanh toán thù lao (Hướng dẫn: Thù lao và hỗ trợ)",
            "Khi nào được thanh toán thù lao (Hướng dẫn: Thù lao và hỗ…",
        ),
        (
            "Hỏi đáp: Tổ hòa giải, tổ trưởng, hòa giải viên, công nhận, bầu, thôi làm",
            "Hỏi đáp: Tổ hòa giải, tổ trưởng, hòa giải viên, công nhận…",
        ),
        ("x" * 80, "x" * 59 + "…"),  # one long word: nothing better than a hard cut
    ],
)
def test_labels_are_cut_between_words(label: str, expected: str) -> None:
    from bot.kb.answer import cut_label

    assert cut_label(label) == expected
    assert len(cut_label(label)) <= 60


def test_decline_points_to_justice_officer(real_kb: KnowledgeBase) -> None:
    answer = real_kb.answer("hoa giai thuong mai la gi")
    assert answer.decision == "decline"
    assert "Tư pháp – hộ tịch ở UBND xã" in answer.text


@pytest.mark.parametrize("max_len", [2000, 4000, 300])
def test_render_full_chunks(real_kb: KnowledgeBase, max_len: int) -> None:
    chunks = real_kb.render_full("tt-56-2023:dieu-3", max_len)
    assert chunks and all(len(c) <= max_len for c in chunks)
    passage = real_kb.passage("tt-56-2023:dieu-3")
    assert passage is not None
    joined = "\n".join(chunks)
    for clause in passage.clauses:
        assert clause.split("\n")[0][:40] in joined
    assert chunks[-1].splitlines()[-1].startswith("Căn cứ:")


def test_render_full_unknown_and_missing(good_kb: KnowledgeBase) -> None:
    assert good_kb.render_full("nope:dieu-1") == []
    assert "chưa thu thập" in good_kb.render_full("luat-1-2020:dieu-3")[0]


def test_chunk_prefers_boundaries() -> None:
    text = "Một câu ngắn. Câu thứ hai dài hơn một chút.\nDòng mới."
    assert chunk(text, 20) == ["Một câu ngắn.", "Câu thứ hai dài hơn", "một chút.\nDòng mới."]
    assert pack(["a" * 10, "b" * 10], 21) == ["a" * 10 + "\n" + "b" * 10]
    assert pack(["x" * 25], 10) == ["x" * 10, "x" * 10, "x" * 5]


@settings(max_examples=200)
@given(st.text(min_size=0, max_size=500), st.integers(min_value=1, max_value=80))
def test_chunks_never_exceed_max_len(text: str, max_len: int) -> None:
    chunks = chunk(text, max_len)
    assert all(len(c) <= max_len for c in chunks)
    squashed = "".join(text.split())
    assert "".join("".join(chunks).split()) == squashed
