"""Sentences of the conversation engine: greetings, global commands, errors, re-prompts."""

from __future__ import annotations

WELCOME_NEW = (
    "Xin chào! Tôi là Trợ lý Hòa giải của Sở Tư pháp tỉnh Lạng Sơn.\n"
    "Tôi giúp hòa giải viên báo cáo vụ việc và tra cứu pháp luật về hòa giải ở cơ sở.\n"
    "Bạn chưa đăng ký. Chọn «Đăng ký» để bắt đầu, hoặc gõ câu hỏi bất kỳ, ví dụ: "
    "«hòa giải viên có được thù lao không»."
)
WELCOME_BACK = "Xin chào {name}! Bạn muốn làm gì?"
MENU_TITLE = "Bạn muốn làm gì? Chọn một mục bên dưới, hoặc gõ câu hỏi về hòa giải."
HELP = (
    "Cách dùng Trợ lý Hòa giải:\n"
    "• Gõ «menu» để xem các việc có thể làm.\n"
    "• Gõ câu hỏi bằng lời của bạn, có dấu hay không dấu đều được.\n"
    "• Khi đang trả lời từng bước: «quay lại» để sửa bước trước, «hủy» để dừng.\n"
    "• Có thể trả lời bằng số thứ tự của lựa chọn (1, 2, 3…).\n"
    "Cần giúp thêm: liên hệ công chức Tư pháp – hộ tịch của UBND xã, phường."
)
CANCELLED = "Đã hủy «{title}». Gõ «menu» để chọn việc khác."
CANCELLED_PLAIN = "Đã dừng. Gõ «menu» để chọn việc khác."
NOTHING_TO_CANCEL = "Không có việc gì đang làm dở. Gõ «menu» để chọn việc."
STOPPED_FOR_MENU = "Đã dừng «{title}»."
STOPPED_KEPT = "Đã dừng «{title}». Bản nháp được giữ {hours} giờ: vào «menu» để khôi phục."
CANCEL_CONFIRM = (
    "Bạn đã trả lời {n} câu của «{title}». Hủy thật không? Chọn «Tiếp tục» để làm tiếp từ câu đang hỏi."
)
CANCELLED_KEPT = (
    "Đã hủy «{title}». Bản nháp được giữ {hours} giờ: gõ «menu» và chọn «♻️ Khôi phục» nếu muốn làm tiếp."
)
RESTORE_DRAFT = "♻️ Khôi phục «{title}» (hủy lúc {time})"
RESTORED = "Đã khôi phục «{title}». Làm tiếp từ câu đang dở:"
DRAFT_GONE = "Bản nháp này không còn (quá {hours} giờ hoặc đã khôi phục)."
NO_PREVIOUS_STEP = "Đây là bước đầu tiên, không thể quay lại."
RESUME_FLOW = "▶️ Tiếp tục «{title}»"
RESUME_QUESTION = "Bạn đang làm dở «{title}». Tiếp tục hay hủy?"
RESUME_CONTINUE = "▶️ Tiếp tục"
RESUME_CANCEL = "✖️ Hủy"
RESUME_REPEAT = "Vui lòng chọn «Tiếp tục» hoặc «Hủy»."
NOT_A_CHOICE = "Tôi chưa hiểu câu trả lời «{answer}». Hãy chọn một mục (gõ số thứ tự hoặc tên mục):"
NOT_A_CHOICE_EMPTY = "Hãy chọn một mục (gõ số thứ tự hoặc tên mục):"
EMPTY_ANSWER = "Bạn chưa nhập gì. Hãy trả lời câu hỏi bên dưới:"
TOO_LONG = "Tin nhắn quá dài ({length} ký tự). Vui lòng gửi ngắn gọn, không quá {limit} ký tự."
UNSUPPORTED = "Tôi chỉ đọc được tin nhắn chữ. Vui lòng gõ câu trả lời, không gửi ảnh, nhãn dán hay ghi âm."
# A file held by another channel (say, sent on Telegram) reaching a chat that cannot show it.
FILE_NOT_HERE = (
    "📎 Kèm theo tin này có tệp «{name}», nhưng tệp không gửi được qua kênh này. "
    "Hãy liên hệ người gửi (cán bộ tư pháp) để nhận tệp."
)
CONTACT_NOT_EXPECTED = "Bước này không cần số điện thoại. Hãy trả lời câu hỏi bên dưới:"
STALE_BUTTON = "Nút này thuộc tin nhắn cũ. Hãy dùng các lựa chọn mới nhất bên dưới:"
STALE_BUTTON_IDLE = "Nút này thuộc tin nhắn cũ. Gõ «menu» để bắt đầu lại."
INTERNAL_ERROR = (
    "Xin lỗi, hệ thống vừa gặp lỗi. Những gì bạn đã nhập trước đó vẫn được lưu an toàn. "
    "Vui lòng gửi lại tin nhắn, hoặc gõ «menu»."
)
NOT_ALLOWED = "Chức năng này không dành cho tài khoản của bạn."
NOT_ALLOWED_NOW = (
    "Việc này hiện không thuộc phạm vi của tài khoản bạn (có thể vai trò, tổ hoặc xã của bạn vừa "
    "thay đổi). Liên hệ công chức Tư pháp xã nếu cần."
)
FLOW_ENDED = "Đã dừng «{title}». Gõ «menu» để chọn việc khác."
NEED_REGISTRATION = "Bạn cần đăng ký trước. Gõ «menu» và chọn «Đăng ký»."
NEED_APPROVAL = (
    "Tài khoản của bạn đang chờ công chức Tư pháp xã duyệt. Trong lúc chờ, bạn vẫn có thể "
    "gõ câu hỏi để tra cứu pháp luật."
)
ACCOUNT_REJECTED = (
    "Đăng ký của bạn chưa được duyệt. Bạn vẫn có thể gõ câu hỏi để tra cứu pháp luật; "
    "liên hệ công chức Tư pháp xã để biết thêm."
)
ACCOUNT_LEFT = (
    "Bạn đã thôi làm hòa giải viên nên không báo cáo vụ việc được nữa. Bạn vẫn có thể gõ câu hỏi "
    "để tra cứu pháp luật."
)
UNKNOWN_COMMAND = "Tôi không biết lệnh «{command}». Gõ «menu» để xem các việc có thể làm."
USE_CUT = "✂️ Dùng bản đã cắt"
TOO_LONG_KEPT = (
    "{what} dài {length} ký tự, quá giới hạn {limit}. Tôi vẫn giữ bản bạn gửi, không cần gõ lại:\n"
    "• chọn «✂️ Dùng bản đã cắt» để lấy {kept} ký tự đầu, dừng ở «…{end}» "
    "(bỏ phần sau: «{dropped}»);\n"
    "• hoặc gõ bản ngắn hơn."
)
YES = "Có"
NO = "Không"
CONFIRM = "✅ Xác nhận"
EDIT = "✏️ Sửa"
SAVED = "Đã lưu."
DONE = "Xong. Gõ «menu» khi cần làm việc khác."
