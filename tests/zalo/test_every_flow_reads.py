"""Issue 11, «done when»: every flow, for every role, read as a Zalo user reads it.

Each persona (newcomer, mediator, team leader, commune and province officers, admin) has a Zalo
identity and opens every flow by typing its command, then walks it by typing only: a numbered
option as its number, its label, or its label without diacritics (in turn), or a plausible
text where the step asks for one. Every text the Zalo channel sends (through the real adapter,
engine, renderer and the fake Zalo API) is checked: no button wording, no option list printed
twice, within 2,000 characters, options numbered 1..n, Vietnamese only. Bounded in time.
"""

from __future__ import annotations

import itertools
import random
import re
import time
import unicodedata
from pathlib import Path

from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.render import Text
from bot.channels.zalo.transport import reply_parts
from bot.config import DEFAULT_KNOWLEDGE_DIR, Settings
from bot.conversation.messages import Channel
from bot.domain.enums import PersonStatus, Role
from bot.kb import KnowledgeBase
from bot.runtime import App, open_app
from bot.storage import outbox
from bot.storage import people as people_repo
from bot.storage.sessions import load_session
from bot.texts import common as t
from tests.flows.support import KHANH_KHE, THAT_KHE, Clock, add_person, add_team, build_world, report_case
from tests.fuzz.driver import _ENGLISH, _QUOTED, PLAUSIBLE
from tests.zalo.fake_zalo import TEXT_LIMIT, TOKEN, FakeZalo

BUDGET_SECONDS = 16.0
MAX_STEPS = 14
BUTTON_WORDS = re.compile(r"\b(bấm|nhấn|chạm|nút)\b", re.IGNORECASE)
NUMBERED = re.compile(r"^(\d+)\. (.+)$")
# Options that end a walk early, so the walk prefers the others.
LEAVING = ("hủy", "quay lại", "menu", "thoát", "dừng", "không đồng ý", "rời")
# Typed at each step the first time it is seen: the re-prompt must read well too.
OFF_LIST = "gì vậy"
# A flow is walked in full by this many personas; the others only open it (its refusal, if any).
WALKS_PER_FLOW = 1
CHOOSE_NAMED = re.compile(r"[Cc]họn (?:mục )?«([^»]+)»")
# Typed as a user would: labels without diacritics, numbers, free text.
REGISTER = ("dang ky", "dong y", "hoa giai vien", "tan doan", "1", "na pan", "Lý Thị Mai", "nu", "2",
            "0987 654 321", "gui dang ky")  # fmt: skip
APPROVE = ("/duyet", "Lý Thị Mai", "duyet")
INVITATION = "Mời các hòa giải viên dự tập huấn kỹ năng hòa giải ngày 20/3/2026 tại hội trường UBND xã."
ANNOUNCE = ("/thongbao", INVITATION,
            "khong kem tep", "khong kem duong link", "=1", "tiep tuc", "co", "gui ngay", "gui")  # fmt: skip
REPORT = ("/baocao", "hom qua", "dat dai", "Hai hộ tranh chấp lối đi chung ra ruộng", "hoa giai thanh",
          "1", "hom nay", "xac nhan luu")  # fmt: skip
QUESTION = "hòa giải viên có được thù lao không"


def plain(text: str) -> str:
    """The text as typed on a phone without a Vietnamese keyboard."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def bare(label: str) -> str:
    """An option's label as a user types it: no leading emoji, no diacritics, lower case."""
    return re.sub(r"^\W+", "", plain(label).lower()).strip()


def numbered_blocks(text: str) -> list[list[tuple[int, str]]]:
    """The runs of consecutive «n. label» lines of a message."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for line in text.split("\n"):
        match = NUMBERED.match(line.strip())
        if match:
            current.append((int(match.group(1)), match.group(2)))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def problems_in(text: str) -> list[str]:
    """What is wrong with one text a Zalo user receives."""
    found: list[str] = []
    if not 1 <= len(text) <= TEXT_LIMIT:
        found.append(f"length {len(text)}")
    own = _QUOTED.sub("", text)  # what the user typed comes back quoted
    if BUTTON_WORDS.search(own):
        found.append(f"button wording {BUTTON_WORDS.search(own).group(0)!r}")  # type: ignore[union-attr]
    english = _ENGLISH.search(own)
    if english:
        found.append(f"english {english.group(0)!r}")
    if t.INTERNAL_ERROR in text:
        found.append("apology")
    if unicodedata.normalize("NFC", text) != text:
        found.append("not NFC")
    blocks = numbered_blocks(text)
    for block in blocks:
        if [n for n, _ in block] != list(range(1, len(block) + 1)):
            found.append(f"numbering {[n for n, _ in block]}")
    lines = [line for block in blocks for line in block]
    # «chọn «X»» in the words must name an option the user can see (and type) in this message.
    labels = {bare(label) for _, label in lines}
    for named in CHOOSE_NAMED.findall(text):
        if lines and not any(plain(named).lower() in label for label in labels):
            found.append(f"names «{named}», not an option")
    if len(set(lines)) != len(lines):
        found.append("a numbered option printed twice")
    prose = "\n".join(line for line in text.split("\n") if not NUMBERED.match(line.strip()))
    quoted = {plain(q).lower().strip() for q in re.findall(r"«([^»]+)»", prose)}
    bullets = {plain(b).lower().strip() for b in re.findall(r"^[•\-] (.+)$", prose, re.MULTILINE)}
    for block in blocks:
        # The options spelled out in the prose as well as numbered: the list is there twice.
        spelled = [label for _, label in block if bare(label) in quoted | bullets]
        if len(block) >= 3 and len(spelled) == len(block):
            found.append(f"options listed twice: {spelled}")
    return found


class ZaloWalker:
    """The Zalo channel of one app, driven by typed messages only."""

    def __init__(self, app: App, api: FakeZalo, channel: ZaloChannel, seed: int = 11) -> None:
        self.app = app
        self.api = api
        self.channel = channel
        self.rng = random.Random(seed)
        self.modes = itertools.cycle(("number", "label", "plain"))
        self.problems: list[str] = []
        self.steps: set[tuple[str, str]] = set()
        self.sent = 0
        self.walked: dict[str, int] = {}

    async def say(self, chat: str, text: str) -> list[str]:
        before = len(self.api.texts(chat))
        await self.channel.accept(self.api.update(chat, text))
        await self.channel.drain()
        self.sent += 1
        answer = self.api.texts(chat)[before:]
        if not answer:
            self.problems.append(f"{chat} {text!r}: no answer")
        for shown in answer:
            for why in problems_in(shown):
                self.problems.append(f"{chat} {text[:40]!r}: {why}: {shown[:300]!r}")
        if len(answer) > 1:
            options = [line for shown in answer for block in numbered_blocks(shown) for line in block]
            if len(options) != len(set(options)):
                self.problems.append(f"{chat} {text!r}: a list printed twice across messages")
        return answer

    async def where(self, chat: str) -> tuple[str, str] | None:
        session = await load_session(self.app.db.reader, Channel.ZALO, chat)
        return (session.flow, session.step) if session is not None else None

    async def answer(self, chat: str, shown: list[str]) -> None:
        """Answer the last question by typing: an option, or a plausible text."""
        options = [line for block in numbered_blocks(shown[-1]) for line in block] if shown else []
        staying = [o for o in options if not any(w in o[1].lower() for w in LEAVING)]
        here = await self.where(chat)
        if staying:
            number, label = self.rng.choice(staying)
            mode = next(self.modes)
            typed = {"number": str(number), "label": label, "plain": plain(label)}[mode]
            answer = await self.say(chat, typed)
            if any(t.NOT_A_CHOICE.split("«")[0] in a for a in answer):
                self.problems.append(f"{chat} {here}: typed {mode} {typed!r} not accepted")
            return
        for text in PLAUSIBLE:
            await self.say(chat, text)
            if await self.where(chat) != here:
                return

    async def script(self, chat: str, typed: tuple[str, ...]) -> None:
        """Type a scripted conversation; each answer must move the conversation on (but those
        marked ``=``)."""
        for text in typed:
            stays = text.startswith("=")  # a step answered more than once (a multi-choice)
            text = text.removeprefix("=")
            before = await self.where(chat)
            answer = await self.say(chat, text)
            if before is not None and not stays and await self.where(chat) == before:
                self.problems.append(f"{chat} {before}: {text!r} did not move on: {answer[-1][:200]!r}")

    async def walk(self, chat: str, command: str) -> None:
        """Open a flow by typing its command; walk it unless enough personas already have."""
        await self.say(chat, "hủy")
        if await self.where(chat) is not None:  # «Hủy thật không?»
            await self.say(chat, "1")
        shown = await self.say(chat, f"/{command}")
        opened = await self.where(chat)
        if opened is None or self.walked.get(opened[0], 0) >= WALKS_PER_FLOW:
            return
        self.walked[opened[0]] = self.walked.get(opened[0], 0) + 1
        for _ in range(MAX_STEPS):
            here = await self.where(chat)
            if here is None:
                return
            if here not in self.steps:
                self.steps.add(here)
                shown = await self.say(chat, OFF_LIST)
                if await self.where(chat) != here:
                    continue
            before = len(self.api.texts(chat))
            await self.answer(chat, shown)
            shown = self.api.texts(chat)[before:]


async def _zalo_identity(app: App, user: str) -> None:
    """Give the console persona ``user`` a Zalo chat of the same name."""
    async with app.db.transaction() as tx:
        row = await (
            await tx.execute(
                "SELECT person_id FROM identities WHERE channel = ? AND external_id = ?",
                (Channel.CONSOLE.value, user),
            )
        ).fetchone()
        await people_repo.touch_identity(tx, Channel.ZALO, user, user, user, app.clock())
        await people_repo.link_identity(tx, Channel.ZALO, user, row[0])


async def _personas(app: App) -> list[str]:
    world = await build_world(app)
    await add_person(app, Role.ADMIN, commune=None, name="Quản Trị Viên", user="admin")
    await add_person(app, Role.COMMUNE_OFFICER, commune=KHANH_KHE, name="Cán Bộ Hai", user="officer2b")
    small = await add_team(app, THAT_KHE, "Thôn Bản Slậy")
    await add_person(app, Role.MEDIATOR, commune=THAT_KHE, team=small, name="Lộc Thị Tư", user="solo")
    await add_person(
        app, Role.MEDIATOR, team=world.team_a, name="Chờ Duyệt", user="pending", status=PersonStatus.PENDING
    )
    for outcome in ("dang_hoa_giai", "thanh", "khong_thanh"):
        await report_case(app, world.med, outcome=outcome)
    personas = ["med", "leader", "officer", "province", "admin", "pending", "solo"]
    for user in personas:
        await _zalo_identity(app, user)
    return personas


async def test_every_flow_reads_as_numbered_text_on_zalo(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    kb = KnowledgeBase.load(DEFAULT_KNOWLEDGE_DIR)
    api = FakeZalo()
    started = time.monotonic()
    async with open_app(settings, kb=kb, clock=Clock()) as app:
        client = ZaloClient(TOKEN, "https://zalo.test", transport=api.transport())
        walker = ZaloWalker(app, api, ZaloChannel(app, client))
        try:
            personas = await _personas(app)
            # A newcomer: a greeting, a question, registration typed through to the end.
            [welcome] = await walker.say("newcomer", "Xin chào!")  # Zalo has no /start
            assert t.WELCOME_NEW.split("\n")[0] in welcome and "\n1. " in welcome, welcome
            await walker.say("newcomer", QUESTION)
            await walker.script("newcomer", REGISTER)
            # The officer approves her and sends an invitation; she reports a case.
            await walker.script("officer", APPROVE)
            await walker.script("officer", ANNOUNCE)
            await walker.script("newcomer", REPORT)
            await walker.walk("newcomer", "dangky")
            for chat in personas:
                await walker.say(chat, "menu")
            for command in sorted(app.flow_commands):
                for chat in personas:
                    if time.monotonic() - started < BUDGET_SECONDS:
                        await walker.walk(chat, command)
            # What the walks queued for others (approval requests, decisions, announcements),
            # as the Zalo outbox transport would send it.
            # (A persona who left in /hoso had their pending messages cancelled and emptied.)
            rows = await app.db.fetchall("SELECT kind, payload FROM outbox WHERE payload <> '{}' ORDER BY id")
            for row in rows:
                queued = outbox.decode_reply(row["payload"])
                # No session holds a notification's action choices: a number typed for one
                # reaches nothing (the weekly question's answers are read by number, though).
                stateless = {c.label for c in queued.choices if re.match(r"go:(?!wq:)", c.value)}
                for part in reply_parts(queued, None):
                    if not isinstance(part, Text):
                        continue
                    whys = problems_in(part.text)
                    numbered_labels = {label for block in numbered_blocks(part.text) for _, label in block}
                    if numbered_labels & stateless:
                        whys.append(
                            f"numbered, but no number answers it: {sorted(numbered_labels & stateless)}"
                        )
                    for why in whys:
                        walker.problems.append(f"outbox {row['kind']}: {why}: {part.text[:300]!r}")
        finally:
            await client.aclose()
    assert len(rows) >= 3, "the walks queued too few proactive messages to be worth checking"
    problems = sorted(set(walker.problems))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    flows = {flow for flow, _ in walker.steps}
    assert len(flows) >= 15 and len(walker.steps) >= 40, sorted(walker.steps)
    assert not [c for c in api.calls if {"reply_markup", "keyboard"} & c.params.keys()]
