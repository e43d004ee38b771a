"""An in-memory Zalo Bot API enforcing the limits the channel relies on.

One update per ``getUpdates`` (HTTP 408 when idle after a short wait), texts of 1–2000
characters, no buttons or keyboards of any kind, photos by http(s) URL only, 401 for a wrong
token, 403 for a user who blocked the bot, and faults injected per method. Served in-process
through an httpx ``MockTransport`` (:meth:`FakeZalo.transport`) or over HTTP on 127.0.0.1
(:func:`serve`) for black-box runs.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import httpx
import tornado.netutil
import tornado.web
from tornado.httpserver import HTTPServer

TOKEN = "3000000000000000001:zalo-fake-token-for-tests-only"
TEXT_LIMIT = 2000
FORBIDDEN_KEYS = frozenset({"reply_markup", "keyboard", "buttons", "inline_keyboard"})


@dataclass(frozen=True, slots=True)
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]


@dataclass
class FakeZalo:
    """The API's state: queued updates, what the bot sent, injected faults."""

    token: str = TOKEN
    idle_wait: float = 0.05
    updates: deque[dict[str, Any]] = field(default_factory=deque)
    calls: list[Call] = field(default_factory=list)
    faults: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    blocked: set[str] = field(default_factory=set)
    webhook: str | None = None
    # While set: sendMessage calls wait on it and are never delivered (the bot is to be killed
    # with its send in flight, after its commit). ``held`` keeps what they would have sent.
    hold_sends: asyncio.Event | None = None
    held: list[Call] = field(default_factory=list)
    _counter: int = 0
    _arrived: asyncio.Event | None = None

    # -- what users do ------------------------------------------------------------------------

    def update(
        self,
        user: str,
        text: str | None = None,
        *,
        event: str = "message.text.received",
        message_id: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """An update from ``user`` (ids are strings, dates milliseconds), not yet queued."""
        self._counter += 1
        message: dict[str, Any] = {
            "message_id": message_id or f"m{self._counter:06d}",
            "date": int(time.time() * 1000),
            "chat": {"id": user, "chat_type": "PRIVATE"},
            "from": {"id": user, "display_name": f"Người dùng {user}", "is_bot": False},
            **extra,
        }
        if text is not None:
            message["text"] = text
        return {"event_name": event, "message": message}

    def send(self, user: str, text: str, **kw: Any) -> dict[str, Any]:
        """Queue a text from ``user`` for ``getUpdates``."""
        update = self.update(user, text, **kw)
        self.updates.append(update)
        if self._arrived is not None:
            self._arrived.set()
        return update

    def fail(self, method: str, *statuses: int) -> None:
        """The next calls of ``method`` answer these statuses, in order."""
        self.faults[method].extend(statuses)

    # -- what the bot sees --------------------------------------------------------------------

    def texts(self, chat_id: str | None = None) -> list[str]:
        """Texts sent (to ``chat_id``), in order."""
        return [
            c.params["text"]
            for c in self.calls
            if c.method == "sendMessage" and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def photos(self, chat_id: str | None = None) -> list[str]:
        """Photo URLs sent (to ``chat_id``)."""
        return [
            c.params["photo"]
            for c in self.calls
            if c.method == "sendPhoto" and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    # -- the API ------------------------------------------------------------------------------

    async def respond(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Status and JSON body for one call."""
        if token != self.token:
            return _error(401, "Unauthorized")
        if self.faults[method]:
            status = self.faults[method].popleft()
            return _error(status, "injected")
        if method == "sendMessage" and self.hold_sends is not None:
            gate = self.hold_sends
            self.held.append(Call(method, params))
            await gate.wait()
            return _error(504, "held and dropped")
        if method != "getUpdates":
            self.calls.append(Call(method, params))
        if FORBIDDEN_KEYS & params.keys():
            return _error(400, "Zalo bots have no buttons or keyboards")
        chat = str(params.get("chat_id", ""))
        if method in {"sendMessage", "sendPhoto", "sendChatAction"} and chat in self.blocked:
            return _error(403, "user has blocked the bot")
        if method == "getMe":
            return _ok({"id": "3000000000000000001", "account_name": "bot.hoagiai", "account_type": "BASIC"})
        if method == "getUpdates":
            return await self._get_update(params)
        if method == "sendMessage":
            text = params.get("text")
            if not isinstance(text, str) or not 1 <= len(text) <= TEXT_LIMIT:
                return _error(400, "text must be 1-2000 characters")
            return _ok({"message_id": f"b{len(self.calls)}", "date": int(time.time() * 1000)})
        if method == "sendPhoto":
            photo = params.get("photo")
            if not isinstance(photo, str) or not photo.startswith(("http://", "https://")):
                return _error(400, "photo must be a URL")
            return _ok({"message_id": f"b{len(self.calls)}"})
        if method == "sendChatAction":
            return _ok(True) if params.get("action") == "typing" else _error(400, "only typing")
        if method == "setWebhook":
            url, secret = params.get("url", ""), params.get("secret_token", "")
            if not str(url).startswith("https://") or not 8 <= len(str(secret)) <= 256:
                return _error(400, "https url and 8-256 character secret required")
            self.webhook = str(url)
            return _ok({"url": url})
        if method == "deleteWebhook":
            self.webhook = None
            return _ok(True)
        return _error(404, "method not found")

    async def _get_update(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.webhook is not None:
            return _error(400, "webhook is set")
        if not self.updates:
            if self._arrived is None:
                self._arrived = asyncio.Event()
            self._arrived.clear()
            wait = min(float(params.get("timeout", "30")), self.idle_wait)
            try:
                async with asyncio.timeout(wait):
                    await self._arrived.wait()
            except TimeoutError:
                pass
        if not self.updates:
            return 408, {"ok": False, "error_code": 408, "description": "Request timeout"}
        return _ok(self.updates.popleft())

    # -- transports ---------------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        """The API in-process, for :class:`~bot.channels.zalo.client.ZaloClient`."""

        async def handler(request: httpx.Request) -> httpx.Response:
            token, method = _split(request.url.path)
            params = json.loads(request.content or b"{}")
            status, body = await self.respond(token, method, params)
            return httpx.Response(status, json=body)

        return httpx.MockTransport(handler)


def _split(path: str) -> tuple[str, str]:
    _, _, rest = path.partition("/bot")
    token, _, method = rest.partition("/")
    return token, method


def _ok(result: Any) -> tuple[int, dict[str, Any]]:
    return 200, {"ok": True, "result": result}


def _error(status: int, description: str) -> tuple[int, dict[str, Any]]:
    return status, {"ok": False, "error_code": status, "description": description}


class _Handler(tornado.web.RequestHandler):
    def initialize(self, api: FakeZalo) -> None:
        self.api = api

    async def post(self, token: str, method: str) -> None:
        params = json.loads(self.request.body or b"{}")
        status, body = await self.api.respond(token, method, params)
        self.set_status(status)
        self.write(body)


def serve(api: FakeZalo, port: int = 0) -> tuple[HTTPServer, int]:
    """Serve ``api`` on 127.0.0.1 (``port`` 0: any free port); returns the server and its port."""
    application = tornado.web.Application([(r"/bot([^/]+)/(\w+)", _Handler, {"api": api})])
    server = HTTPServer(application)
    sockets = tornado.netutil.bind_sockets(port, "127.0.0.1")
    server.add_sockets(sockets)
    return server, sockets[0].getsockname()[1]
