"""A second ``hoagiai run`` on the same database stops at once, naming the first (issue 14.3)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage.lock import AlreadyRunning, acquire, lock_path, parse_holder
from tests.processes import run_hoagiai, start_hoagiai, wait_until


def _wait_for_holder(lock: Path, pid: int) -> None:
    wait_until(
        lambda: lock.exists() and parse_holder(lock.read_text("utf-8")).pid == pid,
        "the first process to take the lock",
        timeout=60,
        every=0.1,
    )


@pytest.mark.single_process
def test_second_run_on_the_same_database_exits_naming_the_first(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    lock = tmp_path / "data" / "hoagiai.sqlite3.lock"
    first = start_hoagiai(["run"], tmp_path, subprocess_env)  # console: waits on stdin, holding the DB
    try:
        _wait_for_holder(lock, first.pid)
        second = run_hoagiai(["run"], tmp_path, subprocess_env)
        assert second.returncode == 1
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1, second.stderr
        assert f"tiến trình {first.pid}" in lines[0]
        assert "khởi động lúc" in lines[0]
        assert "Traceback" not in second.stderr
        assert second.stdout == ""  # it never reached the console
        assert first.poll() is None  # the first one keeps running, undisturbed
    finally:
        _out, err = first.communicate("", timeout=60)
    assert first.returncode == 0, err
    # Once the first has stopped, the next start succeeds.
    third = run_hoagiai(["run"], tmp_path, subprocess_env)
    assert third.returncode == 0, third.stderr


@pytest.mark.single_process
def test_a_killed_holder_does_not_block_the_next_start(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    lock = tmp_path / "data" / "hoagiai.sqlite3.lock"
    first = start_hoagiai(["run"], tmp_path, subprocess_env)  # console: waits on stdin, holding the DB
    _wait_for_holder(lock, first.pid)
    first.kill()
    first.communicate(timeout=30)
    assert lock.exists()  # the stale file stays; the kernel released the lock with the process
    assert run_hoagiai(["run"], tmp_path, subprocess_env).returncode == 0


def test_lock_in_process_reports_the_holder(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    started = datetime(2026, 12, 4, 11, 30, tzinfo=UTC)
    held = acquire(database, started)
    try:
        with pytest.raises(AlreadyRunning) as raised:
            acquire(database, datetime.now(UTC))
        assert raised.value.holder.pid == os.getpid()
        assert raised.value.holder.started_at == started
        assert json.loads(lock_path(database).read_text("utf-8"))["pid"] == os.getpid()
    finally:
        held.release()
    acquire(database, started).release()  # free again


def test_unreadable_lock_contents_give_an_unknown_holder() -> None:
    assert parse_holder("").pid is None
    assert parse_holder("{not json").pid is None
    assert parse_holder('{"pid": "x", "started_at": "2026"}').pid is None
