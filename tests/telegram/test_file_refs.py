"""Files by reference through PTB against the in-process fake Bot API: sent again by file_id
(nothing uploaded), as a photo or a document as Telegram requires; another channel's reference
becomes a sentence saying how to get the file."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.channels.telegram.render import send_reply
from bot.conversation.messages import Attachment, Channel, FileRef, Reply
from bot.texts import common as t
from tests.telegram.fake_api import TOKEN, FakeTelegram, FakeUser, StoredFile
from tests.telegram.fake_request import FakeRequest

PDF = "application/pdf"


@pytest.fixture
def api() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
async def bot(api: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, request=FakeRequest(api)) as bot:
        yield bot


@pytest.fixture
def user(api: FakeTelegram) -> FakeUser:
    return api.user(7001)


async def test_a_document_reference_is_sent_by_file_id(api: FakeTelegram, bot: Bot, user: FakeUser) -> None:
    file_id = api.hold_file(StoredFile("document", 2_345_678, "tap-huan.pdf", PDF))
    reply = Reply(
        "📢 Thông báo tập huấn",
        attachment=Attachment("tap-huan.pdf", PDF, ref=FileRef(Channel.TELEGRAM, file_id)),
    )

    await send_reply(bot, user.chat_id, reply)

    [document] = api.calls_to("sendDocument")
    assert document.params["document"] == file_id
    assert document.files == {}  # nothing uploaded
    assert [m.get("text") for m in user.received] == ["📢 Thông báo tập huấn", None]
    assert user.received[-1]["document"]["file_id"] == file_id
    assert user.received[-1]["document"]["file_name"] == "tap-huan.pdf"


async def test_a_photo_reference_goes_as_a_photo(api: FakeTelegram, bot: Bot, user: FakeUser) -> None:
    file_id = api.hold_file(StoredFile("photo", 97_640))
    ref = FileRef(Channel.TELEGRAM, file_id, photo=True)

    await send_reply(
        bot, user.chat_id, Reply("Lịch tập huấn", attachment=Attachment("ảnh.jpg", "image/jpeg", ref=ref))
    )

    [photo] = api.calls_to("sendPhoto")
    assert (photo.params["photo"], photo.files) == (file_id, {})
    assert not api.calls_to("sendDocument")
    assert user.received[-1]["photo"][-1]["file_id"] == file_id


@pytest.mark.parametrize("channel", [Channel.ZALO, Channel.CONSOLE])
async def test_another_channels_file_is_explained_not_dropped(
    api: FakeTelegram, bot: Bot, user: FakeUser, channel: Channel
) -> None:
    attachment = Attachment("tap-huan.pdf", PDF, ref=FileRef(channel, "zalo-or-console-id"))

    await send_reply(bot, user.chat_id, Reply("📢 Thông báo", attachment=attachment))

    assert not api.calls_to("sendDocument") and not api.calls_to("sendPhoto")
    assert [m["text"] for m in user.received] == ["📢 Thông báo", t.FILE_NOT_HERE.format(name="tap-huan.pdf")]
