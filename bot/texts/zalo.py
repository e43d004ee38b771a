"""Sentences of the Zalo channel (no buttons, no documents: numbered lists and links)."""

from __future__ import annotations

from bot.texts import broadcast as tb
from bot.texts import common as t

# Appended to a question that asks for the phone number: Zalo has no share-contact button.
# The question already gives an example; this only says how to answer.
TYPE_PHONE = "Hãy gõ số điện thoại của bạn vào ô tin nhắn rồi gửi."
# How to answer a numbered list.
ANSWER_HINT = "Trả lời bằng số thứ tự hoặc gõ tên mục."
# A spreadsheet or document, sent as a link because Zalo bots cannot send files.
FILE_LINK = "Tệp «{name}»: {url}\n(Đường dẫn dùng được trong {hours} giờ.)"
# The file could not be produced or published.
FILE_FAILED = "Xin lỗi, chưa tạo hoặc gửi được tệp đính kèm. Vui lòng thử lại sau ít phút."
ERROR = (
    "Xin lỗi, đã có lỗi khi xử lý tin nhắn của bạn. Dữ liệu bạn đã nhập vẫn được lưu an toàn. "
    "Vui lòng gửi lại sau ít phút, hoặc gõ «menu»."
)

# Shared sentences written for a channel with buttons and attachments, and what a Zalo user reads
# instead (the renderer substitutes them; Telegram keeps the originals). A Zalo bot receives
# photos only (see bot/channels/zalo/adapter.py), so documents go as a link at the next step.
PHRASES: dict[str, str] = {
    tb.FILE_KINDS: "Gửi ảnh kèm theo (trên Zalo chỉ gửi được ảnh; tài liệu thì kèm đường link ở bước sau)",
    tb.FILE_HOW: (
        "(trên Zalo: chọn biểu tượng ảnh cạnh ô soạn tin rồi chọn ảnh; tài liệu PDF, Word thì "
        "kèm đường link ở bước sau)"
    ),
    tb.RSVP_HINT: "Trả lời bằng cách gõ «sẽ tham dự», «không tham dự» hoặc «đã nhận».",
    t.STALE_BUTTON: "Lựa chọn này thuộc tin nhắn cũ. Hãy dùng các lựa chọn mới nhất bên dưới:",
    t.STALE_BUTTON_IDLE: "Lựa chọn này thuộc tin nhắn cũ. Gõ «menu» để bắt đầu lại.",
}
# A notification's action choice (go:<flow>…), told as the command that does the same.
ACTION_COMMANDS: dict[str, str] = {"approve": "/duyet", "cases": "/vuviec"}
TYPE_COMMAND = "👉 Gõ {command} để {what}."
