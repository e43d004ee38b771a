"""Vietnamese texts of the personal-data features (notice, consent, /hoso data view, audit)."""

from __future__ import annotations

CONSENT_ACCEPT = "Đồng ý"
CONSENT_REFUSE = "Không đồng ý"
SKIP = "Không muốn trả lời"
READ_NOTICE = "🔒 Đọc thông báo dữ liệu cá nhân mới"
NOTICE_AT_REGISTRATION = "Thông báo về dữ liệu cá nhân được hiển thị khi bạn đăng ký (gõ /dangky)."
NOTICE_THANKS = "Cảm ơn bạn đã đọc và đồng ý với thông báo mới."
NOTICE_REFUSED_REGISTERED = (
    "Đã ghi nhận bạn chưa đồng ý. Nếu muốn rời và xóa thông tin liên lạc, vào /hoso; "
    "muốn hỏi thêm, xin liên hệ công chức tư pháp xã."
)
NOTICE_LATER = "Để sau"
NOTICE_LATER_DONE = "Được. Bạn có thể đọc thông báo bất cứ lúc nào: gõ menu rồi chọn «🔒 Đọc thông báo»."
NOTICE_BEFORE_FLOW = (
    "🔒 Trước khi tiếp tục, xin đọc thông báo về dữ liệu cá nhân (bản mới, hoặc bạn chưa được đọc). "
    "Đang bận thì chọn «Để sau»: việc của bạn vẫn tiếp tục ngay."
)
NOTICE_CHANGED = "🔒 Thông báo về dữ liệu cá nhân đã được cập nhật: xin chọn «Đọc thông báo» bên dưới."
REFUSED = (
    "Bạn chưa đồng ý nên trợ lý không lưu thông tin cá nhân của bạn. "
    "Bạn vẫn có thể hỏi về pháp luật hòa giải; muốn đăng ký sau, gõ /dangky."
)
ETHNICITY_PURPOSE = (
    "Dân tộc chỉ dùng để kiểm tra tổ hòa giải có người dân tộc thiểu số (Điều 12 Luật Hòa giải ở cơ sở) "
    "và điền mẫu báo cáo chính thức. Bạn có thể bỏ qua câu này."
)
ASSISTANT_DISCLAIMER = (
    "Đây là trợ lý tự động: câu trả lời là thông tin từ văn bản pháp luật được trích, không phải quyết định. "
    "Cần quyết định, xin hỏi công chức tư pháp xã."
)
PSEUDONYM = "{role}, tổ {team} (đã rời)"
PSEUDONYM_NO_TEAM = "{role} (đã rời)"
MY_DATA_BUTTON = "📋 Dữ liệu trợ lý lưu về tôi"
MY_DATA_NONE = "Trợ lý không lưu thông tin cá nhân nào về bạn."
MY_DATA_HEADER = "Thông tin trợ lý đang lưu về bạn:"
MY_DATA_PROFILE = "Hồ sơ: {name}; điện thoại {phone}; giới tính {sex}; dân tộc thiểu số: {ethnic}; vai trò {role}; trạng thái {status}."
MY_DATA_IDENTITY = "Tài khoản trò chuyện: {channel} (từ {since})."
MY_DATA_CONSENT = "Đồng ý thông báo phiên bản {version}: {answer} lúc {at}."
MY_DATA_CASES = "Vụ việc bạn đã ghi: {count} ({codes})."
MY_DATA_NO_CASES = "Vụ việc bạn đã ghi: chưa có."
MY_DATA_PLACE = "Nơi hoạt động: {commune}, tổ {team}; công nhận hòa giải viên ngày {recognised}."
MY_DATA_TRAINING = (
    "Tập huấn và tự học: {sessions} buổi tập huấn đã điểm danh; {lessons} bài tự học đã xong, "
    "{answers} câu trả lời; nhận câu hỏi hằng tuần: {weekly}; đã dự {rounds} vòng hội thi."
)
EDIT_ETHNIC = "✏️ Sửa thông tin dân tộc"
ETHNIC_SAVED = "Đã lưu thông tin dân tộc."
LEAVE_ASSISTANT = "🚪 Rời trợ lý, xóa thông tin liên lạc"
LEAVE_ERASES = (
    "Số điện thoại, giới tính, dân tộc và liên kết tài khoản trò chuyện sẽ bị xóa; họ tên được thay bằng "
    "vai trò và tổ; các vụ việc bạn ghi vẫn được giữ trong sổ theo dõi."
)
LEAVE_CONFIRM_SELF = "Rời Trợ lý Hòa giải? Tài khoản của bạn sẽ ngừng hoạt động. " + LEAVE_ERASES
LEFT_DONE_OFFICER = (
    "Bạn đã rời Trợ lý Hòa giải. Số điện thoại và tài khoản trò chuyện đã được xóa khỏi hồ sơ; "
    "những gì bạn đã ghi vẫn được giữ, chỉ ghi vai trò."
)
UNKNOWN = "chưa rõ"
YES = "có"
NO = "không"
SEX_LABELS = {"male": "nam", "female": "nữ"}
LEFT_DONE = (
    "Bạn đã rời khỏi danh sách hòa giải viên. Số điện thoại và tài khoản trò chuyện đã được xóa khỏi hồ sơ; "
    "các vụ việc bạn ghi vẫn được giữ trong sổ theo dõi, chỉ ghi vai trò và tổ."
)
AUDIT_TITLE = "🔎 Nhật ký truy cập dữ liệu"
AUDIT_HEADER = "Nhật ký truy cập dữ liệu cá nhân ({count} lượt gần nhất):"
AUDIT_LINE = "{at} — {actor}: {action}, phạm vi {scope}"
AUDIT_EMPTY = "Chưa có lượt truy cập nào được ghi."
AUDIT_CONSOLE = "máy chủ (dòng lệnh)"
AUDIT_ACTIONS = {
    "export_xlsx": "xuất tệp Excel",
    "team_members": "xem danh sách tổ",
    "approval_card": "xem thẻ duyệt đăng ký",
    "profile_view": "xem hồ sơ",
    "audit_view": "tra nhật ký truy cập của một người",
    "training_list": "xuất danh sách điểm danh, kết quả hội thi",
}
AUDIT_HEADER_COMMUNE = (
    "Nhật ký truy cập dữ liệu liên quan đến người trong xã của bạn ({count} lượt gần nhất):"
)
AUDIT_BY_PERSON = "🔎 Tra theo một người"
AUDIT_ASK_PERSON = (
    "Gõ họ tên (hoặc một phần họ tên) hay số điện thoại của người muốn biết ai đã xem dữ liệu của họ:"
)
AUDIT_NO_MATCH = (
    "Không tìm thấy ai khớp với «{text}» trong phạm vi của bạn. Gõ lại họ tên hoặc số điện thoại:"
)
AUDIT_PICK_PERSON = "Chọn người cần tra:"
AUDIT_PERSON_HEADER = "Ai đã xem hoặc xuất dữ liệu của {name} ({count} lượt gần nhất):"
AUDIT_PERSON_EMPTY = "Chưa có ai xem hoặc xuất dữ liệu của {name}."
MY_DATA_WHO_SAW = (
    "Muốn biết ai đã xem hoặc xuất dữ liệu của bạn: hỏi công chức tư pháp xã, họ tra được trong /nhatky."
)
SCOPE_PROVINCE = "toàn tỉnh"
SCOPE_PILOT = "các xã điểm"
SCOPE_COMMUNE = "{name}"
SCOPE_TEAM = "tổ {name}"
SCOPE_PERSON = "hồ sơ {name}"
SCOPE_COURSE = "lớp «{name}»"
SCOPE_CONTEST = "vòng thi «{name}»"
# A scope whose record is gone (or an unknown kind): never the stored code word.
SCOPE_NUMBER = "số {ident}"
SCOPE_OTHER = "phạm vi khác"
