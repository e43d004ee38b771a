"""Sentences of the Zalo channel (no buttons, no documents: numbered lists and links)."""

from __future__ import annotations

# Appended to a question that asks for the phone number: Zalo has no share-contact button.
TYPE_PHONE = "Hãy gõ số điện thoại của bạn (ví dụ 0912 345 678)."
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
