"""Running the real ``hoagiai`` command (``python -m bot``) from tests, in one place.

Every subprocess test wants the same thing: the project's own interpreter, UTF-8 text, the
isolated environment of the ``subprocess_env`` fixture and a bounded wait.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def run_hoagiai(
    args: list[str], cwd: Path, env: dict[str, str], stdin: str = "", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``hoagiai ARGS`` to completion with ``stdin`` as its input; output captured."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def start_hoagiai(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start ``hoagiai ARGS`` in the background with pipes for stdin, stdout and stderr."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 90, every: float = 0.2) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")
