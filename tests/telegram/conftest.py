"""Fixtures: a real App (SQLite in tmp), the real PTB Application, the in-process fake Bot API.

A small test flow (``/thu``) exercises what the product flows may not yet: long button values,
a long prompt, the share-phone keyboard, and a reply whose file is produced after the commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from telegram import Update

from bot.channels.telegram.channel import AnyApplication
from bot.channels.telegram.run import build_application
from bot.channels.telegram.transport import RetryingRequest
from bot.config import Settings
from bot.conversation.flow import Answer, Ctx, Flow, Step, choice_step
from bot.conversation.messages import Attachment, Choice, Reply
from bot.runtime import App, open_app
from tests.telegram.fake_api import TOKEN, FakeTelegram, FakeUser
from tests.telegram.fake_request import FakeRequest

LONG_VALUE = "case:" + "đ" * 40  # 85 bytes in UTF-8: too long for callback data
LONG_PROMPT = "\n\n".join(f"Đoạn {n}. " + "Nội dung hòa giải ở cơ sở. " * 60 for n in range(1, 7))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def trial_flow(picked: list[str]) -> Flow:
    """``/thu``: pick (short and long values) → phone → long prompt with buttons → a file
    (a document, a PNG, or a producer that fails)."""

    async def phone_prompt(ctx: Ctx) -> Reply:
        return Reply("Gửi số điện thoại của bạn.", request_phone=True)

    async def phone_parse(ctx: Ctx, answer: Answer) -> str:
        picked.append(f"phone={answer.phone}")
        return answer.phone or answer.text

    async def long_prompt(ctx: Ctx) -> Reply:
        return Reply(
            f"Đã nhận số.\n\n{LONG_PROMPT}",
            choices=[Choice("Xong", "done"), Choice("Ảnh", "png"), Choice("Hỏng", "broken")],
            columns=2,
            remove_keyboard=True,
        )

    async def long_parse(ctx: Ctx, answer: Answer) -> str:
        picked.append(f"end={answer.value}")
        return answer.value

    async def finish(ctx: Ctx) -> list[Reply]:
        picked.append(f"pick={ctx.data['pick']}")
        end = ctx.data["long"]

        async def produce() -> Attachment:
            await asyncio.sleep(0.05)  # slow work, after the commit
            if end == "broken":
                raise RuntimeError("chart library crashed")
            if end == "png":
                return Attachment("bieu-do.png", "image/png", data=PNG)
            return Attachment("bao-cao.xlsx", "application/vnd.ms-excel", data=b"PK\x03\x04xlsx")

        return [Reply(f"Bạn đã chọn: {ctx.data['pick']}", attachment_factory=produce)]

    pick = choice_step(
        "pick",
        "Chọn một mục:",
        [Choice("Ngắn", "short"), Choice("Dài", LONG_VALUE), Choice("Ba", "three")],
        next="phone",
        columns=2,
    )
    return Flow(
        name="thu",
        title="Thử nghiệm",
        steps={
            "pick": pick,
            "phone": Step("phone", phone_prompt, phone_parse, next="long", phone=True),
            "long": Step("long", long_prompt, long_parse, free_text=False),
        },
        first="pick",
        finish=finish,
        command="thu",
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, telegram_bot_token=SecretStr(TOKEN))  # type: ignore[call-arg]


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[App]:
    async with open_app(settings, load_kb=False) as app:
        yield app


@dataclass
class Harness:
    """The fake API, the PTB Application and the App, plus what the test flow received."""

    api: FakeTelegram
    application: AnyApplication
    app: App
    picked: list[str] = field(default_factory=list)

    async def deliver(self, update: dict[str, Any]) -> None:
        """Run one update through PTB (handlers, error handler) as the updater would."""
        await self.application.process_update(Update.de_json(update, self.application.bot))

    def user(self, user_id: int = 5001) -> FakeUser:
        """A user of the fake API."""
        return self.api.user(user_id)


@pytest.fixture
async def tg(settings: Settings, app: App) -> AsyncIterator[Harness]:
    api = FakeTelegram()
    picked: list[str] = []
    app.flows["thu"] = trial_flow(picked)
    app.flow_commands["thu"] = "thu"
    request = RetryingRequest(FakeRequest(api), base_delay=0.001)
    application = build_application(settings, app, request=request, get_updates_request=FakeRequest(api))
    async with application:
        yield Harness(api, application, app, picked)
