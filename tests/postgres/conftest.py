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
import uuid
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
import pytest

from bot.storage.engines.postgres import PostgresDatabase


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` added to (or replacing those of) its query string."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode(query)))


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
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
    finally:
        await admin.close()
    try:
        yield with_query(pg_url, search_path=schema)
    finally:
        # A new session: the test may have restarted the server or ended every session.
        admin = await asyncpg.connect(pg_url)
        try:
            await admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        finally:
            await admin.close()


@pytest.fixture
async def pg_db(pg_schema_url: str) -> AsyncIterator[PostgresDatabase]:
    """The engine opened (and migrated) on the test's schema, with room for two transactions."""
    db = PostgresDatabase(pg_schema_url, pool_min=1, pool_max=4, timeout_seconds=10)
    await db.open()
    try:
        yield db
    finally:
        await db.close()
