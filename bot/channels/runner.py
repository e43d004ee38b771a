"""``hoagiai run``: every configured channel in one process, sharing the database, the engine
and the workers; one start-up line per channel; a clean stop on SIGTERM/SIGINT.

Order at the stop: the outbox senders and the scheduler first (claimed rows go back to the
queue), then each channel (fetching stops, updates under way finish), then the database.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, contextmanager
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.runtime import background_workers, open_app

if TYPE_CHECKING:
    from bot.runtime import App
    from bot.workers.outbox_sender import Transport

log = logging.getLogger(__name__)


class StartFailed(Exception):
    """A channel could not start; ``exit_code`` 2 for a rejected token, 1 otherwise."""

    def __init__(self, exit_code: int) -> None:
        super().__init__(f"channel start failed ({exit_code})")
        self.exit_code = exit_code


def configured(settings: Settings) -> list[str]:
    """The channels that have a token, in start order."""
    names = []
    if settings.telegram_bot_token is not None:
        names.append("telegram")
    if settings.zalo_bot_token is not None:
        names.append("zalo")
    return names


def plan_lines(settings: Settings, channels: Sequence[str]) -> list[tuple[str, str, str]]:
    """``(channel, mode, why)`` for each channel to start."""
    from bot.channels.telegram.run import choose_mode as telegram_mode
    from bot.channels.zalo.run import choose_mode as zalo_mode

    modes = {"telegram": telegram_mode, "zalo": zalo_mode}
    return [(name, *modes[name](settings)) for name in channels]


@contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """Set ``stop`` on SIGTERM or SIGINT while the block runs."""
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        yield
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)


async def run_channels(settings: Settings, channels: Sequence[str] | None = None) -> int:
    """Run ``channels`` (default: every configured one) until a signal; the exit code."""
    from bot.channels.telegram.run import telegram_running
    from bot.channels.zalo.run import zalo_running

    names = list(channels) if channels is not None else configured(settings)
    starters: dict[str, Callable[[App, Settings, asyncio.Event], AbstractAsyncContextManager[Transport]]] = {
        "telegram": telegram_running,
        "zalo": zalo_running,
    }
    stop = asyncio.Event()
    async with open_app(settings) as app, AsyncExitStack() as stack:
        with stop_on_signals(stop):
            transports: dict[str, Transport] = {}
            try:
                for name in names:
                    transports[name] = await stack.enter_async_context(starters[name](app, settings, stop))
            except StartFailed as exc:
                stop.set()
                return exc.exit_code
            try:
                async with background_workers(app, transports):
                    log.info("channels_ready %s", " ".join(names))
                    await stop.wait()
                    log.info("channels_stopping")
            finally:
                stop.set()
    log.info("channels_stopped")
    return 0
