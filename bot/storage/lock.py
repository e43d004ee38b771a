"""One bot process per database: an exclusive lock file next to it (issue 14.3).

Two ``hoagiai run`` on one database (started twice by mistake, or a service manager's restart
overlapping the old process) both drained the outbox — 1,200 messages went out twice — and
handled answers of one chat out of order. The second process must stop at once and say which
one is running.

``fcntl.flock`` by hand rather than the ``filelock`` library: filelock opens the lock file with
``O_TRUNC``, so a process that *fails* to get the lock would first erase the holder's pid and
start time, which is exactly what the second process has to print. The kernel releases a flock
when its holder dies (even by ``kill -9``), so a stale file never blocks a restart; the file is
never deleted (deleting it would let two processes lock two different inodes of one name).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


def lock_path(database: Path) -> Path:
    """The lock file of ``database``: ``<name>.lock`` in the same folder."""
    return database.with_name(database.name + ".lock")


@dataclass(frozen=True, slots=True)
class Holder:
    """What the running process wrote into the lock file (None: not written yet or unreadable)."""

    pid: int | None
    started_at: datetime | None


class AlreadyRunning(Exception):
    """Another process holds the database's lock."""

    def __init__(self, path: Path, holder: Holder) -> None:
        super().__init__(f"database locked by pid {holder.pid}: {path}")
        self.path = path
        self.holder = holder


def parse_holder(text: str) -> Holder:
    """Read the lock file's contents; anything unexpected gives an unknown holder."""
    try:
        data = json.loads(text)
        pid = int(data["pid"])
        started = datetime.fromisoformat(str(data["started_at"]))
    except (ValueError, KeyError, TypeError):
        return Holder(None, None)
    return Holder(pid, started)


class DatabaseLock:
    """The held lock; :meth:`release` (or the process's end) lets the next process start."""

    def __init__(self, path: Path, handle: int) -> None:
        self.path = path
        self._handle: int | None = handle

    def release(self) -> None:
        """Give the lock up (idempotent)."""
        if self._handle is None:
            return
        handle, self._handle = self._handle, None
        try:
            os.ftruncate(handle, 0)
            fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            os.close(handle)


def _read_holder(handle: int) -> Holder:
    # The holder truncates and writes right after locking: a loser that arrives in between
    # reads an empty file, so look again a few times before calling the holder unknown.
    for _ in range(10):
        os.lseek(handle, 0, os.SEEK_SET)
        text = os.read(handle, 4096).decode("utf-8", "replace")
        holder = parse_holder(text)
        if holder.pid is not None:
            return holder
        time.sleep(0.05)
    return Holder(None, None)


def acquire(database: Path, now: datetime) -> DatabaseLock:
    """Take the exclusive lock of ``database`` or raise :class:`AlreadyRunning` at once."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    # No O_TRUNC: only the winner may rewrite the holder's details.
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o640)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            holder = _read_holder(handle)
        finally:
            os.close(handle)
        raise AlreadyRunning(path, holder) from None
    except BaseException:
        os.close(handle)
        raise
    os.ftruncate(handle, 0)
    os.write(handle, json.dumps({"pid": os.getpid(), "started_at": now.isoformat()}).encode("utf-8"))
    return DatabaseLock(path, handle)
