"""Sentences of ``/lienket``: one person, both Telegram and Zalo."""

from __future__ import annotations

CODE_SHOWN = (
    "Mã liên kết của bạn: {code}\n"
    "Trong {minutes} phút, mở bot trên kênh kia (Zalo hoặc Telegram), gõ /lienket rồi gõ mã {code}\n"
    "Sau đó bạn dùng được cả hai kênh với cùng hồ sơ. Không đưa mã này cho người khác."
)
ASK_CODE = "Gõ mã liên kết 6 ký tự mà bot đã gửi cho bạn trên kênh kia (gõ /lienket ở kênh đó để lấy mã)."
LINKED = "✅ Đã liên kết: từ nay bạn dùng được bot trên cả hai kênh với cùng hồ sơ."
UNKNOWN = "Mã này không đúng hoặc đã được dùng. Gõ /lienket trên kênh kia để lấy mã mới."
EXPIRED = "Mã này đã hết hạn. Gõ /lienket trên kênh kia để lấy mã mới."
OTHER_PERSON = (
    "Tài khoản này đã thuộc hồ sơ của người khác nên không liên kết được. "
    "Liên hệ cán bộ tư pháp xã nếu có nhầm lẫn."
)

# /hoso, for a person who uses the bot on both channels: where proactive messages go.
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "bảng điều khiển"}
PREFERENCE_BUTTON = "📨 Nơi nhận nhắc việc, thông báo"
ASK_PREFERENCE = (
    "Nhắc việc, thông báo và tin duyệt đăng ký chỉ gửi cho bạn một lần, trên một kênh.\n"
    "Hiện tại: {current}.\n\nBạn muốn nhận ở đâu?"
)
PREFERENCE_LAST_USED = "Kênh tôi nhắn gần nhất"
PREFERENCE_CURRENT_LAST = "kênh bạn nhắn gần nhất"
PREFERENCE_CURRENT_FIXED = "luôn qua {channel}"
PREFERENCE_ONLY = "Qua {channel}"
PREFERENCE_SAVED_FIXED = "✅ Đã lưu: từ nay nhắc việc và thông báo gửi qua {channel}."
PREFERENCE_SAVED_LAST = "✅ Đã lưu: nhắc việc và thông báo gửi tới kênh bạn nhắn gần nhất."
PREFERENCE_UNAVAILABLE = "Kênh này chưa liên kết với hồ sơ của bạn (hoặc đã chặn bot). Chọn kênh khác:"
