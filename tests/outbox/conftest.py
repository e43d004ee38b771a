"""Fixtures of the outbox tests: a migrated database in a temporary folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.db import Database
from tests.databases import database_at


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with database_at(tmp_path / "outbox.sqlite3") as database:
        yield database
