"""Where an online backup may go, and how it replaces the target without losing anything.

The earlier backup deleted its target before copying. Pointed at the live database, that
unlinked the file the bot was writing to: the bot kept committing into the deleted inode and
every report after that moment was gone once it stopped (issue 14.1). So:

* a target that *is* the database — the same inode, whatever the path says (symlink, hard
  link, ``./`` tricks) — or one of its companion files (``-wal``, ``-shm``, the process lock)
  is refused before anything is written;
* the copy is written to a temporary file next to the target, checked, flushed to disk, and
  only then renamed over the target in one atomic step — nothing is ever deleted, and a
  process that holds the old target open keeps its (old) inode intact;
* a target whose own ``-wal``/``-shm`` exist is refused too: some program has that database
  open, and SQLite would replay that stale log over the new copy.
"""

from __future__ import annotations

import enum
import os
import sqlite3
import tempfile
from pathlib import Path

# Files SQLite keeps next to a database in WAL mode, plus the lock file of ``hoagiai run``.
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal", ".lock")


class Refusal(enum.Enum):
    """Why a backup target was refused."""

    IS_DATABASE = "is_database"  # the live database itself
    IS_COMPANION = "is_companion"  # its -wal, -shm, journal or lock file
    TARGET_IN_USE = "target_in_use"  # the target has its own -wal/-shm: a program has it open
    TARGET_OPEN = "target_open"  # a running process (the bot, a log reader…) holds the target open
    IS_DIRECTORY = "is_directory"


class BackupRefused(Exception):
    """The target would destroy or corrupt data; nothing was written."""

    def __init__(self, reason: Refusal, target: Path) -> None:
        super().__init__(f"backup refused ({reason.value}): {target}")
        self.reason = reason
        self.target = target


class BackupBroken(Exception):
    """The fresh copy failed its integrity check; the target was left as it was."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _companions(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in COMPANION_SUFFIXES]


def refusal(database: Path, target: Path) -> Refusal | None:
    """Why ``target`` must not receive a backup of ``database``, or None when it may."""
    if target.is_dir():
        return Refusal.IS_DIRECTORY
    resolved_db, resolved_target = database.resolve(), target.resolve()
    if resolved_db == resolved_target or _same_file(database, target):
        return Refusal.IS_DATABASE
    for companion in _companions(database):
        if companion.resolve() == resolved_target or _same_file(companion, target):
            return Refusal.IS_COMPANION
    # Another database that some program has open: never rename over it.
    if target.exists():
        for suffix in ("-wal", "-shm"):
            if target.with_name(target.name + suffix).exists():
                return Refusal.TARGET_IN_USE
        if holders(target):
            return Refusal.TARGET_OPEN
    return None


def holders(target: Path, proc: Path = Path("/proc")) -> list[int]:
    """The pids of processes that have ``target`` open (those we may inspect: on a server, the
    bot runs as the same user as its backup). Renaming over a file someone holds open would
    leave them writing into a deleted file, as the bot did into its database (e.g. the console
    log). Empty where there is no ``/proc`` (not Linux)."""
    try:
        wanted = target.stat()
    except OSError:
        return []
    found: list[int] = []
    try:
        processes = [entry for entry in proc.iterdir() if entry.name.isdigit()]
    except OSError:
        return []
    for process in processes:
        try:
            descriptors = list((process / "fd").iterdir())
        except OSError:
            continue  # another user's process, or it just ended
        for descriptor in descriptors:
            try:
                info = descriptor.stat()
            except OSError:
                continue
            if (info.st_dev, info.st_ino) == (wanted.st_dev, wanted.st_ino):
                found.append(int(process.name))
                break
    return found


def new_temporary(target: Path) -> Path:
    """An empty, unique file next to ``target`` (same file system, so the rename is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    return Path(name)


def check_copy(path: Path) -> list[str]:
    """Integrity and foreign-key problems of a finished copy (an empty list: sound)."""
    conn = sqlite3.connect(path)
    try:
        problems = [str(row[0]) for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [
            f"foreign key: table {row[0]} rowid {row[1]} -> {row[2]}"
            for row in conn.execute("PRAGMA foreign_key_check")
        ]
    finally:
        conn.close()
    return problems


def _fsync(path: Path, directory: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    handle = os.open(path, flags)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def commit_copy(temporary: Path, target: Path) -> None:
    """Check the copy, put it on disk, then rename it over ``target`` in one step.

    A broken copy is removed (it is ours) and the target is left untouched.
    """
    problems = check_copy(temporary)
    if problems:
        temporary.unlink(missing_ok=True)
        raise BackupBroken(problems)
    _fsync(temporary)
    os.replace(temporary, target)
    # The rename itself must survive a power loss too.
    _fsync(target.parent, directory=True)


def discard(temporary: Path) -> None:
    """Remove our own temporary file after a failure (never anything else)."""
    temporary.unlink(missing_ok=True)
