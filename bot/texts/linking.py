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
