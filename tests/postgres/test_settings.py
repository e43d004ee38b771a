"""DATABASE_URL and the pool settings: checked at start, and never echoing the password."""

from __future__ import annotations

import pytest

from bot.config import SettingsError, load_settings
from bot.storage.engines.postgres import PostgresDatabase

SECRET = "hunter2-Pw"


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(
    "url",
    [f"mysql://hoagiai:{SECRET}@db/hoagiai", f"hoagiai:{SECRET}@db/hoagiai", "/var/lib/hoagiai.sqlite3"],
)
def test_a_url_that_is_not_postgresql_is_refused_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(SettingsError) as raised:
        load_settings(None)
    assert "DATABASE_URL" in str(raised.value)
    assert SECRET not in str(raised.value)


@pytest.mark.usefixtures("clean_env")
def test_the_pool_may_not_be_smaller_than_its_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_POOL_MIN", "5")
    monkeypatch.setenv("DATABASE_POOL_MAX", "3")
    with pytest.raises(SettingsError, match="DATABASE_POOL_MAX"):
        load_settings(None)
    # One connection is not enough: a transaction may read through the reader meanwhile.
    monkeypatch.setenv("DATABASE_POOL_MIN", "1")
    monkeypatch.setenv("DATABASE_POOL_MAX", "1")
    with pytest.raises(SettingsError, match="DATABASE_POOL_MAX"):
        load_settings(None)


@pytest.mark.usefixtures("clean_env")
def test_blank_url_means_sqlite_and_a_set_one_builds_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "  ")
    assert load_settings(None).database_url is None
    monkeypatch.setenv("DATABASE_URL", f"postgresql://hoagiai:{SECRET}@db.example.vn:5432/hoagiai")
    monkeypatch.setenv("DATABASE_TIMEOUT_SECONDS", "7.5")
    settings = load_settings(None)
    assert SECRET not in repr(settings)
    db = PostgresDatabase.from_settings(settings)
    assert db.describe() == "postgresql://hoagiai:***@db.example.vn:5432/hoagiai"
    assert db.engine == "postgresql"
