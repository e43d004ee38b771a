"""Sentences about proactive messages: how far a broadcast has got, cancelling it, quiet hours.

Used by whoever reports on the outbox to an officer (the broadcast flow, admin commands).
"""

from __future__ import annotations

from typing import Protocol

from bot.texts.stats import number

# Parts of the progress line; a part whose count is zero is left out.
PROGRESS_SENT = "Đã gửi {sent}/{total} tin"
PROGRESS_WAITING = "còn {n} tin đang chờ gửi"
PROGRESS_BLOCKED = "{n} người đã chặn Trợ lý nên không nhận được"
PROGRESS_FAILED = "{n} tin gửi không thành công"
PROGRESS_CANCELLED = "{n} tin đã hủy"
PROGRESS_DONE = "Đã gửi xong."

CANCELLED = "Đã hủy {n} tin chưa gửi. Những tin đã gửi thì không thu hồi được."
NOTHING_TO_CANCEL = "Không còn tin nào chưa gửi để hủy."


class Progress(Protocol):
    """The counts the progress line needs (:class:`bot.storage.outbox.OutboxCounts`)."""

    @property
    def sent(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def blocked(self) -> int: ...
    @property
    def cancelled(self) -> int: ...
    @property
    def total(self) -> int: ...
    @property
    def remaining(self) -> int: ...


def progress(counts: Progress) -> str:
    """ "Đã gửi 120/500 tin; còn 370 tin đang chờ gửi; 3 người đã chặn Trợ lý…"."""
    parts = [PROGRESS_SENT.format(sent=number(counts.sent), total=number(counts.total))]
    for template, n in (
        (PROGRESS_WAITING, counts.remaining),
        (PROGRESS_BLOCKED, counts.blocked),
        (PROGRESS_FAILED, counts.failed),
        (PROGRESS_CANCELLED, counts.cancelled),
    ):
        if n:
            parts.append(template.format(n=number(n)))
    line = "; ".join(parts) + "."
    return line if counts.remaining else f"{line} {PROGRESS_DONE}"
