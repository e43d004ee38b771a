"""Sentences of announcements (/thongbao), training invitations (RSVP) and the opt-out words."""

from __future__ import annotations

from bot.domain.broadcasts import Group, RsvpAnswer

TITLE = "Gửi thông báo"

# -- what recipients see -----------------------------------------------------------------------
HEADER_PROVINCE = "📢 THÔNG BÁO CỦA SỞ TƯ PHÁP TỈNH LẠNG SƠN"
HEADER_COMMUNE = "📢 THÔNG BÁO CỦA UBND {commune}"
LINK_LINE = "📎 Tài liệu: {link}"
# For recipients on another channel than the one the file was sent on (they cannot receive it).
FILE_ELSEWHERE = (
    "📎 Thông báo này có kèm tệp «{name}», đã gửi qua {channel}. "
    "Nếu bạn không dùng {channel}, hãy liên hệ cán bộ tư pháp xã để nhận tệp."
)
CHANNEL_NAMES: dict[str, str] = {"telegram": "Telegram", "zalo": "Zalo", "console": "kênh dòng lệnh"}
RSVP_HINT = "Chọn một mục bên dưới, hoặc gõ «sẽ tham dự», «không tham dự» hay «đã nhận»."
OPT_OUT_HINT = "(Không muốn nhận thông báo chung? Gõ «tắt thông báo».)"
RSVP_LABELS: dict[RsvpAnswer, str] = {
    RsvpAnswer.YES: "✅ Sẽ tham dự",
    RsvpAnswer.NO: "❌ Không tham dự",
    RsvpAnswer.ACK: "📩 Đã nhận",
}

# -- the /thongbao home ----------------------------------------------------------------------------
HOME = "📣 Thông báo. Bạn muốn làm gì?"
HOME_RUNNING = "Đang gửi hoặc chờ đến giờ gửi:"
RUNNING_LINE = "• #{id} «{preview}» — {progress}"
NEW = "✉️ Soạn thông báo mới"
CANCEL_ONE = "⛔ Hủy #{id} «{preview}»"
HISTORY = "📜 Lịch sử thông báo"
NO_HISTORY = "Chưa có thông báo nào."
HISTORY_TITLE = "📜 Các thông báo gần đây:"
HISTORY_ITEM = "#{id} · {at} · «{preview}»\nNgười nhận: {audience}\n{progress}"
HISTORY_SCHEDULED = "Hẹn gửi lúc {at}."
HISTORY_FILE = "Kèm tệp «{name}»."
HISTORY_CANCELLED = "Đã hủy lúc {at}."
HISTORY_UNREACHABLE = "{n} người chưa kết nối với Trợ lý nên không nhận được."
HISTORY_RSVP = "Trả lời mời tập huấn: {yes} sẽ tham dự, {no} không tham dự, {ack} đã nhận."
RSVP_NAMES = "{label} ({n}): {names}"
RSVP_MORE = " và {n} người khác"
HISTORY_NEXT = "Bạn muốn làm gì tiếp?"
HISTORY_BACK = "↩️ Quay lại"
HISTORY_DONE = "✔️ Xong"
ASK_CANCEL = "Hủy thông báo #{id} «{preview}»? {progress}\nTin đã gửi thì không thu hồi được."
CANCEL_DONE = (
    "Đã hủy thông báo #{id}: {n} tin chưa gửi sẽ không được gửi. Những tin đã gửi thì không thu hồi được."
)
CANCEL_NOTHING = "Thông báo #{id} không còn tin nào chờ gửi để hủy."
CANCEL_KEPT = "Thông báo #{id} vẫn tiếp tục được gửi."
NOT_YOURS = "Bạn không thể hủy thông báo này."

# -- composing ---------------------------------------------------------------------------------------
ASK_TEXT = (
    "Gõ nội dung thông báo (tối đa {limit} ký tự, để đọc được cả trên Zalo). "
    "Có thể xuống dòng. Người nhận sẽ thấy tiêu đề «{header}» ở đầu tin."
)
TEXT_TOO_SHORT = "Nội dung quá ngắn. Hãy gõ ít nhất 10 ký tự."
TEXT_WHAT = "Thông báo (tính cả tiêu đề, đường link và ghi chú về tệp kèm)"
TEXT_TOO_LONG = "Thông báo dài {length} ký tự, quá giới hạn {limit} ký tự (tính cả tiêu đề, đường link và ghi chú về tệp kèm). Hãy rút gọn."
# What can be attached, and how: Telegram wording; the Zalo renderer substitutes its own
# (bot/texts/zalo.py PHRASES), since a Zalo bot receives photos only and has no 📎 button.
FILE_KINDS = "Gửi ảnh hoặc tài liệu kèm theo (PDF, Word, ảnh)"
FILE_HOW = "(trên Telegram: bấm biểu tượng 📎 cạnh ô soạn tin rồi chọn ảnh hoặc tài liệu)"
ASK_FILE = FILE_KINDS + ", hoặc chọn «Không kèm tệp». Tệp tối đa {limit} MB."
NO_FILE = "Không kèm tệp"
FILE_EXPECTED = "Ở bước này hãy gửi một tệp " + FILE_HOW + ", hoặc chọn «Không kèm tệp»."
FILE_TOO_BIG = "Tệp «{name}» nặng {size} MB, quá giới hạn {limit} MB. Hãy gửi tệp nhỏ hơn, hoặc chọn «Không kèm tệp» rồi gửi đường link ở bước sau."
ASK_LINK = (
    "Kèm đường link tài liệu? Người nhận trên mọi kênh đều mở được link (ví dụ Google Drive, "
    "trang thông tin của xã). Gõ đường link bắt đầu bằng https://, hoặc chọn «Không kèm đường link»."
)
NO_LINK = "Không kèm đường link"
LINK_BAD = "Đường link cần bắt đầu bằng http:// hoặc https:// và không có dấu cách, ví dụ https://stp.langson.gov.vn/tai-lieu."

ASK_AUDIENCE = "Chọn người nhận (chọn một nhóm để đánh dấu hoặc bỏ đánh dấu, có thể chọn nhiều nhóm), rồi chọn «Tiếp tục»."
AUDIENCE_NOW = "Đã chọn: {groups}\nPhạm vi: {places}"
AUDIENCE_COUNT = "Hiện có {people} người nhận ({unreachable} người chưa kết nối Trợ lý)."
AUDIENCE_NONE = "chưa chọn nhóm nào"
GROUP_LABELS: dict[Group, str] = {
    Group.MEDIATORS: "Tất cả hòa giải viên",
    Group.TEAM_LEADERS: "Tổ trưởng tổ hòa giải",
    Group.UNTRAINED: "Hòa giải viên chưa được bồi dưỡng",
    Group.TRAINERS: "Giảng viên, báo cáo viên",
    Group.LEGAL_SUPPORTERS: "Người hỗ trợ pháp lý",
    Group.OFFICERS: "Công chức, cán bộ tư pháp",
}
CHECKED = "☑️ "
UNCHECKED = "⬜ "
ADD_COMMUNE = "📍 Thêm xã, phường"
CLEAR_COMMUNES = "✖️ Bỏ các xã đã chọn"
PILOT = "⭐ Các xã điểm (chỉ đạo)"
AUDIENCE_DONE = "➡️ Tiếp tục"
PLACES_PROVINCE = "toàn tỉnh"
PLACES_PILOT = "các xã điểm"
NEED_GROUP = "Hãy chọn ít nhất một nhóm người nhận."
ASK_COMMUNE = "Gõ một phần tên xã, phường cần gửi (có dấu hay không dấu đều được), ví dụ «that khe»."

ASK_TRAINING = "Đây có phải thư mời tập huấn, bồi dưỡng không? (Nếu có, mỗi tin kèm lựa chọn trả lời «Sẽ tham dự», «Không tham dự», «Đã nhận».)"
ASK_SCHEDULE = "Gửi khi nào? Chọn «Gửi ngay» hoặc gõ ngày giờ gửi, ví dụ «{example}» (giờ Việt Nam)."
SEND_NOW = "🚀 Gửi ngay"
SCHEDULE_BAD = "Tôi chưa hiểu thời gian «{text}». Hãy gõ theo mẫu «{example}», hoặc chọn «Gửi ngay»."
SCHEDULE_PAST = "Thời gian {at} đã qua. Hãy gõ một thời điểm trong tương lai, hoặc chọn «Gửi ngay»."
SCHEDULE_TOO_FAR = "Chỉ hẹn gửi được trong vòng {days} ngày tới."
ASK_URGENT = "Gửi khẩn? Tin khẩn được gửi cả trong giờ nghỉ ({start}–{end}); chỉ dùng khi thật cần."

# -- confirming --------------------------------------------------------------------------------------
PREVIEW = "Xem trước — người nhận sẽ thấy đúng như sau:"
RULE = "━━━━━━━━━━━━━━━━"
PREVIEW_BUTTONS = "(kèm các lựa chọn: {labels})"
# How an invitation's answers look on each channel the audience uses (one line each). No button
# words: an officer on Zalo reads this preview too.
PREVIEW_CHOICES: dict[str, str] = {
    "telegram": "Trên Telegram: kèm các lựa chọn {labels}.",
    "zalo": "Trên Zalo: không kèm lựa chọn; dòng hướng dẫn trả lời là: {typed}",
    "console": "Trên kênh dòng lệnh: kèm các lựa chọn đánh số {labels}.",
}
PREVIEW_FILE = "(kèm tệp «{name}»)"
PREVIEW_FILE_ELSEWHERE = "Người nhận không dùng {channel} sẽ thấy thêm dòng:\n{line}"
SUMMARY = (
    "Người nhận: {groups} — {places}\n"
    "Số người nhận: {people}; trong đó {unreachable} người chưa kết nối Trợ lý nên không nhận được.\n"
    "Số tin sẽ gửi: {messages}."
)
SUMMARY_OPTED_OUT = "{n} người đã tắt nhận thông báo chung nên sẽ không nhận."
SUMMARY_WHEN_NOW = "Thời gian: gửi ngay."
SUMMARY_WHEN = "Thời gian: hẹn gửi lúc {at}."
SUMMARY_URGENT = "⚡ Gửi khẩn: cả trong giờ nghỉ."
SUMMARY_QUIET = "🌙 Lúc đó là giờ nghỉ ({start}–{end}): tin sẽ được gửi từ {at}."
CONFIRM_SEND = "✅ Gửi"
EDIT_LABELS = {
    "text": "✏️ Sửa nội dung",
    "file": "📎 Sửa tệp kèm theo",
    "link": "🔗 Sửa đường link",
    "audience": "👥 Sửa người nhận",
    "training": "🎓 Sửa: thư mời tập huấn",
    "schedule": "🕒 Sửa thời gian gửi",
    "urgent": "⚡ Sửa: gửi khẩn",
}
NOBODY = "Không có ai nhận được thông báo này (không ai trong nhóm đã chọn kết nối với Trợ lý). Hãy chọn lại người nhận."
QUEUED = (
    "✅ Thông báo #{id} đang được gửi tới {reached} trong số {people} người nhận ({messages} tin nhắn).{missing} "
    "Bạn sẽ nhận báo cáo tiến độ khi gửi được mỗi 10% và khi xong. Gõ /thongbao để theo dõi hoặc hủy."
)
QUEUED_LATER = (
    "🕒 Thông báo #{id} sẽ được gửi lúc {at} tới {reached} trong số {people} người nhận ({messages} tin nhắn)."
    "{missing} Gõ /thongbao để hủy nếu cần."
)
QUEUED_MISSING = " {n} người chưa kết nối Trợ lý nên sẽ không nhận được."
NOT_ALLOWED_SCOPE = "Công chức xã chỉ gửi được thông báo tới người trong xã, phường của mình."

# -- progress (sent to the creator) --------------------------------------------------------------------
PROGRESS = "📣 Thông báo #{id} «{preview}»: {progress}"
PROGRESS_UNREACHABLE = "{n} người chưa kết nối Trợ lý nên không nhận được."
PROGRESS_RSVP = "Trả lời mời tập huấn đến nay: {yes} sẽ tham dự, {no} không tham dự, {ack} đã nhận."

# -- RSVP and opt-out answers ----------------------------------------------------------------------------
RSVP_SAVED: dict[RsvpAnswer, str] = {
    RsvpAnswer.YES: "Đã ghi nhận: bạn sẽ tham dự. Cảm ơn bạn!",
    RsvpAnswer.NO: "Đã ghi nhận: bạn không tham dự được. Cảm ơn bạn đã báo.",
    RsvpAnswer.ACK: "Đã ghi nhận: bạn đã nhận được thư mời.",
}
RSVP_KEPT = "Bạn đã trả lời «{answer}» trước đó; câu trả lời đó vẫn được giữ. Muốn đổi, hãy gõ «sẽ tham dự» hoặc «không tham dự»."
RSVP_STALE = "Thư mời này không còn hiệu lực hoặc không gửi cho bạn."
OPTED_OUT = (
    "Đã tắt thông báo chung: bạn sẽ không nhận các thông báo gửi cho nhiều người nữa. "
    "Bạn vẫn nhận nhắc việc về vụ việc của mình và kết quả duyệt đăng ký. Gõ «bật thông báo» để nhận lại."
)
OPTED_OUT_ALREADY = "Bạn đã tắt thông báo chung từ trước. Gõ «bật thông báo» để nhận lại."
OPTED_IN = "Đã bật lại thông báo chung. Cảm ơn bạn!"
OPTED_IN_ALREADY = "Bạn vẫn đang nhận thông báo chung."
OPT_NEEDS_REGISTRATION = "Bạn chưa đăng ký nên không nhận thông báo chung nào. Gõ «menu» để đăng ký."
