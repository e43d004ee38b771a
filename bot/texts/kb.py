"""Sentences of the knowledge base: answers, citations, suggestions, polite refusals."""

from __future__ import annotations

# Citation line under every answer. {article} is "Điều 12" or "khoản 2 Điều 9"; {doc} the
# document's short name; {number} its official number.
CITATION = "Căn cứ: {items}"
CITE_ARTICLE = "{article} {doc}"
CITE_ARTICLE_NUMBER = "{article} {doc} ({number})"
CITE_SECTION = "mục «{title}» – {doc}"
CITE_SEP = "; "
ARTICLE = "Điều {n}"
CLAUSE_OF_ARTICLE = "khoản {clause} Điều {n}"
HEADER_ARTICLE = "{doc} – Điều {n}. {title}"
HEADER_SECTION = "{doc} – {title}"
HEADER_FAQ = "Hỏi đáp: {title}"
ELLIPSIS = "[…]"

STATUS_NOTE = "Lưu ý: {note}"
EXPIRED_NOTE = "Lưu ý: {doc} đã hết hiệu lực; nội dung dưới đây chỉ để tham khảo lịch sử."
PARTIAL_NOTE = "Lưu ý: trợ lý mới có một phần nguyên văn điều này ({note})."
MISSING_ARTICLE = (
    "{header}\n"
    "Trợ lý chưa thu thập được nguyên văn điều này, nên không trích dẫn để tránh sai lệch. "
    "Bạn có thể tra toàn văn {doc} trên Cổng thông tin điện tử văn bản pháp luật hoặc hỏi "
    "công chức Tư pháp – hộ tịch ở UBND xã."
)
ARTICLE_NOT_FOUND = "{doc} không có {article} (văn bản này gồm Điều {first} đến Điều {last})."
ARTICLE_NOT_IN_KB = "Trợ lý không tìm thấy {article} trong các văn bản đang có."
FULL_TEXT_HINT = "Chọn «Xem toàn văn» để đọc cả điều."
FULL_TEXT_LABEL = "📄 Xem toàn văn"
DID_YOU_MEAN = "(Trợ lý hiểu câu hỏi là: «{text}»)"

SUGGEST_BEST = "Tôi chưa chắc đã hiểu đúng câu hỏi. Nội dung gần nhất tìm được:"
SUGGEST_ALSO = (
    "Nếu chưa đúng ý, có phải bạn hỏi một trong các nội dung dưới đây? Chọn để xem, hoặc hỏi lại rõ hơn."
)
SUGGEST_LABEL_ARTICLE = "Điều {n} {doc}: {title}"
SUGGEST_LABEL_SECTION = "{title} ({doc})"
SUGGEST_LABEL_FAQ = "Hỏi đáp: {title}"

NOT_LEGAL_ADVICE = (
    "Thông tin chỉ để tham khảo, không thay cho ý kiến tư vấn pháp lý. Vụ việc cụ thể, "
    "xin hỏi công chức Tư pháp – hộ tịch ở UBND xã."
)
SEE_ALSO = "Bạn có thể xem thêm phần hỏi đáp liên quan bên dưới."
DECLINE_NOTHING = (
    "Tôi chưa tìm thấy nội dung phù hợp trong tài liệu về hòa giải ở cơ sở. "
    "Bạn thử hỏi lại bằng cách khác (ví dụ: «hòa giải viên có được thù lao không», "
    "«điều 7 luật hòa giải»), hoặc hỏi công chức Tư pháp – hộ tịch ở UBND xã."
)
DECLINE_OFF_TOPIC = (
    "Tôi chỉ trả lời các câu hỏi về hòa giải ở cơ sở (hòa giải viên, tổ hòa giải, "
    "trình tự hòa giải, thù lao, kinh phí…). Câu hỏi khác, xin hỏi công chức Tư pháp – hộ tịch "
    "ở UBND xã."
)
DECLINE_EMPTY = "Bạn hãy gõ câu hỏi về hòa giải ở cơ sở, ví dụ: «tổ hòa giải có bao nhiêu người»."

# One sentence per neighbouring regime: what it is and where such questions belong.
REGIME_COURT = (
    "Câu hỏi này thuộc về hòa giải, đối thoại tại Tòa án (Luật Hòa giải, đối thoại tại Tòa án "
    "2020 và Bộ luật Tố tụng dân sự), không phải hòa giải ở cơ sở; xin hỏi Tòa án nhân dân khu "
    "vực nơi giải quyết vụ việc."
)
REGIME_COMMERCIAL = (
    "Hòa giải thương mại do Nghị định 22/2017/NĐ-CP điều chỉnh, không thuộc hòa giải ở cơ sở; "
    "xin hỏi trung tâm hòa giải thương mại hoặc Sở Tư pháp."
)
REGIME_LABOUR = (
    "Tranh chấp lao động được hòa giải viên lao động giải quyết theo Bộ luật Lao động, không "
    "thuộc hòa giải ở cơ sở; xin hỏi Phòng/Sở phụ trách lao động hoặc công đoàn."
)
REGIME_ARBITRATION = (
    "Trọng tài thương mại do Luật Trọng tài thương mại điều chỉnh, không thuộc hòa giải ở cơ sở; "
    "xin hỏi trung tâm trọng tài hoặc luật sư."
)
REGIME_CRIMINAL = (
    "Tội phạm và hình phạt do Bộ luật Hình sự quy định, không được hòa giải ở cơ sở (khoản 1 "
    "Điều 3 Luật Hòa giải ở cơ sở); xin hỏi cơ quan công an hoặc trợ giúp pháp lý."
)
REGIME_ADMIN_FINE = (
    "Mức xử phạt vi phạm hành chính do các nghị định xử phạt quy định, không thuộc hòa giải ở "
    "cơ sở (khoản 1 Điều 3 Luật Hòa giải ở cơ sở); xin hỏi UBND xã hoặc cơ quan có thẩm quyền xử phạt."
)
REGIME_LAND_COMMUNE = (
    "Hòa giải tranh chấp đất đai tại UBND xã là thủ tục theo Luật Đất đai, khác với hòa giải ở "
    "cơ sở; xin hỏi công chức địa chính hoặc Tư pháp – hộ tịch ở UBND xã."
)

# The command line (`hoagiai kb …`), for deployers.
KB_SEARCH_NO_QUESTION = (
    "hoagiai kb search: thiếu câu hỏi. Gõ câu hỏi sau lệnh, ví dụ: "
    "hoagiai kb search hòa giải viên có được thù lao không — hoặc dùng --batch TỆP."
)
KB_USAGE = "Dùng: hoagiai kb search|passages|check|gaps (xem hoagiai kb --help)."
KB_CHECK_OK = "Cơ sở tri thức: tốt."
KB_CHECK_PROBLEMS = "Cơ sở tri thức có {n} lỗi."
