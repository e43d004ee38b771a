"""The scheduler: periodic work that needs no user message to start it.

Every ``interval_seconds`` it evaluates the reminder rules (:mod:`bot.services.reminders`),
queues the weekly self-study questions (:mod:`bot.services.weekly_question`) and the results of
contest rounds that ended (:func:`bot.services.contests.queue_results`), and applies the
retention rules (:func:`bot.services.privacy.purge_expired`); more often, every
``progress_seconds``, it reports the progress of running announcements to their senders.

Everything it does is computed from the database, so a restart loses nothing: the first run
after downtime queues what fell due meanwhile, once (the outbox's dedupe keys see to that). Each
piece of work runs in its own short transactions, so conversations are never held up behind a
long one; a failing job is logged and retried at the next tick rather than stopping the others.

Several processes may share one database (PostgreSQL): only the holder of the lease
``scheduler`` (:mod:`bot.storage.leases`, twice the interval, renewed every tick) does any of
this, so the rules run once per period whatever the number of processes. When the holder dies,
another process takes the lease once it expires and catches up at once. Where one process at a
time is the rule (SQLite), a starting scheduler takes the lease whoever held it: the holder can
only be its own dead predecessor, and a restart must not wait for the lease to run out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.runtime import App
from bot.services import broadcasts, contests
from bot.services.privacy import PurgeResult, Retention, purge_expired
from bot.services.reminders import RemindersConfig, Rule, run_rules
from bot.services.weekly_question import WEEKLY_RULE, queue_weekly
from bot.storage import leases
from bot.storage.db import DATABASE_ERRORS, Database, utcnow
from bot.training.content import Bank

log = logging.getLogger(__name__)

# The lease whose holder runs the periodic jobs.
SCHEDULER_LEASE = "scheduler"


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one full run did (for logs and tests)."""

    reminders: dict[Rule, int] = field(default_factory=dict)
    weekly_questions: int = 0
    contest_results: int = 0
    forgotten: int = 0
    purged: PurgeResult = field(default_factory=PurgeResult)


async def run_once(
    db: Database,
    settings: Settings,
    now: datetime,
    config: RemindersConfig | None = None,
    bank: Bank | None = None,
) -> RunResult:
    """Evaluate the reminder rules, queue the weekly questions (when a training ``bank`` is
    loaded) and the results of contest rounds that ended, and apply the retention rules once,
    as of ``now``."""
    tz = ZoneInfo(settings.timezone)
    queued = await run_rules(db, now, tz, config)
    weekly = 0
    if bank is not None and weekly_enabled(settings):
        weekly = await queue_weekly(db, bank, now, tz, config)
    results = await contests.queue_results(db, now)
    async with db.transaction() as conn:
        purged = await purge_expired(conn, now, retention_rules(settings))
    return RunResult(
        reminders=queued,
        weekly_questions=weekly,
        contest_results=results,
        forgotten=purged.inbound_seen,
        purged=purged,
    )


def weekly_enabled(settings: Settings) -> bool:
    """The weekly question is a rule like the reminders: ``REMINDERS_DISABLED=weekly_question``
    switches it off for the whole deployment (each person still chooses in ``/hoc``)."""
    disabled = {name.strip() for name in settings.reminders_disabled.split(",")}
    return WEEKLY_RULE not in disabled


def retention_rules(settings: Settings) -> Retention:
    """The retention rules as configured (defaults and legal basis in docs/privacy.md)."""
    return Retention(
        inbound_seen_days=settings.seen_retention_days,
        kb_log_days=settings.kb_log_retention_days,
        left_session_days=settings.left_session_retention_days,
        outbox_payload_days=settings.outbox_payload_retention_days,
        outbox_delivered_days=settings.outbox_delivered_retention_days,
    )


async def run_scheduler(
    app_or_db: App | Database,
    settings: Settings,
    stop: asyncio.Event,
    clock: Callable[[], datetime] = utcnow,
    interval_seconds: float = 300,
    *,
    progress_seconds: float = 30,
    reminders: RemindersConfig | None = None,
) -> None:
    """Run the periodic jobs until ``stop`` is set (a job under way finishes first).

    The reminder rules run at once on start — that is the downtime catch-up — and then every
    ``interval_seconds``; announcement progress every ``progress_seconds`` (at most as rarely
    as the rules), so a sender hears about each 10% step while it is still news. Only while
    this scheduler holds the ``scheduler`` lease (see the module's docstring).
    """
    db = app_or_db.db if isinstance(app_or_db, App) else app_or_db
    bank = app_or_db.training if isinstance(app_or_db, App) else None
    tick = min(progress_seconds, interval_seconds)
    loop = asyncio.get_running_loop()
    next_rules = loop.time()
    holder = leases.holder_id()
    lease_for = timedelta(seconds=2 * interval_seconds)
    force = db.single_process
    log.info("scheduler_started interval=%ss progress=%ss holder=%s", interval_seconds, tick, holder)
    try:
        while not stop.is_set():
            if await _hold(db, holder, clock(), lease_for, force=force):
                force = False
                if loop.time() >= next_rules:
                    next_rules = loop.time() + interval_seconds
                    await _guarded("reminders", run_once(db, settings, clock(), reminders, bank))
                await _guarded("broadcast_progress", broadcasts.report_progress(db, clock()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=tick)
    finally:
        # Hand the lease on at once rather than when it expires.
        with contextlib.suppress(*DATABASE_ERRORS):
            async with db.transaction() as conn:
                await leases.give_up(conn, SCHEDULER_LEASE, holder)
    log.info("scheduler_stopped")


async def _hold(db: Database, holder: str, now: datetime, duration: timedelta, *, force: bool) -> bool:
    """Take or renew the scheduler's lease; False while another process holds it, or when the
    database cannot say (the jobs wait for the next tick rather than risk running twice)."""
    try:
        async with db.transaction() as conn:
            held = await leases.take(conn, SCHEDULER_LEASE, holder, now, duration, force=force)
    except DATABASE_ERRORS:
        log.exception("scheduler_lease_failed holder=%s", holder)
        return False
    if not held:
        log.debug("scheduler_lease_elsewhere holder=%s", holder)
    return held


async def _guarded(job: str, work: Awaitable[object]) -> None:
    """Run one job; an error is logged and the scheduler carries on (the next tick retries)."""
    try:
        result = await work
    except Exception:
        log.exception("scheduler_job_failed job=%s", job)
        return
    log.debug("scheduler_job_done job=%s result=%s", job, result)
