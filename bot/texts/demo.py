"""``hoagiai demo seed``: what the command prints, and the Vietnamese material the demo is made of
(names, thôn names, case summaries). Invented people and places: any likeness is chance."""

from __future__ import annotations

# -- command output ------------------------------------------------------------------------------

REFUSED_NOT_EMPTY = (
    "Cơ sở dữ liệu {path} đã có dữ liệu ({people} người, {teams} tổ, {cases} vụ việc). "
    "Dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống. Dùng --force để XÓA toàn bộ người, tổ và vụ việc "
    "rồi nạp lại dữ liệu mẫu."
)
REFUSED_LIVE = (
    "Cơ sở dữ liệu {path} có người dùng thật đã nhắn tin qua Telegram/Zalo ({identities} tài khoản). "
    "Không nạp dữ liệu mẫu, kể cả với --force."
)
SEEDING = "Đang nạp dữ liệu mẫu vào {path} …"
WIPED = "Đã xóa dữ liệu cũ (--force)."
SUMMARY = (
    "Đã nạp dữ liệu mẫu trong {seconds:.1f} giây:\n"
    "• {communes} xã/phường ({pilot} xã điểm, {model} xã điển hình)\n"
    "• {teams} tổ hòa giải ({compliant} tổ đủ thành phần theo Điều 12)\n"
    "• {mediators} hòa giải viên đang hoạt động ({trained} đã được bồi dưỡng), "
    "{pending} chờ duyệt, {left} đã thôi\n"
    "• {officers} công chức Tư pháp xã, {province} cán bộ Sở Tư pháp, {admins} quản trị viên\n"
    "• {trainers} báo cáo viên/tập huấn viên, {supporters} người hỗ trợ pháp lý cho {supported} tổ\n"
    "• {cases} vụ việc: {thanh} thành, {khong_thanh} không thành, {dang} đang hòa giải, "
    "{ngoai} ngoài phạm vi ({events} dòng lịch sử thay đổi)"
)
TRY_IT = (
    "Thử ngay: «hoagiai chat --as mediator», «hoagiai chat --as team_leader», "
    "«hoagiai chat --as commune_officer» hoặc «hoagiai chat --as province_officer»."
)
HELP_SEED = "nạp dữ liệu mẫu (65 xã/phường, tổ, hòa giải viên, vụ việc) vào cơ sở dữ liệu trống"
HELP_FORCE = "xóa toàn bộ người, tổ, vụ việc hiện có rồi nạp lại (chỉ cho cơ sở dữ liệu thử nghiệm)"
HELP_SEED_NUMBER = "hạt giống ngẫu nhiên: cùng số cho cùng dữ liệu (mặc định 2025)"

# -- people --------------------------------------------------------------------------------------

# Tày and Nùng family names common in Lạng Sơn, then Kinh ones (weights are in the service).
MINORITY_SURNAMES = (
    "Hoàng",
    "Nông",
    "Lăng",
    "Vi",
    "Hà",
    "Lương",
    "Triệu",
    "Lộc",
    "Chu",
    "Hứa",
    "Mã",
    "Lành",
    "Ma",
    "Đàm",
    "Linh",
    "Sầm",
    "Bế",
    "Nông",
    "Hoàng",
    "Vy",
    "Lý",
    "Dương",
    "Ngôn",
    "Tô",
)
KINH_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Vũ", "Đỗ", "Đinh", "Bùi", "Ngô", "Phan")
MALE_MIDDLE = ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Xuân", "Thanh", "Hữu")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim")
MALE_GIVEN = (
    "Thắng",
    "Hùng",
    "Dũng",
    "Tuấn",
    "Quân",
    "Cường",
    "Long",
    "Sơn",
    "Hải",
    "Bình",
    "Thành",
    "Phúc",
    "Tài",
    "Khánh",
    "Lợi",
    "Nghĩa",
    "Trọng",
    "Vinh",
    "Hưng",
    "Đạt",
    "Chiến",
    "Kiên",
    "Toàn",
    "Tiến",
    "Pản",
    "Slao",
    "Thìn",
    "Lực",
    "Quý",
    "Hoan",
    "Định",
    "Tường",
)
FEMALE_GIVEN = (
    "Lan",
    "Hoa",
    "Hương",
    "Mai",
    "Thủy",
    "Nga",
    "Hạnh",
    "Huyền",
    "Thảo",
    "Liên",
    "Dung",
    "Nhung",
    "Phượng",
    "Thơm",
    "Quyên",
    "Yến",
    "Lụa",
    "Tươi",
    "Hiền",
    "Thu",
    "Vân",
    "Duyên",
    "Nhàn",
    "Xuân",
    "Loan",
    "Hằng",
    "Thắm",
    "Dịu",
)

# -- places --------------------------------------------------------------------------------------

VILLAGE_WORDS = ("Thôn", "Thôn", "Thôn", "Bản")  # xã: mostly "Thôn", some "Bản" (the first is the usual one)
WARD_WORD = "Khối"  # phường: "Khối 1", "Khối 2" …
# Tày/Nùng place syllables: the first says what the place is (nà: rice field, khuổi: stream,
# pò: hill, pác: mouth of a valley, khòn: pass …), the second names it.
PLACE_HEADS = (
    "Nà",
    "Khuổi",
    "Pò",
    "Pác",
    "Khòn",
    "Còn",
    "Kéo",
    "Bó",
    "Lũng",
    "Phai",
    "Khau",
    "Nặm",
    "Cốc",
    "Pá",
)
PLACE_TAILS = (
    "Pàn",
    "Cáp",
    "Cại",
    "Sla",
    "Pầy",
    "Lùng",
    "Mỏ",
    "Keo",
    "Mò",
    "Coong",
    "Phái",
    "Củng",
    "Vài",
    "Dài",
    "Tèng",
    "Ràng",
    "Nhùng",
    "Rào",
    "Hin",
    "Lạn",
    "Thâm",
    "Cằm",
    "Cặp",
    "Phiêng",
    "Phầy",
    "Slam",
    "Nưa",
    "Luông",
    "Mạ",
    "Pục",
    "Sliến",
    "Chang",
)
# Lowland thôn often carry Sino-Vietnamese names.
KINH_VILLAGES = (
    "Đồng Tâm",
    "Tân Lập",
    "Trung Tâm",
    "Đồng Bục",
    "Hợp Thành",
    "Quyết Thắng",
    "Làng Mới",
    "Phố Chợ",
    "Đoàn Kết",
    "Tân Hương",
    "Đồng Mỏ",
    "Bình Minh",
    "Hòa Bình",
    "Thống Nhất",
)
NEW_THON = "Thôn Khuổi Mới"  # proposed at registration, waiting for the commune's confirmation

# -- cases ---------------------------------------------------------------------------------------

SUMMARIES: dict[str, tuple[str, ...]] = {
    "dat_dai": (
        "Tranh chấp ranh giới đất vườn giữa hai hộ liền kề",
        "Hai hộ tranh chấp lối đi vào nương ngô",
        "Tranh chấp quyền sử dụng đất rừng sản xuất giữa anh em trong họ",
        "Mâu thuẫn do hộ bên cạnh rào lấn sang phần đất ruộng",
        "Tranh chấp ranh giới đất trồng hồi giữa hai gia đình",
        "Tranh chấp mốc giới thửa ruộng sau khi dồn điền đổi thửa",
    ),
    "hon_nhan_gia_dinh": (
        "Vợ chồng mâu thuẫn, người chồng uống rượu thường xuyên",
        "Mâu thuẫn giữa mẹ chồng và con dâu về việc chăm sóc con nhỏ",
        "Anh em mâu thuẫn về việc phụng dưỡng cha mẹ già",
        "Vợ chồng xích mích về chi tiêu trong gia đình",
        "Mâu thuẫn giữa hai vợ chồng trẻ, vợ về nhà mẹ đẻ",
    ),
    "dan_su_khac": (
        "Vay tiền mua phân bón nhưng chưa trả đúng hẹn",
        "Tranh chấp chia tài sản thừa kế là trâu và nhà sàn",
        "Mua bán lợn giống, bên mua chưa thanh toán đủ",
        "Thuê máy cày, hai bên không thống nhất tiền công",
        "Vay vàng cưới vợ, đến hạn chưa trả",
    ),
    "sinh_hoat_cong_dong": (
        "Gia súc thả rông phá hoại hoa màu của hộ bên cạnh",
        "Mâu thuẫn về việc chia nước tưới ruộng từ mương chung",
        "Hộ gia đình mở loa to vào buổi tối gây ồn",
        "Xả nước thải chăn nuôi ra đường làng",
        "Tranh chấp sử dụng đường ống nước sinh hoạt chung",
        "Chó nhà bên cạnh cắn gà, hai bên cãi nhau",
    ),
    "vi_pham_nho": (
        "Thanh niên uống rượu say gây gổ, xô xát nhẹ",
        "Trẻ em hái trộm quả mận của nhà bên cạnh",
        "Chặt nhầm cây keo trên đất của hộ khác",
    ),
    "khac": (
        "Mâu thuẫn giữa hai hộ kinh doanh cạnh nhau ở chợ phiên",
        "Xích mích trong việc góp tiền làm đường bê tông thôn",
    ),
}
NOTES = (
    "Hai bên đã thực hiện đúng thỏa thuận.",
    "Tổ đã đến gia đình nắm tình hình, các bên giữ đúng cam kết.",
    "Bên vay đã trả được một nửa số tiền, hẹn trả nốt sau vụ thu hoạch.",
    "Hai hộ đã cùng dựng lại hàng rào theo mốc đã thống nhất.",
    "Gia đình đã hòa thuận trở lại, tổ tiếp tục theo dõi.",
)
