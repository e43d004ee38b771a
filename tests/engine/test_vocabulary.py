"""The vocabulary of short replies (issue 13 item 9): one place, tested here word by word."""

from __future__ import annotations

import pytest

from bot.conversation.vocabulary import is_confirm, minority, resume_or_drop, yes_no


@pytest.mark.parametrize(
    "text",
    [
        "có",
        "co",
        "Có!",
        "ok",
        "OK",
        "oke",
        "uh",
        "ừ",
        "ừm",
        "dc",
        "được",
        "đúng rồi",
        "dung roi",
        "vâng",
        "dạ",
    ],
)
def test_yes(text: str) -> None:
    assert yes_no(text) is True


@pytest.mark.parametrize(
    "text", ["không", "khong", "ko", "k", "kg", "hok", "hông", "chưa", "no", "Không ạ", "ko."]
)
def test_no(text: str) -> None:
    assert yes_no(text) is False


@pytest.mark.parametrize("text", ["", "1", "có lẽ", "không biết", "tranh chấp đất", "🙂", "koo"])
def test_neither(text: str) -> None:
    assert yes_no(text) is None


@pytest.mark.parametrize(
    "text", ["ok", "dung roi", "đúng rồi", "gui", "gửi", "xac nhan", "Xác nhận", "lưu", "ok gửi"]
)
def test_confirm(text: str) -> None:
    assert is_confirm(text)


@pytest.mark.parametrize("text", ["không", "sửa", "ko", "gửi lại sau", "1"])
def test_not_confirm(text: str) -> None:
    assert not is_confirm(text)


@pytest.mark.parametrize(
    "text", ["tay", "Tày", "nung", "Nùng", "dao", "Dao đỏ", "hmong", "H'Mông", "san chay", "Sán Chay",
             "dân tộc Tày", "người nùng", "tày nùng", "thiểu số", "dtts"]
)  # fmt: skip
def test_minority(text: str) -> None:
    assert minority(text) is True


@pytest.mark.parametrize("text", ["kinh", "Kinh", "người Kinh", "dân tộc kinh"])
def test_majority(text: str) -> None:
    assert minority(text) is False


@pytest.mark.parametrize("text", ["có", "không", "tày hoặc kinh", "1", ""])
def test_not_an_ethnicity(text: str) -> None:
    assert minority(text) is None


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("tiếp tục", True),
        ("tiep", True),
        ("tt", True),
        ("Làm tiếp!", True),
        ("hủy", False),
        ("thôi", False),
        ("bỏ", False),
        ("bo di", False),
        ("có", None),
        ("không", None),
        ("ok", None),
        ("tiếp hay bỏ", None),
    ],
)
def test_resume_or_drop(text: str, meant: bool | None) -> None:
    assert resume_or_drop(text) is meant
