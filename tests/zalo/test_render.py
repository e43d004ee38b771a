"""Reply → numbered text within 2000 characters; files as photo URLs or links."""

from __future__ import annotations

from bot.channels.telegram.render import plan as telegram_plan
from bot.channels.zalo.files import FileLinks
from bot.channels.zalo.render import Photo, Text, attachment_parts, for_zalo, plan
from bot.conversation.choices import numbered
from bot.conversation.messages import Attachment, Channel, Choice, FileRef, Reply
from bot.texts import broadcast as tb
from bot.texts import register as tr

CHOICES = [Choice("Đồng ý", "yes"), Choice("Không", "no")]


def test_choices_are_numbered_once() -> None:
    [message] = plan(Reply("Bạn đồng ý không?", choices=CHOICES))
    assert message.text == "Bạn đồng ý không?\n\n1. Đồng ý\n2. Không"
    # A re-prompt that already lists them does not get a second list.
    reprompt = Reply(f"Chưa hiểu.\n{numbered(CHOICES)}", choices=CHOICES)
    assert plan(reprompt)[0].text.count("1. Đồng ý") == 1


def test_phone_request_asks_to_type() -> None:
    [message] = plan(Reply("Số điện thoại?", request_phone=True))
    assert "gõ số điện thoại" in message.text


def test_long_text_split_at_sentences_never_mid_word() -> None:
    sentence = "Hòa giải viên lắng nghe các bên một cách kiên nhẫn. "
    text = sentence * 120  # about 6,000 characters, one paragraph
    parts = plan(Reply(text))
    assert len(parts) >= 3
    assert all(1 <= len(p.text) <= 2000 for p in parts)
    assert all(p.text.endswith(".") for p in parts)
    assert " ".join(p.text for p in parts).split() == text.split()


def test_attachments(links: FileLinks) -> None:
    png = Attachment("bieu-do.png", "image/png", data=b"\x89PNG")
    [photo] = attachment_parts(png, links)
    assert isinstance(photo, Photo) and photo.url.startswith("https://bot.example.vn/files/")
    xlsx = Attachment("báo cáo.xlsx", "application/vnd.openxmlformats", data=b"PK")
    [link] = attachment_parts(xlsx, links)
    assert isinstance(link, Text) and "https://bot.example.vn/files/" in link.text and "24 giờ" in link.text
    zalo_photo = Attachment("ảnh.jpg", "image/jpeg", ref=FileRef(Channel.ZALO, "https://z/1.jpg", photo=True))
    assert attachment_parts(zalo_photo, links) == [Photo("https://z/1.jpg")]
    telegram_doc = Attachment("tl.pdf", "application/pdf", ref=FileRef(Channel.TELEGRAM, "BQAC"))
    [note] = attachment_parts(telegram_doc, links)
    assert isinstance(note, Text) and "tl.pdf" in note.text
    [no_server] = attachment_parts(xlsx, None)
    assert isinstance(no_server, Text) and "báo cáo.xlsx" in no_server.text


def test_no_button_wording_outside_telegram_texts() -> None:
    """Zalo and the console have no buttons: shared sentences must not ask to press one."""
    import importlib
    import pkgutil

    import bot.texts

    offending = []
    for info in pkgutil.iter_modules(bot.texts.__path__):
        if info.name == "telegram":
            continue
        module = importlib.import_module(f"bot.texts.{info.name}")
        for name, value in vars(module).items():
            texts = [value] if isinstance(value, str) else []
            for text in texts:
                # Telegram-only wording is allowed when the Zalo renderer substitutes it.
                lowered = for_zalo(text).lower()
                if "bấm" in lowered or "nút" in lowered.split() or lowered.startswith("nút"):
                    offending.append(f"{info.name}.{name}")
    assert offending == []


def test_telegram_wording_is_replaced_on_zalo_and_kept_on_telegram() -> None:
    reply = Reply(tb.FILE_EXPECTED, choices=[Choice(tb.NO_FILE, "none")])
    [message] = plan(reply)
    assert "bấm" not in message.text and "trên Zalo" in message.text
    assert message.text.endswith("\n\n1. Không kèm tệp")
    assert tb.FILE_HOW in telegram_plan(reply)[0].text  # Telegram has the 📎 button: unchanged


def test_phone_hint_does_not_repeat_the_example() -> None:
    [message] = plan(Reply(tr.ASK_PHONE, request_phone=True))
    assert message.text.count("(ví dụ") == 1 and "gõ số điện thoại" in message.text


def test_notification_actions_are_told_as_commands_not_numbers() -> None:
    """A number typed after a notification reaches no session: the command to type is told."""
    approval = Reply("🔔 Có đăng ký mới cần duyệt", choices=[Choice("Xem và duyệt", "go:approve:7")])
    [message] = plan(approval)
    assert message.text == "🔔 Có đăng ký mới cần duyệt\n\n👉 Gõ /duyet để xem và duyệt."
    reminder = Reply(
        "Nhắc việc",
        choices=[Choice("📂 Mở vụ việc", "go:cases:3"), Choice("📝 Ghi kết quả ngay", "go:cases:3")],
    )
    assert plan(reminder)[0].text.endswith("👉 Gõ /vuviec để mở vụ việc.\n👉 Gõ /vuviec để ghi kết quả ngay.")
    # The weekly question is answered by number: it stays numbered.
    weekly = Reply("Câu hỏi", choices=[Choice("A. Có", "go:wq:1:0"), Choice("B. Không", "go:wq:1:1")])
    assert plan(weekly)[0].text.endswith("1. A. Có\n2. B. Không")


def test_invitation_answers_are_typed_words_listed_once() -> None:
    rsvp = [Choice(label, f"go:rsvp:5:{answer.value}") for answer, label in tb.RSVP_LABELS.items()]
    [message] = plan(Reply(f"📢 Mời dự tập huấn\n\n{tb.RSVP_HINT}", choices=rsvp))
    assert "\n1. " not in message.text and "bên dưới" not in message.text
    assert message.text.count("«sẽ tham dự»") == 1
    assert tb.RSVP_HINT in telegram_plan(Reply(tb.RSVP_HINT, choices=rsvp))[0].text
