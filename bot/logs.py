"""Logging: one line per event, no secrets and no phone numbers.

Hand-written rather than structlog because all we need is a formatter and a redacting
filter on the standard library's logging (a dependency for ~40 lines is not worth it).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

# Telegram tokens look like 123456789:AAH...; Zalo tokens are long opaque strings after /bot.
_TOKEN = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b")
_BOT_PATH = re.compile(r"/bot[^/\s]{8,}")
_PHONE = re.compile(r"(?<!\d)(?:\(?\+?84\)?|0)(?:[\s.-]?\d){8,10}(?!\d)")
# ID-card-like numbers; a number right after "=" is one of our own log fields (chat=…, user=…),
# which must stay readable to correlate events.
_ID_NUMBER = re.compile(r"(?<![\d=])\d{9}(?:\d{3})?(?!\d)")

_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a configured secret so it is blanked wherever it appears in a log line."""
    if value and len(value) >= 6:
        _secrets.add(value)


def redact(text: str) -> str:
    """Blank tokens, registered secrets, phone numbers and ID-like numbers in ``text``."""
    for secret in _secrets:
        text = text.replace(secret, "***")
    text = _TOKEN.sub("***", text)
    text = _BOT_PATH.sub("/bot***", text)
    text = _PHONE.sub("<phone>", text)
    return _ID_NUMBER.sub("<id>", text)


class RedactingFilter(logging.Filter):
    """Renders the message once, redacts it, and freezes it so formatters cannot re-expand it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.msg = redact(message)
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Configure the root logger once: stderr, one line per event, redaction on every handler."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, which for Telegram contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # bm25s logs index building at DEBUG on its own logger level regardless of ours.
    logging.getLogger("bm25s").setLevel(logging.WARNING)


def log_to_file(path: Path) -> None:
    """Send the root logger's lines to ``path`` instead of stderr, same format and redaction.

    For the console channel: stderr is the same terminal as the conversation, and a log line
    in the middle of the chat reads as if the bot had said it (issue 13.16).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.addFilter(RedactingFilter())
    previous = root.handlers[0] if root.handlers else None
    formatter = previous.formatter if previous is not None and previous.formatter else None
    handler.setFormatter(formatter or logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for old in root.handlers:
        old.close()
    root.handlers[:] = [handler]
