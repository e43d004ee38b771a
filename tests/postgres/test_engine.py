"""The PostgreSQL engine against a real server (``TEST_DATABASE_URL``; skipped without it):
migrations, generated ids, row counts, transactions, the chat lock, the collation check and
recovery after the server's sessions end."""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from bot.storage.engines.postgres import (
    CREATE_DATABASE_LINE,
    CollationRefused,
    DatabaseUnavailable,
    PostgresDatabase,
)
from bot.storage.engines.schema import bundled_migrations
from tests.pg_schemas import with_query
from tests.postgres.conftest import with_database

ROOT = Path(__file__).resolve().parents[2]
ALL_VERSIONS = [m.version for m in bundled_migrations()]
FEEDBACK = "INSERT INTO kb_feedback(at, ref, helpful) VALUES (?, ?, ?)"
SEEN = "INSERT INTO inbound_seen(channel, chat_id, message_id, seen_at) VALUES (?, ?, ?, ?)"


async def _feedback_count(db: PostgresDatabase) -> int:
    row = await db.fetchone("SELECT count(*) AS n FROM kb_feedback")
    assert row is not None
    return int(row["n"])


# ------------------------------------------------------------------ migrations


async def test_migrations_apply_on_an_empty_schema_once(pg_schema_url: str) -> None:
    db = PostgresDatabase(pg_schema_url)
    await db.open(migrate=False)
    try:
        assert await db.migrate() == ALL_VERSIONS
        assert await db.migrate() == []
        rows = await db.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
        assert [(r["version"], r["name"]) for r in rows] == [
            (m.version, m.name) for m in bundled_migrations()
        ]
        # Every id column became an identity; the two tables that grow without bound have 64-bit ids.
        ids = await db.fetchall(
            "SELECT table_name, data_type, is_identity FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'id'"
        )
        assert len(ids) == 14
        assert {r["table_name"] for r in ids if r["is_identity"] != "YES"} == set()
        assert {r["table_name"] for r in ids if r["data_type"] == "bigint"} == {"outbox", "access_audit"}
    finally:
        await db.close()


async def test_two_processes_migrating_together_apply_each_version_once(pg_schema_url: str) -> None:
    first, second = PostgresDatabase(pg_schema_url), PostgresDatabase(pg_schema_url)
    await first.open(migrate=False)
    await second.open(migrate=False)
    try:
        a, b = await asyncio.gather(first.migrate(), second.migrate())
        assert sorted(a + b) == ALL_VERSIONS
        assert not set(a) & set(b)
        row = await first.fetchone("SELECT count(*) FROM schema_migrations")
        assert row is not None and row[0] == len(ALL_VERSIONS)
    finally:
        await first.close()
        await second.close()


# ------------------------------------------------------------------ statements


async def test_inserts_get_generated_ids_through_returning(pg_db: PostgresDatabase) -> None:
    async with pg_db.transaction() as conn:
        async with conn.execute(FEEDBACK + " RETURNING id", ("2026-01-01", "a", 1)) as cur:
            first = await cur.fetchone()
            assert cur.rowcount == 1
        rows = await conn.execute_fetchall(
            "INSERT INTO outbox(channel, chat_id, payload, dedupe_key, kind, next_attempt_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                "telegram",
                "1",
                "{}",
                "k1",
                "notice",
                "t",
                "t",
                "telegram",
                "1",
                "{}",
                "k2",
                "notice",
                "t",
                "t",
            ),
        )
    second = await pg_db.fetchone(FEEDBACK + " RETURNING id", ("2026-01-02", "b", 0))
    assert first is not None and second is not None
    assert second["id"] == first["id"] + 1
    assert [r["id"] for r in rows] == [1, 2]


async def test_rowcounts_of_update_delete_and_insert_on_conflict(pg_db: PostgresDatabase) -> None:
    async with pg_db.transaction() as conn:
        inserted = await conn.execute(
            "INSERT INTO kb_feedback(at, ref, helpful) VALUES (?, ?, 1), (?, ?, 1), (?, ?, 0)",
            ("t", "a", "t", "b", "t", "c"),
        )
        assert inserted.rowcount == 3
        assert (
            await conn.execute("UPDATE kb_feedback SET helpful = 0 WHERE helpful = ?", (1,))
        ).rowcount == 2
        assert (await conn.execute("DELETE FROM kb_feedback WHERE ref = ?", ("c",))).rowcount == 1
        assert (await conn.execute("DELETE FROM kb_feedback WHERE ref = ?", ("none",))).rowcount == 0
        assert (
            await conn.execute(SEEN + " ON CONFLICT DO NOTHING", ("telegram", "1", "m1", "t"))
        ).rowcount == 1
        assert (
            await conn.execute(SEEN + " ON CONFLICT DO NOTHING", ("telegram", "1", "m1", "t"))
        ).rowcount == 0
        await conn.executemany(FEEDBACK, [("t", f"many{i}", 1) for i in range(5)])
        # sqlite3's fetchone walks the rows; so does this cursor.
        cur = await conn.execute("SELECT ref FROM kb_feedback WHERE ref IN (?, ?) ORDER BY ref", ("a", "b"))
        assert [(await cur.fetchone())["ref"], (await cur.fetchone())["ref"]] == ["a", "b"]  # type: ignore[index]
        assert await cur.fetchone() is None
    assert await _feedback_count(pg_db) == 7


async def test_a_failed_transaction_leaves_nothing(pg_db: PostgresDatabase) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with pg_db.transaction() as conn:
            await conn.execute(FEEDBACK, ("t", "a", 1))
            raise RuntimeError("boom")
    assert await _feedback_count(pg_db) == 0
    # The adapter of an ended transaction refuses work: its connection is someone else's now.
    with pytest.raises(RuntimeError, match="ended"):
        await conn.execute("SELECT 1")


async def test_constraint_errors_reach_the_caller_as_asyncpg_raises_them(pg_db: PostgresDatabase) -> None:
    await pg_db.reader.execute(SEEN, ("telegram", "1", "m1", "t"))
    with pytest.raises(asyncpg.UniqueViolationError):
        async with pg_db.transaction() as conn:
            await conn.execute(SEEN, ("telegram", "1", "m1", "t"))


async def test_savepoints_as_the_conversation_engine_uses_them(pg_db: PostgresDatabase) -> None:
    async with pg_db.transaction() as conn:
        await conn.execute(FEEDBACK, ("t", "kept", 1))
        await conn.execute("SAVEPOINT finish")
        await conn.execute(FEEDBACK, ("t", "undone", 1))
        await conn.execute("ROLLBACK TO finish")
        await conn.execute("RELEASE finish")
    rows = await pg_db.fetchall("SELECT ref FROM kb_feedback")
    assert [r["ref"] for r in rows] == ["kept"]


# ------------------------------------------------------------------ the chat lock


async def test_lock_chat_makes_a_second_transaction_wait(pg_db: PostgresDatabase) -> None:
    order: list[str] = []
    first_holds = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with pg_db.transaction() as conn:
            await pg_db.lock_chat(conn, "telegram:12345")
            first_holds.set()
            await release_first.wait()
            await conn.execute(FEEDBACK, ("t", "first", 1))
            order.append("first committed")

    async def second() -> None:
        await first_holds.wait()
        async with pg_db.transaction() as conn:
            await pg_db.lock_chat(conn, "telegram:12345")
            order.append("second locked")
            # READ COMMITTED: after the lock, this statement sees the first one's row.
            row = await conn.execute_fetchall("SELECT count(*) FROM kb_feedback WHERE ref = 'first'")
            order.append(f"second sees {next(iter(row))[0]}")

    async def other_chat() -> None:
        await first_holds.wait()
        async with pg_db.transaction() as conn:
            await pg_db.lock_chat(conn, "telegram:99999")
            order.append("other chat locked")

    tasks = [asyncio.create_task(f()) for f in (first, second, other_chat)]
    await asyncio.sleep(0.5)
    assert order == ["other chat locked"]  # the same chat waits, another chat does not
    release_first.set()
    await asyncio.gather(*tasks)
    assert order == ["other chat locked", "first committed", "second locked", "second sees 1"]


async def test_lock_chat_outside_a_transaction_is_refused(pg_db: PostgresDatabase) -> None:
    with pytest.raises(TypeError):
        await pg_db.lock_chat(pg_db.reader, "telegram:1")


# ------------------------------------------------------------------ collation


async def test_a_database_sorting_by_language_rules_is_refused(pg_url: str) -> None:
    admin = await asyncpg.connect(pg_url)
    name = f"t_collation_{uuid.uuid4().hex[:8]}"
    try:
        libc = await admin.fetchval(
            "SELECT collcollate FROM pg_collation WHERE collprovider = 'c' "
            "AND collcollate IN ('en_US.UTF-8', 'en_US.utf8', 'vi_VN.UTF-8', 'vi_VN.utf8') LIMIT 1"
        )
        if libc is not None:
            create = f"CREATE DATABASE {name} TEMPLATE template0 LC_COLLATE '{libc}' LC_CTYPE '{libc}'"
        elif admin.get_server_version().major >= 15:
            # No such libc locale here: an ICU database sorts by language rules just the same.
            create = f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'und'"
        else:
            pytest.skip("neither en_US.UTF-8 nor ICU databases are available on this server")
        try:
            await admin.execute(create)
        except asyncpg.PostgresError as exc:
            pytest.skip(f"cannot create a test database: {exc}")
        db = PostgresDatabase(with_database(pg_url, name))
        with pytest.raises(CollationRefused) as caught:
            await db.open()
        assert CREATE_DATABASE_LINE.format(name="hoagiai") in str(caught.value)
        assert "TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" in caught.value.create_line
        # Refused before any migration ran.
        probe = await asyncpg.connect(with_database(pg_url, name))
        try:
            assert await probe.fetchval("SELECT to_regclass('schema_migrations')") is None
        finally:
            await probe.close()
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name}")
        await admin.close()


# ------------------------------------------------------------------ reconnecting


async def test_the_pool_recovers_when_the_server_ends_its_sessions(pg_schema_url: str) -> None:
    name = f"hoagiai-test-{uuid.uuid4().hex[:8]}"
    db = PostgresDatabase(pg_schema_url, pool_min=2, pool_max=4, application_name=name)
    await db.open()
    try:
        async with db.transaction() as conn:
            await conn.execute(FEEDBACK, ("t", "before", 1))
        # What a restart does to the client: the server ends every session of the pool, here
        # while one of them is inside a transaction.
        admin = await asyncpg.connect(pg_schema_url)
        try:
            with pytest.raises(DatabaseUnavailable):
                async with db.transaction() as conn:
                    await conn.execute(FEEDBACK, ("t", "half-written", 1))
                    ended = await admin.fetchval(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE application_name = $1",
                        name,
                    )
                    assert ended >= 1
                    await asyncio.sleep(0.2)
                    await conn.execute(FEEDBACK, ("t", "after the end", 1))
        finally:
            await admin.close()
        # Reads and writes work again on fresh connections; nothing half-written was kept.
        assert await _feedback_count(db) == 1
        async with db.transaction() as conn:
            await conn.execute(FEEDBACK, ("t", "after", 1))
        assert await _feedback_count(db) == 2
    finally:
        await db.close()


def _cluster(*args: str) -> None:
    subprocess.run([str(ROOT / ".ci" / "postgres"), *args], check=True, capture_output=True, timeout=60)


@pytest.mark.skipif(
    not os.environ.get("TEST_POSTGRES_DIR"),
    reason="TEST_POSTGRES_DIR (the .ci/postgres cluster folder of TEST_DATABASE_URL) is not set",
)
async def test_a_real_server_restart(pg_schema_url: str) -> None:
    folder = os.environ["TEST_POSTGRES_DIR"]
    port = str(urlsplit(pg_schema_url).port)
    db = PostgresDatabase(pg_schema_url, pool_min=2, pool_max=4, timeout_seconds=5)
    await db.open()
    try:
        await db.reader.execute(FEEDBACK, ("t", "before", 1))
        await asyncio.to_thread(_cluster, "stop", folder)
        try:
            with pytest.raises(DatabaseUnavailable):
                await _feedback_count(db)
        finally:
            await asyncio.to_thread(_cluster, "start", folder, port)
        assert await _feedback_count(db) == 1
        async with db.transaction() as conn:
            await conn.execute(FEEDBACK, ("t", "after", 1))
        assert await _feedback_count(db) == 2
    finally:
        await db.close()


async def test_integrity_check_and_backup_on_a_server(pg_db: PostgresDatabase) -> None:
    assert await pg_db.integrity_check() == []
    with pytest.raises(Exception, match="pg_dump -Fc"):
        await pg_db.backup("/tmp/x.dump")
    assert with_query(pg_db.describe(), a="b").endswith("a=b")


async def test_a_cancelled_transaction_rolls_back_and_frees_its_chat(pg_db: PostgresDatabase) -> None:
    # A shutdown cancels a message's handling mid-statement: nothing it wrote stays, and the
    # chat's lock is free for the next message at once.
    started = asyncio.Event()

    async def slow() -> None:
        async with pg_db.transaction() as conn:
            await pg_db.lock_chat(conn, "zalo:7")
            await conn.execute(FEEDBACK, ("t", "cancelled", 1))
            started.set()
            await conn.execute("SELECT pg_sleep(10)")

    task = asyncio.create_task(slow())
    await started.wait()
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with asyncio.timeout(3):
        async with pg_db.transaction() as conn:
            await pg_db.lock_chat(conn, "zalo:7")
            await conn.execute(FEEDBACK, ("t", "next", 1))
    rows = await pg_db.fetchall("SELECT ref FROM kb_feedback")
    assert [r["ref"] for r in rows] == ["next"]


async def test_a_wrong_argument_count_is_not_taken_for_a_lost_connection(pg_db: PostgresDatabase) -> None:
    # asyncpg reports both a misuse and a dead session as InterfaceError; only the second one
    # may become DatabaseUnavailable (which callers answer with "try again later").
    with pytest.raises(asyncpg.InterfaceError) as caught:
        async with pg_db.transaction() as conn:
            await conn.execute("SELECT CAST(? AS INTEGER) + CAST(? AS INTEGER)", (1,))
    assert not isinstance(caught.value, DatabaseUnavailable)
    with pytest.raises(asyncpg.InterfaceError):
        await pg_db.fetchone("SELECT CAST(? AS INTEGER)", ())
    assert await _feedback_count(pg_db) == 0
