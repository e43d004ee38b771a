"""Running the Telegram bot: build the PTB Application, poll or serve a webhook, stop cleanly.

Mode: webhook when both ``TELEGRAM_WEBHOOK_URL`` and ``TELEGRAM_WEBHOOK_SECRET`` are set
(served by :mod:`bot.web`: 403 without the secret header, size capped, 400 on bad JSON), polling otherwise.
``TELEGRAM_API_URL`` points the bot at another Bot API server (a local ``telegram-bot-api`` or
the fake one in the tests).

Shutdown on SIGTERM/SIGINT: stop fetching, let in-flight updates finish and their replies go
out, remove the webhook, close the HTTP clients, then the database (``open_app``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from telegram import Bot, BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder
from telegram.request import BaseRequest, HTTPXRequest
from tornado.httpserver import HTTPServer

from bot import web
from bot.channels.telegram.channel import ALLOWED_UPDATES, AnyApplication, TelegramChannel
from bot.channels.telegram.transport import RetryingRequest
from bot.config import Settings
from bot.texts import telegram as tt
from bot.workers.telegram_transport import TelegramTransport

if TYPE_CHECKING:
    from bot.runtime import App

log = logging.getLogger(__name__)

# Updates of different chats handled at once (one chat is always handled in order).
CONCURRENT_UPDATES = 256
# Long-polling wait per getUpdates call; Telegram answers at once when updates arrive.
POLL_TIMEOUT_SECONDS = 25
# Commands that exist whatever flows are installed (the engine handles them itself).
ENGINE_COMMANDS = frozenset({"start", "menu", "huy", "trogiup"})
# Attempts to reach the Bot API at start before giving up (a supervisor restarts us later).
START_ATTEMPTS = 5


def choose_mode(settings: Settings) -> tuple[str, str]:
    """``("webhook" | "polling", why)`` for the start-up log line."""
    if settings.webhook_enabled:
        return "webhook", "TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET are set"
    if settings.telegram_webhook_url:
        return "polling", "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not (no open webhooks)"
    return "polling", "TELEGRAM_WEBHOOK_URL is not set"


def build_application(
    settings: Settings,
    app: App,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limit: bool = True,
) -> AnyApplication:
    """The PTB Application wired to ``app.engine``.

    ``request`` carries every call but getUpdates (default: HTTPX wrapped in
    :class:`RetryingRequest`, which retries network errors and 5xx); ``get_updates_request``
    carries getUpdates (PTB's updater has its own retry loop). ``rate_limit`` adds
    ``AIORateLimiter(max_retries=3)``, which honours 429 ``retry_after``; benchmarks turn it
    off to measure the bot rather than Telegram's 30 messages/s cap.
    """
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    if request is None:
        request = RetryingRequest(HTTPXRequest(connection_pool_size=64, pool_timeout=10.0))
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .concurrent_updates(CONCURRENT_UPDATES)
        .request(request)
        .get_updates_request(get_updates_request or HTTPXRequest())
    )
    if settings.telegram_api_url:
        api = settings.telegram_api_url.rstrip("/")
        builder = builder.base_url(f"{api}/bot").base_file_url(f"{api}/file/bot")
    application: AnyApplication = (
        builder.rate_limiter(AIORateLimiter(max_retries=3)).build() if rate_limit else builder.build()
    )
    TelegramChannel(app).install(application)
    return application


def command_menu(flow_commands: dict[str, str]) -> list[BotCommand]:
    """The command menu: the engine's own commands plus those whose flow is installed."""
    return [
        BotCommand(name, description)
        for name, description in tt.COMMANDS
        if name in ENGINE_COMMANDS or name in flow_commands
    ]


async def publish_commands(bot: Bot, flow_commands: dict[str, str]) -> list[str]:
    """Set the Vietnamese command menu (setMyCommands); returns the published names."""
    commands = command_menu(flow_commands)
    await bot.set_my_commands(commands)
    return [command.command for command in commands]


async def _publish_quietly(bot: Bot, flow_commands: dict[str, str]) -> None:
    try:
        published = await publish_commands(bot, flow_commands)
    except TelegramError as exc:
        # Cosmetic: typed commands work without the menu, so this must not stop the bot.
        log.warning("telegram_commands_failed error=%s", type(exc).__name__)
        return
    log.info("telegram_commands %s", " ".join(published))


async def _initialize(application: AnyApplication) -> None:
    """Initialise (getMe), retrying network trouble; a rejected token is not retried."""
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            await application.initialize()
            return
        except InvalidToken:
            raise
        except NetworkError as exc:
            if attempt == START_ATTEMPTS:
                raise
            delay = 2.0**attempt
            log.warning(
                "telegram_unreachable attempt=%d error=%s retry_in=%.0fs", attempt, type(exc).__name__, delay
            )
            await asyncio.sleep(delay)


async def serve(
    application: AnyApplication, settings: Settings, stop: asyncio.Event, *, keep_webhook: bool = False
) -> None:
    """Fetch updates (polling or webhook) until ``stop`` is set, then wind down in order.
    ``keep_webhook``: leave the webhook registered at the stop (other processes serve it).

    The webhook is served by :mod:`bot.web` rather than PTB's server, which reads the whole body
    before checking the secret (and compares it in plain ``!=``): ours checks the secret in
    constant time and the size before the body, and answers 400 to malformed JSON.
    """
    updater = application.updater
    if updater is None:
        raise RuntimeError("the application has no updater")
    # The same rule as choose_mode(), spelled out so the type checker sees both values set.
    url, secret = settings.telegram_webhook_url, settings.telegram_webhook_secret
    mode = "webhook" if url and secret else "polling"
    server = None
    await application.start()
    try:
        if url and secret:
            server = await _start_webhook(application, settings, url, secret.get_secret_value())
        else:
            await updater.start_polling(
                timeout=POLL_TIMEOUT_SECONDS, allowed_updates=ALLOWED_UPDATES, bootstrap_retries=3
            )
        log.info("telegram_ready mode=%s bot=@%s", mode, application.bot.username)
        await stop.wait()
        log.info("telegram_stopping mode=%s", mode)
    finally:
        if server is not None:
            server.stop()
        if updater.running:
            await updater.stop()
        # Waits for the updates already fetched and the replies being sent.
        await application.stop()
    if mode == "webhook" and not keep_webhook:
        try:
            await application.bot.delete_webhook()
        except TelegramError as exc:
            log.warning("telegram_delete_webhook_failed error=%s", type(exc).__name__)


async def _start_webhook(
    application: AnyApplication, settings: Settings, url: str, secret: str
) -> HTTPServer:
    """Listen for Telegram's calls, then register the webhook (retrying network trouble)."""

    async def accept(body: object) -> None:
        if isinstance(body, dict):
            update = Update.de_json(body, application.bot)
            if update is not None:
                await application.update_queue.put(update)

    routes = web.build(
        webhook_path=urlsplit(url).path or "/",
        secret=secret,
        accept=accept,
        header=web.TELEGRAM_SECRET_HEADER,
    )
    server, _ = web.listen(routes, settings.telegram_webhook_listen, settings.telegram_webhook_port)
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            await application.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
            break
        except NetworkError:
            if attempt == START_ATTEMPTS:
                server.stop()
                raise
            await asyncio.sleep(2.0**attempt)
    return server


async def run_telegram(settings: Settings) -> int:
    """Run the Telegram channel alone until SIGTERM/SIGINT; returns the process exit code."""
    from bot.channels.runner import run_channels

    return await run_channels(settings, channels=("telegram",))


@asynccontextmanager
async def telegram_running(
    app: App, settings: Settings, stop: asyncio.Event
) -> AsyncIterator[TelegramTransport]:
    """Start the Telegram channel on ``app`` and yield its outbox transport; updates are served
    until ``stop`` is set (a failure to serve sets it too). Start failures raise
    :class:`~bot.channels.runner.StartFailed` with the exit code."""
    from bot.channels.runner import StartFailed

    mode, reason = choose_mode(settings)
    log.info("telegram_start mode=%s reason=%s api=%s", mode, reason, _api_host(settings))
    application = build_application(settings, app)
    try:
        try:
            await _initialize(application)
        except InvalidToken:
            log.error("telegram_token_rejected (check TELEGRAM_BOT_TOKEN)")
            raise StartFailed(2) from None
        except NetworkError as exc:
            log.error("telegram_start_failed error=%s", type(exc).__name__)
            raise StartFailed(1) from None
        await _publish_quietly(application.bot, app.flow_commands)
        transport = await _outbox_transport(settings)
        # On a shared database the other processes behind the proxy still serve the webhook.
        keep = not app.db.single_process
        serving = asyncio.create_task(serve(application, settings, stop, keep_webhook=keep))
        serving.add_done_callback(lambda task: _stop_on_failure(task, stop))
        try:
            yield transport
        finally:
            stop.set()
            with suppress(Exception):
                await serving
            await transport.bot.shutdown()
    finally:
        await application.shutdown()
    log.info("telegram_stopped")


def _stop_on_failure(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    error = None if task.cancelled() else task.exception()
    if error is not None:
        log.error("telegram_serve_failed error=%s", type(error).__name__, exc_info=error)
        stop.set()


def outbox_bot(settings: Settings) -> Bot:
    """A plain Bot for the outbox sender: no AIORateLimiter (a 429 there would stall every
    request of the bot) and no retrying request (the sender retries itself, per message)."""
    assert settings.telegram_bot_token is not None
    token = settings.telegram_bot_token.get_secret_value()
    if settings.telegram_api_url:
        api = settings.telegram_api_url.rstrip("/")
        return Bot(token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot", request=HTTPXRequest())
    return Bot(token, request=HTTPXRequest())


async def _outbox_transport(settings: Settings) -> TelegramTransport:
    bot = outbox_bot(settings)
    await bot.initialize()
    return TelegramTransport(bot)


def _api_host(settings: Settings) -> str:
    """Where the Bot API is, without anything secret (the token lives in the path, not here)."""
    if not settings.telegram_api_url:
        return "api.telegram.org"
    return urlsplit(settings.telegram_api_url).netloc or settings.telegram_api_url
