"""``hoagiai db backup`` never destroys the live database (issue 14.1).

The loss scenario: the bot keeps committing while an operator points the backup at the live
file. The old backup deleted its target first, so the bot went on committing into a deleted
inode and every later report vanished when it stopped.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.storage import backup as rules
from bot.storage.backup import BackupBroken, BackupRefused, Refusal
from bot.storage.db import Database, SqliteDatabase
from bot.texts import console as tc
from tests.processes import run_hoagiai

# SQLite itself: its files, WAL, backup API and PRAGMA checks (the PostgreSQL engine has its
# own tests in tests/postgres).
pytestmark = pytest.mark.sqlite_only


def _count_on_disk(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM kb_feedback").fetchone()[0])
    finally:
        conn.close()


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@asynccontextmanager
async def _committing(db: Database) -> AsyncIterator[list[int]]:
    """A writer task committing one row at a time; yields [commits so far]."""
    commits = [0]
    stop = asyncio.Event()
    started = asyncio.Event()

    async def writer() -> None:
        while not stop.is_set():
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO kb_feedback(at, ref, helpful) VALUES ('now', 'live', 0)")
            commits[0] += 1
            if commits[0] == 5:
                started.set()
            await asyncio.sleep(0.001)

    task = asyncio.create_task(writer())
    await started.wait()
    try:
        yield commits
    finally:
        stop.set()
        await task


async def test_backup_onto_the_live_file_is_refused_and_no_commit_is_lost(tmp_path: Path) -> None:
    live = tmp_path / "data" / "hoagiai.sqlite3"
    async with SqliteDatabase(live) as bot_db:
        async with _committing(bot_db) as commits:
            # The operator's `hoagiai db backup` opens its own connection to the same file.
            async with SqliteDatabase(live) as operator_db:
                with pytest.raises(BackupRefused) as raised:
                    await operator_db.backup(live)
            assert raised.value.reason is Refusal.IS_DATABASE
            await asyncio.sleep(0.05)  # the bot keeps committing after the attempt
        total = commits[0]
    assert live.exists()
    assert _count_on_disk(live) == total


def test_cli_backup_onto_the_live_file_while_a_writer_commits(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    live = tmp_path / "data" / "hoagiai.sqlite3"

    async def scenario() -> tuple[subprocess.CompletedProcess[str], int]:
        async with SqliteDatabase(live) as bot_db:
            async with _committing(bot_db) as commits:
                result = await asyncio.to_thread(
                    run_hoagiai, ["db", "backup", str(live)], tmp_path, subprocess_env
                )
                await asyncio.sleep(0.05)
            return result, commits[0]

    result, total = asyncio.run(scenario())
    assert result.returncode == 2
    assert result.stderr.strip() == tc.BACKUP_REFUSED["is_database"].format(path=live, db=live)
    assert "Traceback" not in result.stderr
    assert _count_on_disk(live) == total


@pytest.mark.parametrize("suffix", ["-wal", "-shm", ".lock"])
async def test_companion_files_are_refused(tmp_path: Path, suffix: str) -> None:
    live = tmp_path / "hoagiai.sqlite3"
    async with SqliteDatabase(live) as db:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO kb_feedback(at, ref, helpful) VALUES ('now', 'x', 0)")
        companion = live.with_name(live.name + suffix)
        before = companion.read_bytes() if companion.exists() else None
        with pytest.raises(BackupRefused) as raised:
            await db.backup(companion)
        assert raised.value.reason is Refusal.IS_COMPANION
        assert (companion.read_bytes() if companion.exists() else None) == before


async def test_other_names_for_the_live_file_are_refused(tmp_path: Path) -> None:
    live = tmp_path / "hoagiai.sqlite3"
    async with SqliteDatabase(live) as db:
        symlink = tmp_path / "alias.sqlite3"
        symlink.symlink_to(live)
        hardlink = tmp_path / "hard.sqlite3"
        os.link(live, hardlink)
        dotted = tmp_path / "sub" / ".." / "hoagiai.sqlite3"
        (tmp_path / "sub").mkdir()
        for name in (symlink, hardlink, dotted):
            assert rules.refusal(live, name) is Refusal.IS_DATABASE, name
            with pytest.raises(BackupRefused):
                await db.backup(name)
        assert os.stat(live).st_ino == os.stat(hardlink).st_ino


async def test_a_database_another_program_has_open_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    holder = sqlite3.connect(other)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t(x)")
    holder.execute("INSERT INTO t VALUES (1)")
    holder.commit()
    try:
        async with SqliteDatabase(tmp_path / "live.sqlite3") as db:
            with pytest.raises(BackupRefused) as raised:
                await db.backup(other)
        assert raised.value.reason is Refusal.TARGET_IN_USE
        assert holder.execute("SELECT x FROM t").fetchall() == [(1,)]
    finally:
        holder.close()


async def test_replacing_a_target_is_one_rename_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "backups" / "copy.sqlite3"
    target.parent.mkdir()
    target.write_bytes(b"old backup")
    old_inode = os.stat(target).st_ino
    async with SqliteDatabase(tmp_path / "live.sqlite3") as db:
        await db.backup(target)
    # A new file took the name in one step; the old one was never truncated or deleted first.
    assert os.stat(target).st_ino != old_inode
    assert _names(target.parent) == ["copy.sqlite3"]
    assert rules.check_copy(target) == []
    assert oct(os.stat(target).st_mode & 0o777) == "0o600"  # personal data: owner only


async def test_a_broken_copy_leaves_the_target_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "copy.sqlite3"
    target.write_bytes(b"yesterday's good backup")
    monkeypatch.setattr(rules, "check_copy", lambda path: ["page 7: corrupt"])
    async with SqliteDatabase(tmp_path / "live.sqlite3") as db:
        with pytest.raises(BackupBroken):
            await db.backup(target)
    assert target.read_bytes() == b"yesterday's good backup"
    assert _names(tmp_path) == ["copy.sqlite3", "live.sqlite3"]


def test_a_directory_target_is_refused(tmp_path: Path) -> None:
    assert rules.refusal(tmp_path / "db.sqlite3", tmp_path) is Refusal.IS_DIRECTORY


async def test_the_writer_commits_with_synchronous_full(tmp_path: Path) -> None:
    """«Đã lưu» means on disk: every commit of the writer waits for the WAL to be synced
    (issue 14.2; NORMAL could roll back confirmed reports on a power cut)."""
    async with SqliteDatabase(tmp_path / "db.sqlite3") as db:
        async with db.writer.execute("PRAGMA synchronous") as cur:
            row = await cur.fetchone()
        async with db.writer.execute("PRAGMA journal_mode") as cur:
            mode = await cur.fetchone()
    assert row is not None and row[0] == 2  # 2 = FULL
    assert mode is not None and mode[0] == "wal"


def test_a_file_another_process_holds_open_is_refused(tmp_path: Path) -> None:
    """E.g. the console's log file: renaming over it would leave the bot writing into a deleted
    file. A real second process holds it open here."""
    held = tmp_path / "console.log"
    held.write_text("log\n", "utf-8")
    holder = subprocess.Popen(
        [sys.executable, "-c", f"f = open({str(held)!r}, 'a'); import sys; sys.stdin.read()"],
        stdin=subprocess.PIPE,
    )
    try:
        for _ in range(200):  # until the child has opened it
            if holder.pid in rules.holders(held):
                break
            time.sleep(0.05)
        assert holder.pid in rules.holders(held)
        assert rules.refusal(tmp_path / "db.sqlite3", held) is Refusal.TARGET_OPEN
    finally:
        holder.communicate(b"", timeout=30)
    assert rules.refusal(tmp_path / "db.sqlite3", held) is None
    assert held.read_text("utf-8") == "log\n"
