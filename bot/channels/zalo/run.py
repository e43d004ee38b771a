"""Running the Zalo channel: polling or webhook, the file-link server, and a clean stop.

Mode: webhook when both ``ZALO_WEBHOOK_URL`` and ``ZALO_WEBHOOK_SECRET`` are set (the listener
serves the path of ``ZALO_WEBHOOK_URL``), polling otherwise. Polling asks for one update per
call; HTTP 408 means nothing new; errors back off exponentially up to a minute, never a busy
loop. File links are served whenever ``ZALO_PUBLIC_URL`` or webhook mode gives a public base.
A clean stop in webhook mode calls ``deleteWebhook``; polling calls it before its first fetch
(getUpdates fails while a webhook is set, e.g. one left by a crash).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot import web as webserver
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import DEFAULT_API_URL, ZaloClient, ZaloError
from bot.channels.zalo.files import FileLinks
from bot.channels.zalo.transport import ZaloTransport
from bot.config import Settings

if TYPE_CHECKING:
    from bot.runtime import App

log = logging.getLogger(__name__)

POLL_WAIT_SECONDS = 30
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
# Attempts to reach the API at start before giving up (a supervisor restarts us later).
START_ATTEMPTS = 3


def choose_mode(settings: Settings) -> tuple[str, str]:
    """``("webhook" | "polling", why)`` for the start-up line."""
    if settings.zalo_webhook_enabled:
        return "webhook", "ZALO_WEBHOOK_URL and ZALO_WEBHOOK_SECRET are set"
    if settings.zalo_webhook_url:
        return "polling", "ZALO_WEBHOOK_URL is set but ZALO_WEBHOOK_SECRET is not (no open webhooks)"
    return "polling", "ZALO_WEBHOOK_URL is not set"


def file_links(settings: Settings, app: App) -> FileLinks | None:
    """Signed links under the public base URL; None when the bot has no public address."""
    base = settings.zalo_public_url
    if not base and settings.zalo_webhook_enabled and settings.zalo_webhook_url:
        parts = urlsplit(settings.zalo_webhook_url)
        base = f"{parts.scheme}://{parts.netloc}"
    if not base or settings.zalo_bot_token is None:
        return None
    # A key of its own, derived from the token: a link's signature says nothing about the token.
    key = hmac.new(
        settings.zalo_bot_token.get_secret_value().encode(), b"file-links", hashlib.sha256
    ).digest()
    return FileLinks(
        key,
        base,
        settings.data_dir / "zalo_files",
        timedelta(hours=settings.zalo_file_link_hours),
        clock=app.clock,
    )


async def poll(
    client: ZaloClient, channel: ZaloChannel, stop: asyncio.Event, wait: int = POLL_WAIT_SECONDS
) -> None:
    """Fetch one update per call until ``stop``; 408 (idle) is not an error."""
    delay = BACKOFF_FIRST
    while not stop.is_set():
        fetch = asyncio.create_task(client.get_updates(wait))
        stopped = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if fetch not in done:
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, ZaloError):
                await fetch
            return
        try:
            update = fetch.result()
        except ZaloError as exc:
            log.warning("zalo_poll_failed code=%s retry_in=%.0fs", exc.code, delay)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await stop.wait()
            delay = min(BACKOFF_MAX, delay * 2)
            continue
        delay = BACKOFF_FIRST
        if update is not None:
            await channel.accept(update)


async def _check_token(client: ZaloClient) -> dict[str, object]:
    """getMe, retrying network trouble; a rejected token stops the start at once."""
    from bot.channels.runner import StartFailed

    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            return await client.get_me()
        except ZaloError as exc:
            if exc.code in (401, 403):
                log.error("zalo_token_rejected (check ZALO_BOT_TOKEN)")
                raise StartFailed(2) from None
            if attempt == START_ATTEMPTS:
                log.error("zalo_start_failed code=%s", exc.code)
                raise StartFailed(1) from None
            delay = 2.0**attempt
            log.warning("zalo_unreachable attempt=%d code=%s retry_in=%.0fs", attempt, exc.code, delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


async def _delete_webhook(client: ZaloClient) -> None:
    """deleteWebhook; a failure is logged, never fatal (polling then backs off and says why)."""
    try:
        await client.delete_webhook()
        log.info("zalo_webhook_deleted")
    except ZaloError as exc:
        log.warning("zalo_delete_webhook_failed code=%s", exc.code)


@contextlib.asynccontextmanager
async def zalo_running(app: App, settings: Settings, stop: asyncio.Event) -> AsyncIterator[ZaloTransport]:
    """Start the Zalo channel (checking the token), yield its outbox transport, stop cleanly."""
    assert settings.zalo_bot_token is not None
    token = settings.zalo_bot_token.get_secret_value()
    client = ZaloClient(token, settings.zalo_api_url)
    outbox_client = ZaloClient(token, settings.zalo_api_url)
    links = file_links(settings, app)
    channel = ZaloChannel(app, client, links)
    mode, reason = choose_mode(settings)
    log.info(
        "zalo_start mode=%s reason=%s api=%s",
        mode,
        reason,
        urlsplit(settings.zalo_api_url or DEFAULT_API_URL).netloc,
    )
    server = None
    poller: asyncio.Task[None] | None = None
    webhook_set = False
    try:
        me = await _check_token(client)
        pending = await channel.resume_pending()
        if pending:
            log.warning("zalo_resumed updates=%d", pending)
        path = urlsplit(settings.zalo_webhook_url or "").path or "/zalo"
        secret = settings.zalo_webhook_secret.get_secret_value() if settings.zalo_webhook_secret else None
        if mode == "webhook" or links is not None:
            application = webserver.build(
                webhook_path=path if mode == "webhook" else None,
                secret=secret,
                accept=channel.accept,
                links=links,
            )
            server, _ = webserver.listen(
                application, settings.zalo_webhook_listen, settings.zalo_webhook_port
            )
        if mode == "webhook":
            assert settings.zalo_webhook_url is not None and secret is not None
            await client.set_webhook(settings.zalo_webhook_url, secret)
            webhook_set = True
        else:
            # getUpdates fails while a webhook is set: remove one a crash (or an earlier
            # webhook deployment) left behind, as the Telegram channel does.
            await _delete_webhook(client)
            poller = asyncio.create_task(poll(client, channel, stop))
        log.info("zalo_ready mode=%s bot=%s", mode, me.get("account_name") or me.get("id") or "?")
        yield ZaloTransport(outbox_client, links)
    finally:
        if poller is not None:
            if not stop.is_set():
                poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
        if server is not None:
            server.stop()
        await channel.drain()
        if webhook_set and app.db.single_process:
            # A clean stop unsets the webhook so Zalo stops posting to a closed port and a
            # switch to polling works at once; the next start sets it again. On a shared
            # database the other processes behind the proxy still serve it: it stays.
            await _delete_webhook(client)
        await client.aclose()
        await outbox_client.aclose()
        log.info("zalo_stopped")
