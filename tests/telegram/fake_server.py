"""The fake Bot API over HTTP, for black-box tests of the real ``python -m bot run`` process.

Serves ``POST|GET /bot<token>/<method>`` on 127.0.0.1 (tornado, PTB's own webhook server
dependency) with the state of :class:`FakeTelegram`: JSON, form-encoded and multipart requests,
long polling for ``getUpdates``, and — while a webhook is set — delivery of updates to the
webhook URL with the ``X-Telegram-Bot-Api-Secret-Token`` header, one at a time and retried
until the bot answers 200, as Telegram does. Runs on the test's event loop::

    async with FakeTelegramServer() as server:
        user = server.api.user(1001)
        user.say("/start")
        reply = await user.next_message()
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import httpx
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from tests.telegram.fake_api import FakeTelegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class _BotApiHandler(RequestHandler):
    """One Bot API method call."""

    def initialize(self, api: FakeTelegram) -> None:
        self.api = api

    def _params(self) -> dict[str, Any]:
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            body = json.loads(self.request.body)
            return dict(body) if isinstance(body, dict) else {}
        params: dict[str, Any] = {}
        for source in (self.request.query_arguments, self.request.body_arguments):
            for name, values in source.items():
                params[name] = values[-1].decode("utf-8")
        return params

    def _files(self) -> dict[str, tuple[str, bytes, str]]:
        return {
            name: (parts[-1].filename, parts[-1].body, parts[-1].content_type)
            for name, parts in self.request.files.items()
        }

    async def _serve(self, token: str, method: str) -> None:
        self.set_header("Content-Type", "application/json")
        if token != self.api.token:
            self.set_status(401)
            self.finish(b'{"ok":false,"error_code":401,"description":"Unauthorized"}')
            return
        result = await self.api.call(method, self._params(), self._files())
        # An injected timeout cannot be replayed over HTTP without stalling: it becomes a 504.
        self.set_status(504 if result.timeout else result.status)
        self.finish(result.payload)

    async def get(self, token: str, method: str) -> None:
        await self._serve(token, method)

    async def post(self, token: str, method: str) -> None:
        await self._serve(token, method)


class FakeTelegramServer:
    """An HTTP Bot API on 127.0.0.1 backed by :class:`FakeTelegram` (``.api``)."""

    def __init__(self, api: FakeTelegram | None = None) -> None:
        self.api = api or FakeTelegram()
        self.port = 0
        # (update_id, HTTP status or 0 for a connection error) of every webhook delivery attempt.
        self.deliveries: list[tuple[int, int]] = []
        self._server: HTTPServer | None = None
        self._pusher: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """Base URL for ``TELEGRAM_API_URL``."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Listen on a free port and start delivering to webhooks."""
        routes = [(r"/bot([^/]+)/([A-Za-z]+)", _BotApiHandler, {"api": self.api})]
        # No access log: request paths hold the bot token, and tests read their own output.
        web = Application(routes, log_function=lambda handler: None)
        self._server = HTTPServer(web, max_body_size=60 * 1024 * 1024)
        sockets = bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._server.add_sockets(sockets)
        self._pusher = asyncio.create_task(self._push_webhook())

    async def stop(self) -> None:
        """Stop delivering and listening (long polls in progress are cut)."""
        if self._pusher is not None:
            self._pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pusher
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()

    async def __aenter__(self) -> FakeTelegramServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _push_webhook(self) -> None:
        async with httpx.AsyncClient(timeout=10.0) as client:
            while True:
                await self.api.wait_for(lambda: self.api.webhook is not None and bool(self.api.pending), 3600)
                hook = self.api.webhook
                assert hook is not None
                update = self.api.pending[0]
                headers = {SECRET_HEADER: hook["secret_token"]} if hook.get("secret_token") else {}
                try:
                    response = await client.post(hook["url"], json=update, headers=headers)
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                self.deliveries.append((update["update_id"], status))
                if status == 200:
                    self.api.confirm(update["update_id"])
                else:
                    # Telegram retries a failed delivery later; a short pause keeps tests quick.
                    await asyncio.sleep(0.2)
