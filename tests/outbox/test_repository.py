"""The outbox table through its repository: queuing, claiming, outcomes, cancelling, progress."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.conversation.messages import Attachment, Channel, Choice, FileRef, Reply
from bot.storage import outbox
from bot.storage.db import Connection, Database, iso
from bot.storage.outbox import OutboxMessage
from tests.outbox.helpers import CHANNEL, add_identity, queue, row

NOW = datetime(2026, 5, 15, 3, 0, tzinfo=UTC)
# The claims of these tests: held by one sender for a minute after NOW.
LEASE = outbox.Lease("test-sender", NOW + timedelta(minutes=1))


async def claimed_keys(conn: Connection, now: datetime, chat_id: str | None = None) -> list[str]:
    """The dedupe keys of the rows one claim (of up to 10 rows) takes."""
    claim = await outbox.claim(conn, CHANNEL, now, 10, chat_id, lease=LEASE)
    return [r.dedupe_key for r in claim.rows]


# ---------------------------------------------------------------------------- payload


def test_reply_round_trip_with_choices_and_bytes_attachment() -> None:
    reply = Reply(
        "Nhắc việc: vụ HG-2026-00012 sắp hết hạn.",
        choices=[Choice("Xem vụ việc", "case:12"), Choice("Để sau", "later")],
        columns=2,
        attachment=Attachment("bao-cao.xlsx", "application/vnd.ms-excel", data=b"\x00\xffPK"),
    )
    assert outbox.decode_reply(outbox.encode_reply(reply)) == reply


def test_attachment_by_path_is_stored_as_the_path(tmp_path: Path) -> None:
    file = tmp_path / "chart.png"
    file.write_bytes(b"png")
    reply = Reply("Biểu đồ", attachment=Attachment("chart.png", "image/png", path=str(file)))
    decoded = outbox.decode_reply(outbox.encode_reply(reply))
    assert decoded.attachment is not None
    assert decoded.attachment.path == str(file)
    assert decoded.attachment.read() == b"png"


def test_attachment_factory_cannot_be_queued() -> None:
    async def build() -> Attachment:
        return Attachment("x.txt", "text/plain", data=b"x")

    with pytest.raises(ValueError, match="attachment factory"):
        outbox.encode_reply(Reply("x", attachment_factory=build))


def test_unknown_payload_version_is_refused() -> None:
    with pytest.raises(ValueError, match="version"):
        outbox.decode_reply('{"v": 99, "text": "x"}')


@pytest.mark.parametrize("photo", [False, True])
def test_file_reference_round_trip_stores_the_reference_not_bytes(photo: bool) -> None:
    ref = FileRef(Channel.TELEGRAM, "BQACAgUAAxkBAAIBd2Z7pdf", photo=photo)
    reply = Reply(
        "📢 THÔNG BÁO: tập huấn ngày 20/3",
        choices=[Choice("📩 Đã nhận", "go:rsvp:7:ack")],
        attachment=Attachment("Tài liệu tập huấn.pdf", "application/pdf", ref=ref),
    )
    payload = outbox.encode_reply(reply)
    stored = json.loads(payload)
    assert stored["v"] == outbox.PAYLOAD_VERSION == 2
    assert stored["attachment"] == {
        "filename": "Tài liệu tập huấn.pdf",
        "mime_type": "application/pdf",
        "ref": {"channel": "telegram", "file_id": "BQACAgUAAxkBAAIBd2Z7pdf", "photo": photo},
    }
    decoded = outbox.decode_reply(payload)
    assert decoded == reply
    assert decoded.attachment is not None and decoded.attachment.ref is not None
    assert decoded.attachment.ref.channel is Channel.TELEGRAM


def test_version_1_payloads_queued_before_the_upgrade_still_decode() -> None:
    # Verbatim what the previous release wrote: rows still pending at the upgrade must go out.
    payload = (
        '{"v":1,"text":"Nhắc việc","columns":2,"choices":[["Xem","case:12"],["Để sau","later"]],'
        '"attachment":{"filename":"a.txt","mime_type":"text/plain","data":"eA=="}}'
    )
    assert outbox.decode_reply(payload) == Reply(
        "Nhắc việc",
        choices=[Choice("Xem", "case:12"), Choice("Để sau", "later")],
        columns=2,
        attachment=Attachment("a.txt", "text/plain", data=b"x"),
    )


_texts = st.text(min_size=0, max_size=50)


@given(
    text=_texts,
    choices=st.lists(st.builds(Choice, _texts, _texts), max_size=5),
    columns=st.integers(1, 4),
    data=st.none() | st.binary(max_size=64),
    request_phone=st.booleans(),
    remove_keyboard=st.booleans(),
)
def test_any_reply_survives_the_round_trip(
    text: str,
    choices: list[Choice],
    columns: int,
    data: bytes | None,
    request_phone: bool,
    remove_keyboard: bool,
) -> None:
    attachment = Attachment("tệp.bin", "application/octet-stream", data=data) if data is not None else None
    reply = Reply(text, choices, columns, attachment, None, request_phone, remove_keyboard)
    assert outbox.decode_reply(outbox.encode_reply(reply)) == reply


# ---------------------------------------------------------------------------- producers


async def test_enqueue_is_idempotent_by_dedupe_key(db: Database) -> None:
    async with db.transaction() as conn:
        first = await outbox.enqueue(
            conn, channel=CHANNEL, chat_id="1", reply=Reply("a"), dedupe_key="k", kind="notice", now=NOW
        )
        again = await outbox.enqueue(
            conn, channel=CHANNEL, chat_id="2", reply=Reply("b"), dedupe_key="k", kind="notice", now=NOW
        )
    assert (first, again) == (True, False)
    rows = await db.fetchall("SELECT chat_id, payload, status FROM outbox")
    assert [(r["chat_id"], outbox.decode_reply(r["payload"]).text, r["status"]) for r in rows] == [
        ("1", "a", "pending")
    ]


async def test_enqueue_many_counts_only_new_rows(db: Database) -> None:
    messages = [OutboxMessage(CHANNEL, str(n), Reply(f"m{n}"), f"b:{n}", "broadcast") for n in range(5)]
    async with db.transaction() as conn:
        assert await outbox.enqueue_many(conn, messages[:3], NOW) == 3
        assert await outbox.enqueue_many(conn, messages, NOW) == 2
    assert (await outbox.counts(db)).pending == 5


async def test_not_before_delays_the_first_attempt(db: Database) -> None:
    later = NOW + timedelta(hours=2)
    async with db.transaction() as conn:
        await outbox.enqueue(
            conn,
            channel=CHANNEL,
            chat_id="1",
            reply=Reply("a"),
            dedupe_key="k",
            kind="reminder",
            now=NOW,
            not_before=later,
        )
        assert (await outbox.claim(conn, CHANNEL, NOW, 10, lease=LEASE)).rows == []
        assert await claimed_keys(conn, later) == ["k"]
    assert await outbox.next_due(db, CHANNEL) is None  # the row is 'sending' now


# ---------------------------------------------------------------------------- claiming


async def test_claim_marks_sending_counts_the_attempt_and_takes_one_row_per_chat(db: Database) -> None:
    await queue(db, [("A", "a1"), ("A", "a2"), ("B", "b1"), ("C", "c1")], now=NOW)
    async with db.transaction() as conn:
        claim = await outbox.claim(conn, CHANNEL, NOW, 10, lease=LEASE)
    assert [(r.chat_id, r.dedupe_key, r.attempts) for r in claim.rows] == [
        ("A", "a1", 1),
        ("B", "b1", 1),
        ("C", "c1", 1),
    ]
    assert (await row(db, "a1"))["status"] == "sending"
    assert (await row(db, "a2"))["status"] == "pending"
    # A's next row waits until a1 is finished.
    async with db.transaction() as conn:
        assert (await outbox.claim(conn, CHANNEL, NOW, 10, lease=LEASE)).rows == []
        await outbox.mark_sent(conn, [(claim.rows[0].id, NOW)])
        assert await claimed_keys(conn, NOW) == ["a2"]


async def test_claim_respects_the_limit_and_the_due_order(db: Database) -> None:
    async with db.transaction() as conn:
        for n, minutes in enumerate([5, 1, 3]):
            await outbox.enqueue(
                conn,
                channel=CHANNEL,
                chat_id=str(n),
                reply=Reply(str(n)),
                dedupe_key=str(n),
                kind="notice",
                now=NOW,
                not_before=NOW - timedelta(minutes=minutes),
            )
        claim = await outbox.claim(conn, CHANNEL, NOW, 2, lease=LEASE)
    assert [r.dedupe_key for r in claim.rows] == ["0", "2"]


async def test_a_rescheduled_row_does_not_hold_back_the_chats_next_row(db: Database) -> None:
    await queue(db, [("A", "a1"), ("A", "a2")], now=NOW)
    async with db.transaction() as conn:
        (first,) = (await outbox.claim(conn, CHANNEL, NOW, 10, lease=LEASE)).rows
        await outbox.reschedule(conn, first.id, NOW + timedelta(seconds=30), "429", throttled=True)
        (second,) = (await outbox.claim(conn, CHANNEL, NOW, 10, lease=LEASE)).rows
    assert second.dedupe_key == "a2"
    a1 = await row(db, "a1")
    assert (a1["status"], a1["attempts"], a1["throttled"], a1["error"]) == ("pending", 1, 1, "429")
    assert a1["next_attempt_at"] == iso(NOW + timedelta(seconds=30))


async def test_recover_returns_in_flight_rows_to_pending(db: Database) -> None:
    await queue(db, [("A", "a1"), ("B", "b1")], now=NOW)
    async with db.transaction() as conn:
        await outbox.claim(conn, CHANNEL, NOW, 10, lease=LEASE)
    async with db.transaction() as conn:
        assert await outbox.recover_in_flight(conn, CHANNEL, NOW, take_all=True) == 2
        assert await outbox.recover_in_flight(conn, "zalo", NOW, take_all=True) == 0
    assert (await outbox.counts(db)).pending == 2
    # The interrupted attempt still counts.
    assert (await row(db, "a1"))["attempts"] == 1


async def test_a_sender_for_one_chat_touches_only_that_chat(db: Database) -> None:
    """A console serves one user: claiming, recovering and finding the next due row of chat A
    leave chat B's rows to B's own console (issue 13.16)."""
    await queue(db, [("A", "a1"), ("B", "b1"), ("A", "a2")], now=NOW)
    async with db.transaction() as conn:
        assert await claimed_keys(conn, NOW, "B") == ["b1"]
        assert await claimed_keys(conn, NOW, "A") == ["a1"]
    async with db.transaction() as conn:
        # A's console restarting must not take back B's row that B's console is sending.
        assert await outbox.recover_in_flight(conn, CHANNEL, NOW, "A", take_all=True) == 1
    assert (await row(db, "b1"))["status"] == "sending"
    assert await outbox.next_due(db, CHANNEL, "B") is None
    assert await outbox.next_due(db, CHANNEL, "A") == NOW


async def test_release_undoes_the_attempt(db: Database) -> None:
    await queue(db, [("A", "a1"), ("B", "b1")], now=NOW)
    later = NOW + timedelta(seconds=5)
    async with db.transaction() as conn:
        a1, b1 = (await outbox.claim(conn, CHANNEL, NOW, 10, lease=LEASE)).rows
        await outbox.release(conn, [a1.id])
        await outbox.release(conn, [b1.id], later)
    assert [(r["status"], r["attempts"]) for r in [await row(db, "a1"), await row(db, "b1")]] == [
        ("pending", 0),
        ("pending", 0),
    ]
    assert (await row(db, "b1"))["next_attempt_at"] == iso(later)


# ---------------------------------------------------------------------------- outcomes


async def test_mark_sent_and_failed_record_the_outcome(db: Database) -> None:
    await queue(db, [("A", "a1"), ("B", "b1")], now=NOW)
    async with db.transaction() as conn:
        a1, b1 = (await outbox.claim(conn, CHANNEL, NOW, 10, lease=LEASE)).rows
        await outbox.mark_sent(conn, [(a1.id, NOW + timedelta(seconds=1))])
        await outbox.mark_failed(conn, b1.id, "Bad Request: chat not found")
    sent, failed = await row(db, "a1"), await row(db, "b1")
    assert (sent["status"], sent["sent_at"]) == ("sent", iso(NOW + timedelta(seconds=1)))
    assert (failed["status"], failed["error"], failed["sent_at"]) == (
        "failed",
        "Bad Request: chat not found",
        None,
    )


async def test_blocking_flags_the_identity_and_blocks_the_chats_queue(db: Database) -> None:
    await add_identity(db, "A")
    await queue(db, [("A", "a1"), ("A", "a2"), ("A", "a3"), ("B", "b1")], now=NOW)
    async with db.transaction() as conn:
        rows = (await outbox.claim(conn, CHANNEL, NOW, 10, lease=LEASE)).rows
        a1 = next(r for r in rows if r.chat_id == "A")
        assert (
            await outbox.mark_blocked(conn, CHANNEL, "A", a1.id, "Forbidden: bot was blocked by the user")
            == 3
        )
    assert [(await row(db, k))["status"] for k in ("a1", "a2", "a3", "b1")] == [
        "blocked",
        "blocked",
        "blocked",
        "sending",
    ]
    identity = await db.fetchone("SELECT unreachable FROM identities WHERE chat_id = 'A'")
    assert identity is not None and identity["unreachable"] == 1
    # A message queued later for the blocked chat is blocked at claim time, never handed out.
    await queue(db, [("A", "a4")], now=NOW)
    async with db.transaction() as conn:
        claim = await outbox.claim(conn, CHANNEL, NOW, 10, lease=LEASE)
    assert (claim.rows, claim.blocked) == ([], 1)
    assert (await row(db, "a4"))["error"] == outbox.BLOCKED_EARLIER


async def test_defer_quiet_moves_only_due_non_urgent_rows_of_the_given_kinds(db: Database) -> None:
    morning = NOW + timedelta(hours=8)
    await queue(db, [("A", "reminder")], kind="reminder", now=NOW)
    await queue(db, [("B", "broadcast")], kind="broadcast", now=NOW)
    await queue(db, [("C", "urgent")], kind="broadcast", now=NOW, urgent=True)
    await queue(db, [("D", "notice")], kind="notice", now=NOW)
    async with db.transaction() as conn:
        moved = await outbox.defer_quiet(conn, CHANNEL, {"reminder", "broadcast"}, NOW, morning)
    assert moved == 2
    due = {k: (await row(db, k))["next_attempt_at"] for k in ("reminder", "broadcast", "urgent", "notice")}
    assert due == {
        "reminder": iso(morning),
        "broadcast": iso(morning),
        "urgent": iso(NOW),
        "notice": iso(NOW),
    }


# ---------------------------------------------------------------------------- cancel and progress


async def test_cancel_a_broadcast_stops_its_pending_rows_only(db: Database) -> None:
    async with db.transaction() as conn:
        broadcast = await outbox.create_broadcast(
            conn, created_by=None, text="Họp tổ", audience={"role": "mediator"}, now=NOW
        )
        messages = [
            OutboxMessage(
                CHANNEL, str(n), Reply("Họp tổ"), f"b{broadcast}:{n}", "broadcast", broadcast_id=broadcast
            )
            for n in range(4)
        ]
        await outbox.enqueue_many(conn, messages, NOW)
    await queue(db, [("9", "unrelated")], now=NOW)
    async with db.transaction() as conn:
        first, _in_flight = (await outbox.claim(conn, CHANNEL, NOW, 2, lease=LEASE)).rows
        await outbox.mark_sent(conn, [(first.id, NOW)])
        assert await outbox.cancel(conn, now=NOW, broadcast_id=broadcast) == 2
    progress = await outbox.counts(db, broadcast_id=broadcast)
    assert progress == outbox.OutboxCounts(sent=1, sending=1, cancelled=2)
    assert (progress.total, progress.remaining) == (4, 1)
    assert (await row(db, "unrelated"))["status"] == "pending"
    stamped = await db.fetchone("SELECT cancelled_at FROM broadcasts WHERE id = ?", (broadcast,))
    assert stamped is not None and stamped["cancelled_at"] == iso(NOW)


async def test_cancel_by_prefix_is_exact_and_case_sensitive(db: Database) -> None:
    await queue(
        db,
        [
            ("1", "remind:case_1:a"),
            ("2", "remind:case_1:b"),
            ("3", "remind:caseX1:c"),
            ("4", "REMIND:case_1:d"),
        ],
    )
    async with db.transaction() as conn:
        # "_" is a LIKE wildcard; the prefix match must not treat it as one.
        assert await outbox.cancel(conn, now=NOW, dedupe_prefix="remind:case_1:") == 2
    assert await outbox.counts(db, dedupe_prefix="remind:") == outbox.OutboxCounts(pending=1, cancelled=2)


async def test_cancel_needs_exactly_one_selector(db: Database) -> None:
    async with db.transaction() as conn:
        with pytest.raises(ValueError, match="exactly one"):
            await outbox.cancel(conn, now=NOW)
        with pytest.raises(ValueError, match="exactly one"):
            await outbox.cancel(conn, now=NOW, broadcast_id=1, dedupe_prefix="x")


async def test_counts_by_channel(db: Database) -> None:
    await queue(db, [("1", "a"), ("2", "b")])
    async with db.transaction() as conn:
        await outbox.enqueue(
            conn, channel="zalo", chat_id="z", reply=Reply("c"), dedupe_key="c", kind="notice", now=NOW
        )
    assert (await outbox.counts(db, channel=CHANNEL)).pending == 2
    assert (await outbox.counts(db, channel="zalo")).pending == 1
    assert (await outbox.counts(db)).total == 3
