"""The bot's HTTP endpoint on 127.0.0.1: webhook checks before the body, and signed file links."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from bot import web as webserver
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.files import FileLinks
from tests.zalo.conftest import recorded
from tests.zalo.fake_zalo import FakeZalo

SECRET = "s3cret-webhook-token"
PATH = "/hook/zalo"


@pytest.fixture
async def server(channel: ZaloChannel, links: FileLinks) -> AsyncIterator[str]:
    application = webserver.build(
        webhook_path=PATH, secret=SECRET, accept=channel.accept, links=links, limit=4096
    )
    http, port = webserver.listen(application, "127.0.0.1", 0, limit=4096)
    yield f"http://127.0.0.1:{port}"
    http.stop()


async def _raw(base: str, head: str) -> bytes:
    """Send request headers only (no body) and read the answer: proof the body was not awaited."""
    parts = urlsplit(base)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(head.encode())
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(200), 2)
    writer.close()
    return answer


async def test_secret_is_required(server: str, api: FakeZalo, channel: ZaloChannel) -> None:
    body = recorded("text_bare")
    async with httpx.AsyncClient() as http:
        missing = await http.post(server + PATH, json=body)
        wrong = await http.post(
            server + PATH, json=body, headers={webserver.SECRET_HEADER: SECRET[:-1] + "X"}
        )
    assert (missing.status_code, wrong.status_code) == (403, 403)
    # Refused before the body: a huge declared body with a wrong secret is answered at once.
    head = f"POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n"
    assert (await _raw(server, head)).startswith(b"HTTP/1.1 403")
    await channel.drain()
    assert api.calls == []


async def test_oversized_body_refused_without_reading(server: str) -> None:
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: x\r\n{webserver.SECRET_HEADER}: {SECRET}\r\n"
        "Content-Length: 50000000\r\nContent-Type: application/json\r\n\r\n"
    )
    assert (await _raw(server, head)).startswith(b"HTTP/1.1 413")

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b" " * 1000  # 10 kB streamed without a declared length, cap 4 kB

    async with httpx.AsyncClient() as http:
        try:
            answer = await http.post(
                server + PATH, content=chunks(), headers={webserver.SECRET_HEADER: SECRET}
            )
        except httpx.HTTPError:
            return  # the server cut the connection at the cap
    assert answer.status_code >= 400


async def test_malformed_json_is_400_and_right_secret_handled_once(
    server: str, api: FakeZalo, channel: ZaloChannel
) -> None:
    headers = {webserver.SECRET_HEADER: SECRET}
    update = api.update("u9", "menu")
    async with httpx.AsyncClient() as http:
        bad = await http.post(server + PATH, content=b"{not json", headers=headers)
        first = await http.post(server + PATH, content=json.dumps(update), headers=headers)
        again = await http.post(server + PATH, json={"ok": True, "result": update}, headers=headers)
    assert (bad.status_code, first.status_code, again.status_code) == (400, 200, 200)
    await channel.drain()
    assert len(api.texts("u9")) == 1


async def test_signed_links(server: str, links: FileLinks, tmp_path: Path) -> None:
    url = links.publish("báo cáo.xlsx", b"PK-data")
    local = server + url.removeprefix("https://bot.example.vn")
    path, _, query = local.partition("?")
    async with httpx.AsyncClient() as http:
        ok = await http.get(local)
        twice = await http.get(local)  # Zalo fetches a photo more than once
        forged = await http.get(local[:-4] + ("0000" if not local.endswith("0000") else "1111"))
        other_name = await http.get(path.rsplit("/", 1)[0] + "/khac.xlsx?" + query)
        traversal = await http.get(server + "/files/..%2F..%2Fhoagiai.sqlite3/x?" + query)
        dotdot = await http.get(path.rsplit("/", 1)[0] + "/..%2F..%2Fhoagiai.sqlite3?" + query)
        unsigned = await http.get(path)
    assert (ok.status_code, ok.content, twice.status_code) == (200, b"PK-data", 200)
    for refused in (forged, other_name, traversal, dotdot, unsigned):
        assert refused.status_code == 403 and refused.content == b""
    expired = FileLinks(b"k" * 32, "https://bot.example.vn", links.directory, timedelta(seconds=-1))
    old = server + expired.publish("a.png", b"x").removeprefix("https://bot.example.vn")
    async with httpx.AsyncClient() as http:
        late = await http.get(old)
    assert late.status_code == 403 and late.content == b""


async def test_telegram_webhook_has_the_same_rules() -> None:
    received: list[object] = []

    async def accept(body: object) -> None:
        received.append(body)

    routes = webserver.build(
        webhook_path="/telegram", secret=SECRET, accept=accept, header=webserver.TELEGRAM_SECRET_HEADER
    )
    http_server, port = webserver.listen(routes, "127.0.0.1", 0, limit=4096)
    base = f"http://127.0.0.1:{port}"
    try:
        right = {webserver.TELEGRAM_SECRET_HEADER: SECRET}
        zalo_header = {webserver.SECRET_HEADER: SECRET}
        huge = "POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n"
        assert (await _raw(base, huge)).startswith(b"HTTP/1.1 403")
        with_secret = (
            f"POST /telegram HTTP/1.1\r\nHost: x\r\n{webserver.TELEGRAM_SECRET_HEADER}: {SECRET}\r\n"
        )
        assert (await _raw(base, with_secret + "Content-Length: 50000000\r\n\r\n")).startswith(
            b"HTTP/1.1 413"
        )
        async with httpx.AsyncClient() as http:
            other = await http.post(base + "/telegram", json={"update_id": 1}, headers=zalo_header)
            bad = await http.post(base + "/telegram", content=b"[1,", headers=right)
            good = await http.post(base + "/telegram", json={"update_id": 2}, headers=right)
        assert (other.status_code, bad.status_code, good.status_code) == (403, 400, 200)
        assert received == [{"update_id": 2}]
    finally:
        http_server.stop()


async def test_request_log_has_the_path_but_never_the_signature(
    server: str, links: FileLinks, caplog: pytest.LogCaptureFixture
) -> None:
    url = links.publish("bang.xlsx", b"PK")
    link = server + urlsplit(url).path + "?" + urlsplit(url).query
    with caplog.at_level(logging.INFO):
        async with httpx.AsyncClient() as http:
            assert (await http.get(link)).status_code == 200
            assert (await http.get(link + "x")).status_code == 403
    # The server's own lines (the test's HTTP client logs the URL it requested, not our concern).
    served = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(("bot", "tornado")))
    # The path is logged (a random link id may be masked in part by the log redaction of numbers
    # that look like ids, so only its shape is checked); the signature never is.
    assert served.count("path=/files/") == 2 and served.count("/bang.xlsx") == 2
    assert "sig=" not in served and urlsplit(url).query.split("sig=")[1] not in served
