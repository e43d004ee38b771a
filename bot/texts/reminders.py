"""Sentences of the scheduled reminders and digests (mediators, commune and province officers)."""

from __future__ import annotations

from bot.domain.composition import ShortfallCode
from bot.domain.periods import ReportKind

RECORD_NOW = "📝 Ghi kết quả ngay"
OPEN_CASE = "📂 Mở vụ việc"
OPEN_APPROVALS = "✅ Duyệt đăng ký"

# (1) a case in mediation without news
STALE_CASE = (
    "⏳ Nhắc việc: vụ việc {code} ({field}, nhận ngày {received}) vẫn «đang hòa giải» và chưa "
    "được cập nhật {days} ngày nay.\n"
    "Nếu đã có kết quả (thành hoặc không thành), bạn hãy ghi lại ngay để số liệu của xã được đầy đủ. "
    "Nếu vẫn đang hòa giải, có thể thêm một ghi chú theo dõi."
)

# (2) Art. 20.2: mediation starts within 3 days of assignment
START_DUE_TODAY = (
    "⚠️ Vụ việc {code} ({field}) được phân công ngày {received}. Theo khoản 2 Điều 20 Luật Hòa giải "
    "ở cơ sở, hòa giải viên bắt đầu hòa giải trong thời hạn 03 ngày (trừ khi các bên thỏa thuận thời "
    "gian khác): hôm nay ({deadline}) là ngày cuối cùng.\nVụ việc chưa có cập nhật nào kể từ khi ghi nhận. Khi đã tiến hành, hãy thêm "
    "ghi chú hoặc ghi kết quả."
)
START_OVERDUE = (
    "⚠️ Vụ việc {code} ({field}) được phân công ngày {received}. Theo khoản 2 Điều 20 Luật Hòa giải "
    "ở cơ sở, hòa giải viên bắt đầu hòa giải trong thời hạn 03 ngày (đến hết ngày {deadline}), trừ "
    "khi các bên thỏa thuận thời gian khác; nay đã quá {late} ngày.\nVụ việc chưa có cập nhật nào kể từ khi ghi nhận. Khi đã tiến hành, hãy "
    "thêm ghi chú hoặc ghi kết quả."
)

# (3) BLTTDS 418: court recognition within 6 months
COURT_DEADLINE = (
    "⚖️ Vụ việc {code} hòa giải thành ngày {agreed}; các bên muốn Tòa án công nhận kết quả hòa giải "
    "thành. Theo Điều 418 Bộ luật Tố tụng dân sự, đơn yêu cầu phải gửi trong 06 tháng kể từ ngày "
    "đạt được thỏa thuận, tức là đến hết ngày {deadline} (còn {days} ngày).\n"
    "Bạn hãy nhắc các bên nộp đơn tại Tòa án nhân dân có thẩm quyền nếu họ chưa làm."
)
COURT_DEADLINE_TODAY = (
    "⚖️ Vụ việc {code} hòa giải thành ngày {agreed}; các bên muốn Tòa án công nhận kết quả hòa giải "
    "thành. Theo Điều 418 Bộ luật Tố tụng dân sự, hôm nay ({deadline}) là ngày cuối cùng để gửi đơn "
    "yêu cầu. Bạn hãy nhắc các bên ngay nếu họ chưa nộp."
)

# (4) commune officers
PENDING_REGISTRATIONS = (
    "📋 Có {n} đăng ký đang chờ bạn duyệt: {names}.\n"
    "Hòa giải viên chỉ báo cáo được vụ việc sau khi được duyệt."
)
COMPOSITION_TITLE = (
    "🏘️ {n} tổ hòa giải của {commune} chưa đủ thành phần theo Điều 12 Luật Hòa giải ở cơ sở "
    "(ít nhất 03 hòa giải viên, có hòa giải viên nữ; vùng đồng bào dân tộc thiểu số cần có hòa giải "
    "viên là người dân tộc thiểu số):"
)
COMPOSITION_LINE = "• {team}: {problems}"
COMPOSITION_FOOTER = "Xem chi tiết và bổ sung thành viên trong mục «Các tổ hòa giải» (/to)."
SHORTFALLS: dict[ShortfallCode, str] = {
    ShortfallCode.TOO_FEW: "mới có {have}/{need} hòa giải viên",
    ShortfallCode.NO_WOMAN: "chưa có hòa giải viên nữ",
    ShortfallCode.NO_ETHNIC_MINORITY: "chưa có hòa giải viên người dân tộc thiểu số",
    ShortfallCode.NO_LEADER: "chưa có tổ trưởng",
}
UNTRAINED_TITLE = (
    "🎓 {n} hòa giải viên của {commune} được công nhận đã hơn {months} tháng mà chưa được ghi nhận "
    "bồi dưỡng (Kế hoạch 115: 100% hòa giải viên mới được bồi dưỡng trong 06 tháng kể từ khi công nhận):"
)
UNTRAINED_LINE = "• {name} — công nhận {recognised}, hạn bồi dưỡng {deadline}"
UNTRAINED_LINE_LATE = "• {name} — công nhận {recognised}, đã quá hạn bồi dưỡng ({deadline})"
MORE_LINES = "… và {n} mục khác."
REPORT_DUE = (
    "🗓️ Sắp đến hạn gửi {report} của {commune}: hạn {due} (còn {days} ngày). "
    "Số liệu thực tế tính đến hết ngày {cutoff}.\nGõ /thongke để xem số liệu và tải biểu mẫu."
)
REPORT_DUE_TODAY = (
    "🗓️ Hôm nay ({due}) là hạn gửi {report} của {commune}. Số liệu thực tế tính đến hết "
    "ngày {cutoff}.\nGõ /thongke để xem số liệu và tải biểu mẫu."
)
# ``{period}`` is a period said in a sentence ("6 tháng đầu năm 2026", "năm 2026").
REPORT_NAMES: dict[ReportKind, str] = {
    ReportKind.QUARTERLY: "báo cáo thống kê {period}",
    ReportKind.SIX_MONTH: "báo cáo thống kê {period}",
    ReportKind.ANNUAL: "báo cáo thống kê {period}",
    ReportKind.ANNUAL_OFFICIAL: "báo cáo thống kê chính thức {period}",
}
COMMUNE_DIGEST = (
    "📊 Tuần {first}–{last} ở {commune}:\n"
    "• Vụ việc tiếp nhận: {received}\n"
    "• Hòa giải thành: {thanh} · không thành: {khong_thanh} · đang hòa giải: {dang}\n"
    "• Đăng ký chờ duyệt: {pending}"
)

# (5) province officers
SILENT_COMMUNES = (
    "📭 Kỳ báo cáo {period} (từ {start}): {n} xã, phường có hòa giải viên dùng Trợ lý nhưng chưa "
    "ghi nhận vụ việc nào:\n{names}"
)
SILENT_UNSTAFFED = "Ngoài ra {n} xã, phường chưa có hòa giải viên nào dùng Trợ lý."
PROVINCE_DIGEST = (
    "📊 Tổng hợp toàn tỉnh tháng {month}:\n"
    "• Vụ việc tiếp nhận: {received} (thành {thanh}, không thành {khong_thanh}, đang hòa giải {dang})\n"
    "• Tỷ lệ hòa giải thành: {rate} (mục tiêu ≥ {target}; tính trên các vụ đã có kết quả)\n"
    "• Tổ hòa giải chưa đủ thành phần theo Điều 12: {failing}/{teams}\n"
    "• Hòa giải viên đã được bồi dưỡng: {trained_share} ({trained}/{mediators})\n"
    "Gõ /thongke để xem chi tiết theo từng xã."
)
