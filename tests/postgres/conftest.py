"""Fixtures of the PostgreSQL engine tests.

The server comes from ``TEST_DATABASE_URL`` (``.ci/postgres start DIR PORT`` starts a throwaway
one and prints its URL); without it the tests that need a server skip with that reason, and
the normal suite never starts a server by itself. Each test gets a schema of its own, named in
the URL's ``search_path`` (asyncpg passes unknown URL parameters on as server settings, so the
engine needs no test hook), dropped with everything in it afterwards. ``TEST_POSTGRES_DIR``,
the cluster folder given to ``.ci/postgres``, also lets one test stop and start that server.

    .ci/postgres start /tmp/pg 55432
    TEST_DATABASE_URL=postgresql://hoagiai@127.0.0.1:55432/postgres TEST_POSTGRES_DIR=/tmp/pg \
        .venv/bin/python -m pytest tests/postgres
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import pytest

from bot.storage.engines.postgres import PostgresDatabase
from tests.pg_schemas import throwaway_schema


def with_database(url: str, name: str) -> str:
    """``url`` pointing at the database ``name`` of the same server."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The server under test, or a skip saying how to get one."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith(("postgresql://", "postgres://")):
        pytest.skip("TEST_DATABASE_URL is not set (.ci/postgres start DIR PORT prints one)")
    return url


@pytest.fixture
async def pg_schema_url(pg_url: str) -> AsyncIterator[str]:
    """The URL of a fresh, empty schema on the server, dropped after the test."""
    async with throwaway_schema(pg_url, "t") as url:
        yield url


@pytest.fixture
async def pg_db(pg_schema_url: str) -> AsyncIterator[PostgresDatabase]:
    """The engine opened (and migrated) on the test's schema, with room for two transactions."""
    db = PostgresDatabase(pg_schema_url, pool_min=1, pool_max=4, timeout_seconds=10)
    await db.open()
    try:
        yield db
    finally:
        await db.close()
