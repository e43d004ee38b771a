"""Crash safety: kill -9 the sending process half-way, restart it, and count what users got."""

from __future__ import annotations

from pathlib import Path

from tests.outbox.crash_harness import WorkerOptions, run_scenario

ROWS = 2_000
# Fast limits (40x Telegram's) so the test takes seconds; 1,600 chats so some get two messages.
OPTIONS = WorkerOptions(scale=40, rate=1_000, latency=(0.0, 0.005))


def test_kill_9_half_way_loses_nothing_and_resends_at_most_the_rows_in_flight(tmp_path: Path) -> None:
    report = run_scenario(tmp_path, rows=ROWS, chats=1_600, options=OPTIONS, kill_at=0.5, timeout=60)
    assert report.killed_after_lines is not None and report.killed_after_lines < ROWS  # killed mid-way
    assert report.in_flight_at_kill is not None
    assert report.lost == 0
    assert report.unique_delivered == ROWS
    assert report.duplicates <= report.in_flight_at_kill
    (restart,) = report.runs
    assert restart["recovered"] == report.in_flight_at_kill
    assert report.final_status == {"sent": ROWS}
