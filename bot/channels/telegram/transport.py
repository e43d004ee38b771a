"""The HTTP transport to the Bot API, with retries for network errors and server errors.

PTB's ``AIORateLimiter`` retries only 429 (honouring ``retry_after``); a dropped connection,
a timeout or a 5xx would surface as an error to the user. :class:`RetryingRequest` wraps any
``BaseRequest`` (HTTPX in production, an in-process fake in tests) and retries those with
exponential backoff. A retried send whose first attempt did reach Telegram is delivered twice
— the price of not losing replies, and rare.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import TYPE_CHECKING

from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput

log = logging.getLogger(__name__)

# Telegram's front end answers 500/502/503/504 while it restarts or is overloaded.
RETRY_STATUSES = frozenset({500, 502, 503, 504})


class RetryingRequest(BaseRequest):
    """Delegates to ``inner`` and retries network errors and 5xx answers with backoff.

    Delays are ``base_delay * 2**attempt`` (capped at ``max_delay``) with ±25 % jitter so
    many chats failing together do not retry in lockstep.
    """

    __slots__ = ("_base_delay", "_inner", "_jitter", "_max_delay", "_retries")

    def __init__(
        self, inner: BaseRequest, retries: int = 3, base_delay: float = 0.5, max_delay: float = 8.0
    ) -> None:
        self._inner = inner
        self._retries = retries
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._jitter = random.Random()

    @property
    def read_timeout(self) -> float | None:
        """The wrapped transport's default read timeout."""
        return self._inner.read_timeout

    async def initialize(self) -> None:
        """Initialise the wrapped transport."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Shut the wrapped transport down."""
        await self._inner.shutdown()

    def _delay(self, attempt: int) -> float:
        delay: float = min(self._max_delay, self._base_delay * 2.0**attempt)
        return delay * self._jitter.uniform(0.75, 1.25)

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
        """Send through the wrapped transport, retrying network errors and 5xx answers."""

        async def attempt() -> tuple[int, bytes]:
            return await self._inner.do_request(
                url,
                method,
                request_data=request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )

        for number in range(self._retries):
            try:
                code, payload = await attempt()
            except NetworkError as exc:
                reason = type(exc).__name__
            else:
                if code not in RETRY_STATUSES:
                    return code, payload
                reason = f"HTTP {code}"
            delay = self._delay(number)
            # The URL holds the token: log only the method name.
            log.warning(
                "telegram_retry method=%s reason=%s attempt=%d delay=%.2f",
                url.rsplit("/", 1)[-1],
                reason,
                number + 1,
                delay,
            )
            await asyncio.sleep(delay)
        return await attempt()
