"""Several consoles on one database (issue 13.16): each prints only its own user's proactive
messages, and no log line lands in the conversation — with real ``hoagiai chat`` processes."""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from pathlib import Path

from bot.conversation.messages import Reply
from bot.storage import outbox
from bot.storage.db import utcnow
from bot.texts import console as tc
from tests.databases import database_at
from tests.processes import start_hoagiai, wait_until

LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING|ERROR)")


async def _enqueue(db_file: Path, messages: dict[str, list[str]]) -> None:
    async with database_at(db_file) as db, db.transaction() as conn:
        for chat, texts in messages.items():
            for n, text in enumerate(texts):
                await outbox.enqueue(
                    conn,
                    channel="console",
                    chat_id=chat,
                    reply=Reply(text),
                    dedupe_key=f"test:{chat}:{n}",
                    kind=outbox.Kind.NOTICE,
                    now=utcnow(),
                    urgent=True,
                )


async def _statuses(db_file: Path) -> dict[str, set[str]]:
    async with database_at(db_file) as db:
        rows = await db.fetchall("SELECT chat_id, status FROM outbox WHERE channel = 'console'")
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["chat_id"], set()).add(row["status"])
    return found


def test_each_console_delivers_only_its_own_messages(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    data = tmp_path / "data"
    log_file = data / "console.log"
    # `--user an` speaks as the console chat «console-an». The second console starts once the
    # first is up: this test is about delivery; two processes creating one new database at the
    # same instant is test_concurrent_open's subject, and made this one flaky on a loaded machine.
    consoles: dict[str, subprocess.Popen[str]] = {}
    try:
        for started, user in enumerate(("an", "binh"), start=1):
            consoles[f"console-{user}"] = start_hoagiai(["chat", "--user", user], tmp_path, subprocess_env)
            wait_until(
                lambda n=started: (
                    log_file.exists()
                    and log_file.read_text("utf-8").count("outbox_sender_started channel=console") == n
                ),
                f"console {user}'s sender",
            )
        texts = {f"console-{c}": [f"Tin {n} cho {c}" for n in range(3)] for c in ("an", "binh", "chi")}
        asyncio.run(_enqueue(data / "hoagiai.sqlite3", texts))

        def delivered() -> bool:
            statuses = asyncio.run(_statuses(data / "hoagiai.sqlite3"))
            return statuses.get("console-an") == {"sent"} and statuses.get("console-binh") == {"sent"}

        wait_until(delivered, "the messages of an and binh")
        time.sleep(1.5)  # a console that took someone else's row would have printed it by now
        outputs = {user: process.communicate("thoát\n", timeout=60) for user, process in consoles.items()}
    finally:
        for process in consoles.values():
            if process.poll() is None:
                process.kill()
                process.communicate()

    for user, (out, err) in outputs.items():
        for chat, chat_texts in texts.items():
            for text in chat_texts:
                assert (text in out) == (chat == user), (user, text)
        assert out.count(tc.NOTIFICATION.format(chat=user)) == 3
        # The knowledge folder is missing (a warning): it goes to the log file, not the terminal.
        assert not LOG_LINE.search(out), out
        assert not LOG_LINE.search(err), err
    assert asyncio.run(_statuses(data / "hoagiai.sqlite3"))["console-chi"] == {
        "pending"
    }  # no console of chi's
    assert "WARNING bot.runtime knowledge_missing" in log_file.read_text("utf-8")
