"""Sentences about replies sent again after an interruption."""

# A reply resent after a crash whose file was to be made after the save: it cannot be rebuilt.
LOST_FILE = "📎 Tệp kèm theo chưa kịp gửi. Bạn mở lại mục này để nhận tệp."
