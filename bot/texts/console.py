"""Sentences of the console channel and the command line."""

from __future__ import annotations

INTRO = "Trợ lý Hòa giải — kênh dòng lệnh. Gõ tin nhắn rồi Enter; gõ «thoát» để kết thúc."
BYE = "Tạm biệt!"
QUIT_WORDS = frozenset({"thoát", "thoat", "exit", "quit"})
NOTIFICATION = "📨 [Tin nhắn chủ động tới {chat}]"
FILE_SAVED = "[Tệp đính kèm đã lưu tại: {path}]"
FILE_ATTACHED = "[Đã đính kèm tệp «{name}»; kênh dòng lệnh không hiển thị tệp.]"
CONSOLE_BECAUSE_NO_TOKEN = (
    "Chưa cấu hình TELEGRAM_BOT_TOKEN hay ZALO_BOT_TOKEN → chạy kênh dòng lệnh (console). "
    "Đặt một trong hai (hoặc cả hai) trong .env để chạy bot Telegram/Zalo."
)
# One line per channel at start: which mode and why (the reason names the settings).
CHANNEL_STARTING = "Khởi động kênh {channel}: {mode} ({reason})."
# The channel runners' reasons (English, for the log) as the deployer reads them.
CHANNEL_MODES = {"webhook": "webhook", "polling": "polling (bot tự hỏi máy chủ tin nhắn mới)"}
CHANNEL_REASONS = (
    {
        f"{p}_WEBHOOK_URL and {p}_WEBHOOK_SECRET are set": f"đã đặt {p}_WEBHOOK_URL và {p}_WEBHOOK_SECRET"
        for p in ("TELEGRAM", "ZALO")
    }
    | {
        f"{p}_WEBHOOK_URL is set but {p}_WEBHOOK_SECRET is not (no open webhooks)": (
            f"đã đặt {p}_WEBHOOK_URL nhưng chưa đặt {p}_WEBHOOK_SECRET (không mở webhook không có khóa bí mật)"
        )
        for p in ("TELEGRAM", "ZALO")
    }
    | {f"{p}_WEBHOOK_URL is not set": f"chưa đặt {p}_WEBHOOK_URL" for p in ("TELEGRAM", "ZALO")}
)
# Why a file could not be read, by errno (the system's own text is English on servers).
OS_ERRORS = {2: "không có tệp này", 13: "không có quyền đọc", 21: "đây là một thư mục", 20: "đường dẫn sai"}
NOT_UTF8 = "tệp không phải văn bản UTF-8"
BACKUP_DONE = "Đã sao lưu vào {path} (kiểm tra toàn vẹn: tốt)."
BACKUP_BROKEN = "Bản sao lưu {path} không toàn vẹn: {problems}. Tệp đích được giữ nguyên như trước."
# Keyed by bot.storage.backup.Refusal values; nothing was written in any of these cases.
BACKUP_REFUSED = {
    "is_database": (
        "Không sao lưu: {path} chính là cơ sở dữ liệu đang dùng ({db}). "
        "Chọn một tệp khác, ví dụ backups/hoagiai-$(date +%F).sqlite3."
    ),
    "is_companion": (
        "Không sao lưu: {path} là tệp đi kèm của cơ sở dữ liệu đang dùng ({db}: -wal, -shm hoặc tệp khóa). "
        "Chọn một tệp khác, ví dụ backups/hoagiai-$(date +%F).sqlite3."
    ),
    "target_in_use": (
        "Không sao lưu: {path} là một cơ sở dữ liệu đang được chương trình khác mở (có tệp -wal/-shm). "
        "Dừng chương trình đó hoặc chọn một tệp khác."
    ),
    "target_open": (
        "Không sao lưu: tệp {path} đang được một chương trình mở (có thể chính là bot). "
        "Chọn một tệp khác, ví dụ backups/hoagiai-$(date +%F).sqlite3."
    ),
    "is_directory": "Không sao lưu: {path} là một thư mục. Ghi rõ tên tệp, ví dụ {path}/hoagiai.sqlite3.",
}
DB_UNREADABLE = "Không đọc được cơ sở dữ liệu {path}: {error}. Khôi phục từ bản sao lưu (xem docs/deploy.md)."
DB_UNAVAILABLE = (
    "Không kết nối được cơ sở dữ liệu PostgreSQL {db}: {reason}. "
    "Kiểm tra máy chủ PostgreSQL đang chạy, địa chỉ và mật khẩu trong DATABASE_URL."
)
DB_COLLATION = (
    "Cơ sở dữ liệu PostgreSQL {db} không sắp xếp chữ theo từng byte (C.UTF-8) như bot cần; chưa thay đổi gì. "
    "Tạo một cơ sở dữ liệu mới bằng: {line}"
)
DB_OK = "Cơ sở dữ liệu toàn vẹn: tốt."
DB_BROKEN = "Cơ sở dữ liệu có {n} lỗi."
MIGRATED = "Đã áp dụng migration: {versions}"
# db backup on PostgreSQL: the server's own tool makes the consistent copy (stderr; the command
# itself goes alone to stdout, so a script can run it).
BACKUP_USE_PG_DUMP = (
    "Cơ sở dữ liệu là PostgreSQL ({db}): bot không tự chép tệp. Sao lưu bằng pg_dump "
    "(nhất quán ngay cả khi bot đang chạy; nhập mật khẩu khi được hỏi hoặc đặt PGPASSWORD) — lệnh:"
)
# hoagiai db copy --to postgresql://… (the URL is always shown without its password).
COPY_HELP = "chép toàn bộ cơ sở dữ liệu SQLite sang một cơ sở dữ liệu PostgreSQL trống"
COPY_TO_HELP = "địa chỉ PostgreSQL đích, ví dụ postgresql://hoagiai:MẬT_KHẨU@localhost/hoagiai"
COPY_STARTING = "Chép {source} → {target} (một giao dịch; dừng bot trước, nếu không các thay đổi sau lúc bắt đầu sẽ không được chép)…"
COPY_HEADER = "{table:<24} {rows:>10}  {checksum:<16}  {ok}"
COPY_HEADER_WORDS = {"table": "bảng", "rows": "số dòng", "checksum": "SHA-256", "ok": "kết quả"}
COPY_ROW_OK = "OK"
COPY_ROW_BAD = "SAI (nguồn {rows} dòng {checksum})"
COPY_DONE = (
    "Đã chép {tables} bảng, {rows} dòng sang {target}; số dòng và SHA-256 từng bảng khớp. "
    "Đặt DATABASE_URL trong .env rồi khởi động lại bot (xem docs/deploy.md, «Chuyển sang PostgreSQL»)."
)
COPY_MISMATCH = "Bản chép không khớp với nguồn ở bảng: {tables}. Đã hoàn tác toàn bộ: {target} không có dòng nào được chép."
COPY_FAILED = "PostgreSQL từ chối dữ liệu của bảng {table}: {error}. Đã hoàn tác toàn bộ: đích không có dòng nào được chép."
# Keyed by bot.storage.copy.Refusal values; no row was written in any of these cases.
COPY_REFUSED = {
    "source_missing": "Không chép: không có tệp cơ sở dữ liệu {detail}. Kiểm tra DATA_DIR / DATABASE_PATH trong .env.",
    "source_not_migrated": (
        "Không chép: cơ sở dữ liệu nguồn {source} còn thiếu migration {detail}. "
        "Chạy «hoagiai db migrate» (với .env đang dùng SQLite) rồi chép lại."
    ),
    "source_newer": (
        "Không chép: cơ sở dữ liệu nguồn {source} có migration {detail} mà phiên bản bot này không biết. "
        "Cập nhật bot lên phiên bản đã tạo ra cơ sở dữ liệu đó rồi chép lại."
    ),
    "not_postgres": "Không chép: {detail} không phải địa chỉ PostgreSQL (phải bắt đầu bằng postgresql://).",
    "collation": (
        "Không chép: cơ sở dữ liệu đích {target} không sắp xếp chữ theo từng byte (C.UTF-8) như bot cần. "
        "Tạo một cơ sở dữ liệu mới bằng: {detail}"
    ),
    "target_not_empty": (
        "Không chép: cơ sở dữ liệu đích {target} đã có dữ liệu (bảng «{detail}» có dòng). "
        "Chỉ chép vào một cơ sở dữ liệu trống: tạo mới bằng "
        "CREATE DATABASE hoagiai TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8', "
        "hoặc xóa cơ sở dữ liệu đích nếu chắc chắn không cần nó."
    ),
    "target_schema": (
        "Không chép: cơ sở dữ liệu đích {target} thiếu bảng hoặc cột {detail} sau khi chạy migration. "
        "Dùng một cơ sở dữ liệu trống dành riêng cho bot."
    ),
}
NO_GAPS = "Chưa có câu hỏi nào bị bỏ ngỏ."
NO_PERSON_WITH_ROLE = (
    "Không có người nào với vai trò «{who}» trong cơ sở dữ liệu. Chạy «hoagiai demo seed» trước."
)
NO_PERSON_WITH_ID = "Không có người nào có mã {who}."
BAD_AS = "Giá trị --as không hợp lệ: «{who}». Dùng một vai trò ({roles}) hoặc mã số người."
INVITE_UNKNOWN_COMMUNE = (
    "{reason} Xem danh sách mã: hoagiai admin communes (hoặc hoagiai admin communes TÊN để tìm theo tên)."
)
NO_COMMUNE_MATCHES = "Không có xã/phường nào có tên chứa «{text}». Chạy hoagiai admin communes để xem tất cả."
SCRIPT_UNREADABLE = "Không đọc được tệp kịch bản {path}: {reason}. Kiểm tra đường dẫn của --script."
INVITE_CREATED = (
    "Mã mời: {code} (vai trò {role}, dùng một lần, hết hạn {until}).\n"
    "Người được mời gửi cho bot tin nhắn: /start {code}"
)
ALREADY_RUNNING = (
    "Bot đang chạy trên cơ sở dữ liệu {db} (tiến trình {pid}, khởi động lúc {started}): "
    "không chạy tiến trình thứ hai. Dừng tiến trình đó trước (sudo systemctl stop hoagiai hoặc kill {pid}) "
    "hoặc dùng DATABASE_PATH khác."
)
POLLING_ON_SHARED_DATABASE = (
    "Cơ sở dữ liệu là PostgreSQL (DATABASE_URL): nhiều tiến trình bot có thể cùng chạy, nên mỗi kênh "
    "phải nhận tin qua webhook — kênh {channels} đang ở chế độ polling (hai tiến trình cùng hỏi tin mới "
    "sẽ tranh nhau, Telegram từ chối một bên). Đặt TELEGRAM_WEBHOOK_URL và TELEGRAM_WEBHOOK_SECRET "
    "(Zalo: ZALO_WEBHOOK_URL và ZALO_WEBHOOK_SECRET), xem docs/deploy.md, mục "
    "«Nhiều tiến trình trên PostgreSQL»."
)
ALREADY_RUNNING_UNKNOWN = (
    "Bot đang chạy trên cơ sở dữ liệu {db} (tệp khóa {lock} đang bị giữ): không chạy tiến trình thứ hai. "
    "Dừng tiến trình đó trước hoặc dùng DATABASE_PATH khác."
)
