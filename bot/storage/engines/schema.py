"""The numbered migrations shipped in ``bot/storage/migrations``, shared by both engines.

``NNNN_name.sql`` is portable DDL that both engines run. ``NNNN_name.postgresql.sql``, when it
exists, is the PostgreSQL-only companion run right after its shared file in the same transaction
(generated ids as identities, for instance); SQLite never reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_COMPANION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.postgresql\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered SQL file, with its PostgreSQL-only companion (empty when there is none)."""

    version: int
    name: str
    sql: str
    postgresql_sql: str = ""


def bundled_migrations() -> list[Migration]:
    """Return the migrations shipped with the package, in version order."""
    shared: dict[int, tuple[str, str]] = {}
    companions: dict[int, str] = {}
    folder = resources.files("bot.storage") / "migrations"
    for entry in folder.iterdir():
        companion = _COMPANION_NAME.match(entry.name)
        if companion:
            companions[int(companion.group(1))] = entry.read_text("utf-8")
            continue
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            version = int(match.group(1))
            if version in shared:
                raise RuntimeError(f"duplicate migration number: {version}")
            shared[version] = (match.group(2), entry.read_text("utf-8"))
    orphans = sorted(set(companions) - set(shared))
    if orphans:
        raise RuntimeError(f"PostgreSQL companion without a shared migration: {orphans}")
    return [
        Migration(version, name, sql, companions.get(version, ""))
        for version, (name, sql) in sorted(shared.items())
    ]
