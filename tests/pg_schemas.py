"""Throwaway PostgreSQL schemas for tests and benchmarks: one place that creates, names and drops them."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` added to (or replacing those of) its query string."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode(query)))


@contextlib.asynccontextmanager
async def throwaway_schema(url: str, prefix: str) -> AsyncIterator[str]:
    """A fresh, empty schema on the server at ``url``, dropped afterwards; yields the URL whose
    sessions use it (``search_path``)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
    finally:
        await admin.close()
    try:
        yield with_query(url, search_path=schema)
    finally:
        # A new session: the test may have restarted the server or ended every session.
        admin = await asyncpg.connect(url)
        try:
            await admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        finally:
            await admin.close()
