from bot.storage.outbox import OutboxCounts
from bot.texts import outbox as to


def test_progress_names_only_what_happened() -> None:
    assert (
        to.progress(OutboxCounts(sent=1200, pending=300, sending=20))
        == "Đã gửi 1.200/1.520 tin; còn 320 tin đang chờ gửi."
    )
    assert to.progress(OutboxCounts(sent=95, blocked=3, failed=1, cancelled=1)) == (
        "Đã gửi 95/100 tin; 3 người đã chặn Trợ lý nên không nhận được; 1 tin gửi không thành công; "
        "1 tin đã hủy. Đã gửi xong."
    )
