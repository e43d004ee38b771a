"""The outbox sender: one per channel, draining due rows within the platform's limits.

How it keeps to the limits (Telegram: ~30 messages/s overall, ~1/s to one chat):

* **Overall rate** — an ``aiolimiter`` leaky bucket at ``rate_per_second`` with a small burst.
  Any one-second window then sees at most ``rate + burst`` sends (25 + 2 < 30 by default).
* **Per chat** — at least ``per_chat_interval`` between two sends to one chat. Claimed rows wait
  in a heap ordered by the moment their chat is free, so a chat that must wait never holds up
  the others; and a claim takes at most one row per chat (see :func:`bot.storage.outbox.claim`).
* **Shared across processes** — several senders of one channel (several processes on one
  PostgreSQL database) take a token per claimed row from one bucket in the database
  (``send_budget``: ``rate_per_second``, at most ``budget_capacity`` saved up), so together
  they keep to the rate; the ``aiolimiter`` smooths each one's sends within its share.
* **429** — ``retry_after`` reschedules that message only (and makes its chat wait); the bucket
  and every other chat keep flowing. PTB's ``AIORateLimiter`` would instead pause every request
  of the bot, which is why bulk sends do not go through it.

Outcomes are written back in small batches: delivered → ``sent``; transient errors → retried
with exponential backoff and jitter until ``max_attempts`` (429s do not count), then ``failed``;
permanent errors → ``failed``; 403 → ``blocked``, the chat's other pending rows too, and the
identity is flagged unreachable. Rows stay ``sending`` until their outcome is written, so a crash
at any point only re-sends rows that were in the sender's hands.

Claimed rows carry a lease (``lease_seconds``) that a background task renews every third of
it while the rows are in the sender's hands; the same task takes back rows whose lease ran out
(a sender that died). At start, on an engine where one process at a time is the rule
(SQLite), the sender takes back every row left ``sending`` at once.

Quiet hours: due rows of the kinds in ``quiet_kinds`` (reminders and broadcasts) wait until the
window ends, unless queued as ``urgent`` (an urgent broadcast, say).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from aiolimiter import AsyncLimiter

from bot.config import Settings
from bot.conversation.messages import Reply
from bot.storage import leases, outbox
from bot.storage.db import DATABASE_ERRORS, Connection, Database, utcnow
from bot.storage.outbox import Claimed, Kind
from bot.workers.quiet_hours import next_allowed

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- transport contract


@dataclass(frozen=True, slots=True)
class Delivered:
    """The platform accepted the message."""


@dataclass(frozen=True, slots=True)
class RetryAfter:
    """Flood control (HTTP 429): this message may be tried again after ``seconds``."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Blocked:
    """The user blocked the bot or left (HTTP 403): nothing more can reach this chat."""

    error: str


@dataclass(frozen=True, slots=True)
class Transient:
    """A failure worth retrying: network error, timeout, 5xx."""

    error: str


@dataclass(frozen=True, slots=True)
class Permanent:
    """A failure that retrying cannot fix: a malformed message, an unknown chat."""

    error: str


SendOutcome = Delivered | RetryAfter | Blocked | Transient | Permanent


class Transport(Protocol):
    """Sends one reply to one chat on one platform and says how it went (never raises for
    platform answers; an exception is treated as a transient error)."""

    async def send(self, chat_id: str, reply: Reply) -> SendOutcome: ...


# ---------------------------------------------------------------------------- configuration


@dataclass(frozen=True, slots=True)
class SenderConfig:
    """Tuning of one sender; :meth:`from_settings` takes the deployment's values."""

    rate_per_second: float = 25.0
    per_chat_interval: float = 1.0
    max_attempts: int = 5
    backoff_base: float = 2.0
    backoff_cap: float = 600.0
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    timezone: str = "Asia/Ho_Chi_Minh"
    quiet_kinds: frozenset[str] = frozenset({Kind.REMINDER, Kind.BROADCAST})
    max_in_flight: int = 32
    poll_interval: float = 1.0
    flush_interval: float = 0.05
    lease_seconds: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SenderConfig:
        return cls(
            rate_per_second=settings.outbox_rate_per_second,
            per_chat_interval=settings.outbox_per_chat_interval_seconds,
            quiet_start=settings.quiet_hours_start,
            quiet_end=settings.quiet_hours_end,
            timezone=settings.timezone,
        )

    @classmethod
    def for_channel(cls, settings: Settings, channel: str) -> SenderConfig:
        """The deployment's values for ``channel``: Zalo has its own, more cautious, limits."""
        config = cls.from_settings(settings)
        if channel == "zalo":
            return replace(
                config,
                rate_per_second=settings.zalo_rate_per_second,
                per_chat_interval=settings.zalo_per_chat_interval_seconds,
            )
        return config

    @property
    def burst(self) -> int:
        """Sends the bucket lets through at once: a tenth of a second's worth, at least one.

        Without any burst, every timer that fires a little late loses throughput for good;
        with a big one, a window would exceed the platform's cap.
        """
        return max(1, int(self.rate_per_second / 10))

    @property
    def batch_size(self) -> int:
        """Rows claimed ahead: a quarter second's worth keeps sends flowing between claims while
        bounding how many rows are ``sending`` (and may be re-sent) if the process dies."""
        return max(8, math.ceil(self.rate_per_second / 4))

    @property
    def budget_capacity(self) -> int:
        """Tokens the shared bucket saves up: one claim's worth. Smaller would force a claim
        transaction (on SQLite a disk sync) every few rows; bigger would let idle processes
        together start with a longer burst."""
        return self.batch_size

    @property
    def hold_limit(self) -> float:
        """A claimed row whose chat is busy for longer than this goes back to the table."""
        return max(1.0, 2 * self.per_chat_interval)


def backoff_delay(failures: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds before retrying after the ``failures``-th transient error.

    Exponential (base, 2·base, 4·base… up to ``cap``) with "equal jitter": a random point in the
    upper half, so retries of many messages failing together spread out but never come early.
    """
    ceiling = min(cap, base * 2.0 ** min(max(failures, 1) - 1, 62))
    return ceiling * (0.5 + rng.random() / 2)


@dataclass(slots=True)
class SenderStats:
    """What a sender has done since it started (for logs and the benchmark)."""

    recovered: int = 0  # rows found 'sending' at start: in flight when the last process died
    delivered: int = 0
    throttled: int = 0  # 429 answers
    transient: int = 0
    failed: int = 0  # rows given up: permanent error or retry budget spent
    blocked: int = 0  # rows blocked: 403 answers, the chat's queued rows, rows to blocked chats
    deferred_quiet: int = 0

    def add(self, other: SenderStats) -> None:
        for counter in fields(self):
            setattr(self, counter.name, getattr(self, counter.name) + getattr(other, counter.name))


@dataclass(frozen=True, slots=True)
class _Result:
    row: Claimed
    outcome: SendOutcome
    at: datetime


# ---------------------------------------------------------------------------- the sender


@dataclass(slots=True)
class _Queue:
    """Claimed rows waiting for their chat to be free, earliest first."""

    heap: list[tuple[float, int, Claimed]] = field(default_factory=list)
    order: itertools.count[int] = field(default_factory=itertools.count)

    def push(self, ready_at: float, row: Claimed) -> None:
        heapq.heappush(self.heap, (ready_at, next(self.order), row))

    def pop_ready(self, now: float) -> Claimed | None:
        if self.heap and self.heap[0][0] <= now:
            return heapq.heappop(self.heap)[2]
        return None

    def next_ready(self) -> float | None:
        return self.heap[0][0] if self.heap else None

    def drain(self) -> list[Claimed]:
        rows = [row for _, _, row in self.heap]
        self.heap.clear()
        return rows

    def __len__(self) -> int:
        return len(self.heap)


# Forget per-chat send times once this many are remembered (only future ones matter).
_CHAT_MEMORY = 10_000


def _mono() -> float:
    """The loop's monotonic clock: spacing and rates must not jump with the wall clock."""
    return asyncio.get_running_loop().time()


class OutboxSender:
    """Drains one channel's outbox through ``transport`` until ``stop`` is set.

    Several senders of one channel may share a database that several processes use
    (``Database.single_process`` false): each claims rows the others do not hold, and the shared
    budget keeps their combined rate. Where one process at a time is the rule, a sender takes
    every row left ``sending`` at start as its own crashed predecessor's.
    """

    def __init__(
        self,
        db: Database,
        channel: str,
        transport: Transport,
        config: SenderConfig | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        chat_id: str | None = None,
    ) -> None:
        self.db = db
        self.channel = channel
        # A console serves one user: several consoles on one database must not take each
        # other's messages (issue 13.16). None: every chat of the channel.
        self.chat_id = chat_id
        # Names this sender's leases; a restarted process is a new holder.
        self.holder = leases.holder_id()
        self.transport = transport
        self.config = config or SenderConfig()
        self.stats = SenderStats()
        self._clock = clock
        self._rng = rng or random.Random()
        self._tz = ZoneInfo(self.config.timezone)
        burst = self.config.burst
        self._limiter = AsyncLimiter(burst, burst / self.config.rate_per_second)
        self._slots = asyncio.Semaphore(self.config.max_in_flight)
        self._queue = _Queue()
        self._chat_free_at: dict[str, float] = {}
        self._results: list[_Result] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._wakeup = asyncio.Event()
        self._stop = asyncio.Event()
        self._next_claim = 0.0
        self._last_flush = 0.0

    def wake(self) -> None:
        """Look for due rows now rather than at the next poll (call after queuing messages)."""
        self._next_claim = 0.0
        self._wakeup.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until ``stop`` is set; then finish the sends under way and give back the rest."""
        self._stop = stop
        await self._recover(take_all=self.db.single_process)
        log.info("outbox_sender_started channel=%s rate=%.1f/s", self.channel, self.config.rate_per_second)
        watcher = asyncio.create_task(self._wake_on_stop(stop))
        keeper = asyncio.create_task(self._keep_leases(stop))
        try:
            while not stop.is_set():
                try:
                    await self._step()
                except DATABASE_ERRORS:
                    # A busy or failing database must not end the sender: outcomes not yet
                    # written stay in memory and are written on the next attempt.
                    log.exception("outbox_db_error channel=%s", self.channel)
                    await self._idle(self.config.poll_interval)
        finally:
            watcher.cancel()
            keeper.cancel()
            await self._wind_down()
        log.info("outbox_sender_stopped channel=%s stats=%s", self.channel, self.stats)

    async def _wake_on_stop(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._wakeup.set()

    def _lease(self) -> outbox.Lease:
        # Leases are judged by every process, so they follow the real wall clock, not the
        # injected one (which tests may freeze at a chosen hour).
        return outbox.Lease(self.holder, utcnow() + timedelta(seconds=self.config.lease_seconds))

    async def _recover(self, *, take_all: bool) -> None:
        async with self.db.transaction() as conn:
            recovered = await outbox.recover_in_flight(
                conn, self.channel, utcnow(), self.chat_id, take_all=take_all
            )
        if recovered:
            self.stats.recovered += recovered
            self.wake()
            log.warning("outbox_recovered channel=%s rows=%d", self.channel, recovered)

    async def _keep_leases(self, stop: asyncio.Event) -> None:
        """Every third of a lease: renew the leases of the rows in hand (queued, being sent,
        outcome not yet written), then take back rows whose sender died (its lease ran out).

        A task of its own, because the loop may wait a long time for a free send slot."""
        every = self.config.lease_seconds / 3
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
            if stop.is_set():
                return
            try:
                async with self.db.transaction() as conn:
                    await outbox.renew_leases(conn, self.channel, self._lease())
                await self._recover(take_all=False)
            except DATABASE_ERRORS:
                # Retried at the next renewal, well before the lease runs out.
                log.exception("outbox_lease_renewal_failed channel=%s", self.channel)

    # -- the loop ------------------------------------------------------------------------------

    async def _step(self) -> None:
        now = _mono()
        if self._results and (
            len(self._results) >= self.config.batch_size
            or now - self._last_flush >= self.config.flush_interval
        ):
            await self._flush()
        if len(self._queue) < self._low_water and now >= self._next_claim:
            await self._claim()
        row = self._queue.pop_ready(_mono())
        if row is not None:
            await self._dispatch(row)
            return
        await self._idle(self._until_next_event())

    @property
    def _low_water(self) -> int:
        return self.config.batch_size // 2 + 1

    def _until_next_event(self) -> float:
        now = _mono()
        moments = [now + self.config.poll_interval]
        ready = self._queue.next_ready()
        if ready is not None:
            moments.append(ready)
        if len(self._queue) < self._low_water:
            moments.append(self._next_claim)
        if self._results:
            moments.append(self._last_flush + self.config.flush_interval)
        return max(0.0, min(moments) - now)

    async def _idle(self, seconds: float) -> None:
        self._wakeup.clear()
        # Checked after clear(): a stop that set the wake-up just before is not missed.
        if self._stop.is_set():
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wakeup.wait()

    async def _claim(self) -> None:
        config = self.config
        wall, mono = self._clock(), _mono()
        wanted = config.batch_size - len(self._queue)
        async with self.db.transaction() as conn:
            # The shared bucket first: its row lock makes the claims of several processes take
            # turns, so every lock below is taken in the same order.
            budget = await outbox.take_budget(
                conn, self.channel, utcnow(), config.rate_per_second, config.budget_capacity
            )
            tokens = budget.tokens
            quiet_end = next_allowed(wall, config.quiet_start, config.quiet_end, self._tz)
            if quiet_end > wall:
                self.stats.deferred_quiet += await outbox.defer_quiet(
                    conn, self.channel, config.quiet_kinds, wall, quiet_end, self.chat_id
                )
            affordable = min(wanted, math.floor(tokens))
            claim = await outbox.claim(
                conn,
                self.channel,
                wall,
                affordable,
                self.chat_id,
                lease=self._lease(),
                skip_locked=self.db.skip_locked,
            )
            # A chat under a long wait (a 429's retry_after) gets its row back in the table
            # rather than holding it in 'sending' for that long.
            held = [
                row
                for row in claim.rows
                if self._chat_free_at.get(row.chat_id, 0.0) > mono + config.hold_limit
            ]
            for row in held:
                free_in = self._chat_free_at[row.chat_id] - mono
                await outbox.release(conn, [row.id], wall + timedelta(seconds=free_in))
            # Only rows that will be sent spend a token (nor do rows blocked by the claim).
            tokens -= len(claim.rows) - len(held)
            await outbox.spend_budget(conn, self.channel, tokens, budget.as_of)
        self.stats.blocked += claim.blocked
        held_ids = {row.id for row in held}
        for row in claim.rows:
            if row.id not in held_ids:
                self._queue.push(max(mono, self._chat_free_at.get(row.chat_id, 0.0)), row)
        if affordable < wanted and len(claim.rows) + claim.blocked == affordable:
            # The shared budget, not the table, ran short: claim again when it holds a full
            # claim's worth (other processes may take some of it meanwhile).
            short = min(wanted, config.budget_capacity) - tokens
            self._next_claim = mono + max(short, 1.0) / config.rate_per_second
        elif len(claim.rows) + claim.blocked < wanted:
            # The table has nothing more that is due and claimable: look again when the next
            # row falls due, at the next poll, or after a flush frees a busy chat.
            due = await outbox.next_due(self.db, self.channel, self.chat_id)
            delay = config.poll_interval
            if due is not None and due > wall:
                delay = min(delay, (due - wall).total_seconds())
            self._next_claim = mono + delay
        else:
            self._next_claim = mono
        if len(self._chat_free_at) > _CHAT_MEMORY:
            self._chat_free_at = {chat: at for chat, at in self._chat_free_at.items() if at > mono}

    async def _dispatch(self, row: Claimed) -> None:
        # The slot first, then the bucket: a token taken while waiting for a slot would let a
        # burst through later.
        await self._slots.acquire()
        await self._limiter.acquire()
        self._chat_free_at[row.chat_id] = _mono() + self.config.per_chat_interval
        task = asyncio.create_task(self._deliver(row))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, row: Claimed) -> None:
        try:
            outcome = await self._attempt(row)
        finally:
            self._slots.release()
        if isinstance(outcome, RetryAfter):
            free_at = _mono() + outcome.seconds
            self._chat_free_at[row.chat_id] = max(self._chat_free_at.get(row.chat_id, 0.0), free_at)
        self._results.append(_Result(row, outcome, self._clock()))
        # Record the outcome within flush_interval, not at the next idle poll: until it is
        # written the row stays 'sending', and a crash in that window would send it again.
        self._wakeup.set()

    async def _attempt(self, row: Claimed) -> SendOutcome:
        try:
            reply = row.reply()
        except (ValueError, KeyError, TypeError) as exc:
            return Permanent(f"unreadable payload: {exc}")
        try:
            return await self.transport.send(row.chat_id, reply)
        except Exception as exc:
            # A transport bug must not stop the queue; the row is retried and then failed.
            log.exception("outbox_transport_error channel=%s row=%d", self.channel, row.id)
            return Transient(f"{type(exc).__name__}: {exc}")

    # -- writing outcomes ----------------------------------------------------------------------

    async def _flush(self) -> None:
        results, self._results = self._results, []
        try:
            async with self.db.transaction() as conn:
                delivered = [(r.row.id, r.at) for r in results if isinstance(r.outcome, Delivered)]
                if delivered:
                    await outbox.mark_sent(conn, delivered)
                counted = SenderStats(delivered=len(delivered))
                for result in results:
                    await self._record(conn, result, counted)
        except BaseException:
            self._results = results + self._results
            raise
        self.stats.add(counted)
        self._last_flush = _mono()
        # Finished rows free their chats: their next rows may be claimable now.
        self._next_claim = 0.0

    async def _record(self, conn: Connection, result: _Result, counted: SenderStats) -> None:
        row, at = result.row, result.at
        match result.outcome:
            case Delivered():
                pass  # written in bulk by _flush
            case RetryAfter(seconds=seconds):
                counted.throttled += 1
                error = f"429: retry after {seconds:g}s"
                await outbox.reschedule(conn, row.id, at + timedelta(seconds=seconds), error, throttled=True)
            case Transient(error=error):
                counted.transient += 1
                failures = row.attempts - row.throttled
                if failures >= self.config.max_attempts:
                    counted.failed += 1
                    await outbox.mark_failed(conn, row.id, error)
                    log.warning(
                        "outbox_gave_up channel=%s row=%d attempts=%d", self.channel, row.id, row.attempts
                    )
                else:
                    delay = backoff_delay(
                        failures, self.config.backoff_base, self.config.backoff_cap, self._rng
                    )
                    await outbox.reschedule(conn, row.id, at + timedelta(seconds=delay), error)
            case Permanent(error=error):
                counted.failed += 1
                await outbox.mark_failed(conn, row.id, error)
                log.warning("outbox_failed channel=%s row=%d error=%s", self.channel, row.id, error)
            case Blocked(error=error):
                counted.blocked += await outbox.mark_blocked(conn, self.channel, row.chat_id, row.id, error)

    async def _wind_down(self) -> None:
        """Let sends already with the platform finish and be recorded; give back unsent rows."""
        if self._tasks:
            await asyncio.gather(*self._tasks)
        unsent = self._queue.drain()
        if unsent:
            async with self.db.transaction() as conn:
                await outbox.release(conn, [row.id for row in unsent])
        if self._results:
            await self._flush()


async def run_senders(
    db: Database,
    transports: Mapping[str, Transport],
    settings: Settings,
    stop: asyncio.Event,
    *,
    clock: Callable[[], datetime] = utcnow,
    only_chats: Mapping[str, str] | None = None,
) -> None:
    """Run one sender per channel until ``stop`` is set (each with its channel's limits);
    ``only_chats`` limits a channel's sender to one chat (``{"console": user_id}``)."""
    only = only_chats or {}
    async with asyncio.TaskGroup() as group:
        for channel, transport in transports.items():
            config = SenderConfig.for_channel(settings, channel)
            sender = OutboxSender(db, channel, transport, config, clock=clock, chat_id=only.get(channel))
            group.create_task(sender.run(stop), name=f"outbox-sender-{channel}")
