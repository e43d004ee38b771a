"""Sentences of the bulk import (``hoagiai import units|teams|people``), read by the operator."""

from __future__ import annotations

# --- names of the columns, as the operator sees them in messages ("cột «Số điện thoại»" is
# the file's own header; these are used when a column is missing from the file altogether).
COLUMN_LABELS: dict[str, str] = {
    "code": "Mã xã (code)",
    "name": "Tên xã (name)",
    "type": "Loại đơn vị: xã/phường (type)",
    "former_districts": "Huyện cũ (former_districts)",
    "predecessor_units": "Đơn vị cũ sáp nhập (predecessor_units)",
    "certainty_notes": "Ghi chú độ tin cậy (certainty_notes)",
    "is_pilot": "Xã điểm chỉ đạo (is_pilot)",
    "is_ethnic_area": "Vùng đồng bào dân tộc thiểu số (is_ethnic_area)",
    "is_model": "Cấp xã điển hình (is_model)",
    "commune": "Xã/phường (commune)",
    "team": "Thôn/tổ dân phố (team)",
    "leader_phone": "Số điện thoại tổ trưởng (leader_phone)",
    "full_name": "Họ và tên (full_name)",
    "sex": "Giới tính (sex)",
    "ethnic_minority": "Dân tộc thiểu số (ethnic_minority)",
    "legal_background": "Chuyên môn luật (legal_background)",
    "phone": "Số điện thoại (phone)",
    "role": "Vai trò (role)",
    "recognised_on": "Ngày công nhận (recognised_on)",
    "trained_on": "Ngày được bồi dưỡng (trained_on)",
    "is_trainer": "Tập huấn viên (is_trainer)",
    "legal_supporter": "Hỗ trợ pháp lý (legal_supporter)",
}

KIND_LABELS: dict[str, str] = {
    "units": "danh sách xã, phường",
    "teams": "danh sách tổ hòa giải",
    "people": "danh sách người dùng",
}

# The extra column of a rejects file; re-importing a corrected rejects file ignores it.
REJECTS_COLUMN = "lỗi"

# --- reading the file
FILE_NOT_FOUND = "Không tìm thấy tệp «{path}»."
FILE_UNREADABLE = "Không đọc được tệp «{path}»: {reason}"
FILE_NOT_UTF8 = (
    "Tệp «{path}» không phải mã UTF-8 (byte lạ ở vị trí {position}). "
    "Trong Excel, chọn «Lưu thành» → «CSV UTF-8 (phân cách bằng dấu phẩy)», "
    "hoặc lưu thành tệp .xlsx rồi nhập lại."
)
FILE_OLD_XLS = (
    "Định dạng .xls (Excel 97–2003) không được hỗ trợ. Mở tệp trong Excel và lưu thành .xlsx hoặc CSV UTF-8."
)
FILE_BAD_TYPE = "Chỉ nhập được tệp .csv hoặc .xlsx (tệp «{path}»)."
FILE_BAD_XLSX = "Tệp «{path}» không phải tệp Excel .xlsx hợp lệ."
FILE_EMPTY = "Tệp «{path}» không có dữ liệu."
NO_COMMUNES = "Chưa có danh sách xã, phường trong cơ sở dữ liệu. Chạy «hoagiai import units» trước."

# --- whole-file problems, reported once before the rows
MISSING_COLUMN = "Thiếu cột bắt buộc: {label}."
DUPLICATE_COLUMN = "Cột «{first}» và cột «{second}» cùng là {label}; chỉ giữ một cột."
NO_DATA_ROWS = "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."

# --- row problems
ROW_PROBLEM = "Dòng {row}, cột «{column}»: {reason}"
ROW_PROBLEM_NO_COLUMN = "Dòng {row}: {reason}"

REQUIRED_VALUE = "chưa điền"
TOO_LONG = "dài quá {limit} ký tự"
# The same rule as the chat's registration (bot.domain.names): say what a name must look like.
NOT_A_NAME = "«{value}» không phải họ tên hợp lệ (4–80 ký tự, ít nhất hai chữ, chỉ chữ cái và dấu cách, không số hay ký hiệu)"
BAD_BOOL = "«{value}» không hợp lệ; điền «có» hoặc «không» (hoặc 1/0, x)"
BAD_SEX = "«{value}» không hợp lệ; điền «nam» hoặc «nữ»"
BAD_ROLE = (
    "«{value}» không phải vai trò hợp lệ; điền một trong: hòa giải viên, tổ trưởng, "
    "công chức tư pháp, cán bộ Sở Tư pháp, quản trị"
)
BAD_LEGAL_SUPPORTER = (
    "«{value}» không hợp lệ; điền một trong: luật sư, luật gia, công an, biên phòng, "
    "công chức tư pháp, nguyên thẩm phán/kiểm sát viên/điều tra viên, khác — hoặc để trống"
)
BAD_ETHNICITY = "«{value}» không hợp lệ; điền «có»/«không» hoặc tên dân tộc (Kinh, Tày, Nùng…)"
BAD_PHONE = "«{value}» không phải số di động Việt Nam hợp lệ (ví dụ 0912 345 678)"
DUPLICATE_PHONE = "số điện thoại {phone} trùng với dòng {other}"
BAD_DATE_FORMAT = "«{value}» không đúng dạng ngày; điền dd/mm/yyyy (ví dụ 05/03/2024)"
BAD_DATE_INVALID = "«{value}»: không có ngày này"
BAD_DATE_FUTURE = "«{value}» là ngày trong tương lai"
BAD_DATE_TOO_OLD = "«{value}»: năm quá xa (trước {year}), có thể gõ nhầm"
UNKNOWN_COMMUNE = "không tìm thấy xã, phường «{value}»"
UNKNOWN_COMMUNE_SUGGEST = "không tìm thấy xã, phường «{value}»; có phải «{name}» (mã {code})?"
UNKNOWN_COMMUNE_CODE = "không có xã, phường nào mã {value}"
AMBIGUOUS_COMMUNE = "«{value}» trùng tên nhiều xã, phường ({candidates}); hãy điền mã xã"
COMMUNE_CANDIDATE = "{name} – mã {code}"
NEEDS_COMMUNE = "vai trò «{role}» cần điền xã, phường"
NEEDS_TEAM = "vai trò «{role}» cần điền thôn/tổ dân phố (tổ hòa giải)"
UNKNOWN_TEAM = (
    "xã «{commune}» chưa có tổ hòa giải «{value}»; nhập danh sách tổ trước "
    "(hoagiai import teams) hoặc chạy lại với --create-teams"
)
AMBIGUOUS_TEAM = "«{value}» khớp nhiều tổ ở xã «{commune}» ({candidates}); hãy ghi đúng tên"
DUPLICATE_LEADER = "tổ «{team}» đã có tổ trưởng ở dòng {other}; mỗi tổ chỉ có một tổ trưởng"
DUPLICATE_TEAM_ROW = "tổ này đã có ở dòng {other}"
LEADER_NOT_FOUND = (
    "chưa có người nào với số {phone}; nhập danh sách người dùng trước "
    "(hoagiai import people) hoặc để trống cột này"
)
LEADER_IS_OFFICER = "số {phone} là của cán bộ/công chức, không thể làm tổ trưởng tổ hòa giải"
LEADER_TWICE = "số {phone} đã là tổ trưởng của tổ ở dòng {other}"
BAD_UNIT_CODE = "«{value}» không phải mã xã hợp lệ (5 chữ số, ví dụ 06040)"
BAD_UNIT_TYPE = "«{value}» không hợp lệ; điền «xã» hoặc «phường»"
UNIT_TYPE_GONE = "thị trấn không còn từ 1/7/2025; điền «xã» hoặc «phường»"
DUPLICATE_UNIT_CODE = "mã {code} đã có ở dòng {other}"

# --- summary
SUMMARY_TITLE = "Nhập {kind} từ {source}: {rows} dòng dữ liệu."
SOURCE_BUNDLED = "danh sách có sẵn (65 xã, phường theo NQ 1672/NQ-UBTVQH15)"
IGNORED_COLUMNS = "Bỏ qua các cột không nhận ra: {columns}."
PROBLEMS_TITLE = "Có {n} lỗi:"
NOTHING_IMPORTED = (
    "KHÔNG nhập dòng nào vì tệp còn lỗi. Sửa các lỗi trên rồi chạy lại, "
    "hoặc thêm --skip-invalid để chỉ nhập các dòng hợp lệ."
)
NOTHING_IMPORTED_FILE = "KHÔNG nhập dòng nào: sửa lỗi của tệp (cột) rồi chạy lại."
DRY_RUN_OK = "Kiểm tra xong (--dry-run): tệp hợp lệ, chưa ghi gì vào cơ sở dữ liệu."
DRY_RUN_PROBLEMS = "Kiểm tra xong (--dry-run): chưa ghi gì vào cơ sở dữ liệu."
COUNTS = "Kết quả: thêm mới {created}, cập nhật {updated}, không đổi {unchanged}, bỏ qua do lỗi {rejected}."
TEAMS_CREATED = "Đã tạo thêm {n} tổ hòa giải mới (--create-teams)."
LEADERS_SET = "Đã đặt tổ trưởng cho {n} tổ."
REJECTS_WRITTEN = "Các dòng lỗi (kèm cột «lỗi») đã ghi vào {path}; sửa rồi nhập lại tệp đó."

# Role names in messages ("vai trò «hòa giải viên» cần …"), keyed by the Role code.
ROLE_NAMES: dict[str, str] = {
    "mediator": "hòa giải viên",
    "team_leader": "tổ trưởng tổ hòa giải",
    "commune_officer": "công chức Tư pháp – hộ tịch",
    "province_officer": "cán bộ Sở Tư pháp",
    "admin": "quản trị",
}
# A CSV the csv module refuses: the row (record) and column, what is wrong, and how to fix it.
_WHERE = "Tệp {path}, dòng {row} (dòng thứ {line} trong tệp), cột {column} ({letter}): "
_NOTHING = " Chưa có gì được ghi."
CSV_PROBLEMS = {
    "too_long": _WHERE
    + "ô dài hơn {limit} ký tự — thường do thiếu một dấu ngoặc kép đóng. Mở tệp bằng Excel hoặc "
    "LibreOffice, sửa ô đó, lưu lại dạng CSV UTF-8 rồi nhập lại." + _NOTHING,
    "open_quote": _WHERE
    + 'dấu ngoặc kép mở mà không đóng, nên mọi dòng sau đó bị gộp vào một ô. Thêm dấu " đóng '
    '(hoặc xóa dấu " thừa) rồi nhập lại.' + _NOTHING,
    "bad_quote": _WHERE
    + 'dấu ngoặc kép đặt sai (sau dấu " đóng phải là dấu phân cách hoặc hết dòng). Trong ô có ngoặc '
    'kép, viết hai dấu "", hoặc lưu lại tệp từ Excel/LibreOffice rồi nhập lại.' + _NOTHING,
    "other": _WHERE + "dòng này không đọc được theo định dạng CSV. Lưu lại tệp từ Excel/LibreOffice "
    "dạng CSV UTF-8 rồi nhập lại." + _NOTHING,
}
