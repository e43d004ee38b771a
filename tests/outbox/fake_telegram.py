"""A fake Telegram Bot API that enforces Telegram's flood limits, plugged into PTB in-process.

In the spirit of httpx's ``MockTransport``: PTB builds real requests and parses real answers;
only the network is replaced, through PTB's ``BaseRequest`` seam. The fake answers
``getMe``, ``sendMessage``, ``sendPhoto`` and ``sendDocument`` and, like Telegram (Bot FAQ),
refuses with HTTP 429 and ``parameters.retry_after`` when a message would exceed

* ``overall`` messages in any one-second window (Telegram: about 30), or
* one message per ``1 / per_chat`` seconds to a chat (Telegram: about 1 per second).

``scale`` multiplies both limits and divides ``retry_after`` (Telegram's whole seconds become
``1/scale`` units), so a benchmark can run ten times faster with the same shape. Refused
requests do not count towards the limits. Chats can be set up as blocked (403), unknown (400),
flaky (502 a number of times first) or timing out (no answer); ``spurious_429`` refuses a
random share of messages even under the limits, as Telegram sometimes does.

Every accepted message can be appended to a log file (fsync per line), the ground truth of
what reached users when a test kills the process sending them.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

TOKEN = "123456:FAKE-TOKEN-FOR-TESTS"
_SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})


@dataclass(frozen=True, slots=True)
class Accepted:
    """One message the fake accepted; a file is either uploaded (``filename``) or sent again by
    the ``file_id`` Telegram holds it under."""

    at: float
    method: str
    chat_id: str
    text: str
    filename: str | None
    markup: Any
    file_id: str | None = None


@dataclass
class FakeBotApi:
    """The fake server's state and rules (see the module docstring)."""

    overall: float = 30
    per_chat: float = 1.0
    scale: float = 1.0
    latency: tuple[float, float] = (0.0, 0.0)
    blocked: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)
    flaky: dict[str, int] = field(default_factory=dict)
    timing_out: set[str] = field(default_factory=set)
    spurious_429: float = 0.0
    seed: int = 0
    log_path: Path | None = None
    clock: Callable[[], float] = time.monotonic
    accepted: list[Accepted] = field(default_factory=list)
    throttled: int = 0  # 429 answers given
    _window: deque[float] = field(default_factory=deque)
    _last_by_chat: dict[str, float] = field(default_factory=dict)
    _rng: random.Random = field(init=False)
    _log_fd: int | None = field(init=False, default=None)
    _next_id: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        if self.log_path is not None:
            self._log_fd = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def close(self) -> None:
        if self._log_fd is not None:
            os.close(self._log_fd)
            self._log_fd = None

    def request(self) -> FakeRequest:
        """A PTB ``BaseRequest`` that talks to this fake."""
        return FakeRequest(self)

    def bot(self) -> Bot:
        """A plain ``telegram.Bot`` wired to this fake (no rate limiter, no retries)."""
        return Bot(TOKEN, request=self.request(), get_updates_request=self.request())

    # -- the rules -----------------------------------------------------------------------------

    def answer(
        self, method: str, params: Mapping[str, Any], files: Mapping[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """Status code and JSON body for one Bot API call."""
        if method == "getMe":
            return 200, _ok({"id": 1, "is_bot": True, "first_name": "Fake", "username": "fake_bot"})
        if method not in _SENDS:
            return 404, _error(404, "Not Found: method not found")
        chat = str(params["chat_id"])
        if chat in self.blocked:
            return 403, _error(403, "Forbidden: bot was blocked by the user")
        if chat in self.unknown:
            return 400, _error(400, "Bad Request: chat not found")
        if self.flaky.get(chat, 0) > 0:
            self.flaky[chat] -= 1
            return 502, _error(502, "Bad Gateway")
        now = self.clock()
        wait = self._wait(chat, now)
        if wait > 0 or (self.spurious_429 and self._rng.random() < self.spurious_429):
            self.throttled += 1
            retry_after = max(1, math.ceil(wait * self.scale)) / self.scale
            description = f"Too Many Requests: retry after {retry_after:g}"
            return 429, _error(429, description, retry_after=retry_after)
        self._window.append(now)
        self._last_by_chat[chat] = now
        text = str(params.get("text") or params.get("caption") or "")
        filename = next((part[0] for part in files.values()), None) if files else None
        by_id = params.get("document") or params.get("photo")
        file_id = by_id if isinstance(by_id, str) else None
        self.accepted.append(Accepted(now, method, chat, text, filename, params.get("reply_markup"), file_id))
        if self._log_fd is not None:
            os.write(self._log_fd, f"{time.time():.6f}\t{chat}\t{text}\n".encode())
            os.fsync(self._log_fd)
        return 200, _ok(self._message(method, chat, text))

    def _wait(self, chat: str, now: float) -> float:
        """Seconds until a message to ``chat`` would be within both limits (0: now is fine)."""
        window = self._window
        while window and window[0] <= now - 1.0:
            window.popleft()
        waits = [0.0]
        if len(window) >= self.overall * self.scale:
            waits.append(window[0] + 1.0 - now)
        last = self._last_by_chat.get(chat)
        gap = 1.0 / (self.per_chat * self.scale)
        if last is not None and now - last < gap:
            waits.append(last + gap - now)
        return max(waits)

    def _message(self, method: str, chat: str, text: str) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {
            "message_id": self._next_id,
            "date": int(time.time()),
            "chat": {"id": int(chat) if chat.lstrip("-").isdigit() else chat, "type": "private"},
        }
        if method == "sendMessage":
            message["text"] = text
        elif method == "sendPhoto":
            size = {"width": 1, "height": 1}
            message["photo"] = [{"file_id": f"p{self._next_id}", "file_unique_id": "u", **size}]
        else:
            message["document"] = {"file_id": f"d{self._next_id}", "file_unique_id": "u"}
        return message

    def delay(self) -> float:
        """A simulated network round trip, drawn from ``latency``."""
        low, high = self.latency
        return self._rng.uniform(low, high) if high > 0 else 0.0

    # -- measurements ----------------------------------------------------------------------------

    def max_in_window(self, seconds: float = 1.0) -> int:
        """The most messages accepted within any window of ``seconds``."""
        return max_in_window([a.at for a in self.accepted], seconds)


def max_in_window(times: Iterable[float], seconds: float = 1.0) -> int:
    """The most instants falling within any half-open window ``[t, t + seconds)``."""
    ordered = sorted(times)
    best = start = 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - seconds:
            start += 1
        best = max(best, end - start + 1)
    return best


def _ok(result: Any) -> dict[str, Any]:
    return {"ok": True, "result": result}


def _error(code: int, description: str, **parameters: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


class FakeRequest(BaseRequest):
    """PTB's network seam, answered by a :class:`FakeBotApi` after its simulated latency."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data is not None else {}
        if str(params.get("chat_id")) in self.api.timing_out:
            raise TimedOut("Timed out")
        has_files = request_data is not None and request_data.contains_files
        files = request_data.multipart_data if request_data is not None and has_files else {}
        status, body = self.api.answer(endpoint, params, files)
        delay = self.api.delay()
        if delay > 0:
            await asyncio.sleep(delay)
        return status, json.dumps(body).encode()
