"""Fixtures of the import tests: a migrated database, empty or with the bundled communes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services.importing import ImportKind
from bot.storage.db import Database
from tests.databases import database_at
from tests.importer.helpers import run


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh, migrated database file."""
    async with database_at(tmp_path / "import.sqlite3") as opened:
        yield opened


@pytest.fixture
async def units_db(db: Database) -> Database:
    """The database with the bundled 65 communes loaded."""
    report = await run(db, ImportKind.UNITS, None)
    assert report.imported
    return db
