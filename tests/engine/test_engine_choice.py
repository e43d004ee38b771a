"""``DATABASE_URL`` selects PostgreSQL, unset SQLite; the URL's password never reaches a log line
or a message (no server is needed: choosing the engine opens nothing)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.logs import RedactingFilter
from bot.runtime import App
from bot.storage.db import SqliteDatabase, database_for, url_passwords
from bot.storage.engines.postgres import PostgresDatabase
from tests.databases import ON_POSTGRES, database_at, write


def _settings(tmp_path: Path, url: str | None) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=SecretStr(url) if url is not None else None,
    )


@pytest.mark.usefixtures("clean_env")
def test_without_a_url_the_store_is_the_sqlite_file(tmp_path: Path) -> None:
    settings = _settings(tmp_path, None)
    db = database_for(settings)
    assert isinstance(db, SqliteDatabase)
    assert db.engine == "sqlite"
    assert db.describe() == str(settings.db_file)


@pytest.mark.usefixtures("clean_env")
def test_a_url_selects_postgresql_and_hides_its_password(tmp_path: Path) -> None:
    db = database_for(_settings(tmp_path, "postgresql://hoagiai:Kh0ng-l%40-ai@db.example.vn:5432/hoagiai"))
    assert isinstance(db, PostgresDatabase)
    assert db.engine == "postgresql"
    assert db.describe() == "postgresql://hoagiai:***@db.example.vn:5432/hoagiai"
    # A log line that quotes the password, encoded or not, shows neither.
    record = logging.LogRecord(
        "t",
        logging.ERROR,
        __file__,
        1,
        "connect failed for %s and %s",
        ("Kh0ng-l%40-ai", "Kh0ng-l@-ai"),
        None,
    )
    RedactingFilter().filter(record)
    assert record.getMessage() == "connect failed for *** and ***"


def test_every_spelling_of_the_password_is_found() -> None:
    assert url_passwords("postgresql://u:p%2Fss-word@h/db") == {"p%2Fss-word", "p/ss-word"}
    assert url_passwords("postgresql://u@h/db?sslmode=require&password=query-secret") == {"query-secret"}
    assert url_passwords("postgresql://u@h/db") == set()


async def test_the_suite_runs_on_the_engine_it_was_asked_for(app: App, tmp_path: Path) -> None:
    # A pass that silently fell back to SQLite would prove nothing about PostgreSQL.
    expected = "postgresql" if ON_POSTGRES else "sqlite"
    assert app.db.engine == expected
    async with database_at(tmp_path / "other.sqlite3") as db:
        assert db.engine == expected
        # Both name the same database: a row one writes, the other reads.
        await write(db, "INSERT INTO kb_feedback(at, ref, helpful) VALUES ('2026-01-01', 'probe', 1)")
    rows = await app.db.fetchall("SELECT ref FROM kb_feedback WHERE ref = 'probe'")
    assert [row["ref"] for row in rows] == (["probe"] if ON_POSTGRES else [])
