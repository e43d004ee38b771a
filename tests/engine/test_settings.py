"""Settings: invalid values stop the bot with one line naming the variable; defaults are sane."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from bot.texts import console as tc
from tests.processes import run_hoagiai

INVALID = [
    ("SESSION_IDLE_MINUTES", "abc"),
    ("SESSION_IDLE_MINUTES", "0"),
    ("TIMEZONE", "Mars/Base"),
    ("TELEGRAM_WEBHOOK_PORT", "70000"),
    ("LOG_LEVEL", "LOUD"),
    ("QUIET_HOURS_START", "25:99"),
    ("OUTBOX_RATE_PER_SECOND", "-1"),
]


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(("name", "value"), INVALID)
def test_invalid_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings(None)
    message = str(raised.value)
    assert name in message
    assert "\n" not in message


@pytest.mark.usefixtures("clean_env")
def test_invalid_setting_in_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "bad.env"
    env_file.write_text("TIMEZONE=Mars/Base\n", "utf-8")
    with pytest.raises(SettingsError, match="TIMEZONE"):
        load_settings(env_file)


@pytest.mark.usefixtures("clean_env")
def test_environment_overrides_the_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / "app.env"
    env_file.write_text("SESSION_IDLE_MINUTES=30\nDATA_DIR=/srv/from-file\n", "utf-8")
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "45")
    settings = load_settings(env_file)
    assert settings.session_idle_minutes == 45
    assert settings.data_dir == Path("/srv/from-file")
    assert settings.db_file == Path("/srv/from-file/hoagiai.sqlite3")


@pytest.mark.usefixtures("clean_env")
def test_defaults_and_blank_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "   ")
    monkeypatch.setenv("DATABASE_PATH", "")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://example.org/telegram")
    monkeypatch.setenv("QUIET_HOURS_START", "21:30")
    settings = load_settings(None)
    assert settings.telegram_bot_token is None
    assert settings.db_file == Path("data") / "hoagiai.sqlite3"
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.quiet_hours_start == time(21, 30)
    # A webhook needs both the URL and the secret; with only the URL the bot polls.
    assert not settings.webhook_enabled
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret-value_1")
    assert load_settings(None).webhook_enabled


@pytest.mark.usefixtures("clean_env")
def test_database_path_overrides_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", "/var/lib/hoagiai")
    monkeypatch.setenv("DATABASE_PATH", "/srv/db/bot.sqlite3")
    assert load_settings(None).db_file == Path("/srv/db/bot.sqlite3")




@pytest.mark.parametrize(("name", "value"), [("SESSION_IDLE_MINUTES", "abc"), ("TIMEZONE", "Mars/Base")])
def test_run_with_invalid_setting_exits_2_with_one_line(
    tmp_path: Path, subprocess_env: dict[str, str], name: str, value: str
) -> None:
    result = run_hoagiai(["run"], tmp_path, {**subprocess_env, name: value})
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "data").exists()  # stopped before touching the database


def test_no_token_runs_the_console_with_a_notice(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    result = run_hoagiai([], tmp_path, subprocess_env, stdin="")
    assert result.returncode == 0, result.stderr
    assert tc.CONSOLE_BECAUSE_NO_TOKEN in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith(tc.INTRO + "\n")
    assert result.stdout.rstrip("\n").endswith(tc.BYE)


# `db backup` copies the SQLite file; on PostgreSQL it names pg_dump instead (tests/postgres).
@pytest.mark.sqlite_only
def test_db_backup_and_check_commands(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    script = tmp_path / "script.txt"
    script.write_text("/hoidap\n", "utf-8")
    assert run_hoagiai(["chat", "--script", str(script)], tmp_path, subprocess_env).returncode == 0

    target = tmp_path / "backups" / "copy.sqlite3"
    backup = run_hoagiai(["db", "backup", str(target)], tmp_path, subprocess_env)
    assert backup.returncode == 0, backup.stderr
    assert backup.stdout.strip() == tc.BACKUP_DONE.format(path=target)

    check = run_hoagiai(["db", "check"], tmp_path, {**subprocess_env, "DATABASE_PATH": str(target)})
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == tc.DB_OK

    # A damaged file fails the check with a non-zero exit code, and the command terminates
    # (the subprocess timeout catches a process kept alive by an unclosed connection).
    raw = bytearray(target.read_bytes())
    raw[4096:] = b"\xa5" * (len(raw) - 4096)
    target.write_bytes(bytes(raw))
    damaged = run_hoagiai(
        ["db", "check"], tmp_path, {**subprocess_env, "DATABASE_PATH": str(target)}, timeout=30
    )
    assert damaged.returncode != 0
