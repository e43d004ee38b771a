"""Recognising commands in typed text: ``/baocao 12``, global words (``hủy``, ``quay lai``) and
flow phrases typed without a slash or diacritics (``dang ky``, ``bao cao vu viec``).

Pure functions over the text; the engine decides what a command does. The tables live here,
in one place, so the knowledge-base gap log can tell a command from a question too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.conversation import vocabulary
from bot.domain.vntext import canonical, fold, has_diacritics, squeeze

# Typed global words, spelled as people write them with diacritics. A text typed with
# diacritics must be one of these spellings; typed without, it matches their folded form —
# except the spellings in _NEEDS_DIACRITICS, whose folded form is also another common answer
# («dung» is «đúng» as often as «dừng»).
_GLOBAL_WORDS = {
    "menu": "menu",
    "danh mục": "menu",
    "hủy": "cancel",
    "hủy bỏ": "cancel",
    "thôi": "cancel",
    "dừng": "cancel",
    "dừng lại": "cancel",
    "cancel": "cancel",
    "quay lại": "back",
    "trở lại": "back",
    "back": "back",
    "trợ giúp": "help",
    "giúp": "help",
    "giúp đỡ": "help",
    "hướng dẫn": "help",
    "help": "help",
}
_NEEDS_DIACRITICS = frozenset({"dừng"})
_TYPED_GLOBAL = {canonical(word): name for word, name in _GLOBAL_WORDS.items()}
_FOLDED_GLOBAL = {fold(word): name for word, name in _GLOBAL_WORDS.items() if word not in _NEEDS_DIACRITICS}

_SLASH_COMMANDS = {
    "start": "start",
    "menu": "menu",
    "huy": "cancel",
    "cancel": "cancel",
    "quaylai": "back",
    "back": "back",
    "trogiup": "help",
    "help": "help",
}
# Slash spellings besides each flow's own ``command`` (``/hoi …`` asks a question).
FLOW_ALIASES = {"hoi": "ask", "dangki": "register"}
_SLASH = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)

# Phrases that start a flow when typed outside a step, folded (no diacritics). Each flow's
# slash command typed without the slash counts too. Only whole messages match (after the
# polite frames below), so «báo cáo vụ việc đất đai thế nào» stays a question.
FLOW_PHRASES = {
    "dang ky": "register", "dang ki": "register", "dang ky hoa giai vien": "register",
    "dang ky tai khoan": "register", "dang ky su dung": "register",
    "bao cao": "report", "bao cao vu viec": "report", "bao cao vu viec moi": "report",
    "bao cao vu": "report", "bao cao hoa giai": "report", "gui bao cao": "report", "nop bao cao": "report",
    "vu viec": "cases", "vu viec cua toi": "cases", "vu viec cua to": "cases", "xem vu viec": "cases",
    "danh sach vu viec": "cases",
    "duyet": "approve", "duyet dang ky": "approve", "xet duyet": "approve", "phe duyet": "approve",
    "thong ke": "stats", "xem thong ke": "stats", "so lieu": "stats", "bao cao thong ke": "stats",
    "thong bao": "broadcast", "gui thong bao": "broadcast", "soan thong bao": "broadcast",
    "tao thong bao": "broadcast",
    "to hoa giai": "teams", "cac to hoa giai": "teams", "quan ly to": "teams", "to cua toi": "teams",
    "ho so": "profile", "ho so cua toi": "profile", "thong tin ca nhan": "profile",
    "hoi dap": "ask", "hoi dap phap luat": "ask", "tra cuu": "ask", "tra cuu phap luat": "ask",
    "lien ket": "link", "lien ket tai khoan": "link", "lien ket zalo": "link", "lien ket telegram": "link",
    "lop hoc": "courses", "lop tap huan": "courses", "diem danh": "checkin",
    "tu hoc": "study", "hoc bai": "study", "cuoc thi": "contest", "thi tim hieu": "contest",
    "tao ma moi": "invite_admin", "ma moi": "invite_admin", "nhat ky truy cap": "audit",
}  # fmt: skip
# «tôi muốn đăng ký», «cho mình báo cáo», «xin đăng ký ạ»: the frame around a flow phrase.
_FRAME = re.compile(
    r"^(?:(?:toi|minh|em|anh|chi|cho toi|cho minh|cho em|xin|muon|toi muon|minh muon|em muon|"
    r"toi can|minh can|em can|toi muon duoc|giup toi|lam on)\s+)*(.*?)(?:\s+(?:a|nhe|nha|voi|di|ngay))*$"
)
_PUNCTUATION = re.compile(r"[^\w\s]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Command:
    """A command recognised in a message: its name (``flow`` with ``flow`` set for a flow's
    command) and the text after it (``/lienket 123456`` → ``123456``)."""

    name: str
    arg: str = ""
    flow: str = ""


def parse_command(text: str, flow_commands: Mapping[str, str]) -> Command | None:
    """Recognise ``/start CODE``, ``/baocao [first answer]`` or a typed global word (``huy``,
    ``quay lại`` …). Flow phrases typed without a slash are :func:`flow_phrase`'s job."""
    slash = _SLASH.match(text.strip())
    if slash:
        word = slash.group(1).lower()
        arg = (slash.group(2) or "").strip()
        if word in _SLASH_COMMANDS:
            return Command(_SLASH_COMMANDS[word], arg)
        flow = flow_commands.get(word) or FLOW_ALIASES.get(word)
        if flow and flow in flow_commands.values():
            return Command("flow", arg, flow)
        return Command("unknown", word)
    word = _global_word(text)
    return Command(word) if word else None


def _global_word(text: str) -> str | None:
    """The global command a whole typed message is (``hủy``, ``quay lai`` …), or None."""
    word = squeeze(text).strip(" .!?")
    if has_diacritics(word):
        return _TYPED_GLOBAL.get(canonical(word))
    return _FOLDED_GLOBAL.get(fold(word))


def flow_phrase(text: str, flow_commands: Mapping[str, str]) -> str | None:
    """The flow a whole typed message asks for («dang ky», «tôi muốn báo cáo vụ việc», «baocao»),
    or None. ``flow_commands`` maps each slash command to its flow (typed without the slash)."""
    folded = " ".join(_PUNCTUATION.sub(" ", fold(text)).split())
    if not folded or len(folded) > 60:
        return None
    core = _FRAME.sub(r"\1", folded)
    for candidate in (folded, core):
        if candidate in FLOW_PHRASES:
            return FLOW_PHRASES[candidate]
        # The slash command typed as one word (``baocao``), not a two-letter one («to» is a word).
        if len(candidate) > 3 and candidate in flow_commands and candidate != "menu":
            return flow_commands[candidate]
    return None


def is_command_like(text: str, flow_commands: Mapping[str, str]) -> bool:
    """Whether a text is a command, a menu number, a bare yes/no («ok», «ko») or too short to be
    a question (the gap log of the knowledge base skips these)."""
    folded = " ".join(_PUNCTUATION.sub(" ", fold(text)).split())
    if len(folded.replace(" ", "")) <= 1 or folded.replace(" ", "").isdigit():
        return True
    if text.strip().startswith("/") or vocabulary.yes_no(text) is not None:
        return True
    return parse_command(text, flow_commands) is not None or flow_phrase(text, flow_commands) is not None
