"""Sentences of the case report conversation, the case list and case updates."""

from __future__ import annotations

from bot.domain.dates import DateError, DateWarning
from bot.domain.enums import CaseOrigin, CaseOutcome, LegalSupporterType, NextStep, OutOfScopeReason

NEED_TEAM = (
    "Tài khoản của bạn chưa gắn với tổ hòa giải nào nên chưa báo cáo được. Liên hệ công chức Tư pháp xã."
)
ASK_RECEIVED = "📋 Báo cáo vụ việc — bước 1/5. Tổ nhận vụ việc ngày nào? Chọn, hoặc gõ ngày dạng 25/11/2026."
TODAY = "Hôm nay"
YESTERDAY = "Hôm qua"
DATE_ERRORS: dict[DateError, str] = {
    DateError.EMPTY: "Bạn chưa nhập ngày.",
    DateError.UNRECOGNISED: "Tôi chưa hiểu ngày «{text}». Gõ theo dạng ngày/tháng/năm, ví dụ 25/11/2026, hoặc «hôm qua».",
    DateError.INVALID: "Ngày «{text}» không có thật (ví dụ 31/02). Kiểm tra lại ngày và tháng.",
    DateError.FUTURE: "Ngày «{text}» ở tương lai. Hãy nhập ngày đã qua hoặc hôm nay.",
    DateError.TOO_OLD: "Ngày «{text}» quá xa (trước năm 2000). Kiểm tra lại năm.",
}
DATE_WARNINGS: dict[DateWarning, str] = {
    DateWarning.BEFORE_RECOGNITION: "Ngày {date} trước ngày bạn được công nhận là hòa giải viên.",
    DateWarning.OVER_A_YEAR: "Ngày {date} đã hơn một năm trước.",
}
CONFIRM_DATE = "{warnings} Bạn chắc chắn ngày này đúng?"
ASK_ORIGIN = "Vì sao tổ tiến hành hòa giải? (Điều 16 Luật Hòa giải ở cơ sở)"
ORIGIN_LABELS: dict[CaseOrigin, str] = {
    CaseOrigin.PARTIES_REQUESTED: "Các bên yêu cầu",
    CaseOrigin.WITNESSED: "Tôi chứng kiến hoặc biết việc",
    CaseOrigin.ASSIGNED: "Tổ trưởng phân công / cơ quan, người khác đề nghị",
}
ASK_FIELD = "Bước 2/5. Vụ việc thuộc lĩnh vực nào?"
ASK_SUMMARY = (
    "Bước 3/5. Tóm tắt ngắn vụ việc (tối đa 500 ký tự). Không cần ghi tên các bên; "
    "KHÔNG ghi số căn cước, số điện thoại."
)
SUMMARY_TOO_SHORT = "Tóm tắt quá ngắn. Hãy ghi vài từ cho biết mâu thuẫn về việc gì (ít nhất 5 ký tự)."
SUMMARY_WHAT = "Nội dung"
MASKED = "🔒 Tôi đã che {n} dãy số giống số căn cước/điện thoại trong tóm tắt để bảo vệ thông tin cá nhân."
ASK_SCOPE = "Cần kiểm tra thêm: vụ việc có thuộc trường hợp KHÔNG được hòa giải ở cơ sở không? (Điều 3 Luật Hòa giải ở cơ sở)"
SCOPE_OK = "✅ Được hòa giải ở cơ sở"
SCOPE_IN = "được hòa giải ở cơ sở"
SCOPE_LABELS: dict[OutOfScopeReason, str] = {
    OutOfScopeReason.CRIME: "Có dấu hiệu tội phạm",
    OutOfScopeReason.ADMINISTRATIVE_VIOLATION: "Vi phạm phải xử phạt hành chính",
    OutOfScopeReason.STATE_PUBLIC_INTEREST: "Xâm phạm lợi ích Nhà nước, công cộng",
    OutOfScopeReason.OTHER_LAW: "Pháp luật khác không cho hòa giải",
}
SCOPE_EXPLAIN: dict[OutOfScopeReason, str] = {
    OutOfScopeReason.CRIME: (
        "Theo điểm c khoản 1 Điều 3 Luật Hòa giải ở cơ sở, vi phạm phải truy cứu trách nhiệm hình sự "
        "không được hòa giải ở cơ sở. Hãy báo ngay tổ trưởng và Công an xã (Điều 10)."
    ),
    OutOfScopeReason.ADMINISTRATIVE_VIOLATION: (
        "Theo điểm c khoản 1 Điều 3, vi phạm phải xử phạt vi phạm hành chính không được hòa giải ở cơ sở. "
        "Hãy báo UBND xã hoặc Công an xã để xử lý."
    ),
    OutOfScopeReason.STATE_PUBLIC_INTEREST: (
        "Theo điểm a khoản 1 Điều 3, tranh chấp xâm phạm lợi ích Nhà nước, lợi ích công cộng không được "
        "hòa giải ở cơ sở. Hãy báo UBND xã."
    ),
    OutOfScopeReason.OTHER_LAW: (
        "Theo điểm b, d khoản 1 Điều 3, việc mà pháp luật không cho hòa giải thì không hòa giải ở cơ sở. "
        "Hãy hỏi công chức Tư pháp – hộ tịch xã để được hướng dẫn nơi giải quyết."
    ),
}
OUT_OF_SCOPE_RECORDED = "Vụ việc sẽ được ghi là «ngoài phạm vi hòa giải»."
ASK_PARTIES = "Có bao nhiêu bên (cá nhân/hộ gia đình) liên quan? Gõ một số, ví dụ 2."
PARTIES_BAD = "Hãy gõ một số từ 2 đến 99, ví dụ 2."
ASK_VULNERABLE = "Có phụ nữ, trẻ em, người cao tuổi hoặc người khuyết tật liên quan không? (Điều 4 khoản 2)"
ASK_OUTCOME = "Bước 4/5. Kết quả hiện nay?"
OUTCOME_LABELS: dict[CaseOutcome, str] = {
    CaseOutcome.THANH: "Hòa giải thành",
    CaseOutcome.KHONG_THANH: "Hòa giải không thành",
    CaseOutcome.DANG_HOA_GIAI: "Đang hòa giải",
    CaseOutcome.NGOAI_PHAM_VI: "Ngoài phạm vi hòa giải",
}
ASK_AGREEMENT = (
    "Các bên có lập văn bản hòa giải thành (Điều 24) không, và có muốn yêu cầu Tòa án công nhận "
    "kết quả hòa giải thành không? (Điều 416–419 Bộ luật Tố tụng dân sự; nộp đơn trong 6 tháng)"
)
AGREEMENT_LABELS = {
    "court": "Có văn bản, sẽ yêu cầu Tòa án công nhận",
    "written": "Có văn bản, không yêu cầu Tòa án",
    "none": "Không lập văn bản",
}
ASK_NEXT_STEP = "Sau khi hòa giải không thành, các bên sẽ làm gì? (Điều 27)"
NEXT_STEP_LABELS: dict[NextStep, str] = {
    NextStep.CONTINUE: "Tiếp tục hòa giải",
    NextStep.COMPETENT_AUTHORITY: "Các bên yêu cầu cơ quan có thẩm quyền giải quyết",
    NextStep.REFERRED: "Tổ chuyển/báo cơ quan có thẩm quyền",
}
ASK_OUTCOME_ON = "Ngày có kết quả? Chọn, hoặc gõ ngày dạng 25/11/2026."
OUTCOME_BEFORE_RECEIVED = "Ngày có kết quả ({outcome}) không thể trước ngày nhận vụ việc ({received})."
ASK_LEGAL = "Có người có chuyên môn pháp luật hỗ trợ không? Nếu có, là ai?"
LEGAL_NONE = "Không có"
LEGAL_LABELS: dict[LegalSupporterType, str] = {
    LegalSupporterType.LAWYER: "Luật sư",
    LegalSupporterType.JURIST: "Luật gia",
    LegalSupporterType.POLICE: "Công an",
    LegalSupporterType.BORDER_GUARD: "Bộ đội Biên phòng",
    LegalSupporterType.LEGAL_CIVIL_SERVANT: "Công chức Tư pháp",
    LegalSupporterType.FORMER_JUDICIAL: "Nguyên thẩm phán, kiểm sát viên, điều tra viên",
    LegalSupporterType.OTHER: "Người khác",
}
SUMMARY_TITLE = "Bước 5/5. Kiểm tra lại báo cáo:"
SUMMARY_DEFAULTS = (
    "Các mục không hỏi đã điền sẵn (căn cứ, số bên, phạm vi, hỗ trợ pháp lý): nếu chưa đúng, "
    "chọn mục ✏️ tương ứng để sửa."
)
CONFIRM_SAVE = "✅ Xác nhận lưu"
EDIT_LABELS = {
    "received": "✏️ Sửa ngày nhận",
    "origin": "✏️ Sửa căn cứ",
    "field": "✏️ Sửa lĩnh vực",
    "summary": "✏️ Sửa tóm tắt",
    "scope": "✏️ Sửa phạm vi",
    "parties": "✏️ Sửa số bên",
    "outcome": "✏️ Sửa kết quả",
    "legal": "✏️ Sửa hỗ trợ pháp lý",
}
LINE_RECEIVED = "Ngày nhận: {value}"
LINE_ORIGIN = "Căn cứ: {value}"
LINE_FIELD = "Lĩnh vực: {value}"
LINE_SUMMARY = "Tóm tắt: {value}"
LINE_SCOPE = "Phạm vi: {value}"
LINE_PARTIES = "Số bên: {value}; có phụ nữ/trẻ em/người cao tuổi/người khuyết tật: {vulnerable}"
LINE_OUTCOME = "Kết quả: {value}"
LINE_OUTCOME_ON = "Ngày có kết quả: {value}"
LINE_AGREEMENT = "Văn bản hòa giải thành: {value}; yêu cầu Tòa án công nhận: {court}"
LINE_NEXT = "Bước tiếp theo: {value}"
LINE_LEGAL = "Hỗ trợ pháp lý: {value}"
YES = "có"
NO = "không"
SAVED = (
    "✅ Đã lưu vụ việc {code}.\n"
    "Biên nhận: {field}, nhận ngày {received}, kết quả: {outcome}.\n"
    "Gõ /vuviec để xem hoặc cập nhật vụ việc của tổ."
)
ALREADY_SAVED = "Vụ việc này đã được lưu trước đó với mã {code}."
COURT_REMINDER = (
    "Lưu ý: các bên cần nộp đơn yêu cầu Tòa án công nhận trước ngày {deadline} (6 tháng, Điều 418 BLTTDS)."
)

NO_CASES = "Tổ chưa có vụ việc nào. Gõ /baocao để báo cáo vụ việc đầu tiên."
NO_CASES_COMMUNE = "Chưa có vụ việc nào ở xã/phường này."
PICK_CASE = "Vụ việc của tổ (đang hòa giải ở trên). Chọn một vụ việc:"
PICK_CASE_OFFICER = "Vụ việc của {commune} (chỉ xem). Chọn một vụ việc:"
CASE_ITEM = "{icon} {code} · {field} · {date}"
CASE_CARD = "Vụ việc {code} — tổ {team}\n{lines}"
CASE_REMUNERATION = "Thù lao ước tính: {amount} đ"
CASE_ACTIONS = "Bạn muốn làm gì với vụ việc này?"
RECORD_OUTCOME = "🏁 Ghi kết quả"
ADD_NOTE = "📝 Ghi chú theo dõi thực hiện (Điều 26)"
EDIT_SUMMARY = "✏️ Sửa tóm tắt"
ASK_UPDATE = "🔔 Đề nghị tổ cập nhật"
HISTORY = "🕘 Lịch sử thay đổi"
ASK_NOTE = "Ghi chú về việc thực hiện thỏa thuận (tối đa 500 ký tự):"
NOTE_SAVED = "Đã lưu ghi chú cho vụ việc {code}."
OUTCOME_SAVED = "Đã cập nhật vụ việc {code}: {outcome}."
SUMMARY_SAVED = "Đã sửa tóm tắt vụ việc {code}."
UPDATE_ASKED = "Đã gửi đề nghị cập nhật tới hòa giải viên báo cáo vụ việc {code}."
UPDATE_REQUESTED = "🔔 Công chức Tư pháp xã đề nghị cập nhật vụ việc {code} («{summary}»)."
OPEN_CASE = "Mở vụ việc"
NOT_YOURS = "Bạn chỉ xem được vụ việc này, không sửa được (chỉ người báo cáo hoặc tổ trưởng được sửa)."
CASE_NOT_VISIBLE = "Bạn không xem được vụ việc này (vụ việc của tổ hoặc xã khác, hoặc bạn vừa chuyển tổ)."
FIELD_NAMES = {
    "received_on": "ngày nhận",
    "origin": "căn cứ",
    "field": "lĩnh vực",
    "summary": "tóm tắt",
    "out_of_scope_reason": "lý do ngoài phạm vi",
    "parties_count": "số bên",
    "vulnerable_involved": "có người cần quan tâm",
    "outcome": "kết quả",
    "outcome_on": "ngày có kết quả",
    "written_agreement": "văn bản hòa giải thành",
    "wants_court_recognition": "yêu cầu Tòa án công nhận",
    "next_step": "bước tiếp theo",
    "legal_support": "hỗ trợ pháp lý",
}
HISTORY_EMPTY = "Chưa có thay đổi nào."
HISTORY_LINE = "{at} · {who}: {what}"
HISTORY_CREATED = "tạo báo cáo"
HISTORY_NOTE = "ghi chú «{note}»"
HISTORY_CHANGE = "{field}: {old} → {new}"
CORRECT_OUTCOME = "♻️ Sửa kết quả hoặc ngày có kết quả"
ASK_CORRECTION_REASON = "Lý do sửa kết quả (bắt buộc, sẽ ghi vào lịch sử vụ việc), ví dụ: «Ghi nhầm, các bên đã ký biên bản hòa giải thành»:"
CORRECTION_SAVED = (
    "Đã sửa kết quả vụ việc {code}: {outcome}. Thống kê và thù lao ước tính tính theo kết quả mới."
)
CORRECTION_UNCHANGED = "Kết quả vụ việc {code} không thay đổi, không có gì để sửa."
CORRECTION_WINDOW = (
    "Bạn chỉ tự sửa được kết quả mình ghi trong {days} ngày. Đã quá thời hạn: nhờ tổ trưởng hoặc "
    "công chức Tư pháp xã sửa (kèm lý do)."
)
HISTORY_CORRECTED = "sửa kết quả"
HISTORY_CORRECTED_REASON = "sửa kết quả, lý do «{reason}»"
