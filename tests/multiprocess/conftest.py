"""Fixtures of the multi-process tests: a PostgreSQL schema of their own, shared by the bot
processes a test starts.

The server comes from ``TEST_DATABASE_URL`` (``.ci/postgres start DIR PORT`` prints one);
without it these tests skip, so the normal suite needs no server.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from tests.pg_schemas import throwaway_schema


@pytest.fixture
async def shared_database_url() -> AsyncIterator[str]:
    """``DATABASE_URL`` of a fresh, empty schema (dropped afterwards) for several processes."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith(("postgresql://", "postgres://")):
        pytest.skip("TEST_DATABASE_URL is not set (.ci/postgres start DIR PORT prints one)")
    async with throwaway_schema(url, "mp") as schema_url:
        yield schema_url
