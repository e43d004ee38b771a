"""Fixtures of the multi-process tests: a PostgreSQL schema of their own, shared by the bot
processes a test starts.

The server comes from ``TEST_DATABASE_URL`` (``.ci/postgres start DIR PORT`` prints one);
without it these tests skip, so the normal suite needs no server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.postgres.conftest import with_query


@pytest.fixture
async def shared_database_url() -> AsyncIterator[str]:
    """``DATABASE_URL`` of a fresh, empty schema (dropped afterwards) for several processes."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith(("postgresql://", "postgres://")):
        pytest.skip("TEST_DATABASE_URL is not set (.ci/postgres start DIR PORT prints one)")
    schema = f"mp_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
    finally:
        await admin.close()
    try:
        yield with_query(url, search_path=schema)
    finally:
        admin = await asyncpg.connect(url)
        try:
            await admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        finally:
            await admin.close()
