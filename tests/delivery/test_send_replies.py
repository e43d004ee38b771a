"""Replies kept with the de-duplication record: only the undelivered ones are sent again."""

from __future__ import annotations

import pytest

from bot.channels.delivery import send_replies
from bot.conversation.messages import Attachment, Reply
from bot.runtime import App
from bot.storage import reply_log
from bot.storage.db import iso
from bot.texts import delivery as td
from tests.conftest import Chat, inbound


class SendFailed(Exception):
    pass


async def test_only_the_replies_not_delivered_are_sent_again(app: App, chat: Chat) -> None:
    await chat.go_to("outcome")
    message = inbound("c1", "/hoidap", message_id="twice")
    first = await app.engine.handle(message)
    assert len(first) == 2  # "the flow was stopped", then the Q&A prompt
    sent: list[str] = []

    async def dies_on_second(reply: Reply) -> None:
        if len(sent) == 1:
            raise SendFailed
        sent.append(reply.text)

    with pytest.raises(SendFailed):
        await send_replies(app, message, first, dies_on_second)
    assert sent == [first[0].text]

    # The platform hands the message back: the engine does not handle it again…
    again = await app.engine.handle(message)
    assert again == []

    async def records(reply: Reply) -> None:
        sent.append(reply.text)

    # …and only the Q&A prompt, which never got out, is sent.
    assert await send_replies(app, message, again, records) == 1
    assert sent == [first[0].text, first[1].text]
    # A third delivery: everything was delivered, nothing is sent, the payloads are gone.
    assert await send_replies(app, message, await app.engine.handle(message), records) == 0
    row = await app.db.fetchone("SELECT replies, replies_sent FROM inbound_seen WHERE message_id = 'twice'")
    assert row is not None and row["replies"] is None and row["replies_sent"] == 2


async def test_a_file_made_after_the_commit_is_announced_not_lost(app: App) -> None:
    async def chart() -> Attachment:
        return Attachment("bieu-do.png", "image/png", data=b"png")

    kept = [
        Reply("Biểu đồ của xã", attachment_factory=chart),
        Reply("Bảng", attachment=Attachment("bang.xlsx", "application/vnd.ms-excel", data=b"PK")),
    ]
    async with app.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO inbound_seen(channel, chat_id, message_id, seen_at) VALUES ('zalo', 'z', 'm', ?)",
            (iso(app.clock()),),
        )
        await reply_log.keep(tx, "zalo", "z", "m", kept)
    chart_reply, table = await reply_log.undelivered(app.db, "zalo", "z", "m", td.LOST_FILE)
    assert chart_reply.text == f"Biểu đồ của xã\n\n{td.LOST_FILE}" and chart_reply.attachment is None
    assert table.attachment is not None and table.attachment.data == b"PK"
    await reply_log.mark_delivered(app.db, "zalo", "z", "m")
    [left] = await reply_log.undelivered(app.db, "zalo", "z", "m", td.LOST_FILE)
    assert left.text == "Bảng"
