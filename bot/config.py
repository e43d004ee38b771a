"""Settings from environment variables and an optional ``.env`` file (pydantic-settings).

Every variable is documented in ``.env.example``. Invalid settings raise
:class:`SettingsError` with one line naming the variable; the CLI prints that line and exits.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the variable and says what is wrong."""


class Settings(BaseSettings):
    """All runtime configuration. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    data_dir: Path = Path("data")
    database_path: Path | None = None
    # postgresql://user:password@host:5432/db selects the PostgreSQL engine; unset: SQLite.
    database_url: SecretStr | None = None
    database_pool_min: int = Field(default=1, ge=1)
    # At least 2: code inside a write transaction may read through the reader meanwhile, which
    # needs a second connection (with one, it would wait for itself until the timeout).
    database_pool_max: int = Field(default=10, ge=2)
    database_timeout_seconds: float = Field(default=30.0, gt=0)
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    timezone: str = "Asia/Ho_Chi_Minh"

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)

    zalo_bot_token: SecretStr | None = None
    zalo_api_url: str | None = None
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = Field(default=None, min_length=8, max_length=256)
    zalo_webhook_listen: str = "127.0.0.1"
    zalo_webhook_port: int = Field(default=8444, ge=1, le=65535)
    # Public HTTPS base (e.g. https://bot.example.vn) of the signed file links; default: the
    # scheme and host of ZALO_WEBHOOK_URL.
    zalo_public_url: str | None = None
    zalo_file_link_hours: int = Field(default=24, ge=1, le=24 * 30)
    # Zalo publishes no limit but answers 429: stay well below what users notice.
    zalo_rate_per_second: float = Field(default=5.0, gt=0)
    zalo_per_chat_interval_seconds: float = Field(default=1.5, ge=0)

    session_idle_minutes: int = Field(default=120, ge=1)
    seen_retention_days: int = Field(default=30, ge=1)
    # Personal data (docs/privacy.md): who keeps it, the notice file, and how long transient records live.
    privacy_controller: str = "Sở Tư pháp tỉnh Lạng Sơn"
    privacy_notice_file: Path | None = None  # default: the bundled knowledge/privacy/notice.md
    privacy_notice_url: str = ""
    kb_log_retention_days: int = Field(default=365, ge=1)
    left_session_retention_days: int = Field(default=7, ge=1)
    outbox_payload_retention_days: int = Field(default=30, ge=1)
    outbox_delivered_retention_days: int = Field(default=180, ge=1)

    outbox_rate_per_second: float = Field(default=25.0, gt=0)
    outbox_per_chat_interval_seconds: float = Field(default=1.0, ge=0)
    quiet_hours_start: time = time(21, 0)
    quiet_hours_end: time = time(7, 0)

    reminder_stale_days: int = Field(default=7, ge=1)
    reminder_court_lead_days: int = Field(default=30, ge=1)
    reminders_disabled: str = ""

    remuneration_per_case: int = Field(default=300_000, ge=0)
    remuneration_per_successful_case: int = Field(default=400_000, ge=0)
    remuneration_team_monthly: int = Field(default=150_000, ge=0)
    # Days during which the mediator who recorded a case outcome may still correct it alone;
    # team leaders and commune officers correct at any time, with a reason.
    correction_days: int = Field(default=7, ge=0)

    @field_validator(
        "database_url",
        "telegram_bot_token",
        "telegram_webhook_secret",
        "zalo_bot_token",
        "zalo_webhook_secret",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator(
        "telegram_api_url",
        "telegram_webhook_url",
        "database_path",
        "zalo_api_url",
        "zalo_webhook_url",
        "zalo_public_url",
        "privacy_notice_file",
        mode="before",
    )
    @classmethod
    def _blank_path_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator(
        "telegram_api_url",
        "telegram_webhook_url",
        "zalo_api_url",
        "zalo_webhook_url",
        "zalo_public_url",
    )
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        # A malformed URL used to surface as a traceback from deep inside the HTTP client
        # (or as endless retries): reject it here, in one line naming the variable.
        if value is None:
            return None
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(value.strip())
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            raise ValueError(f"«{value}» không phải địa chỉ URL hợp lệ") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"«{value}» không phải địa chỉ http(s)://máy-chủ/… hợp lệ")
        return value.strip()

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        # The URL carries the password: the message must not repeat it.
        if value is not None and not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("cần địa chỉ dạng postgresql://người-dùng:mật-khẩu@máy-chủ:5432/tên-csdl")
        return value

    @field_validator("database_pool_max")
    @classmethod
    def _pool_bounds(cls, value: int, info: ValidationInfo) -> int:
        # DATABASE_POOL_MIN is declared first, so it is validated (and in info.data) already.
        if value < info.data.get("database_pool_min", 1):
            raise ValueError("phải từ DATABASE_POOL_MIN trở lên")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"không có múi giờ «{value}» (ví dụ đúng: Asia/Ho_Chi_Minh)") from exc
        return value

    @property
    def db_file(self) -> Path:
        """Where the SQLite file lives (``DATABASE_PATH`` or ``DATA_DIR/hoagiai.sqlite3``)."""
        return self.database_path or self.data_dir / "hoagiai.sqlite3"

    @property
    def notice_file(self) -> Path:
        """The privacy notice: ``PRIVACY_NOTICE_FILE``, else the one shipped in ``knowledge/privacy``
        (not under ``KNOWLEDGE_DIR``: a separate law corpus must not lose the notice)."""
        return self.privacy_notice_file or DEFAULT_KNOWLEDGE_DIR / "privacy" / "notice.md"

    @property
    def webhook_enabled(self) -> bool:
        """Webhook mode needs both a public URL and a secret; otherwise we poll."""
        return bool(self.telegram_webhook_url and self.telegram_webhook_secret)

    @property
    def zalo_webhook_enabled(self) -> bool:
        """Zalo webhook mode needs both a public URL and a secret; otherwise we poll."""
        return bool(self.zalo_webhook_url and self.zalo_webhook_secret)


def load_settings(env_file: Path | str | None = ".env") -> Settings:
    """Read settings, turning validation errors into one readable :class:`SettingsError` line."""
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "_".join(str(part) for part in first["loc"]).upper() or "?"
        raise SettingsError(
            f"Cấu hình không hợp lệ: {name} — {setting_problem(first)} (xem .env.example)"
        ) from None


# pydantic's error types → Vietnamese; ``ctx`` fills the limits. Unknown types keep pydantic's text.
_PROBLEMS = {
    "int_parsing": "cần một số nguyên",
    "int_from_float": "cần một số nguyên",
    "float_parsing": "cần một số",
    "bool_parsing": "cần true hoặc false",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải từ {ge} trở lên",
    "less_than": "phải nhỏ hơn {lt}",
    "less_than_equal": "phải không quá {le}",
    "literal_error": "chỉ nhận một trong: {expected}",
    "time_parsing": "cần giờ dạng HH:MM",
    "time_type": "cần giờ dạng HH:MM",
    "string_too_short": "cần ít nhất {min_length} ký tự",
    "string_too_long": "không quá {max_length} ký tự",
    "too_short": "cần ít nhất {min_length} ký tự",
    "too_long": "không quá {max_length} ký tự",
    "missing": "chưa đặt",
}


def setting_problem(error: Any) -> str:
    """One pydantic error as a Vietnamese phrase."""
    kind = str(error.get("type", ""))
    if kind == "value_error":
        # Our own validators' messages are Vietnamese already; drop pydantic's prefix.
        return str(error.get("msg", "")).removeprefix("Value error, ")
    template = _PROBLEMS.get(kind)
    if template is None:
        return str(error.get("msg", ""))
    ctx = {key: str(value).replace(" or ", " hoặc ") for key, value in (error.get("ctx") or {}).items()}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return str(error.get("msg", ""))
