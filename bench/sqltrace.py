"""pytest plugin: record every distinct SQL text sent through aiosqlite (for bench/pg_sql_check.py).

``SQLTRACE_OUT=/tmp/sql PYTHONPATH=bench python -m pytest -p sqltrace -q`` writes
``/tmp/sql.<pid>`` (JSON ``{sql: times}``) when the run ends. It wraps aiosqlite's methods
instead of the bot's ``Database`` so that statements on any connection (tests' own included)
are seen; nothing in ``bot/`` knows about it.
"""

from __future__ import annotations

import atexit
import collections
import json
import os
from collections.abc import Callable
from typing import Any

import aiosqlite.core as core

SEEN: collections.Counter[str] = collections.Counter()


def _recording(method: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(self: object, sql: str, *args: Any, **kwargs: Any) -> Any:
        SEEN[sql] += 1
        return method(self, sql, *args, **kwargs)

    return wrapper


for _name in ("execute", "executemany", "execute_fetchall", "executescript"):
    setattr(core.Connection, _name, _recording(getattr(core.Connection, _name)))
core.Cursor.execute = _recording(core.Cursor.execute)  # type: ignore[method-assign]


@atexit.register
def _dump() -> None:
    target = os.environ.get("SQLTRACE_OUT", "sqltrace.json")
    with open(f"{target}.{os.getpid()}", "w", encoding="utf-8") as handle:
        json.dump(SEEN, handle, ensure_ascii=False)
