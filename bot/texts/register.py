"""Sentences of registration, approval, invites, profile and officers' team tools."""

from __future__ import annotations

from bot.domain.enums import PersonStatus, Role

ROLE_LABELS: dict[Role, str] = {
    Role.MEDIATOR: "Hòa giải viên",
    Role.TEAM_LEADER: "Tổ trưởng tổ hòa giải",
    Role.COMMUNE_OFFICER: "Công chức Tư pháp xã/phường",
    Role.PROVINCE_OFFICER: "Cán bộ Sở Tư pháp",
    Role.ADMIN: "Quản trị viên",
}
STATUS_LABELS: dict[PersonStatus, str] = {
    PersonStatus.PENDING: "đang chờ duyệt",
    PersonStatus.ACTIVE: "đã duyệt",
    PersonStatus.REJECTED: "bị từ chối",
    PersonStatus.LEFT: "đã thôi làm hòa giải viên",
}
SEX_LABELS = {"male": "Nam", "female": "Nữ"}
YES_NO = {True: "có", False: "không"}
TEAM_LABEL = "tổ hòa giải {name}"
TEAM_UNCONFIRMED = " (tổ mới, chờ xã xác nhận)"
PERSON_CARD = (
    "👤 {name}\n"
    "Vai trò: {role}\n"
    "Nơi hoạt động: {place}\n"
    "Giới tính: {sex} · Dân tộc thiểu số: {ethnic}\n"
    "Điện thoại: {phone}\n"
    "Trạng thái: {status}"
)

ALREADY_REGISTERED = "Bạn đã đăng ký rồi ({status}). Gõ «menu» để xem các việc có thể làm."
ASK_ROLE = "Đăng ký tài khoản (bước 1). Bạn là ai?"
ASK_COMMUNE = (
    "Bạn hoạt động ở xã/phường nào? Gõ một phần tên, có dấu hay không dấu đều được "
    "(ví dụ: «tan doan», «Khánh Khê»). Có thể gõ tên xã cũ trước khi sáp nhập."
)
ASK_INVITE_COMMUNE = (
    "Người được mời hoạt động ở xã/phường nào? Gõ một phần tên, có dấu hay không dấu đều được "
    "(ví dụ: «tan doan», «Khánh Khê»). Có thể gõ tên xã cũ trước khi sáp nhập."
)
COMMUNE_NOT_FOUND = "Không tìm thấy xã/phường nào giống «{query}». Hãy gõ lại tên, ví dụ «that khe»."
PICK_COMMUNE = "Chọn đúng xã/phường của bạn:"
VIA_OLD_UNIT = "{label} (gồm {old} cũ)"
SEARCH_AGAIN = "🔎 Tìm lại"
ASK_TEAM = (
    "Bạn thuộc tổ hòa giải của thôn/tổ dân phố nào ở {commune}? "
    "Chọn trong danh sách, hoặc gõ tên thôn nếu chưa có."
)
ASK_TEAM_EMPTY = "{commune} chưa có tổ hòa giải nào trong hệ thống. Gõ tên thôn/tổ dân phố của bạn:"
TEAM_NAME_BAD = "Tên thôn/tổ dân phố cần từ 2 đến 60 ký tự, có chữ cái. Gõ lại:"
ASK_NAME = "Họ và tên đầy đủ của bạn?"
NAME_BAD = "Họ tên cần từ 4 đến 80 ký tự, chỉ gồm chữ cái và dấu cách, không có số. Gõ lại họ tên:"
ASK_SEX = "Giới tính:"
MALE = "Nam"
FEMALE = "Nữ"
ASK_ETHNIC = "Dân tộc của bạn:"
ETHNIC_KINH = "Kinh"
ETHNIC_MINORITY = "Dân tộc thiểu số (Tày, Nùng, Dao…)"
ASK_PHONE = (
    "Số điện thoại di động của bạn? (ví dụ 0912 345 678)"
)
PHONE_BAD = "«{text}» không phải số di động Việt Nam (10 số, bắt đầu bằng 03, 05, 07, 08 hoặc 09). Gõ lại:"
PHONE_TAKEN_RETRY = "Số điện thoại này đã được người khác đăng ký. Hãy gõ số khác:"
PHONE_TAKEN = "Số điện thoại này đã được đăng ký. Nếu đó là số của bạn, hãy liên hệ công chức Tư pháp xã."
SUMMARY = "Kiểm tra lại thông tin đăng ký:\n\n{card}\n\nThông tin đúng chưa?"
SEND = "✅ Gửi đăng ký"
EDIT_NAME = "✏️ Sửa họ tên"
EDIT_PHONE = "✏️ Sửa số điện thoại"
EDIT_PLACE = "✏️ Sửa xã / tổ"
SUBMITTED = (
    "Đã lưu đăng ký của bạn (mã hồ sơ {id}). {approver} sẽ xem và duyệt; bạn sẽ nhận tin báo "
    "kết quả. Trong lúc chờ, bạn vẫn có thể gõ câu hỏi để tra cứu pháp luật."
)
SUBMITTED_NO_APPROVER = (
    "Đã lưu đăng ký của bạn (mã hồ sơ {id}). Hiện chưa có cán bộ nào trên hệ thống để duyệt: "
    "hãy báo công chức Tư pháp – hộ tịch của xã/phường để họ đăng ký và duyệt cho bạn. "
    "Trong lúc chờ, bạn vẫn có thể gõ câu hỏi để tra cứu pháp luật."
)
APPROVER_COMMUNE = "Công chức Tư pháp của {commune}"
APPROVER_PROVINCE = "Sở Tư pháp"

APPROVAL_REQUEST = "🔔 Có đăng ký mới cần duyệt:\n\n{card}"
OPEN_APPROVAL = "Xem và duyệt"
NO_PENDING = "Không có đăng ký nào đang chờ bạn duyệt."
PICK_PENDING = "Đăng ký đang chờ duyệt ({n}). Chọn một người:"
PENDING_ITEM = "{name} — {role}"
DECIDE = "{card}\n\nBạn duyệt đăng ký này?"
APPROVE = "✅ Duyệt"
REJECT = "❌ Từ chối"
ASK_REASON = "Lý do từ chối (người đăng ký sẽ đọc được):"
REASON_BAD = "Hãy ghi lý do từ 3 đến 300 ký tự."
APPROVED_DONE = "Đã duyệt {name}. Người này đã được báo tin."
REJECTED_DONE = "Đã từ chối đăng ký của {name}. Người này đã được báo lý do."
NOT_PENDING = "Đăng ký này không còn chờ duyệt (có thể đã được người khác xử lý)."
NOT_IN_SCOPE = "Bạn không có quyền xử lý việc này."
YOU_ARE_APPROVED = (
    "🎉 Đăng ký của bạn đã được duyệt. Gõ «menu» để bắt đầu: báo cáo vụ việc, xem vụ việc, hỏi đáp pháp luật."
)
YOU_ARE_REJECTED = (
    "Đăng ký của bạn chưa được duyệt. Lý do: {reason}. Liên hệ công chức Tư pháp xã để biết thêm."
)

INVITE_INVALID = (
    "Mã mời không đúng, đã dùng hoặc đã hết hạn. Hãy xin mã mới, hoặc gõ «menu» để đăng ký thường."
)
INVITE_NEEDS_COMMUNE = "Mã mời cho vai trò này cần ghi rõ xã/phường."
INVITE_UNKNOWN_COMMUNE = "Không có xã/phường nào mang mã «{code}»."
INVITE_WELCOME = "Mã mời hợp lệ: bạn sẽ được đăng ký với vai trò {role}{place}."
INVITE_DONE = "Đã tạo tài khoản {role} cho {name}. Gõ «menu» để bắt đầu."

PROFILE = "Hồ sơ của bạn:\n\n{card}\n\nBạn muốn làm gì?"
LEAVE_TEAM = "🚪 Thôi làm hòa giải viên"
DONE = "✔️ Xong"
LEAVE_CONFIRM = (
    "Bạn chắc chắn muốn thôi làm hòa giải viên (Điều 11 Luật Hòa giải ở cơ sở)? "
    "Công chức Tư pháp xã sẽ được báo."
)
LEAVE_YES = "Có, tôi xin thôi"
LEAVE_NO = "Không"
LEFT_SELF_REASON = "tự xin thôi"
LEFT_DONE = "Đã ghi nhận bạn thôi làm hòa giải viên. Cảm ơn những đóng góp của bạn!"
PROFILE_SAVED = "Đã lưu thay đổi."
LEFT_NOTICE = "ℹ️ {name} ({team}) đã xin thôi làm hòa giải viên qua Trợ lý Hòa giải."

TEAMS_HEADER = "Các tổ hòa giải của {commune} ({n} tổ):"
TEAM_LINE_OK = "✅ {name}: {members} hòa giải viên"
TEAM_LINE_SHORT = "⚠️ {name}: {members} hòa giải viên — {problems}"
SHORTFALL_LABELS = {
    "too_few": "thiếu người (cần ít nhất 3)",
    "no_woman": "chưa có hòa giải viên nữ",
    "no_ethnic_minority": "chưa có hòa giải viên người dân tộc thiểu số",
    "no_leader": "chưa có tổ trưởng",
}
NO_TEAMS = "{commune} chưa có tổ hòa giải nào trong hệ thống."
TEAMS_ACTION = "Bạn muốn làm gì tiếp?"
MOVE_MEDIATOR = "🔀 Chuyển hòa giải viên sang tổ khác"
MARK_LEFT = "🚪 Ghi nhận hòa giải viên thôi làm"
PICK_MEDIATOR = "Chọn hòa giải viên:"
NO_MEDIATORS = "Xã chưa có hòa giải viên nào đang hoạt động."
NO_OTHER_TEAM = "Xã chỉ có một tổ hòa giải nên chưa thể chuyển sang tổ khác."
PICK_TARGET_TEAM = "Chuyển {name} sang tổ nào?"
MOVED_DONE = "Đã chuyển {name} sang tổ {team}."
MARKED_LEFT_DONE = "Đã ghi nhận {name} thôi làm hòa giải viên."
PICK_COMMUNE_FOR_TEAMS = "Xem tổ hòa giải của xã/phường nào? Gõ một phần tên:"
LEAVE_CONFIRM_OFFICER = "Ghi nhận người này thôi làm hòa giải viên (Điều 11 Luật Hòa giải ở cơ sở)?"
UNIT_TYPES = {"xa": "xã", "phuong": "phường"}
ASK_INVITE_ROLE = "Tạo mã mời dùng một lần. Người được mời sẽ có vai trò nào?"
INVITE_MADE = (
    "Mã mời cho {role}{place}: {code}\n"
    "Dùng một lần, hết hạn ngày {until}. Người được mời gửi cho bot tin nhắn: /start {code}"
)
OWN_TEAM_HEADER = "Tổ của bạn:\n{line}\nThành viên:"
OWN_TEAM_MEMBER = "• {name} — {role} — {phone}"
OWN_TEAM_HINT = (
    "Việc chuyển tổ hoặc ghi nhận thôi làm do công chức Tư pháp xã thực hiện: hãy báo công chức "
    "khi tổ có thay đổi."
)
