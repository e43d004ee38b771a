"""Sentences of the Telegram channel: buttons, the command menu, apologies."""

from __future__ import annotations

# The reply-keyboard button that shares the user's own phone number.
SHARE_PHONE = "📱 Gửi số điện thoại của tôi"

# Appended to a message whose button was pressed, so the chat shows what was picked.
PICKED = "➡️ Đã chọn: {label}"

# The text of a message that offers only buttons (Telegram refuses empty messages).
CHOOSE = "Mời bạn chọn:"

ERROR = (
    "Xin lỗi, đã có lỗi khi xử lý tin nhắn của bạn. Dữ liệu bạn đã nhập vẫn được lưu an toàn. "
    "Vui lòng gửi lại sau ít phút, hoặc gõ «menu»."
)
# Names shown for files Telegram sends without one (the broadcast preview and history show them).
PHOTO_NAME = "ảnh.jpg"
DOCUMENT_NAME = "tài liệu"
FILE_FAILED = "Xin lỗi, chưa tạo hoặc gửi được tệp đính kèm. Vui lòng thử lại sau ít phút."

# The command menu shown next to the message box (setMyCommands), in display order.
# Descriptions: 3–256 characters.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Bắt đầu, mở menu chính"),
    ("menu", "Menu chính: các việc có thể làm"),
    ("baocao", "Báo cáo vụ việc hòa giải"),
    ("vuviec", "Vụ việc của tổ hòa giải"),
    ("hoso", "Hồ sơ của tôi"),
    ("hoidap", "Hỏi đáp pháp luật về hòa giải"),
    ("hoc", "Tự học: bài ngắn và câu hỏi ôn tập"),
    ("thi", "Hội thi hòa giải viên giỏi"),
    ("diemdanh", "Điểm danh lớp tập huấn bằng mã"),
    ("thongke", "Thống kê, báo cáo Excel (cán bộ, tổ trưởng)"),
    ("dangky", "Đăng ký tài khoản"),
    ("duyet", "Duyệt đăng ký (cán bộ)"),
    ("to", "Các tổ hòa giải của xã (cán bộ)"),
    ("lophoc", "Lớp tập huấn: tạo lớp, điểm danh (cán bộ)"),
    ("thongbao", "Gửi thông báo, mời tập huấn (cán bộ)"),
    ("moi", "Tạo mã mời (quản trị)"),
    ("lienket", "Liên kết tài khoản Telegram và Zalo"),
    ("huy", "Hủy việc đang làm dở"),
    ("trogiup", "Hướng dẫn sử dụng"),
)
