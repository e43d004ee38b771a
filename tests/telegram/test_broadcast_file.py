"""/thongbao with a file, on Telegram through the real PTB Application and the fake Bot API.

The officer sends the file to the bot; every outbox row for a Telegram chat carries its file_id,
the outbox sender passes it on without uploading anything, and recipients on another channel
read where the file went instead. Nothing leaves the process.
"""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from telegram import Bot

from bot.conversation.messages import Attachment, Channel, FileRef, Reply
from bot.domain.broadcasts import Group
from bot.domain.people import Person
from bot.runtime import App
from bot.storage import outbox
from bot.storage import people as people_repo
from bot.texts import broadcast as tb
from bot.texts import common as t
from bot.texts import telegram as tt
from bot.workers.outbox_sender import OutboxSender, SenderConfig
from bot.workers.telegram_transport import TelegramTransport
from tests.flows.support import World, build_world
from tests.outbox.helpers import drain
from tests.telegram.conftest import Harness
from tests.telegram.fake_api import TOKEN, FakeUser
from tests.telegram.fake_request import FakeRequest

TEXT = "Mời các hòa giải viên dự tập huấn kỹ năng hòa giải ngày 20/3/2026 tại hội trường UBND xã."
PDF_NAME = "Tài liệu tập huấn 2026.pdf"
PDF = "application/pdf"
MB = 1024 * 1024
# No quiet hours and quick polling, so the sender delivers at once whatever the time of day.
SEND_NOW = SenderConfig(poll_interval=0.05, flush_interval=0.01, quiet_start=time(0, 0), quiet_end=time(0, 0))


async def on_telegram(app: App, person: Person, user: FakeUser) -> None:
    """Give ``person`` a Telegram chat too (as if they had registered there)."""
    now = app.clock()
    async with app.db.transaction() as tx:
        external = str(user.id)
        await people_repo.touch_identity(
            tx, Channel.TELEGRAM, external, str(user.chat_id), user.first_name, now
        )
        await people_repo.link_identity(tx, Channel.TELEGRAM, external, person.id)


@pytest.fixture
async def world(tg: Harness) -> World:
    return await build_world(tg.app)


async def compose_up_to_the_file(tg: Harness, officer: FakeUser) -> None:
    await tg.deliver(officer.say("/thongbao"))
    await tg.deliver(officer.say(TEXT))
    assert officer.received[-1]["text"] == tb.ASK_FILE.format(limit=50)
    assert officer.buttons(officer.received[-1]) == [(tb.NO_FILE, "none")]


async def press(tg: Harness, user: FakeUser, label: str) -> str:
    """Press a button of the bot's last message; return the text of the bot's answer."""
    await tg.deliver(user.press(user.received[-1], label))
    text: str = user.received[-1]["text"]
    return text


@pytest.mark.parametrize("kind", ["document", "photo"])
async def test_an_announcement_with_a_file_reaches_telegram_by_reference(
    tg: Harness, world: World, kind: str
) -> None:
    app = tg.app
    officer, mediator = tg.user(5001), tg.user(6001)
    await on_telegram(app, world.province, officer)
    await on_telegram(app, world.med, mediator)  # world.med also keeps their console chat
    await compose_up_to_the_file(tg, officer)

    if kind == "document":
        update = officer.send_document(PDF_NAME, PDF, size=2_345_678, caption="tài liệu kèm")
        file_id = update["message"]["document"]["file_id"]
        sent = Attachment(PDF_NAME, PDF, ref=FileRef(Channel.TELEGRAM, file_id))
    else:
        update = officer.send_photo()
        file_id = update["message"]["photo"][-1]["file_id"]  # the largest size
        sent = Attachment(tt.PHOTO_NAME, "image/jpeg", ref=FileRef(Channel.TELEGRAM, file_id, photo=True))
    await tg.deliver(update)
    assert officer.received[-1]["text"] == tb.ASK_LINK

    assert (await press(tg, officer, tb.NO_LINK)).startswith(tb.ASK_AUDIENCE)
    await press(tg, officer, tb.UNCHECKED + tb.GROUP_LABELS[Group.MEDIATORS])
    assert (await press(tg, officer, tb.AUDIENCE_DONE)).startswith(tb.ASK_TRAINING)
    assert (await press(tg, officer, t.NO)).startswith(tb.ASK_SCHEDULE.split("{")[0])
    preview = await press(tg, officer, tb.SEND_NOW)
    elsewhere = tb.FILE_ELSEWHERE.format(name=sent.filename, channel="Telegram")
    assert tb.PREVIEW_FILE.format(name=sent.filename) in preview
    assert tb.PREVIEW_FILE_ELSEWHERE.format(channel="Telegram", line=elsewhere) in preview
    # Four mediators, one message each: the one also on Telegram (linked last) gets it there only.
    assert "Số tin sẽ gửi: 4." in preview
    assert await press(tg, officer, tb.CONFIRM_SEND) == tb.QUEUED.format(
        id=1, reached=4, people=4, messages=4, missing=""
    )

    rows = await app.db.fetchall("SELECT channel, person_id, payload FROM outbox WHERE broadcast_id = 1")
    replies: dict[tuple[str, int], Reply] = {
        (row["channel"], row["person_id"]): outbox.decode_reply(row["payload"]) for row in rows
    }
    on_telegram_reply = replies.pop(("telegram", world.med.id))
    assert on_telegram_reply.attachment == sent
    assert elsewhere not in on_telegram_reply.text and TEXT in on_telegram_reply.text
    assert {channel for channel, _ in replies} == {"console"}
    for reply in replies.values():
        assert reply.attachment is None
        assert elsewhere in reply.text and reply.text.startswith(tb.HEADER_PROVINCE)
    stored = await app.db.fetchone(
        "SELECT file_channel, file_id, file_name, file_mime, file_photo FROM broadcasts WHERE id = 1"
    )
    assert stored is not None
    assert tuple(stored) == ("telegram", file_id, sent.filename, sent.mime_type, int(kind == "photo"))

    # The outbox sender passes the file on by its id: nothing is uploaded again.
    bot = Bot(TOKEN, request=FakeRequest(tg.api))
    await drain(OutboxSender(app.db, "telegram", TelegramTransport(bot), SEND_NOW))
    method = "sendDocument" if kind == "document" else "sendPhoto"
    [call] = tg.api.calls_to(method)
    assert (call.params["chat_id"], call.params[kind], call.files) == (str(mediator.chat_id), file_id, {})
    received: list[dict[str, Any]] = mediator.received
    assert received[0]["text"] == on_telegram_reply.text
    got = received[1]["document"]["file_id"] if kind == "document" else received[1]["photo"][-1]["file_id"]
    assert got == file_id

    # The history names the file.
    await tg.deliver(officer.say("/thongbao"))
    assert tb.HISTORY_FILE.format(name=sent.filename) in await press(tg, officer, tb.HISTORY)


async def test_files_out_of_place_or_too_big_are_refused_and_the_step_kept(tg: Harness, world: World) -> None:
    officer = tg.user(5001)
    await on_telegram(tg.app, world.province, officer)
    await tg.deliver(officer.say("/thongbao"))
    ask_text = officer.received[-1]["text"]

    await tg.deliver(officer.send_document(PDF_NAME, PDF))  # at the text step
    assert officer.received[-1]["text"] == f"{t.UNSUPPORTED}\n\n{ask_text}"

    await tg.deliver(officer.say(TEXT))
    await tg.deliver(officer.send_document("video-hoi-nghi.pdf", PDF, size=60 * MB))
    refused = officer.received[-1]["text"]
    assert refused.startswith(tb.FILE_TOO_BIG.format(name="video-hoi-nghi.pdf", size=60, limit=50))
    assert refused.endswith(tb.ASK_FILE.format(limit=50))

    await tg.deliver(officer.send_document(PDF_NAME, PDF, size=50 * MB))  # exactly the limit is fine
    assert officer.received[-1]["text"] == tb.ASK_LINK
