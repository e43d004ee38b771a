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
DB_OK = "Cơ sở dữ liệu toàn vẹn: tốt."
DB_BROKEN = "Cơ sở dữ liệu có {n} lỗi."
MIGRATED = "Đã áp dụng migration: {versions}"
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
