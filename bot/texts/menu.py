"""Menu labels and the sentences of the question-and-answer entry points."""

from __future__ import annotations

REGISTER = "📝 Đăng ký"
ASK = "❓ Hỏi đáp pháp luật"
STUDY = "📚 Tự học"
CHECKIN = "🎓 Điểm danh tập huấn"
COURSES = "🏫 Lớp tập huấn"
CONTEST = "🏆 Hội thi"
REPORT = "📋 Báo cáo vụ việc"
MY_CASES = "📂 Vụ việc của tổ"
PROFILE = "👤 Hồ sơ của tôi"
APPROVALS = "✅ Duyệt đăng ký"
TEAMS = "🏘️ Các tổ hòa giải"
STATS = "📊 Thống kê"
BROADCAST = "📣 Gửi thông báo"
INVITE = "🔑 Tạo mã mời"
HELP = "ℹ️ Hướng dẫn"

ASK_PROMPT = "Hãy gõ câu hỏi của bạn (có dấu hay không dấu đều được), ví dụ: «tổ hòa giải có mấy người»."
KB_UNAVAILABLE = (
    "Kho tri thức pháp luật chưa được nạp nên tôi chưa trả lời được. "
    "Vui lòng hỏi công chức Tư pháp – hộ tịch của UBND xã, phường."
)
FOLLOWUP = "Câu trả lời có giúp được bạn không? Hoặc gõ câu hỏi khác."
FULL_TEXT = "📖 Xem toàn văn"
HELPFUL = "👍 Hữu ích"
NOT_HELPFUL = "👎 Chưa đúng"
THANKS_HELPFUL = "Cảm ơn bạn! Gõ câu hỏi khác hoặc «menu» khi cần."
THANKS_NOT_HELPFUL = (
    "Cảm ơn bạn đã góp ý, câu hỏi đã được ghi lại để bổ sung kho tri thức. "
    "Bạn có thể hỏi công chức Tư pháp – hộ tịch của UBND xã, phường."
)
