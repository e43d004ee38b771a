"""Drive every step of every flow with awkward input and collect what went wrong.

For each persona (unregistered, pending, mediator, leader, officers, admin) and each flow it may
open by command, a seeded walk answers step after step (pressing one of the offered choices,
or typing a plausible value where the step wants text). The first time a walk reaches a step,
the chat's session is saved and every input of the corpus is sent from exactly that state
(the session is put back after each one). A reply is a *problem* when it is the apology, is
empty, or reads as English (an exception text or a code word leaking out).

Used by ``tests/fuzz/test_fuzz_steps.py`` (a bounded run) and ``bench/fuzz_bench.py`` (a
longer one with more seeds and inputs).
"""

from __future__ import annotations

import itertools
import random
import re
import time
from dataclasses import dataclass, field
from datetime import date

from bot.conversation.messages import Channel, FileRef, Inbound, InboundFile, InboundKind, Reply
from bot.domain.enums import PersonStatus, Role
from bot.runtime import App
from bot.storage.sessions import Session, delete_session, load_session, save_session
from bot.texts import common as t
from tests.flows.support import KHANH_KHE, TAN_DOAN, THAT_KHE, add_person, add_team, build_world, report_case

TEXT_INPUTS: tuple[str, ...] = (
    # numbers, out of range, dates that are not
    "0", "1", "2", "3", "7", "99", "-1", "1.5", "1e9", "32/13/2026", "29/02/2025", "10/10",
    # digits that str.isdigit() accepts but int() may not
    "²", "١٢", "①", "１", "𝟙", "٣",
    # emoji, empty, invisible, markup
    "👍", "🙂🙂🙂", "✅", "", "   ", "\u200b", "<b>x</b>", "'; DROP TABLE people; --", "%s {0} {name}",
    # very long
    "đất đai " * 80, "x" * 600, "a " * 2100,
    # words typed without diacritics, short replies, commands
    "co", "khong", "ko", "ok", "dc", "dung roi", "huy", "quay lai", "menu", "tro giup", "dang ky",
    "bao cao", "hom qua", "hom nay", "tan doan", "nguyen van an", "thon na pan", "tay", "kinh",
    "/start", "/baocao abc", "/lienket", "/hoi", "/xyz", "/to 12", "0912345678", "+84 912 345 678",
    "hòa giải viên có được thù lao không",
)  # fmt: skip
FORGED_PRESSES: tuple[str, ...] = (
    "go:approve:²", "go:approve:abc", "go:approve:999999", "go:cases:abc", "go:cases:999999",
    "go:cases:", "go:nosuch", "go:rsvp:1:yes", "go:rsvp:abc:x", "go:rsvp:999:going", "#0", "#99",
    "#abc", "#²", "#①", "ref:nosuch", "fb:1:x", "full:nosuch", "restore:report", "restore:nosuch",
    "_cut", "yes", "save", "send", "12", "resume", "drop", "", "²",
)  # fmt: skip
# The bounded run in the suite: a few of each kind.
SUITE_TEXTS: tuple[str, ...] = (
    "0", "2", "99", "32/13/2026", "²", "١٢", "①", "👍", "", "\u200b", "%s {0} {name}", "x" * 600,
    "a " * 2100, "ko", "ok", "dung roi", "huy", "quay lai", "menu", "bao cao", "tay", "/xyz",
    "/to 12", "0912345678",
)  # fmt: skip
SUITE_PRESSES: tuple[str, ...] = (
    "go:approve:²", "go:cases:999999", "go:rsvp:abc:x", "#99", "#²", "restore:nosuch", "_cut", "ref:nosuch",
)  # fmt: skip
# What a walk types at a step that wants text, tried in order until the step moves on.
PLAUSIBLE = (
    "hôm qua",
    "Tranh chấp ranh giới đất vườn giữa hai hộ",
    "Nguyễn Văn An",
    "0912 345 678",
    "tan doan",
    "Thôn Nà Pàn",
    "Mời các hòa giải viên dự tập huấn kỹ năng hòa giải ngày 20/3/2026 tại hội trường UBND xã.",
    "1",
    "có",
)
_ENGLISH = re.compile(
    r"\b(error|exception|traceback|invalid|none|null|true|false|keyerror|valueerror|typeerror|"
    r"please|sorry|the|not found|failed|undefined|warning)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")


@dataclass
class Problem:
    """One reply that should not have been sent."""

    persona: str
    flow: str
    step: str
    sent: str
    reply: str


@dataclass
class Report:
    """What a fuzz run covered and found."""

    inputs: int = 0
    steps: set[tuple[str, str]] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    truncated: bool = False  # the time budget ran out before every walk was done


def problem_in(replies: list[Reply]) -> str | None:
    """Why these replies are wrong, or None."""
    if not replies:
        return "no reply"
    for reply in replies:
        if t.INTERNAL_ERROR in reply.text:
            return "apology"
        if not reply.text.strip():
            return "empty reply"
        # What the user typed comes back quoted («…»); only the bot's own words are checked.
        own = _QUOTED.sub("", reply.text)
        match = _ENGLISH.search(own)
        if match:
            return f"english: {match.group(0)!r}"
    return None


class Fuzzer:
    """One app, its personas, and the walks."""

    def __init__(self, app: App, seed: int = 13) -> None:
        self.app = app
        self.rng = random.Random(seed)
        self._ids = itertools.count(1)
        self.report = Report()
        self.pauses = False

    async def personas(self) -> dict[str, str]:
        """Create the people of the run; returns persona name → chat id."""
        world = await build_world(self.app)
        await add_person(self.app, Role.ADMIN, commune=None, name="Quản Trị Viên", user="admin")
        await add_person(
            self.app, Role.MEDIATOR, team=world.team_a, name="Chờ Duyệt", user="pending",
            status=PersonStatus.PENDING,
        )  # fmt: skip
        await add_person(
            self.app, Role.COMMUNE_OFFICER, commune=KHANH_KHE, name="Cán Bộ Hai", user="empty_commune"
        )
        # A commune with one team of one mediator: nowhere to move anyone.
        small = await add_team(self.app, THAT_KHE, "Thôn Bản Slậy")
        await add_person(self.app, Role.COMMUNE_OFFICER, commune=THAT_KHE, name="Hoàng Văn Ba", user="small")
        await add_person(
            self.app, Role.MEDIATOR, commune=THAT_KHE, team=small, name="Lộc Thị Tư", user="solo"
        )
        for outcome in ("dang_hoa_giai", "thanh", "khong_thanh"):
            await report_case(self.app, world.med, outcome=outcome, received=date(2026, 3, 2))
        assert TAN_DOAN
        return {
            "stranger": "stranger",
            "pending": "pending",
            "mediator": "med",
            "leader": "leader",
            "officer": "officer",
            "officer_empty": "empty_commune",
            "officer_small": "small",
            "province": "province",
            "admin": "admin",
        }

    def _inbound(self, chat: str, kind: InboundKind, text: str = "", value: str = "") -> Inbound:
        file = None
        if kind == InboundKind.FILE:
            file = InboundFile(FileRef(Channel.CONSOLE, "f1"), "tai-lieu.pdf", "application/pdf", 1000)
        return Inbound(
            channel=Channel.CONSOLE,
            chat_id=chat,
            user_id=chat,
            message_id=f"fuzz-{next(self._ids)}",
            kind=kind,
            text=text,
            value=value,
            file=file,
        )

    async def send(self, chat: str, kind: InboundKind, text: str = "", value: str = "") -> list[Reply]:
        return await self.app.engine.handle(self._inbound(chat, kind, text, value))

    async def _session(self, chat: str) -> Session | None:
        return await load_session(self.app.db.reader, Channel.CONSOLE, chat)

    async def _put_back(self, chat: str, saved: Session | None) -> None:
        async with self.app.db.transaction() as tx:
            if saved is None:
                await delete_session(tx, Channel.CONSOLE, chat)
            else:
                await save_session(tx, saved, self.app.clock())

    def _inputs(self, texts: tuple[str, ...], presses: tuple[str, ...]) -> list[tuple[InboundKind, str]]:
        inputs = [(InboundKind.TEXT, text) for text in texts]
        inputs += [(InboundKind.CHOICE, value) for value in presses]
        inputs += [
            (InboundKind.CONTACT, "+84912000111"),
            (InboundKind.FILE, "chú thích"),
            (InboundKind.UNSUPPORTED, ""),
        ]
        return inputs

    async def fuzz_here(self, persona: str, chat: str, inputs: list[tuple[InboundKind, str]]) -> None:
        """Send every input from the chat's current state, putting the state back after each;
        with ``pauses``, also from the same step paused («Tiếp tục hay hủy?» after idleness,
        and «Hủy thật không?» after «hủy»)."""
        saved = await self._session(chat)
        await self._fuzz_state(persona, chat, saved, inputs)
        if self.pauses and saved is not None:
            for reason in ("idle", "cancel"):
                offered = [["▶️ Tiếp tục", "resume"], ["✖️ Hủy", "drop"]]
                data = {**saved.data, "_pause": reason, "_offered": offered}
                paused = Session(
                    saved.channel,
                    saved.chat_id,
                    saved.flow,
                    saved.step,
                    data,
                    list(saved.history),
                    paused=True,
                )
                await self._put_back(chat, paused)
                await self._fuzz_state(persona, chat, paused, inputs[:: max(1, len(inputs) // 12)])
            await self._put_back(chat, saved)

    async def _fuzz_state(
        self, persona: str, chat: str, saved: Session | None, inputs: list[tuple[InboundKind, str]]
    ) -> None:
        where = (saved.flow, saved.step + (" (paused)" if saved.paused else "")) if saved else ("—", "—")
        for kind, payload in inputs:
            if kind == InboundKind.CHOICE or kind == InboundKind.CONTACT:
                replies = await self.send(chat, kind, value=payload)
            else:
                replies = await self.send(chat, kind, text=payload)
            self.report.inputs += 1
            why = problem_in(replies)
            if why is not None:
                shown = " | ".join(r.text[:160] for r in replies)
                self.report.problems.append(
                    Problem(persona, *where, f"{kind.value}:{payload[:40]!r}", f"{why}: {shown}")
                )
            await self._put_back(chat, saved)

    async def _advance(self, chat: str, session: Session) -> None:
        """Answer the current step validly (a random offered choice, or a plausible text — the
        one that worked here before first)."""
        offered = session.data.get("_offered", [])
        if offered and self.rng.random() < 0.85:
            _, value = self.rng.choice(offered)
            await self.send(chat, InboundKind.CHOICE, value=value)
            return
        here = (session.flow, session.step)
        known = self._works.get(here)
        for text in ([known] if known else []) + [p for p in PLAUSIBLE if p != known]:
            await self.send(chat, InboundKind.TEXT, text=text)
            after = await self._session(chat)
            if after is None or (after.flow, after.step) != here:
                self._works[here] = text
                return

    async def walk(
        self, persona: str, chat: str, command: str, inputs: list[tuple[InboundKind, str]], max_steps: int
    ) -> None:
        """Open a flow by its command and walk it, fuzzing each step the first time it is seen
        (a walk that finds nothing new for a while stops early)."""
        await self._put_back(chat, None)
        await self.send(chat, InboundKind.TEXT, text=f"/{command}")
        stale = 0
        for _ in range(max_steps):
            session = await self._session(chat)
            if session is None or stale >= 8:
                return
            key = (session.flow, session.step)
            if key not in self._seen:
                stale = 0
                self._seen.add(key)
                self.report.steps.add(key)
                await self.fuzz_here(persona, chat, inputs)
            else:
                stale += 1
            await self._advance(chat, session)

    async def run(
        self,
        texts: tuple[str, ...] = TEXT_INPUTS,
        presses: tuple[str, ...] = FORGED_PRESSES,
        walks: int = 2,
        max_steps: int = 25,
        budget_seconds: float | None = None,
        pauses: bool = False,
    ) -> Report:
        """Walk every flow for every persona ``walks`` times (fewer when the budget runs out)."""
        started = time.monotonic()
        self.pauses = pauses
        self._seen: set[tuple[str, str]] = set()
        self._works: dict[tuple[str, str], str] = {}
        personas = await self.personas()
        inputs = self._inputs(texts, presses)
        commands = sorted(self.app.flow_commands)
        for round_ in range(walks):
            for persona, chat in personas.items():
                if round_ == 0:
                    await self.fuzz_here(persona, chat, inputs)  # outside any flow
                for command in commands:
                    if budget_seconds is not None and time.monotonic() - started > budget_seconds:
                        self.report.seconds = time.monotonic() - started
                        self.report.truncated = True
                        return self.report
                    await self.walk(persona, chat, command, inputs, max_steps)
        self.report.seconds = time.monotonic() - started
        return self.report
