"""A second ``hoagiai run`` on the same database stops at once, naming the first (issue 14.3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage.lock import AlreadyRunning, acquire, lock_path, parse_holder


def _start_run(tmp_path: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    # No token: `run` falls back to the console and waits on stdin, holding the database.
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _wait_for_holder(lock: Path, pid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock.exists() and parse_holder(lock.read_text("utf-8")).pid == pid:
            return
        time.sleep(0.1)
    raise AssertionError("the first process never took the lock")


def _run(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        input="",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_second_run_on_the_same_database_exits_naming_the_first(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    lock = tmp_path / "data" / "hoagiai.sqlite3.lock"
    first = _start_run(tmp_path, subprocess_env)
    try:
        _wait_for_holder(lock, first.pid)
        second = _run(tmp_path, subprocess_env)
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
    third = _run(tmp_path, subprocess_env)
    assert third.returncode == 0, third.stderr


def test_a_killed_holder_does_not_block_the_next_start(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    lock = tmp_path / "data" / "hoagiai.sqlite3.lock"
    first = _start_run(tmp_path, subprocess_env)
    _wait_for_holder(lock, first.pid)
    first.kill()
    first.communicate(timeout=30)
    assert lock.exists()  # the stale file stays; the kernel released the lock with the process
    assert _run(tmp_path, subprocess_env).returncode == 0


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
