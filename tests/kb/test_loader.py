"""Loader and ``kb check`` on the fixture folders: every problem kind is detected."""

from __future__ import annotations

from pathlib import Path

from bot.kb import KnowledgeBase
from bot.kb.check import check
from bot.kb.loader import split_clauses

from .conftest import FIXTURES


def test_good_fixture_is_clean() -> None:
    assert check(FIXTURES / "good") == []


def test_passages_parsed(good_kb: KnowledgeBase) -> None:
    art = good_kb.passage("luat-1-2020:dieu-2")
    assert art is not None
    assert art.kind == "article" and art.number == 2
    assert art.title == "Tiêu chuẩn hòa giải viên"
    assert art.chapter == "Chương I. Quy định chung"
    assert len(art.clauses) == 3  # lead-in + two numbered clauses
    missing = good_kb.passage("luat-1-2020:dieu-3")
    assert missing is not None and missing.missing and missing.text == ""
    partial = good_kb.passage("luat-1-2020:dieu-4")
    assert partial is not None and partial.partial and partial.partial_note == "Thiếu khoản 4."
    assert "@partial" not in partial.text
    guide = good_kb.passage("hd-thu:lang-nghe")
    assert guide is not None and guide.cites == ("luat-1-2020:dieu-2",)
    assert guide.keywords == ("nóng giận", "cãi nhau")
    assert len(guide.clauses) == 2  # paragraphs
    faq = good_kb.passage("faq:so-nguoi-to")
    assert faq is not None and faq.kind == "faq" and len(faq.questions) == 2
    expired = good_kb.passage("tt-9-2010:dieu-1")
    assert expired is not None and expired.history
    assert good_kb.documents["luat-1-2020"].aliases == ("luật thử nghiệm", "ltn")


def test_every_problem_kind_detected() -> None:
    problems = check(FIXTURES / "bad")
    codes = {p.code for p in problems}
    assert codes >= {
        "metadata",
        "duplicate-ref",
        "numbering",
        "nfc",
        "empty",
        "cites",
        "faq-no-q",
        "directive",
        "syntax",
    }
    messages = "\n".join(str(p) for p in problems)
    assert "missing or empty key 'title'" in messages
    assert "articles absent" in messages and "2, 5" in messages
    assert "Điều 1 appears more than once" in messages
    assert "outside article_range" in messages
    assert "cites unknown reference luat-2-2020:dieu-99" in messages
    assert "hd-loi:khong-cites needs @cites" in messages
    assert "@missing must stand alone" in messages
    assert "unknown directive @unknown" in messages


def test_bad_folder_still_loads(tmp_path: Path) -> None:
    kb = KnowledgeBase.load(FIXTURES / "bad")
    assert kb.passage("luat-2-2020:dieu-1") is not None
    assert kb.problems
    empty = KnowledgeBase.load(tmp_path)
    assert empty.passages() == []
    assert empty.search("hòa giải viên").decision == "decline"


def test_front_matter_errors(tmp_path: Path) -> None:
    (tmp_path / "law").mkdir()
    (tmp_path / "law" / "a.md").write_text("no front matter\n", encoding="utf-8")
    (tmp_path / "law" / "b.md").write_text("+++\nid = \n+++\n", encoding="utf-8")
    (tmp_path / "law" / "c.md").write_text('+++\nid = "x"\n', encoding="utf-8")
    (tmp_path / "law" / "d.md").write_bytes(b"\xff\xfe")
    codes = [p.code for p in check(tmp_path)]
    assert codes.count("front-matter") == 3
    assert "encoding" in codes


def test_curators_notes_are_not_documents(tmp_path: Path) -> None:
    # law/SOURCES.md records where each article came from; it has no front matter.
    (tmp_path / "law").mkdir()
    (tmp_path / "law" / "SOURCES.md").write_text("# Nguồn từng điều\n", encoding="utf-8")
    (tmp_path / "law" / "a.md").write_text("no front matter\n", encoding="utf-8")
    codes = [p.code for p in check(tmp_path)]
    assert codes.count("front-matter") == 1


def test_split_clauses_keeps_points_with_their_clause() -> None:
    text = "Lead-in:\n1. Clause one:\na) point;\nb) point.\n2. Clause two."
    assert split_clauses(text, article=True) == [
        "Lead-in:",
        "1. Clause one:\na) point;\nb) point.",
        "2. Clause two.",
    ]
    assert split_clauses("p1\n\np2 line\nmore", article=False) == ["p1", "p2 line\nmore"]
