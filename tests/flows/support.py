"""Helpers shared by the flow and service tests: a settable clock, an app over a temporary
database, a scripted console chat, and a small world of people, teams and communes."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

from bot.channels.console import ConsoleChannel, render
from bot.config import Settings
from bot.conversation.messages import Channel, Inbound, InboundKind, Reply
from bot.domain.enums import PersonStatus, Role
from bot.domain.people import Person
from bot.runtime import App, open_app
from bot.services import cases, privacy
from bot.storage import outbox, units
from bot.storage import people as people_repo
from bot.storage.cases import CaseRow
from bot.storage.sessions import Session, load_session

# 10:00 in Lạng Sơn on Tuesday 10 March 2026.
START = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)

TAN_DOAN = "06316"  # xã Tân Đoàn
KHANH_KHE = "06286"  # xã Khánh Khê
THAT_KHE = "06040"  # xã Thất Khê
DONG_DANG = "06184"  # xã Đồng Đăng

_phones = itertools.count(1)


def new_phone() -> str:
    """A fresh, valid and unique mobile number in E.164 form."""
    return f"+8491{next(_phones):07d}"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def settings_for(folder: Path) -> Settings:
    """Settings over a private data folder, ignoring any .env file."""
    return Settings(data_dir=folder, _env_file=None)  # type: ignore[call-arg]


@asynccontextmanager
async def opened(folder: Path, clock: Clock) -> AsyncIterator[App]:
    """The app over ``folder``'s database (no knowledge base)."""
    async with open_app(settings_for(folder), load_kb=False, clock=clock) as app:
        yield app


class Chat:
    """One console user talking to the engine; each call returns the text of the replies."""

    def __init__(self, app: App, user_id: str) -> None:
        self.app = app
        self.user_id = user_id
        self.out = StringIO()
        self.channel = ConsoleChannel(app, user_id, out=self.out)
        self.replies: list[Reply] = []
        self._presses = itertools.count(1)

    async def __call__(self, text: str) -> str:
        self.replies = await self.channel.send(text)
        return self.text

    async def play(self, lines: Iterable[str]) -> str:
        """Send every line; return the replies to the last one."""
        for line in lines:
            await self(line)
        return self.text

    async def press(self, value: str) -> str:
        """Press a button (a CHOICE inbound, as Telegram sends it)."""
        inbound = Inbound(
            channel=Channel.CONSOLE,
            chat_id=self.user_id,
            user_id=self.user_id,
            message_id=f"press-{self.user_id}-{next(self._presses)}",
            kind=InboundKind.CHOICE,
            value=value,
        )
        self.replies = await self.app.engine.handle(inbound)
        return self.text

    async def session(self) -> Session | None:
        """This chat's committed session row."""
        return await load_session(self.app.db.reader, Channel.CONSOLE, self.user_id)

    @property
    def text(self) -> str:
        return "\n".join(render(reply) for reply in self.replies)

    @property
    def transcript(self) -> str:
        return self.out.getvalue()


async def add_team(app: App, commune: str, name: str, confirmed: bool = True) -> int:
    """Create a team and return its id."""
    async with app.db.transaction() as tx:
        team_id, _ = await units.ensure_team(tx, commune, name, app.clock(), confirmed=confirmed)
    return team_id


async def add_person(
    app: App,
    role: Role,
    *,
    commune: str | None = TAN_DOAN,
    team: int | None = None,
    name: str = "Hoàng Thị Mai",
    sex: str = "female",
    ethnic: bool = True,
    status: PersonStatus = PersonStatus.ACTIVE,
    user: str | None = None,
    phone: str | None = None,
    recognised_on: date | None = None,
) -> Person:
    """Insert a person directly; ``user`` links a console identity so a :class:`Chat` speaks as them."""
    now = app.clock()
    async with app.db.transaction() as tx:
        person_id = await people_repo.insert_person(
            tx,
            now,
            full_name=name,
            role=role.value,
            status=status.value,
            sex=sex,
            ethnic_minority=int(ethnic),
            phone=phone or new_phone(),
            commune_code=commune,
            team_id=team,
            recognised_on=recognised_on.isoformat() if recognised_on else None,
        )
        if user is not None:
            await people_repo.touch_identity(tx, Channel.CONSOLE, user, user, user, now)
            await people_repo.link_identity(tx, Channel.CONSOLE, user, person_id)
            # They have read the current privacy notice, so it is not put before their first flow.
            await privacy.record_consent(
                tx, Channel.CONSOLE, user, notice_version(app), True, now, person_id=person_id
            )
        person = await people_repo.get_person(tx, person_id)
    assert person is not None
    return person


def notice_version(app: App) -> str:
    """The version of the privacy notice the app shows."""
    settings = app.settings
    return privacy.load_notice(
        settings.notice_file, settings.privacy_controller, settings.privacy_notice_url
    ).version


async def reload(app: App, person_id: int) -> Person:
    """The person as stored now."""
    async with app.db.transaction() as tx:
        person = await people_repo.get_person(tx, person_id)
    assert person is not None
    return person


async def outbox_for(app: App, person_id: int) -> list[tuple[str, str, Reply]]:
    """(channel, kind, reply) of every queued message to a person, oldest first."""
    rows = await app.db.fetchall(
        "SELECT channel, kind, payload FROM outbox WHERE person_id = ? ORDER BY id", (person_id,)
    )
    return [(row["channel"], row["kind"], outbox.decode_reply(row["payload"])) for row in rows]


async def count(app: App, sql: str, *params: Any) -> int:
    """The integer a ``SELECT COUNT(*)``-like query returns."""
    row = await app.db.fetchone(sql, params)
    assert row is not None
    return int(row[0])


@dataclass
class World:
    """Two communes with officers, two teams in Tân Đoàn, their mediators, and a province officer.

    Chats: ``officer`` (Tân Đoàn), ``officer2`` (Khánh Khê), ``province``, ``leader`` and ``med``
    and ``med2`` (team Nà Pàn), ``med_b`` (team Khuổi Cáp).
    """

    app: App
    team_a: int
    team_b: int
    officer: Person
    officer2: Person
    province: Person
    leader: Person
    med: Person
    med2: Person
    med_b: Person

    def chat(self, user: str) -> Chat:
        return Chat(self.app, user)


async def build_world(app: App) -> World:
    team_a = await add_team(app, TAN_DOAN, "Thôn Nà Pàn")
    team_b = await add_team(app, TAN_DOAN, "Bản Khuổi Cáp")
    return World(
        app=app,
        team_a=team_a,
        team_b=team_b,
        officer=await add_person(app, Role.COMMUNE_OFFICER, name="Lương Thị Hạnh", user="officer"),
        officer2=await add_person(
            app, Role.COMMUNE_OFFICER, commune=KHANH_KHE, name="Vi Thị Nga", user="officer2"
        ),
        province=await add_person(
            app, Role.PROVINCE_OFFICER, commune=None, name="Chu Văn Bình", sex="male", user="province"
        ),
        leader=await add_person(
            app,
            Role.TEAM_LEADER,
            team=team_a,
            name="Nông Văn Thắng",
            sex="male",
            user="leader",
            recognised_on=date(2024, 5, 1),
        ),
        med=await add_person(
            app,
            Role.MEDIATOR,
            team=team_a,
            name="Hoàng Thị Lan",
            user="med",
            recognised_on=date(2025, 9, 1),
        ),
        med2=await add_person(
            app,
            Role.MEDIATOR,
            team=team_a,
            name="Lăng Văn Tài",
            sex="male",
            user="med2",
            recognised_on=date(2023, 1, 1),
        ),
        med_b=await add_person(
            app,
            Role.MEDIATOR,
            team=team_b,
            name="Triệu Thị Hoa",
            user="med_b",
            recognised_on=date(2023, 1, 1),
        ),
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def app(tmp_path: Path, clock: Clock) -> AsyncIterator[App]:
    async with opened(tmp_path, clock) as opened_app:
        yield opened_app


@pytest.fixture
async def world(app: App) -> World:
    return await build_world(app)


async def report_case(
    app: App,
    reporter: Person,
    *,
    outcome: str = "dang_hoa_giai",
    received: date = date(2026, 3, 2),
    field: str = "dat_dai",
    summary: str = "Tranh chấp lối đi chung giữa hai hộ",
    key: str | None = None,
) -> CaseRow:
    """Save a case as the report flow would (through the service)."""
    concluded = outcome in ("thanh", "khong_thanh")
    draft = cases.CaseDraft(
        received_on=received,
        origin="parties_requested",
        field=field,
        summary=summary,
        outcome=outcome,
        out_of_scope_reason="crime" if outcome == "ngoai_pham_vi" else None,
        parties_count=None if outcome == "ngoai_pham_vi" else 2,
        vulnerable_involved=None if outcome == "ngoai_pham_vi" else False,
        outcome_on=received if concluded else None,
        written_agreement=True if outcome == "thanh" else None,
        wants_court_recognition=False if outcome == "thanh" else None,
        next_step="continue" if outcome == "khong_thanh" else None,
    )
    async with app.db.transaction() as tx:
        case, created = await cases.report(tx, reporter, draft, key or uuid.uuid4().hex, app.clock())
    assert created or key is not None
    return case
