"""Short replies people type, matched in one place: yes/no, confirm, continue/cancel, ethnicity.

People answer a Có/Không button by typing what they would text a colleague — ``ko``, ``k``,
``hok``, ``uh``, ``dc``, ``đúng rồi`` — often without diacritics. Every flow's yes/no, confirm
and ethnicity step goes through these functions (via the shared step helpers), so a word added
here works everywhere. Matching is on the folded form (lower case, no diacritics, ``đ`` → ``d``)
of the whole answer, with trailing punctuation and emoji-only decoration dropped.
"""

from __future__ import annotations

import re

from bot.domain.vntext import fold

_DECORATION = re.compile(r"[^\w\s]+", re.UNICODE)

YES_WORDS = frozenset(
    {
        "co", "c", "yes", "y", "ok", "oke", "okie", "okay", "uh", "uhm", "um", "u", "uk", "uki", "uhuh",
        "vang", "vang a", "da", "da vang", "da co", "co a", "co chu", "dung", "dung roi", "dung vay",
        "dung the", "chuan", "duoc", "dc", "dk", "duoc a", "dong y", "toi dong y", "phai", "phai roi",
        "roi", "co roi", "chac chan", "tat nhien",
    }
)  # fmt: skip
NO_WORDS = frozenset(
    {
        "khong", "ko", "k", "kg", "kh", "khg", "hok", "hong", "hem", "hk", "no", "n", "khong a",
        "khong co", "ko co", "k co", "chua", "chua co", "sai", "sai roi", "khong phai", "ko phai",
        "khong dung", "ko dung", "khong duoc", "ko duoc", "thoi khong", "dung co",
    }
)  # fmt: skip
CONFIRM_WORDS = frozenset(
    {
        "xac nhan", "xac nhan luu", "luu", "luu lai", "gui", "gui di", "gui luon", "dong y", "ok",
        "oke", "okay", "dung roi", "dung", "chuan", "duoc", "dc", "co", "yes", "y", "xong", "ok gui",
        "ok luu", "dung roi gui", "chot", "nop", "gui bao cao", "luu bao cao",
    }
)  # fmt: skip


# Answers to «Bạn đang làm dở … Tiếp tục hay hủy?». «có»/«không»/«ok» are left out: after
# "continue or cancel?" either could mean both, so they get the two options again.
RESUME_WORDS = frozenset(
    {
        "tiep tuc", "tiep", "tt", "lam tiep", "tiep di", "tiep tuc di", "lam tiep di", "tiep nhe",
        "tiep tuc nhe", "lam tiep nhe", "tiep tuc lam", "lam nua", "lam tiep a", "tiep a", "continue",
    }
)  # fmt: skip
DROP_WORDS = frozenset(
    {
        "huy", "huy bo", "huy di", "thoi", "thoi huy", "thoi bo", "thoi bo di", "bo", "bo di",
        "khoi", "thoi khoi", "xoa", "xoa di", "khong lam nua", "ko lam nua", "thoi khong lam nua",
    }
)  # fmt: skip


def key(text: str) -> str:
    """The folded form a reply is looked up by: lower case, no diacritics, no punctuation."""
    return " ".join(_DECORATION.sub(" ", fold(text)).split())


def yes_no(text: str) -> bool | None:
    """True for a typed yes, False for a typed no, None when the text is neither."""
    word = key(text)
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


def resume_or_drop(text: str) -> bool | None:
    """True for a typed «tiếp tục» («tiếp», «tt», «làm tiếp»), False for a typed «hủy» («thôi»,
    «bỏ»), None when the text is neither (or could be both, like «có»)."""
    word = key(text)
    if word in RESUME_WORDS:
        return True
    if word in DROP_WORDS:
        return False
    return None


def is_confirm(text: str) -> bool:
    """Whether a typed reply confirms a summary («ok», «đúng rồi», «gửi», «xác nhận» …)."""
    return key(text) in CONFIRM_WORDS


# The 53 ethnic minorities of Việt Nam (folded), with the spellings people type for them; "kinh"
# is the majority. The registration stores only minority or not (Art. 7 composition of a team).
# Cơ Tu, Chơ Ro … stay; «Co» and «Mạ» are left out: folded they are «có» and «ma».
_MINORITIES = frozenset(
    {
        "tay", "nung", "dao", "dao do", "dao tien", "hmong", "h mong", "mong", "meo", "san chay",
        "cao lan", "san chi", "san diu", "hoa", "thai", "muong", "khmer", "kho me", "gia rai",
        "jrai", "e de", "ede", "ba na", "bahnar", "xo dang", "co ho", "cham", "gie trieng",
        "ra glai", "raglai", "mnong", "m nong", "ta oi", "bru van kieu", "van kieu", "co tu",
        "xtieng", "x tieng", "kho mu", "khmu", "cho ro", "giay", "xinh mun",
        "ha nhi", "chu ru", "lao", "la chi", "khang", "phu la", "la hu", "la ha", "pa then",
        "lu", "ngai", "chut", "lo lo", "mang", "co lao", "bo y", "cong", "si la", "pu peo",
        "ro mam", "brau", "o du", "thieu so", "dan toc thieu so", "dtts", "dan toc it nguoi",
    }
)  # fmt: skip
_MAJORITY = frozenset({"kinh", "viet", "nguoi kinh", "dan toc kinh"})
_ETHNIC_PREFIX = re.compile(r"^(?:toi (?:la )?|la )?(?:nguoi |dan toc |dt )?")


def minority(text: str) -> bool | None:
    """True when the text names an ethnic minority («tày», «nùng», «dân tộc Dao» …), False for
    Kinh, None when it names neither (or several, e.g. «tày hoặc kinh»)."""
    word = key(text)
    if word in _MAJORITY:
        return False
    stripped = _ETHNIC_PREFIX.sub("", word)
    if stripped in _MAJORITY:
        return False
    if stripped in _MINORITIES or word in _MINORITIES:
        return True
    # «tày nùng», «tay, nung»: several minorities are still a minority.
    parts = [p for p in re.split(r"\s+(?:va|hoac|voi)\s+|\s+", stripped) if p]
    if parts and all(p in _MINORITIES for p in parts):
        return True
    return None
