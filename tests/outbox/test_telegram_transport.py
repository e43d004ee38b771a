"""The Telegram transport through PTB against the fake Bot API, and the sender end to end."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from pathlib import Path

import pytest

from bot.conversation.messages import Attachment, Channel, Choice, FileRef, Reply
from bot.storage import outbox
from bot.storage.db import Database, utcnow
from bot.workers.outbox_sender import (
    Blocked,
    Delivered,
    OutboxSender,
    Permanent,
    RetryAfter,
    SenderConfig,
    Transient,
)
from bot.workers.telegram_transport import TelegramTransport
from tests.outbox.fake_telegram import FakeBotApi
from tests.outbox.helpers import CHANNEL, add_identity, drain, queue, row

# PTB 22 warns about RetryAfter's int-or-timedelta change inside its own constructor.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class Clock:
    """A hand-moved clock for the fake's limits."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# Quick polling and no quiet hours, so the end-to-end tests run in real time.
FAST = SenderConfig(poll_interval=0.05, flush_interval=0.01, quiet_start=time(0, 0), quiet_end=time(0, 0))


def transport_for(api: FakeBotApi) -> TelegramTransport:
    return TelegramTransport(api.bot())


async def test_the_fake_enforces_one_message_per_second_per_chat() -> None:
    clock = Clock()
    api = FakeBotApi(clock=clock)
    transport = transport_for(api)
    assert await transport.send("42", Reply("một")) == Delivered()
    clock.now += 0.4
    assert await transport.send("42", Reply("hai")) == RetryAfter(1.0)
    assert await transport.send("43", Reply("khác")) == Delivered()  # other chats are not held up
    clock.now += 0.7
    assert await transport.send("42", Reply("hai")) == Delivered()
    assert [a.text for a in api.accepted] == ["một", "khác", "hai"]
    assert api.throttled == 1


async def test_the_fake_enforces_thirty_messages_per_second_overall() -> None:
    clock = Clock()
    api = FakeBotApi(clock=clock)
    transport = transport_for(api)
    for n in range(30):
        clock.now += 0.01
        assert await transport.send(str(n), Reply("x")) == Delivered()
    assert await transport.send("99", Reply("x")) == RetryAfter(1.0)
    clock.now += 0.72  # the first message has left the one-second window
    assert await transport.send("99", Reply("x")) == Delivered()


async def test_scaled_limits_and_retry_after() -> None:
    clock = Clock()
    api = FakeBotApi(clock=clock, scale=10)  # 300/s overall, 10/s per chat
    transport = transport_for(api)
    assert await transport.send("1", Reply("a")) == Delivered()
    clock.now += 0.05
    assert await transport.send("1", Reply("b")) == RetryAfter(0.1)
    clock.now += 0.06
    assert await transport.send("1", Reply("b")) == Delivered()


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ({"blocked": {"7"}}, Blocked("Forbidden: bot was blocked by the user")),
        ({"unknown": {"7"}}, Permanent("Chat not found")),
        ({"flaky": {"7": 1}}, Transient("NetworkError: Bad Gateway")),
        ({"timing_out": {"7"}}, Transient("TimedOut: Timed out")),
    ],
)
async def test_telegram_errors_map_to_outcomes(setup: dict[str, object], expected: object) -> None:
    api = FakeBotApi(**setup)  # type: ignore[arg-type]
    assert await transport_for(api).send("7", Reply("x")) == expected


async def test_choices_become_an_inline_keyboard() -> None:
    api = FakeBotApi()
    reply = Reply("Chọn:", choices=[Choice("Có", "yes"), Choice("Không", "no")], columns=2)
    assert await transport_for(api).send("7", reply) == Delivered()
    (sent,) = api.accepted
    assert sent.method == "sendMessage"
    assert sent.markup == {
        "inline_keyboard": [
            [{"text": "Có", "callback_data": "yes"}, {"text": "Không", "callback_data": "no"}]
        ]
    }


async def test_attachments_go_as_photo_or_document(tmp_path: Path) -> None:
    clock = Clock()
    api = FakeBotApi(clock=clock)
    transport = transport_for(api)
    sheet = tmp_path / "bao-cao.xlsx"
    sheet.write_bytes(b"PK")
    report = Reply("", attachment=Attachment("bao-cao.xlsx", "application/vnd.ms-excel", path=str(sheet)))
    chart = Reply("", attachment=Attachment("chart.png", "image/png", data=b"\x89PNG"))
    assert await transport.send("7", report) == Delivered()
    assert await transport.send("8", chart) == Delivered()
    assert [(a.method, a.chat_id, a.filename) for a in api.accepted] == [
        ("sendDocument", "7", "bao-cao.xlsx"),
        ("sendPhoto", "8", "chart.png"),
    ]


async def test_a_queued_file_reference_goes_out_by_file_id(db: Database) -> None:
    """From the outbox row (payload version 2) through the sender: one upload serves every chat."""
    api = FakeBotApi()
    ref = FileRef(Channel.TELEGRAM, "BQACAgUAAxkBAAIBd2Z7pdf")
    photo = FileRef(Channel.TELEGRAM, "AgACAgUAAxkBAAIBeGZx", photo=True)
    async with db.transaction() as conn:
        for chat, attachment in (
            ("7", Attachment("tap-huan.pdf", "application/pdf", ref=ref)),
            ("8", Attachment("tap-huan.pdf", "application/pdf", ref=ref)),
            ("9", Attachment("ảnh.jpg", "image/jpeg", ref=photo)),
        ):
            await outbox.enqueue(
                conn,
                channel=CHANNEL,
                chat_id=chat,
                reply=Reply(f"Thông báo {chat}", attachment=attachment),
                dedupe_key=f"bc:1:{chat}",
                kind=outbox.Kind.BROADCAST,
                now=utcnow(),
            )
    await drain(OutboxSender(db, CHANNEL, transport_for(api), FAST))
    files = sorted(
        (a.chat_id, a.method, a.file_id, a.filename) for a in api.accepted if a.method != "sendMessage"
    )
    assert files == [
        ("7", "sendDocument", ref.file_id, None),
        ("8", "sendDocument", ref.file_id, None),
        ("9", "sendPhoto", photo.file_id, None),
    ]
    assert await outbox.counts(db) == outbox.OutboxCounts(sent=3)


async def test_a_429_on_a_later_part_is_waited_out_not_handed_back() -> None:
    """Text then file to one chat trips the per-chat limit; re-sending the text would duplicate it."""
    api = FakeBotApi(scale=20)  # one message per 50 ms per chat
    reply = Reply("Báo cáo tháng 5", attachment=Attachment("chart.png", "image/png", data=b"\x89PNG"))
    assert await transport_for(api).send("7", reply) == Delivered()
    assert [(a.method, a.text) for a in api.accepted] == [
        ("sendMessage", "Báo cáo tháng 5"),
        ("sendPhoto", ""),
    ]
    assert api.throttled == 1


# ---------------------------------------------------------------------------- end to end


async def test_a_sender_faster_than_telegram_allows_loses_nothing(db: Database) -> None:
    """Misconfigured above the fake's cap, the sender gets 429s, honours them, sends each once."""
    api = FakeBotApi(scale=2)  # 60 messages/s, 2 per chat per second
    config = replace(FAST, rate_per_second=120, per_chat_interval=0.05)
    chats = [str(n) for n in range(100)]
    await queue(db, [(chat, f"m{chat}") for chat in chats] + [(chat, f"again{chat}") for chat in chats[:20]])
    sender = OutboxSender(db, CHANNEL, transport_for(api), config)
    await drain(sender, within=20)
    texts = [a.text for a in api.accepted]
    assert len(texts) == len(set(texts)) == 120
    assert api.throttled > 0 and sender.stats.throttled == api.throttled
    assert api.max_in_window(1.0) <= 60
    assert await outbox.counts(db) == outbox.OutboxCounts(sent=120)


async def test_a_blocked_user_is_marked_end_to_end(db: Database) -> None:
    api = FakeBotApi(blocked={"5"})
    await add_identity(db, "5")
    await queue(db, [("5", "first"), ("5", "second"), ("6", "other")])
    await drain(OutboxSender(db, CHANNEL, transport_for(api), FAST))
    assert [a.text for a in api.accepted] == ["other"]
    assert [(await row(db, k))["status"] for k in ("first", "second", "other")] == [
        "blocked",
        "blocked",
        "sent",
    ]
