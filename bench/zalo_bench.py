"""Zalo channel benchmark: messages a mediator types for a full ``/baocao``, webhook requests/s
held with none lost, and the outbox's Zalo send rate as a fraction of its configured limit.

Run: ``python bench/zalo_bench.py [--requests N] [--messages N] [--rate R]``. Everything runs
against the fake Zalo API (tests/zalo/fake_zalo.py) and a loopback webhook server: the figures
measure the bot, not Zalo.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import httpx
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import web as webserver  # noqa: E402
from bot.channels.zalo.channel import ZaloChannel  # noqa: E402
from bot.channels.zalo.client import ZaloClient  # noqa: E402
from bot.channels.zalo.transport import ZaloTransport  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.conversation.messages import Channel, Reply  # noqa: E402
from bot.domain.enums import Role  # noqa: E402
from bot.runtime import App, open_app  # noqa: E402
from bot.storage import outbox  # noqa: E402
from bot.storage import people as people_repo  # noqa: E402
from bot.workers.outbox_sender import OutboxSender, SenderConfig  # noqa: E402
from tests.flows.support import TAN_DOAN, add_person, add_team  # noqa: E402
from tests.flows.test_report_case import THANH_WITH_COURT  # noqa: E402
from tests.zalo.fake_zalo import TOKEN, FakeZalo  # noqa: E402

SECRET = "bench-webhook-secret"
SAVED = "Đã lưu vụ việc"


async def report_messages(app: App, api: FakeZalo, client: ZaloClient) -> tuple[int, bool]:
    """Messages typed on Zalo (numbers and labels only) until the case is saved."""
    team = await add_team(app, TAN_DOAN, "Thôn Bench")
    person = await add_person(app, Role.MEDIATOR, team=team)
    async with app.db.transaction() as tx:
        await people_repo.touch_identity(tx, Channel.ZALO, "zm", "zm", "Mai", app.clock())
        await people_repo.link_identity(tx, Channel.ZALO, "zm", person.id)
    channel = ZaloChannel(app, client)
    typed = 0
    for text in [*THANH_WITH_COURT, "1", "1", "1"]:
        await channel.accept(api.update("zm", text))
        await channel.drain()
        typed += 1
        if any(SAVED in sent for sent in api.texts("zm")):
            return typed, True
    return typed, False


async def webhook_rate(app: App, requests: int, concurrency: int = 16) -> tuple[float, int]:
    """Requests/s the webhook answers 200 after the durable record, and how many were lost."""
    api = FakeZalo()
    channel = ZaloChannel(app, ZaloClient(TOKEN, "http://unused", transport=api.transport()))

    async def record(body: object) -> None:
        await channel.record(body)

    application = webserver.build(webhook_path="/zalo", secret=SECRET, accept=record)
    server, port = webserver.listen(application, "127.0.0.1", 0)
    bodies = [api.update(f"w{n % 50}", "menu") for n in range(requests)]
    queue: asyncio.Queue[dict[str, object]] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    failures = 0

    async def worker(http: httpx.AsyncClient) -> None:
        nonlocal failures
        while not queue.empty():
            body = queue.get_nowait()
            answer = await http.post(
                f"http://127.0.0.1:{port}/zalo", json=body, headers={webserver.SECRET_HEADER: SECRET}
            )
            failures += answer.status_code != 200

    started = time.perf_counter()
    async with httpx.AsyncClient() as http:
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    server.stop()
    row = await app.db.fetchone("SELECT COUNT(*) AS n FROM zalo_inbox WHERE message_id LIKE 'm%'")
    recorded = int(row["n"]) if row is not None else 0
    return requests / elapsed, requests - recorded + failures


async def outbox_rate(app: App, messages: int, rate: float) -> float:
    """Delivered messages per second as a fraction of the configured rate."""
    api = FakeZalo()
    client = ZaloClient(TOKEN, "http://unused", transport=api.transport())
    now = app.clock()
    async with app.db.transaction() as tx:
        for n in range(messages):
            await outbox.enqueue(
                tx,
                channel="zalo",
                chat_id=f"o{n}",
                person_id=None,
                reply=Reply(f"Thông báo {n}"),
                dedupe_key=f"bench:{n}",
                kind="notice",
                now=now,
            )
    config = replace(SenderConfig.for_channel(app.settings, "zalo"), rate_per_second=rate, poll_interval=0.1)
    sender = OutboxSender(app.db, "zalo", ZaloTransport(client), config, clock=app.clock)
    stop = asyncio.Event()
    started = time.perf_counter()
    task = asyncio.create_task(sender.run(stop))
    # Polled rather than awaited: the fake API has no event for "n messages arrived".
    for _ in range(int(messages / rate * 100) + 500):
        if len(api.texts()) >= messages:
            break
        await asyncio.sleep(0.02)
    elapsed = time.perf_counter() - started
    stop.set()
    await task
    await client.aclose()
    return messages / elapsed / rate


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument(
        "--rate", type=float, default=25.0, help="Zalo outbox rate for the run (default 25/s)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, data_dir=Path(folder), zalo_bot_token=SecretStr(TOKEN)
        )
        async with open_app(settings, load_kb=False) as app:
            api = FakeZalo()
            client = ZaloClient(TOKEN, "http://unused", transport=api.transport())
            typed, saved = await report_messages(app, api, client)
            await client.aclose()
            print(f"/baocao on Zalo: {typed} typed messages ({'saved' if saved else 'NOT saved'})")
            per_second, lost = await webhook_rate(app, args.requests)
            print(f"webhook: {per_second:.0f} requests/s held, {lost} lost of {args.requests}")
            fraction = await outbox_rate(app, args.messages, args.rate)
            print(f"outbox: {fraction:.2f} of the configured {args.rate:g}/s ({args.messages} messages)")


if __name__ == "__main__":
    asyncio.run(main())
