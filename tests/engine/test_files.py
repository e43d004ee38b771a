"""Files through the engine: refused as unsupported where a step does not ask for one, the
answer where it does (the caption is not read as a choice, nor as an opt-out); and a file by
reference on the console, which cannot show it but says it was attached."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

from bot.channels.console import ConsoleChannel, ConsoleTransport
from bot.conversation.flow import Answer, Ctx, Flow, Invalid, Step
from bot.conversation.messages import (
    Attachment,
    Channel,
    Choice,
    FileRef,
    Inbound,
    InboundFile,
    InboundKind,
    Reply,
)
from bot.runtime import App
from bot.texts import broadcast as tb
from bot.texts import common as t
from bot.texts import console as tc
from bot.workers.outbox_sender import Delivered
from tests.conftest import ASK_NAME, Chat, snapshot

ASK_FILE = "Gửi tệp biên bản, hoặc chọn «Không có»."
NO_FILE_YET = "Chưa nhận được tệp."
PDF = InboundFile(
    FileRef(Channel.TELEGRAM, "BQACAgIAAxkBAAIBd2Z7pdf"), "bien-ban.pdf", "application/pdf", 18_022
)

_ids = itertools.count(1)


def file_flow(got: list[Answer]) -> Flow:
    """``/tep``: one step that takes a file (or «Không có»)."""

    async def prompt(ctx: Ctx) -> Reply:
        return Reply(ASK_FILE, choices=[Choice("Không có", "none")])

    async def parse(ctx: Ctx, answer: Answer) -> str | None:
        if answer.choice is None and answer.file is None:
            raise Invalid(NO_FILE_YET)
        got.append(answer)
        return answer.file.name if answer.file else None

    async def finish(ctx: Ctx) -> list[Reply]:
        return [Reply(f"Đã nhận: {ctx.data['file']}")]

    step = Step("file", prompt, parse, free_text=True, accepts_file=True)
    return Flow(name="tep", title="Gửi tệp", steps={"file": step}, first="file", finish=finish, command="tep")


def install(app: App) -> list[Answer]:
    got: list[Answer] = []
    app.flows["tep"] = file_flow(got)
    app.flow_commands["tep"] = "tep"
    return got


async def send_file(chat: Chat, caption: str = "", file: InboundFile = PDF) -> list[Reply]:
    """The user of ``chat`` sends ``file`` with ``caption``, as a channel adapter hands it over."""
    inbound = Inbound(
        channel=chat.channel,
        chat_id=chat.chat_id,
        user_id=f"user-{chat.chat_id}",
        message_id=f"file-{next(_ids)}",
        kind=InboundKind.FILE,
        text=caption,
        file=file,
    )
    return await chat.app.engine.handle(inbound)


async def test_a_file_at_a_typing_step_is_unsupported_and_the_step_is_asked_again(
    app: App, chat: Chat
) -> None:
    await chat.go_to("name")
    before = snapshot(await chat.session())

    [reply] = await send_file(chat, caption="Tranh chấp lối đi")

    assert reply.text == f"{t.UNSUPPORTED}\n\n{ASK_NAME}"
    assert snapshot(await chat.session()) == before
    assert (await chat.send("Tranh chấp lối đi"))[0].text.startswith("Kết quả hòa giải")


async def test_a_file_outside_any_flow_is_unsupported(app: App, chat: Chat) -> None:
    assert [r.text for r in await send_file(chat)] == [t.UNSUPPORTED]
    assert await chat.session() is None


async def test_a_file_at_a_file_step_is_the_answer(app: App, chat: Chat) -> None:
    got = install(app)
    assert (await chat.send("/tep"))[0].text == ASK_FILE

    # The caption "1" would pick «Không có» if typed; with a file it is only the caption.
    [reply] = await send_file(chat, caption="1")

    assert reply.text == "Đã nhận: bien-ban.pdf"
    [answer] = got
    assert (answer.file, answer.text, answer.choice) == (PDF, "1", None)
    assert await chat.session() is None


async def test_typing_at_a_file_step_still_works(app: App, chat: Chat) -> None:
    got = install(app)
    await chat.send("/tep")
    assert (await chat.send("tệp đây"))[0].text == f"{NO_FILE_YET}\n\n{ASK_FILE}"
    assert (await chat.send("Không có"))[0].text == "Đã nhận: None"
    assert [(a.choice, a.file) for a in got] == [("none", None)]


async def test_a_caption_is_not_an_opt_out(app: App, chat: Chat) -> None:
    got = install(app)
    await chat.send("/tep")
    [reply] = await send_file(chat, caption="tắt thông báo")
    assert reply.text == "Đã nhận: bien-ban.pdf"
    assert tb.OPT_NEEDS_REGISTRATION not in reply.text
    assert len(got) == 1
    # Typed, the same words are the opt-out command (answered before any flow).
    await chat.send("/tep")
    assert (await chat.send("tắt thông báo"))[0].text == tb.OPT_NEEDS_REGISTRATION


async def test_the_console_names_a_file_it_cannot_show(app: App, tmp_path: Path) -> None:
    async def prompt(ctx: Ctx) -> Reply:
        return Reply("Mẫu biên bản:", attachment=PDF.attachment())

    async def parse(ctx: Ctx, answer: Answer) -> str:
        return answer.text

    async def finish(ctx: Ctx) -> list[Reply]:
        return []

    app.flows["mau"] = Flow(
        "mau", "Mẫu", {"show": Step("show", prompt, parse)}, first="show", finish=finish, command="mau"
    )
    app.flow_commands["mau"] = "mau"
    out = io.StringIO()
    files = tmp_path / "files"
    await ConsoleChannel(app, "console-tester", out=out, files_dir=files).send("/mau")
    assert out.getvalue() == f"Mẫu biên bản:\n{tc.FILE_ATTACHED.format(name='bien-ban.pdf')}\n"
    assert not files.exists()  # a reference has no bytes to save


async def test_console_notifications_name_their_file() -> None:
    out = io.StringIO()
    reply = Reply("📢 Thông báo", attachment=Attachment("lich.png", "image/png", data=b"\x89PNG"))
    assert await ConsoleTransport(out).send("med", reply) == Delivered()
    assert out.getvalue().endswith(f"📢 Thông báo\n{tc.FILE_ATTACHED.format(name='lich.png')}\n")
