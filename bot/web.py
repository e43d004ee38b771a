"""The bot's own HTTP endpoints (tornado, already a dependency): the Telegram and Zalo webhooks
and the Zalo file links.

Webhook requests are checked before their body is read: the secret header in constant time
(403 without it), then the declared size (413 over the cap); a streamed body over the cap is
cut off by the connection's body limit. A malformed body gets 400. The answer (200) follows
the durable record of the update; the update is handled after. File links
(:mod:`bot.channels.zalo.files`) are served on ``/files/…`` with 403 for anything not valid.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import tornado.web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from bot.channels.zalo.files import PATH_PREFIX, FileLinks

log = logging.getLogger(__name__)

# Zalo's updates are small JSON objects; nothing legitimate comes near this.
MAX_BODY_BYTES = 1024 * 1024
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Accept = Callable[[object], Awaitable[None]]


@tornado.web.stream_request_body
class WebhookHandler(tornado.web.RequestHandler):
    """POST only: secret, size, JSON, durable record, then 200."""

    def initialize(self, secret: bytes, accept: Accept, header: str, limit: int) -> None:
        self._secret = secret
        self._accept = accept
        self._header = header
        self._limit = limit
        self._chunks: list[bytes] = []
        self._size = 0

    def prepare(self) -> None:
        given = self.request.headers.get(self._header, "").encode()
        if not hmac.compare_digest(given, self._secret):
            self._refuse(403)
            return
        declared = self.request.headers.get("Content-Length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self._limit:
            self._refuse(413)
            return
        # A chunked body has no declared size: the connection stops reading past the cap.
        self.request.connection.set_max_body_size(self._limit)  # type: ignore[union-attr]

    def _refuse(self, status: int) -> None:
        # Closing after the answer means the unread body is never taken in.
        self.request.connection.set_close_callback(None)  # type: ignore[union-attr]
        self.set_status(status)
        self.set_header("Connection", "close")
        self.finish()

    def data_received(self, chunk: bytes) -> None:
        if self._finished:
            return
        self._size += len(chunk)
        if self._size <= self._limit:
            self._chunks.append(chunk)

    async def post(self) -> None:
        if self._size > self._limit:
            self.set_status(413)
            return
        try:
            body: Any = json.loads(b"".join(self._chunks))
        except (ValueError, UnicodeDecodeError):
            self.set_status(400)
            return
        await self._accept(body)
        self.write({"ok": True})

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # Nothing about the failure (or the bot) goes back to the caller.
        self.finish()


class FileHandler(tornado.web.RequestHandler):
    """GET/HEAD of a signed file link; 403 for anything not valid, never a hint why."""

    def initialize(self, links: FileLinks) -> None:
        self._links = links

    async def get(self, file_id: str, name: str) -> None:
        served = self._links.verify(
            file_id, name, self.get_query_argument("exp", ""), self.get_query_argument("sig", "")
        )
        if served is None:
            self.set_status(403)
            return
        self.set_header("Content-Type", served.mime_type)
        self.set_header("Cache-Control", "private, max-age=3600")
        self.write(served.path.read_bytes())

    async def head(self, file_id: str, name: str) -> None:
        await self.get(file_id, name)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish()


def build(
    *,
    webhook_path: str | None = None,
    secret: str | None = None,
    accept: Accept | None = None,
    links: FileLinks | None = None,
    limit: int = MAX_BODY_BYTES,
    header: str = SECRET_HEADER,
) -> tornado.web.Application:
    """The routes: a webhook (when a path, secret and handler are given; ``header`` carries the
    secret) and file links."""
    routes: list[Any] = []
    if webhook_path and secret and accept is not None:
        routes.append(
            (
                webhook_path,
                WebhookHandler,
                {"secret": secret.encode(), "accept": accept, "header": header, "limit": limit},
            )
        )
    if links is not None:
        routes.append((PATH_PREFIX.rstrip("/") + r"/([^/]*)/([^/]*)", FileHandler, {"links": links}))
    return tornado.web.Application(routes, log_function=log_request)


def log_request(handler: tornado.web.RequestHandler) -> None:
    """One line per request with the path only: a file link's query holds its signature, and
    the log must not hold links that still open a file (tornado's default logs the full URI)."""
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING
    log.log(
        level,
        "http_request status=%d method=%s path=%s ms=%.1f",
        status,
        handler.request.method,
        handler.request.path,
        1000.0 * handler.request.request_time(),
    )


def listen(
    application: tornado.web.Application, host: str, port: int, limit: int = MAX_BODY_BYTES
) -> tuple[HTTPServer, int]:
    """Start serving on ``host:port`` (0: any free port); returns the server and its port.

    The body limit also caps what the server buffers for any route."""
    server = HTTPServer(application, max_body_size=limit, idle_connection_timeout=30)
    sockets = bind_sockets(port, address=host)
    server.add_sockets(sockets)
    bound = int(sockets[0].getsockname()[1])
    log.info("webserver_listening host=%s port=%d", host, bound)
    return server, bound
