"""The fake Bot API plugged into PTB in-process: a ``BaseRequest`` that records and answers.

Like httpx's ``MockTransport``: no sockets, every call goes to :class:`FakeTelegram`, which
answers with Telegram's JSON and can be told to fail (429, 403, 5xx, timeouts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from tests.telegram.fake_api import FakeTelegram

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput


class FakeRequest(BaseRequest):
    """Routes PTB's requests to a :class:`FakeTelegram` (checking the token in the URL)."""

    def __init__(self, api: FakeTelegram) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout (unused: nothing waits on a socket)."""
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer as the Bot API would; an injected timeout raises like HTTPXRequest does."""
        prefix, _, api_method = url.rpartition("/")
        if not prefix.endswith(f"/bot{self.api.token}"):
            return 401, b'{"ok":false,"error_code":401,"description":"Unauthorized"}'
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        files: dict[str, tuple[str, bytes, str]] = {}
        if request_data is not None and request_data.contains_files:
            for name, part in request_data.multipart_data.items():
                filename, content, mime = part[0], part[1], part[2] if len(part) > 2 else ""
                data = content if isinstance(content, bytes) else content.read()
                files[name] = (filename or name, data, mime or "application/octet-stream")
        result = await self.api.call(api_method, params, files)
        if result.timeout:
            raise TimedOut("Timed out")
        return result.status, result.payload
