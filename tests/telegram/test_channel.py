"""The channel through the real PTB Application against the in-process fake Bot API."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.channels.telegram.render import TEXT_LIMIT, utf16_len
from bot.channels.telegram.run import publish_commands
from bot.texts import common as t
from bot.texts import menu as tm
from bot.texts import privacy as tp
from bot.texts import telegram as tt
from tests.telegram.conftest import LONG_VALUE, PNG, Harness
from tests.telegram.fake_api import TOKEN, Fault


async def _identity(tg: Harness, user_id: int) -> dict[str, object] | None:
    row = await tg.app.db.fetchone(
        "SELECT chat_id, display_name, unreachable FROM identities "
        "WHERE channel = 'telegram' AND external_id = ?",
        (str(user_id),),
    )
    return dict(row) if row else None


async def test_start_shows_menu_as_inline_keyboard(tg: Harness) -> None:
    user = tg.user()
    await tg.deliver(user.say("/start"))

    [call] = tg.api.calls_to("sendMessage")
    assert call.params["chat_id"] == str(user.chat_id) or call.params["chat_id"] == user.chat_id
    assert call.params["text"] == f"{t.WELCOME_NEW}\n\n{tp.ASSISTANT_DISCLAIMER}"
    assert "parse_mode" not in call.params  # plain text: nothing to escape, nothing to break
    message = user.received[-1]
    assert (tm.ASK, "ask") in user.buttons(message)
    identity = await _identity(tg, user.id)
    assert identity == {"chat_id": str(user.chat_id), "display_name": "Lan Hoàng Thị", "unreachable": 0}


async def test_press_answers_query_edits_message_and_feeds_engine(tg: Harness) -> None:
    user = tg.user()
    await tg.deliver(user.say("/start"))
    menu = user.received[-1]
    press = user.press(menu, tm.ASK)
    await tg.deliver(press)

    [answer] = tg.api.calls_to("answerCallbackQuery")
    assert answer.params["callback_query_id"] == press["callback_query"]["id"]
    # The pressed message keeps its text, loses its buttons and shows what was picked.
    assert "reply_markup" not in menu
    assert menu["text"] == f"{t.WELCOME_NEW}\n\n{tp.ASSISTANT_DISCLAIMER}\n\n{tt.PICKED.format(label=tm.ASK)}"
    # The engine received the value "ask" and started the question flow.
    assert user.received[-1]["text"] == tm.ASK_PROMPT


async def test_long_button_value_travels_as_its_position(tg: Harness) -> None:
    user = tg.user()
    await tg.deliver(user.say("/thu"))
    prompt = user.received[-1]
    assert user.buttons(prompt) == [("Ngắn", "short"), ("Dài", "#2"), ("Ba", "three")]
    keyboard = prompt["reply_markup"]["inline_keyboard"]
    assert [len(row) for row in keyboard] == [2, 1]  # columns=2

    await tg.deliver(user.press(prompt, "Dài"))
    await tg.deliver(user.share_contact("+84912345678"))
    await tg.deliver(user.press(user.received[-1], "Xong"))
    await asyncio.sleep(0)
    assert f"pick={LONG_VALUE}" in tg.picked
    assert any(m.get("text") == f"Bạn đã chọn: {LONG_VALUE}" for m in user.received)


async def test_long_text_is_split_with_keyboard_on_the_last_part(tg: Harness) -> None:
    user = tg.user()
    await tg.deliver(user.say("/thu"))
    await tg.deliver(user.press(user.received[-1], "Ngắn"))
    before = len(tg.api.calls_to("sendMessage"))
    await tg.deliver(user.share_contact("+84912345678"))

    sent = tg.api.calls_to("sendMessage")[before:]
    assert len(sent) >= 3
    assert all(utf16_len(call.params["text"]) <= TEXT_LIMIT for call in sent)
    # Cuts fall between paragraphs: every part but the first starts a paragraph ("Đoạn n.").
    assert all(call.params["text"].startswith("Đoạn") for call in sent[1:])
    markups = [call.params.get("reply_markup") for call in sent]
    assert markups[0] == {"remove_keyboard": True}
    assert all(m is None for m in markups[1:-1])
    assert "inline_keyboard" in (markups[-1] or {})
    assert user.keyboard is None


async def test_phone_request_shows_share_button_and_accepts_own_contact(tg: Harness) -> None:
    user = tg.user()
    await tg.deliver(user.say("/thu"))
    await tg.deliver(user.press(user.received[-1], "Ngắn"))
    assert user.keyboard is not None
    [[button]] = user.keyboard["keyboard"]
    assert button == {"text": tt.SHARE_PHONE, "request_contact": True}
    assert user.keyboard["one_time_keyboard"] is True

    await tg.deliver(user.share_contact("84912345678"))
    assert "phone=84912345678" in tg.picked


async def test_someone_elses_contact_is_refused(tg: Harness) -> None:
    user = tg.user()
    await tg.deliver(user.say("/thu"))
    await tg.deliver(user.press(user.received[-1], "Ngắn"))
    await tg.deliver(user.share_contact("+84987654321", own=False))

    assert not any(p.startswith("phone=") for p in tg.picked)
    reply = user.received[-1]["text"]
    assert reply.startswith(t.UNSUPPORTED)
    assert reply.endswith("Gửi số điện thoại của bạn.")  # the step is asked again


@pytest.mark.parametrize("kind", ["sticker", "voice"])
async def test_stickers_and_voice_get_the_text_only_hint(tg: Harness, kind: str) -> None:
    user = tg.user()
    update = user.send_sticker() if kind == "sticker" else user.send_voice()
    await tg.deliver(update)
    assert user.received[-1]["text"] == t.UNSUPPORTED


async def test_blocked_user_is_marked_unreachable(tg: Harness) -> None:
    user = tg.user()
    tg.api.blocked.add(user.chat_id)
    await tg.deliver(user.say("/start"))

    assert (await _identity(tg, user.id) or {})["unreachable"] == 1
    # One attempt, no retries and no apology to a chat that refuses messages.
    assert len(tg.api.calls_to("sendMessage")) == 1

    tg.api.blocked.clear()
    await tg.deliver(user.say("menu"))  # writing again lifts the flag
    assert (await _identity(tg, user.id) or {})["unreachable"] == 0


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # raised inside PTB itself
async def test_429_waits_retry_after_and_delivers(tg: Harness) -> None:
    user = tg.user()
    tg.api.fail("sendMessage", Fault(429, "Too Many Requests: retry after 1", retry_after=1))
    started = asyncio.get_running_loop().time()
    await tg.deliver(user.say("/start"))

    assert len(tg.api.calls_to("sendMessage")) == 2
    assert asyncio.get_running_loop().time() - started >= 1.0
    assert user.received[-1]["text"] == f"{t.WELCOME_NEW}\n\n{tp.ASSISTANT_DISCLAIMER}"


async def test_server_errors_and_timeouts_are_retried(tg: Harness) -> None:
    user = tg.user()
    tg.api.fail("sendMessage", Fault(502, "Bad Gateway"))
    tg.api.fail("sendMessage", Fault(timeout=True))
    tg.api.fail("sendMessage", Fault(500, "Internal Server Error"))
    await tg.deliver(user.say("/start"))

    assert len(tg.api.calls_to("sendMessage")) == 4
    assert [m["text"] for m in user.received] == [f"{t.WELCOME_NEW}\n\n{tp.ASSISTANT_DISCLAIMER}"]


async def test_failure_after_retries_apologises_without_leaking_the_token(
    tg: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    user = tg.user()
    tg.api.fail("sendMessage", Fault(400, "Bad Request: can't parse entities"))
    update = user.say("/start")
    with caplog.at_level(logging.INFO):
        await tg.deliver(update)

    assert [m["text"] for m in user.received] == [tt.ERROR]
    failure = [r for r in caplog.records if r.getMessage().startswith("telegram_update_failed")]
    assert failure and f"update={update['update_id']}" in failure[0].getMessage()
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


async def test_redelivered_update_is_answered_once(tg: Harness) -> None:
    user = tg.user()
    update = user.say("/start")
    await tg.deliver(update)
    await tg.deliver(update)  # a webhook retry or a re-fetched polling batch
    assert len(user.received) == 1


async def test_press_on_an_already_used_keyboard_is_answered(tg: Harness) -> None:
    user = tg.user()
    await tg.deliver(user.say("/start"))
    menu = user.received[-1]
    stale_copy = {**menu, "reply_markup": menu["reply_markup"]}  # what a lagging client still shows
    await tg.deliver(user.press(menu, tm.ASK))
    await tg.deliver(user.press(stale_copy, tm.ASK))

    # Both spinners stopped; the second press still gets an answer, not an apology.
    assert len(tg.api.calls_to("answerCallbackQuery")) == 2
    assert user.received[-1]["text"] not in (tt.ERROR, t.INTERNAL_ERROR)
    assert len(user.received) == 3


async def test_attachment_is_produced_after_reply_with_typing_shown(tg: Harness) -> None:
    user = tg.user()
    await tg.deliver(user.say("/thu"))
    await tg.deliver(user.press(user.received[-1], "Ba"))
    await tg.deliver(user.share_contact("+84912345678"))
    await tg.deliver(user.press(user.received[-1], "Xong"))

    methods = [c.method for c in tg.api.calls]
    last_text = max(i for i, m in enumerate(methods) if m == "sendMessage")
    assert methods[last_text + 1 :] == ["sendChatAction", "sendDocument"]
    assert tg.api.calls_to("sendChatAction")[-1].params["action"] == "typing"
    document = user.received[-1]["document"]
    assert document["file_name"] == "bao-cao.xlsx"


async def test_png_attachment_goes_as_photo(tg: Harness) -> None:
    user = tg.user()
    await tg.deliver(user.say("/thu"))
    await tg.deliver(user.press(user.received[-1], "Ba"))
    await tg.deliver(user.share_contact("+84912345678"))
    await tg.deliver(user.press(user.received[-1], "Ảnh"))

    [photo] = tg.api.calls_to("sendPhoto")
    assert photo.files["photo"][1] == PNG
    assert "photo" in user.received[-1]


async def test_failed_attachment_is_reported_not_dropped(tg: Harness) -> None:
    user = tg.user()
    await tg.deliver(user.say("/thu"))
    await tg.deliver(user.press(user.received[-1], "Ba"))
    await tg.deliver(user.share_contact("+84912345678"))
    await tg.deliver(user.press(user.received[-1], "Hỏng"))

    assert [m["text"] for m in user.received[-2:]] == ["Bạn đã chọn: three", tt.FILE_FAILED]
    assert not tg.api.calls_to("sendDocument")


async def test_replies_of_one_chat_never_interleave(tg: Harness) -> None:
    user = tg.user()
    await tg.deliver(user.say("/thu"))
    await tg.deliver(user.press(user.received[-1], "Ba"))
    contact = user.share_contact("+84912345678")  # answered with a long, multi-part prompt
    cancel = user.say("/huy")
    before = len(user.received)
    tg.api.latency = 0.005
    await asyncio.gather(tg.deliver(contact), tg.deliver(cancel))

    texts = [m["text"] for m in user.received[before:]]
    assert len(texts) >= 4
    assert texts[0].startswith("Đã nhận số.")
    assert texts[-1] == t.CANCELLED.format(title="Thử nghiệm"), "the second reply overtook the first"


async def test_command_menu_lists_commands_that_work(tg: Harness) -> None:
    published = await publish_commands(tg.application.bot, tg.app.flow_commands)
    assert {"start", "menu", "hoidap", "huy", "trogiup"} <= set(published)
    missing = {"baocao", "vuviec", "hoso", "thongke"} - set(tg.app.flow_commands)
    assert not missing & set(published)
    [call] = tg.api.calls_to("setMyCommands")
    descriptions = {c["command"]: c["description"] for c in call.params["commands"]}
    assert descriptions["hoidap"] == dict(tt.COMMANDS)["hoidap"]
