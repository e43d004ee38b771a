"""Logs never carry bot tokens, configured secrets, phone numbers or ID numbers."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot import logs
from bot.logs import JsonFormatter, RedactingFilter, redact, register_secret, setup_logging

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture(autouse=True)
def fresh_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registered secrets are process-wide: give each test its own set."""
    monkeypatch.setattr(logs, "_secrets", set())


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        (f"token {TOKEN} ok", TOKEN),
        (f"GET https://api.telegram.org/bot{TOKEN}/getUpdates", TOKEN),
        (f"POST /bot{TOKEN}/sendMessage 200", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
        ("POST https://openapi.zalo.me/botZ9x8Y7w6V5u4T3s2/sendMessage", "Z9x8Y7w6V5u4T3s2"),
        ("phone 0912345678.", "0912345678"),
        ("phone +84912345678", "84912345678"),
        ("phone +84 912 345 678", "912 345 678"),
        ("sđt 0912.345.678 gọi lại", "0912.345.678"),
        ("sdt 091-234-5678", "091-234-5678"),
        ("CCCD 001099012345", "001099012345"),
        ("CMND 123456789 cấp năm 2010", "123456789"),
    ],
)
def test_redact_hides(line: str, secret: str) -> None:
    redacted = redact(line)
    assert secret not in redacted
    assert redacted != line


@pytest.mark.parametrize(
    "line",
    [
        "case HG-2026-00123 created",
        "ngày 12/05/2025, lúc 14:30",
        "thù lao 300000 đồng cho 2 vụ việc",
        "migration_applied version=1 name=initial",
        "outbox sent=25 failed=0 in 1.5s",
    ],
)
def test_redact_keeps_ordinary_text(line: str) -> None:
    assert redact(line) == line


def test_registered_secret_is_hidden() -> None:
    register_secret("webhook-secret-value_42")
    register_secret("abc")  # too short to be a secret worth blanking everywhere
    assert redact("header X-Telegram-Bot-Api-Secret-Token: webhook-secret-value_42") == (
        "header X-Telegram-Bot-Api-Secret-Token: ***"
    )
    assert redact("abc def") == "abc def"


def _logger(stream: io.StringIO, formatter: logging.Formatter | None = None) -> logging.Logger:
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(formatter or logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger(f"test.redaction.{id(stream)}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger


def test_filter_redacts_arguments_of_a_record() -> None:
    stream = io.StringIO()
    _logger(stream).info("send chat=%s phone=%s url=%s", "c1", "0987654321", f"/bot{TOKEN}/sendMessage")
    line = stream.getvalue()
    assert line.startswith("INFO send chat=c1 phone=<phone> url=/bot***/sendMessage")
    assert "0987654321" not in line and TOKEN not in line


def test_filter_redacts_exception_text() -> None:
    stream = io.StringIO()
    logger = _logger(stream)
    try:
        raise RuntimeError(f"request to https://api.telegram.org/bot{TOKEN}/getMe failed for 0912345678")
    except RuntimeError:
        logger.exception("handle_failed")
    text = stream.getvalue()
    assert "handle_failed" in text and "RuntimeError" in text
    assert TOKEN not in text and "0912345678" not in text


def test_json_lines_are_redacted() -> None:
    stream = io.StringIO()
    register_secret("super-secret-xyz")
    _logger(stream, JsonFormatter()).warning("retry %s with super-secret-xyz for %s", TOKEN, "+84912345678")
    entry = json.loads(stream.getvalue())
    assert entry["level"] == "warning"
    assert entry["event"] == "retry *** with *** for <phone>"


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


def test_setup_logging_redacts_every_logger(
    root_logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_logging("INFO", "text")
    register_secret(TOKEN)
    logging.getLogger("bot.channels.telegram").info("started with %s for 0912345678", TOKEN)
    logging.getLogger("httpx").info(f"HTTP Request: POST https://api.telegram.org/bot{TOKEN}/getMe")
    err = capsys.readouterr().err
    assert "started with *** for <phone>" in err
    assert TOKEN not in err and "0912345678" not in err
    assert "getMe" not in err  # httpx request lines are not logged at INFO at all
