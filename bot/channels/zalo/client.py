"""A thin asynchronous client for the Zalo Bot API over httpx (no SDK is worth depending on).

Every method is ``POST {base}/bot{TOKEN}/{method}`` with a JSON body; answers are
``{"ok": true, "result": …}`` or ``{"ok": false, "error_code": n, "description": "…"}``.
``getUpdates`` returns one update per call and answers HTTP 408 when nothing arrived.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://bot-api.zaloplatforms.com"
# sendMessage refuses longer texts.
TEXT_LIMIT = 2000
# HTTP status (or error_code) of an idle getUpdates.
IDLE = 408


class ZaloError(Exception):
    """A refused or failed call. ``code`` is Zalo's error code (or the HTTP status); None when
    the API could not be reached at all (network error, timeout)."""

    def __init__(self, method: str, code: int | None, description: str) -> None:
        super().__init__(f"{method}: {code} {description}")
        self.method = method
        self.code = code
        self.description = description

    @property
    def retryable(self) -> bool:
        """Network trouble, 429 and 5xx are worth another try; 4xx are not."""
        return self.code is None or self.code == 429 or self.code >= 500


class ZaloClient:
    """Calls the Bot API of one bot. ``transport`` lets tests plug in an httpx MockTransport."""

    def __init__(
        self,
        token: str,
        base_url: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._prefix = f"{(base_url or DEFAULT_API_URL).rstrip('/')}/bot{token}/"
        self._timeout = timeout
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def call(
        self, method: str, payload: dict[str, Any] | None = None, *, read_timeout: float | None = None
    ) -> Any:
        """Call ``method`` and return its ``result``; raises :class:`ZaloError` otherwise."""
        try:
            response = await self._http.post(
                self._prefix + method, json=payload or {}, timeout=read_timeout or self._timeout
            )
        except httpx.HTTPError as exc:
            # The URL carries the token: report only the exception type.
            raise ZaloError(method, None, type(exc).__name__) from None
        try:
            body = response.json()
        except ValueError:
            raise ZaloError(method, response.status_code, "answer is not JSON") from None
        if not isinstance(body, dict):
            raise ZaloError(method, response.status_code, "answer is not an object")
        if response.status_code == 200 and body.get("ok") is True:
            return body.get("result")
        code = body.get("error_code")
        raise ZaloError(
            method,
            code if isinstance(code, int) else response.status_code,
            str(body.get("description") or f"HTTP {response.status_code}"),
        )

    async def get_me(self) -> dict[str, Any]:
        """The bot's own account (checks the token)."""
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_updates(self, wait_seconds: int = 30) -> dict[str, Any] | None:
        """Wait up to ``wait_seconds`` for one update; None when none came (HTTP 408)."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(wait_seconds)}, read_timeout=wait_seconds + 10.0
            )
        except ZaloError as exc:
            if exc.code == IDLE:
                return None
            raise
        return result if isinstance(result, dict) else None

    async def send_message(self, chat_id: str, text: str) -> None:
        """Send a text of 1–2000 characters."""
        await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, url: str, caption: str = "") -> None:
        """Send a photo by URL (Zalo fetches it, possibly several times)."""
        payload: dict[str, Any] = {"chat_id": chat_id, "photo": url}
        if caption:
            payload["caption"] = caption
        await self.call("sendPhoto", payload)

    async def send_typing(self, chat_id: str) -> None:
        """Show "typing…" (the only chat action Zalo has)."""
        await self.call("sendChatAction", {"chat_id": chat_id, "action": "typing"})

    async def set_webhook(self, url: str, secret: str) -> None:
        """Deliver updates to ``url`` with ``secret`` in ``X-Bot-Api-Secret-Token``."""
        await self.call("setWebhook", {"url": url, "secret_token": secret})

    async def delete_webhook(self) -> None:
        """Stop webhook delivery (needed before polling works)."""
        await self.call("deleteWebhook")
