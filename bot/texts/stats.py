"""Sentences and labels of statistics: the /thongke flow, charts, report headers and the export CLI.

Numbers are shown the Vietnamese way (decimal comma, dot between thousands); the small
formatting helpers live here with the words they are used in.
"""

from __future__ import annotations

import re
from datetime import date

from bot.domain.enums import CaseOutcome, NextStep, OutOfScopeReason
from bot.domain.kpi import Indicator, IndicatorCode
from bot.domain.periods import Period, PeriodError
from bot.domain.rounding import rounded, rounded_percent

# --------------------------------------------------------------------------- number formatting


def number(value: int) -> str:
    """Thousands separated by dots: 12300000 → "12.300.000"."""
    return f"{value:,}".replace(",", ".")


def decimal(value: float, digits: int = 1) -> str:
    """1.25 → "1,3" (one decimal by default; half away from zero, see bot.domain.rounding)."""
    return f"{rounded(value, digits):f}".replace(".", ",")


def percent(value: float | None, digits: int = 1) -> str:
    """0.857 → "85,7%", 0.0625 → "6,3%"; None (nothing to divide by) → "–"."""
    if value is None:
        return "–"
    return f"{rounded_percent(value, digits):f}".replace(".", ",") + "%"


def day(d: date) -> str:
    """dd/mm/yyyy."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


# --------------------------------------------------------------------------- periods

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_MONTH_LABEL = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER_LABEL = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF_LABEL = re.compile(r"^(\d{4})-H([12])$")
_YEAR_LABEL = re.compile(r"^(\d{4})$")


def period_title(period: Period) -> str:
    """A period as said in a sentence: "quý II/2026", "tháng 5/2026", "năm 2026" or a range."""
    label = period.label
    if m := _MONTH_LABEL.match(label):
        return f"tháng {int(m.group(2))}/{m.group(1)}"
    if m := _QUARTER_LABEL.match(label):
        return f"quý {_ROMAN[int(m.group(2))]}/{m.group(1)}"
    if m := _HALF_LABEL.match(label):
        return f"6 tháng {'đầu' if m.group(2) == '1' else 'cuối'} năm {m.group(1)}"
    if m := _YEAR_LABEL.match(label):
        return f"năm {m.group(1)}"
    return f"từ {day(period.start)} đến {day(period.end)}"


def period_kind(period: Period) -> str:
    """The kind written under a form's title: "Năm", "6 tháng", "Quý", "Tháng" ("" for a custom range)."""
    label = period.label
    if _YEAR_LABEL.match(label):
        return "Năm"
    if _HALF_LABEL.match(label):
        return "6 tháng"
    if _QUARTER_LABEL.match(label):
        return "Quý"
    if _MONTH_LABEL.match(label):
        return "Tháng"
    return ""


def period_range(period: Period) -> str:
    """Start and end dates: "01/04/2026 – 30/06/2026"."""
    return f"{day(period.start)} – {day(period.end)}"


PERIOD_ERRORS: dict[PeriodError, str] = {
    PeriodError.EMPTY: "Bạn chưa nhập kỳ thống kê.",
    PeriodError.UNRECOGNISED: (
        "Tôi chưa hiểu kỳ «{text}». Hãy gõ ví dụ «2026-Q2», «quý 2/2026», «tháng 5/2026», «2026-05», "
        "«năm 2025» hoặc «2026-01-01..2026-03-31»."
    ),
    PeriodError.INVALID: "Kỳ «{text}» không hợp lệ (tháng 1–12, quý 1–4, ngày bắt đầu trước ngày kết thúc).",
    PeriodError.FUTURE: "Kỳ «{text}» chưa bắt đầu. Hãy chọn kỳ hiện tại hoặc một kỳ đã qua.",
}

# --------------------------------------------------------------------------- scopes and units

PROVINCE_NAME = "tỉnh Lạng Sơn"
PILOT_GROUP_NAME = "các xã điểm chỉ đạo"
TEAM_NAME = "Tổ hòa giải {team}"
TEAM_IN_COMMUNE = "Tổ hòa giải {team}, {commune}"
COMMUNE_NAME = "{unit_type} {name}"

# Who sends and who receives a report, and who signs it, by scope level.
REPORTING_UNIT = {
    "province": "Sở Tư pháp tỉnh Lạng Sơn",
    "pilot": "Sở Tư pháp tỉnh Lạng Sơn",
    "commune": "UBND {commune}",
    "team": "Tổ hòa giải {team}, {commune}",
}
RECEIVING_UNIT = {
    "province": "Bộ Tư pháp",
    "pilot": "Bộ Tư pháp",
    "commune": "Sở Tư pháp tỉnh Lạng Sơn",
    "team": "UBND {commune}",
}
SIGNER = {
    "province": "GIÁM ĐỐC",
    "pilot": "GIÁM ĐỐC",
    "commune": "TM. ỦY BAN NHÂN DÂN",
    "team": "TỔ TRƯỞNG",
}
PLACE = "Lạng Sơn"
# Printed at the foot of every page of an export; &P and &N are the page number and count.
PAGE_FOOTER = "Trang &P/&N"

# --------------------------------------------------------------------------- cases

OUTCOME_LABELS: dict[CaseOutcome, str] = {
    CaseOutcome.THANH: "Hòa giải thành",
    CaseOutcome.KHONG_THANH: "Hòa giải không thành",
    CaseOutcome.DANG_HOA_GIAI: "Đang hòa giải",
    CaseOutcome.NGOAI_PHAM_VI: "Không thuộc phạm vi hòa giải",
}
OUT_OF_SCOPE_LABELS: dict[OutOfScopeReason, str] = {
    OutOfScopeReason.STATE_PUBLIC_INTEREST: "xâm phạm lợi ích Nhà nước, lợi ích công cộng",
    OutOfScopeReason.CRIME: "phải truy cứu trách nhiệm hình sự",
    OutOfScopeReason.ADMINISTRATIVE_VIOLATION: "phải xử lý vi phạm hành chính",
    OutOfScopeReason.OTHER_LAW: "pháp luật quy định không được hòa giải",
}
NEXT_STEP_LABELS: dict[NextStep, str] = {
    NextStep.CONTINUE: "các bên tiếp tục hòa giải",
    NextStep.COMPETENT_AUTHORITY: "các bên đề nghị cơ quan có thẩm quyền giải quyết",
    NextStep.REFERRED: "tổ đã chuyển, báo cáo cơ quan có thẩm quyền",
}
NOTE_OUT_OF_SCOPE = "Không hòa giải: {reason}"
NOTE_NEXT_STEP = "Hướng giải quyết: {step}"
NOTE_WRITTEN_AGREEMENT = "Có văn bản hòa giải thành"
NOTE_COURT_RECOGNITION = "Các bên muốn yêu cầu Tòa án công nhận"
NOTE_LEGAL_SUPPORT = "Hỗ trợ pháp lý: {who}"
NOTE_VULNERABLE = "Có người dễ bị tổn thương"
NOTE_CASE_CODE = "Mã {code}"
NOTE_FIELD = "Lĩnh vực: {field}"
NOTE_PARTIES = "{n} bên"
NOTE_SEPARATOR = "; "
# The result columns of the Sổ theo dõi: a mark, and the day the mediation ended when known.
RESULT_MARK = "x"
RESULT_MARK_ON = "x\n({day})"

# --------------------------------------------------------------------------- indicators

INDICATOR_LABELS: dict[IndicatorCode, str] = {
    IndicatorCode.SUCCESS_RATE: "Tỷ lệ hòa giải thành",
    IndicatorCode.PILOT_SUCCESS_RATE: "Tỷ lệ hòa giải thành ở xã điểm",
    IndicatorCode.TRAINED: "Hòa giải viên được bồi dưỡng",
    IndicatorCode.PILOT_TRAINED: "Hòa giải viên được bồi dưỡng ở xã điểm",
    IndicatorCode.NEW_TRAINED_6M: "Hòa giải viên mới được bồi dưỡng trong 6 tháng",
    IndicatorCode.LEGAL_SUPPORT: "Tổ được hỗ trợ chuyên môn pháp luật",
    IndicatorCode.TRAINERS_PER_100_TEAMS: "Tập huấn viên cấp tỉnh / 100 tổ",
    IndicatorCode.DISTRICT_TRAINERS_PER_80_TEAMS: "Tập huấn viên cấp huyện / 80 tổ",
    IndicatorCode.MODEL_COMMUNES: "Xã điển hình về hòa giải ở cơ sở",
    IndicatorCode.COMPOSITION: "Tổ đủ số lượng, thành phần (Điều 12)",
}
# How the numerator and denominator read: "30/35 vụ việc", "3 người/250 tổ".
INDICATOR_FRACTIONS: dict[IndicatorCode, str] = {
    IndicatorCode.SUCCESS_RATE: "{num}/{den} vụ việc",
    IndicatorCode.PILOT_SUCCESS_RATE: "{num}/{den} vụ việc",
    IndicatorCode.TRAINED: "{num}/{den} người",
    IndicatorCode.PILOT_TRAINED: "{num}/{den} người",
    IndicatorCode.NEW_TRAINED_6M: "{num}/{den} người",
    IndicatorCode.LEGAL_SUPPORT: "{num}/{den} tổ",
    IndicatorCode.TRAINERS_PER_100_TEAMS: "{num} người/{den} tổ",
    IndicatorCode.DISTRICT_TRAINERS_PER_80_TEAMS: "{num} người/{den} tổ",
    IndicatorCode.MODEL_COMMUNES: "{num}/{den} xã",
    IndicatorCode.COMPOSITION: "{num}/{den} tổ",
}
MET = "✅"
NOT_MET = "⚠️"
NO_DATA = "➖"
STATUS_MET = "Đạt"
STATUS_NOT_MET = "Chưa đạt"
STATUS_NO_DATA = "Chưa có số liệu"
TARGET_AT_LEAST = "≥{value}"
TARGET_ABOVE = ">{value}"
TARGET_RANGE = "{low}–{high}"
INDICATOR_LINE = "{icon} {label}: {value} ({fraction}) — mục tiêu {target}"
INDICATOR_LINE_NO_DATA = "{icon} {label}: chưa có số liệu — mục tiêu {target}"
GAP_SHORT_RATE = ", còn thiếu {gap} điểm %"
GAP_SHORT_PER = ", còn thiếu {gap}"
GAP_RATE = "{sign}{gap} điểm %"
GAP_PER = "{sign}{gap}"


def _target_number(value: float, per: int) -> str:
    # Targets are round numbers: "85%", "1", "80–90%" read better without a trailing ",0".
    if per > 1:
        return decimal(value, 0) if value == int(value) else decimal(value)
    return percent(value, 0 if round(value * 100, 6) == int(round(value * 100, 6)) else 1)


def target_percent(value: float) -> str:
    """A target share as printed everywhere (sentences, spreadsheets, charts): "85%", "85,5%"."""
    return _target_number(value, 1)


def indicator_value(ind: Indicator) -> str:
    """The measured value: "85,7%" for a share, "1,2" for a per-100 rate, "–" without data."""
    if ind.value is None:
        return "–"
    return decimal(ind.value) if ind.per > 1 else percent(ind.value)


def indicator_target(ind: Indicator) -> str:
    """The target as printed: "≥85%", ">90%", "80–90%", "100%", "≥1"."""
    low = _target_number(ind.target_low, ind.per)
    if ind.per == 1 and ind.target_low >= 1.0 and ind.comparison == ">=":
        return low  # "100%": nothing can exceed it
    if ind.target_high is not None:
        return TARGET_RANGE.format(low=low.rstrip("%"), high=_target_number(ind.target_high, ind.per))
    return (TARGET_ABOVE if ind.comparison == ">" else TARGET_AT_LEAST).format(value=low)


def indicator_status(ind: Indicator) -> str:
    """The verdict: "Đạt", "Chưa đạt" or "Chưa có số liệu"."""
    if ind.met is None:
        return STATUS_NO_DATA
    return STATUS_MET if ind.met else STATUS_NOT_MET


def indicator_icon(ind: Indicator) -> str:
    """✅, ⚠️ or ➖."""
    if ind.met is None:
        return NO_DATA
    return MET if ind.met else NOT_MET


def indicator_gap(ind: Indicator) -> str:
    """Signed distance to the target: "-14,3 điểm %", "+0,7 điểm %", "-0,4"; "" without data."""
    if ind.gap is None:
        return ""
    sign = "+" if ind.gap >= 0 else "-"
    if ind.per > 1:
        return GAP_PER.format(sign=sign, gap=decimal(abs(ind.gap)))
    return GAP_RATE.format(sign=sign, gap=decimal(abs(ind.gap) * 100))


def indicator_line(ind: Indicator) -> str:
    """One line of the chat summary: icon, label, value, numerator/denominator, target, shortfall."""
    label = INDICATOR_LABELS[ind.code]
    target = indicator_target(ind)
    if ind.met is None:
        return INDICATOR_LINE_NO_DATA.format(icon=NO_DATA, label=label, target=target)
    line = INDICATOR_LINE.format(
        icon=indicator_icon(ind),
        label=label,
        value=indicator_value(ind),
        fraction=INDICATOR_FRACTIONS[ind.code].format(num=number(ind.numerator), den=number(ind.denominator)),
        target=target,
    )
    if not ind.met and ind.gap is not None:
        # A strict target (">90%") missed by landing exactly on it has no shortfall to show.
        shortfall = decimal(abs(ind.gap) * (1 if ind.per > 1 else 100))
        if shortfall != decimal(0):
            line += (GAP_SHORT_PER if ind.per > 1 else GAP_SHORT_RATE).format(gap=shortfall)
    return line


# --------------------------------------------------------------------------- summary text

SUMMARY_TITLE = "📊 Thống kê hòa giải — {scope}"
SUMMARY_PERIOD = "Kỳ: {title} ({range})"
SUMMARY_CASES = (
    "Vụ việc tiếp nhận: {received} (thành {thanh}, không thành {khong_thanh}, "
    "đang hòa giải {dang}, không thuộc phạm vi {out})"
)
SUMMARY_NO_CASES = "Chưa có vụ việc nào được tiếp nhận trong kỳ."
SUMMARY_FIELDS = "Theo lĩnh vực: {fields}"
SUMMARY_STAFF = "Tổ hòa giải: {teams} · hòa giải viên: {mediators} (nữ {female}, dân tộc thiểu số {ethnic})"
SUMMARY_TARGETS = "Chỉ tiêu Kế hoạch 115/KH-UBND:"
SUMMARY_PAY = "Thù lao ước tính (TT 56/2023): {amount} đ"
FIELD_SEPARATOR = " · "

# --------------------------------------------------------------------------- the /thongke flow

FLOW_TITLE = "Thống kê"
NOT_ALLOWED = (
    "Chức năng thống kê dành cho tổ trưởng tổ hòa giải, công chức Tư pháp – hộ tịch xã và cán bộ "
    "Sở Tư pháp. Gõ «menu» để chọn việc khác."
)
OUT_OF_SCOPE = "Bạn không có quyền xem số liệu của phạm vi này."
SCOPE_MISSING = "Không tìm thấy đơn vị cần thống kê. Vui lòng liên hệ công chức Tư pháp xã."
PICK_SCOPE = "Bạn muốn xem thống kê của phạm vi nào?"
SCOPE_PROVINCE = "🏛️ Toàn tỉnh"
SCOPE_PILOT = "📍 Các xã điểm chỉ đạo"
PICK_PERIOD = "Chọn kỳ thống kê, hoặc gõ kỳ khác, ví dụ «2026-Q2», «quý 2/2026», «tháng 5/2026», «năm 2025»:"
PERIOD_MONTH = "Tháng này"
PERIOD_QUARTER = "Quý này"
PERIOD_REPORTING = "Kỳ báo cáo hiện tại"
PERIOD_YEAR = "Năm nay"
NO_REPORTING_PERIOD = "Chưa cấu hình kỳ báo cáo nào chứa ngày hôm nay. Hãy chọn hoặc gõ một kỳ khác."
MORE_PROMPT = "Bạn muốn xem thêm gì?"
MORE_XLSX = "📥 Tải báo cáo Excel"
MORE_MONTHLY = "📈 Tỷ lệ thành theo tháng"
MORE_RANKING = "🏆 Xếp hạng các xã"
MORE_TRAINING = "🎓 Bồi dưỡng hòa giải viên"
MORE_OTHER_PERIOD = "📅 Chọn kỳ khác"
MORE_DONE = "✔️ Xong"
DONE = "Đã xong. Gõ «menu» để chọn việc khác."
CHART_CAPTION_MONTHLY = "Tỷ lệ hòa giải thành theo tháng — {scope}"
CHART_CAPTION_RANKING = "Xếp hạng tỷ lệ hòa giải thành — {scope}, {title}"
CHART_CAPTION_TRAINING = "Bồi dưỡng hòa giải viên — {scope}, {title}"
XLSX_SENDING = "Đang chuẩn bị {n} tệp Excel cho {title}…"
REPORT_CAPTIONS = {
    "10c": "Biểu 10c — Số tổ hòa giải ở cơ sở và hòa giải viên",
    "results": "Kết quả hòa giải ở cơ sở",
    "sotheodoi": "Sổ theo dõi hoạt động hòa giải ở cơ sở",
    "kh115": "Chỉ tiêu Kế hoạch 115/KH-UBND",
}

# --------------------------------------------------------------------------- charts

CHART_MONTHLY_TITLE = "Tỷ lệ hòa giải thành theo tháng"
CHART_RANKING_TITLE = "Tỷ lệ hòa giải thành theo xã"
CHART_TRAINING_TITLE = "Bồi dưỡng hòa giải viên"
CHART_TARGET_MARK = "Vạch đỏ đứt nét: mục tiêu {value}"
CHART_TARGET_MARK_EACH = "Vạch đỏ đứt nét: mục tiêu của từng nhóm"
CHART_MONTH = "T{month}\n{year}"
CHART_NO_CASES = "chưa có"
CHART_CASES_NOTE = "{n} vụ"
CHART_NOT_RANKED = "{n} xã chưa có vụ việc kết thúc trong kỳ"
CHART_EMPTY = "Chưa có số liệu trong kỳ"
TRAINING_ALL = "Tất cả hòa giải viên"
TRAINING_PILOT = "Hòa giải viên ở xã điểm"
TRAINING_NEW = "Hòa giải viên mới (trong 6 tháng)"

# --------------------------------------------------------------------------- exports (CLI)

EXPORT_WRITTEN = "Đã ghi {n} tệp vào {dir}:"
EXPORT_DENIED = "Không có quyền: {reason}"
EXPORT_NOT_FOUND = "Không tìm thấy: {what}"
EXPORT_WHICH_REPORT = (
    "hãy ghi tên báo cáo ngay sau «export», một trong: {names}. Ví dụ: hoagiai export all --period 2026-Q2"
)
EXPORT_PERIOD_FORMATS = (
    "2026-Q2 (quý), 2026-05 (tháng), 2026-H1 (nửa năm), 2026 (năm) hoặc 2026-01-01..2026-03-31"
)
# The command line says once what is wrong and once which forms --period takes.
EXPORT_BAD_PERIOD = "--period «{text}» không hợp lệ: {reason}. Dạng đúng: " + EXPORT_PERIOD_FORMATS + "."
EXPORT_PERIOD_REASONS: dict[PeriodError, str] = {
    PeriodError.EMPTY: "chưa có giá trị",
    PeriodError.UNRECOGNISED: "không nhận ra dạng này",
    PeriodError.INVALID: "tháng phải từ 1 đến 12, quý từ 1 đến 4, ngày bắt đầu trước ngày kết thúc",
    PeriodError.FUTURE: "kỳ này chưa bắt đầu",
}
EXPORT_BAD_LAYOUT = "Mẫu biểu không hợp lệ: {reason}"
EXPORT_NO_PERIOD = "Không xác định được kỳ báo cáo hiện tại; hãy dùng --period."
