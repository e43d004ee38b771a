"""Fixtures of the ``db copy`` tests: the PostgreSQL server and schema-per-test fixtures of the
engine tests (skipping without ``TEST_DATABASE_URL``), and one demo province seeded once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.services.demo import seed_demo
from bot.storage.db import SqliteDatabase
from tests.postgres.conftest import pg_schema_url, pg_url

__all__ = ["demo_file", "pg_schema_url", "pg_url"]

SEEDED_AT = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the demo province (``hoagiai demo seed``); tests only read it."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"

    async def seed() -> None:
        async with SqliteDatabase(path) as db:
            await seed_demo(db, SEEDED_AT)

    asyncio.run(seed())
    return path
