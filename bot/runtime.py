"""Wiring: settings, database, knowledge base, flows and the engine, opened and closed together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.conversation.flow import Ctx, Flow
from bot.conversation.messages import Reply
from bot.storage.db import Database, database_for, utcnow

if TYPE_CHECKING:
    from bot.conversation.engine import Engine
    from bot.kb import KnowledgeBase
    from bot.services.reminders import RemindersConfig
    from bot.training.content import Bank
    from bot.workers.outbox_sender import Transport

log = logging.getLogger(__name__)


@dataclass
class App:
    """The running application's parts, shared by channels, the engine and workers."""

    settings: Settings
    db: Database
    flows: dict[str, Flow]
    kb: KnowledgeBase | None = None
    # Lessons and questions of knowledge/training (self-study, contests); empty when absent.
    training: Bank | None = None
    clock: Callable[[], datetime] = utcnow
    flow_commands: dict[str, str] = field(default_factory=dict)
    # Handled before any flow (opt-out words, RSVP answers); None lets the message through.
    preflight: Callable[[Ctx, str], Awaitable[list[Reply] | None]] | None = None
    # Asked before a flow starts (its name and the answer typed after its command): another
    # (flow, data) to start first, e.g. a new privacy notice.
    before_flow: Callable[[Ctx, str, str], Awaitable[tuple[str, dict[str, Any]] | None]] | None = None
    _engine: Engine | None = None

    @property
    def tz(self) -> ZoneInfo:
        """The local time zone for dates shown to and typed by users."""
        return ZoneInfo(self.settings.timezone)

    @property
    def engine(self) -> Engine:
        """The conversation engine (one per app)."""
        if self._engine is None:
            from bot.conversation.engine import Engine

            self._engine = Engine(self)
        return self._engine


def reminders_config(settings: Settings) -> RemindersConfig:
    """The reminder rules as configured (``REMINDER_*`` settings; defaults elsewhere)."""
    from bot.services.reminders import RemindersConfig, Rule

    disabled = {name.strip() for name in settings.reminders_disabled.split(",") if name.strip()}
    return RemindersConfig(
        rules=frozenset(rule for rule in Rule if rule.value not in disabled),
        stale_days=settings.reminder_stale_days,
        court_lead_days=settings.reminder_court_lead_days,
    )


def load_knowledge(settings: Settings) -> KnowledgeBase | None:
    """Load and index the knowledge base; a missing folder disables Q&A with a warning."""
    from bot.kb import KnowledgeBase

    if not settings.knowledge_dir.is_dir():
        log.warning("knowledge_missing dir=%s", settings.knowledge_dir)
        return None
    return KnowledgeBase.load(settings.knowledge_dir)


@asynccontextmanager
async def background_workers(
    app: App, transports: Mapping[str, Transport], only_chats: Mapping[str, str] | None = None
) -> AsyncIterator[None]:
    """Run the outbox senders (one per channel) and the scheduler (reminders, broadcast progress,
    housekeeping) while the block runs; stop them cleanly after. ``only_chats`` limits a
    channel's sender to one chat: a console delivers only its own user's messages.

    Stopping lets in-flight sends finish and returns claimed-but-unsent rows to the queue, so
    it must happen before the database closes.
    """
    from bot.workers.outbox_sender import run_senders
    from bot.workers.scheduler import run_scheduler

    stop = asyncio.Event()
    senders = asyncio.create_task(
        run_senders(app.db, transports, app.settings, stop, clock=app.clock, only_chats=only_chats)
    )
    scheduler = asyncio.create_task(
        run_scheduler(app, app.settings, stop, app.clock, reminders=reminders_config(app.settings))
    )
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(senders, scheduler)


@asynccontextmanager
async def open_app(
    settings: Settings,
    *,
    kb: KnowledgeBase | None = None,
    load_kb: bool = True,
    clock: Callable[[], datetime] = utcnow,
) -> AsyncIterator[App]:
    """Open the database (migrating it), load the knowledge base and build the flows."""
    from bot.flows.notice_gate import before_flow
    from bot.flows.preflight import preflight
    from bot.flows.registry import build_flows
    from bot.services.bootstrap import ensure_units
    from bot.training.content import load_bank

    db = database_for(settings)
    await db.open()
    try:
        await ensure_units(db)
        if kb is None and load_kb:
            kb = load_knowledge(settings)
        flows = build_flows()
        training = load_bank(settings.knowledge_dir / "training")
        for problem in training.problems:
            log.warning("training_content_problem %s", problem)
        app = App(
            settings=settings,
            db=db,
            flows=flows,
            kb=kb,
            training=training,
            clock=clock,
            flow_commands={f.command: f.name for f in flows.values() if f.command},
            preflight=preflight,
            before_flow=before_flow,
        )
        yield app
    finally:
        await db.close()
