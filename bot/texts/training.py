"""Sentences of training courses, attendance, self-study (/hoc) and contests (/thi)."""

from __future__ import annotations

# -- courses and invitations -------------------------------------------------------------------------
INVITATION = (
    "🎓 Mời tham dự lớp «{title}»\n"
    "Thời gian: {dates}\nĐịa điểm: {place}\nNội dung: {topics}\nGiảng viên: {trainers}\n"
    "Tại lớp, gõ /diemdanh rồi nhập mã do ban tổ chức đọc để điểm danh."
)
NO_TRAINERS = "(sẽ thông báo sau)"
COURSE_CREATED = "✅ Đã lưu lớp «{title}» và gửi thư mời đến {people} người (mã lớp: #{id})."
UNKNOWN_TOPIC = "Chủ đề «{topic}» không có trong danh sách chuyên đề. Hãy chọn trong danh sách."
NOT_A_TRAINER = "{name} chưa được ghi nhận là giảng viên, báo cáo viên; không thể xếp làm giảng viên."
BAD_DATES = "Ngày kết thúc phải từ ngày bắt đầu trở đi."
TITLE_LENGTH = "Tên lớp cần từ 5 đến 150 ký tự."
PLACE_LENGTH = "Địa điểm cần từ 3 đến 150 ký tự."
NO_COURSE = "Không tìm thấy lớp này trong phạm vi bạn quản lý."

# -- sessions and attendance ---------------------------------------------------------------------
SESSION_OPENED = (
    "🟢 Đã mở điểm danh buổi {day} của lớp «{title}».\nMã điểm danh: {code}\n"
    "Mã có hiệu lực đến {until}. Đọc mã cho học viên; mỗi người gõ /diemdanh rồi nhập mã."
)
ASK_CODE = "Nhập mã điểm danh (6 chữ số) do ban tổ chức lớp đọc:"
CODE_UNKNOWN = "Mã «{code}» không đúng. Hãy kiểm tra lại mã ban tổ chức đọc (6 chữ số) rồi nhập lại."
CODE_EXPIRED = "Mã «{code}» đã hết hạn (buổi học đã kết thúc điểm danh). Nếu bạn có mặt, hãy nhờ ban tổ chức ghi bổ sung."
CODE_NOT_YET = "Mã «{code}» chưa đến giờ sử dụng. Hãy nhập lại khi buổi học bắt đầu."
ALREADY_CHECKED_IN = "Bạn đã được điểm danh buổi này rồi ({when}); không cần nhập lại."
NOT_INVITED = "Lớp «{title}» chỉ dành cho người được mời, và bạn không có trong danh sách. Nếu có nhầm lẫn, hãy báo ban tổ chức."
CHECKED_IN = "✅ Đã điểm danh: lớp «{title}», buổi {day}. Cảm ơn bạn đã tham dự!"
ATTENDANCE_NOTICE = "✅ Bạn đã được ghi nhận có mặt tại lớp «{title}», buổi {day}."
TICKED = "Đã ghi có mặt {new} người ({already} người đã có tên từ trước)."
REASON_NEEDED = "Ghi bổ sung sau buổi học cần có lý do (ít nhất 5 ký tự), ví dụ «quên điểm danh, có ký sổ»."
CORRECTION_TOO_EARLY = "Buổi học vẫn đang điểm danh; hãy đánh dấu tên trực tiếp, không cần lý do."
CORRECTED = "Đã ghi bổ sung {name} cho buổi {day}, lý do: {reason}."
SUMMARY = (
    "📋 Lớp «{title}» ({dates}, {place})\n"
    "Được mời: {invited} • Có mặt ít nhất một buổi: {present} ({share})\n"
    "Theo buổi: {sessions}"
)
SUMMARY_SESSION = "{day}: {count}"
NO_SESSIONS = "chưa mở buổi nào"
SHEET_TITLE = "DANH SÁCH ĐIỂM DANH"
SHEET_HEADERS = ("STT", "Họ và tên", "Tổ hòa giải", "Buổi", "Cách ghi nhận", "Ghi chú", "Ký tên")
METHOD_LABELS = {"code": "Tự điểm danh bằng mã", "tick": "Ban tổ chức đánh dấu", "correction": "Ghi bổ sung"}

# -- history in /hoso ------------------------------------------------------------------------------
HISTORY_HEAD = "🎓 Đã tham dự tập huấn:"
HISTORY_LINE = "• {day}: {title} ({place})"
HISTORY_NONE = "🎓 Chưa có buổi tập huấn nào được ghi nhận."
HISTORY_IMPORTED = "🎓 Đã được bồi dưỡng ngày {day} (theo danh sách nhập trước đây)."

# -- self-study ------------------------------------------------------------------------------------
STUDY_TITLE = "Tự học"
STUDY_HOME = "📚 Tự học: đã xong {done}/{total} bài. Chọn việc muốn làm:"
STUDY_NEXT = "▶️ Học bài tiếp: {title}"
STUDY_PICK = "📖 Chọn bài khác"
WEEKLY_ON = "🔔 Bật câu hỏi hằng tuần"
WEEKLY_OFF = "🔕 Tắt câu hỏi hằng tuần"
WEEKLY_SET_ON = "Đã bật: mỗi tuần bạn sẽ nhận một câu hỏi ôn tập."
WEEKLY_SET_OFF = "Đã tắt câu hỏi hằng tuần."
STUDY_DONE = "✔️ Xong"
STUDY_BACK = "↩️ Về trang tự học"
STUDY_ALL_DONE = "🎉 Bạn đã học hết các bài hiện có. Có thể chọn bài để ôn lại."
STUDY_EMPTY = "Hiện chưa có bài học nào. Vui lòng quay lại sau."
PICK_LESSON = "Chọn bài:"
LESSON = "📖 {title}\n\n{text}\n\n📌 Căn cứ: {refs}"
LESSON_QUIZ = "▶️ Làm {count} câu hỏi"
LESSON_NO_QUIZ = "Bài này chưa có câu hỏi. Đã ghi nhận bạn đọc xong."
QUESTION = "❓ Câu {n}/{total}: {stem}"
OPTION_HINT = "Trả lời bằng số, chữ cái (A, B, C…) hoặc gõ đáp án."
NOT_AN_OPTION = "Chưa rõ bạn chọn đáp án nào. " + OPTION_HINT
RIGHT = "✅ Đúng! {explain}\n📌 Căn cứ: {ref}"
WRONG = "❌ Chưa đúng. Đáp án đúng là {letter}. {option}\n{explain}\n📌 Căn cứ: {ref}"
QUIZ_DONE = "🏁 Xong bài «{title}»: đúng {correct}/{total} câu."
WEEKLY_QUESTION = "📅 Câu hỏi ôn tập tuần này:\n{stem}\n\n" + OPTION_HINT + "\n(Tắt câu hỏi hằng tuần: gõ /hoc.)"
WEEKLY_ANSWER = "📅 Trả lời câu hỏi tuần này"
WEEKLY_NEXT = "Tuần sau sẽ có câu hỏi mới. Gõ /hoc để học thêm bài."
WEEKLY_STALE = "Câu hỏi này đã qua hoặc bạn đã trả lời rồi. Gõ /hoc để học tiếp."
SELF_STUDY_NOTE = "(Tự học được ghi nhận riêng, không thay cho việc tham dự lớp tập huấn.)"
MEDIATORS_ONLY = "Phần tự học dành cho hòa giải viên đã đăng ký."

# -- contests ----------------------------------------------------------------------------------------
CONTEST_ANNOUNCE = "🏆 Hội thi «{title}»: {count} câu hỏi, làm bài từ {start} đến {end}.\nGõ /thi để bắt đầu."
CONTEST_NONE = "Hiện không có vòng thi nào đang mở cho bạn."
CONTEST_NOT_OPEN = "Vòng thi «{title}» chưa bắt đầu; mở lúc {start}."
CONTEST_CLOSED = "Vòng thi «{title}» đã hết giờ lúc {end}; câu trả lời này không được tính."
CONTEST_NOT_IN_AUDIENCE = "Vòng thi này không dành cho bạn."
CONTEST_ANSWERED = "Bạn đã trả lời câu này rồi; mỗi câu chỉ tính lần trả lời đầu tiên."
CONTEST_SAVED = "Đã ghi nhận câu trả lời."
CONTEST_FINISHED = "🏁 Bạn đã trả lời hết {total} câu. Kết quả sẽ có khi vòng thi kết thúc lúc {end}."
CONTEST_RANKING_HEAD = "🏆 Kết quả «{title}»:"
CONTEST_YOUR_PLACE = "Bạn xếp thứ {rank}/{count}, đúng {correct}/{total} câu. Cảm ơn bạn đã tham gia!"
CONTEST_RANKING_LINE = "{rank}. {name} — {correct}/{total} câu đúng"
CONTEST_TOO_FEW = "Vòng thi cần ít nhất {minimum} câu hỏi có trong ngân hàng câu hỏi."
CONTEST_WINDOW = "Thời gian làm bài phải từ 5 đến 240 phút."
RESULTS_HEADERS = ("Hạng", "Họ và tên", "Tổ hòa giải", "Số câu đúng", "Số câu đã trả lời", "Nộp bài lúc")

# -- indicators --------------------------------------------------------------------------------------
INDICATORS = (
    "🎓 Bồi dưỡng: {trained}/{mediators} hòa giải viên đã được tập huấn ({share}); "
    "trong đó {attendance} theo điểm danh, {imported} theo danh sách nhập.\n"
    "📚 Tự học (ghi riêng, không tính là tập huấn): {self_study} người đã học xong ít nhất một bài.\n"
    "👩‍🏫 Giảng viên: {trainers} ({per_hundred} trên 100 tổ), {trainers_trained} đã được tập huấn."
)

# -- the /lophoc conversation ----------------------------------------------------------------------
COURSES_TITLE = "Lớp tập huấn"
COURSES_HOME = "🎓 Lớp tập huấn. Chọn lớp hoặc tạo lớp mới:"
COURSE_NEW = "➕ Tạo lớp mới"
COURSE_LINE = "{title} ({dates})"
ASK_TITLE = "Tên lớp tập huấn là gì?"
ASK_PLACE = "Địa điểm tổ chức ở đâu?"
ASK_START = "Ngày bắt đầu? (gõ ngày/tháng/năm, ví dụ 20/03/2026)"
ASK_END = "Ngày kết thúc? (gõ ngày/tháng/năm; gõ «như trên» nếu học một ngày)"
BAD_DATE = "Chưa đọc được ngày. Hãy gõ ngày/tháng/năm, ví dụ 20/03/2026."
SAME_DAY_WORDS = frozenset({"nhu tren", "mot ngay", "1 ngay"})
ASK_TOPICS = "Chọn chủ đề (gõ các số, cách nhau bởi dấu phẩy, ví dụ 1, 2):\n{options}"
NO_TOPICS = "Chưa có danh sách chuyên đề (knowledge/training/modules.toml); hãy báo quản trị viên."
ASK_TRAINERS = "Chọn giảng viên (gõ các số, cách nhau bởi dấu phẩy) hoặc gõ «chưa có»:\n{options}"
NO_TRAINERS_LISTED = "(chưa có ai được ghi nhận là giảng viên, báo cáo viên)"
NO_TRAINER_WORDS = frozenset({"chua co", "khong", "khong co", "0"})
ASK_AUDIENCE = "Mời ai tham dự?"
AUDIENCE_MEDIATORS = "Tất cả hòa giải viên"
AUDIENCE_UNTRAINED = "Hòa giải viên chưa được bồi dưỡng"
AUDIENCE_LEADERS = "Tổ trưởng tổ hòa giải"
ASK_OPEN = "Người không có trong danh sách mời có được tự điểm danh không?"
YES = "Có"
NO = "Không"
CONFIRM_COURSE = "Kiểm tra lại:\n{invitation}\n\nGửi thư mời và lưu lớp?"
SEND = "✅ Lưu và gửi thư mời"
COURSE_MENU = "🎓 {title} ({dates}, {place}). Bạn muốn làm gì?"
OPEN_SESSION = "🟢 Mở điểm danh buổi hôm nay"
TICK = "☑️ Đánh dấu người có mặt"
FIX = "✏️ Ghi bổ sung (sau buổi học)"
LIST = "📋 Danh sách điểm danh (Excel)"
NO_OPEN_SESSION = "Chưa có buổi nào đang điểm danh; hãy mở điểm danh trước."
NO_CLOSED_SESSION = "Chưa có buổi nào đã kết thúc để ghi bổ sung."
ASK_TICK = "Gõ số thứ tự những người có mặt (cách nhau bởi dấu phẩy), hoặc «tất cả»:\n{options}"
BAD_NUMBERS = "Hãy gõ các số trong danh sách, cách nhau bởi dấu phẩy, ví dụ 1, 4, 7."
ASK_FIX_WHO = "Ghi bổ sung cho buổi {day}. Gõ số thứ tự người cần ghi:\n{options}"
ASK_FIX_WHY = "Lý do ghi bổ sung?"
ALREADY_PRESENT = "{name} đã có tên trong buổi này."
LIST_CAPTION = "Danh sách điểm danh lớp «{title}»"

# -- the /thi conversation -----------------------------------------------------------------------------
CONTEST_TITLE = "Hội thi"
CONTEST_HOME = "🏆 Hội thi. Bạn muốn làm gì?"
CONTEST_NEW = "➕ Mở vòng thi mới"
CONTEST_RESULTS = "📊 Kết quả: {title}"
ASK_CONTEST_TITLE = "Tên vòng thi là gì? (ví dụ «Hội thi hòa giải viên giỏi xã, vòng 1»)"
ASK_CONTEST_COUNT = "Bao nhiêu câu hỏi? (gõ một số từ {low} đến {high})"
BAD_CONTEST_COUNT = "Hãy gõ một số từ {low} đến {high}."
ASK_CONTEST_AUDIENCE = "Vòng thi dành cho ai (trong phạm vi bạn quản lý)?"
ASK_CONTEST_MINUTES = "Thời gian làm bài bao nhiêu phút, tính từ bây giờ? (từ 5 đến 240)"
CONTEST_STARTED = "✅ Đã mở vòng thi «{title}» ({count} câu, đến {end}) và gửi thông báo cho hòa giải viên."
CONTEST_QUESTION = "🏆 {title} — câu {n}/{total}: {stem}"
