"""Helpers of the reminder tests: running the rules at the test clock, reading what they queued."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.conversation.messages import Reply
from bot.domain.people import Person
from bot.runtime import App
from bot.services import cases
from bot.services.reminders import RemindersConfig, Rule, run_rules
from bot.storage import outbox
from bot.storage.cases import CaseRow

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """A Vietnamese wall-clock time as the UTC instant the clock holds."""
    return datetime(y, m, d, hh, mm, tzinfo=VN).astimezone(UTC)


def only(*rules: Rule, **changes: object) -> RemindersConfig:
    """A configuration running just ``rules`` (with other settings changed as given)."""
    return dataclasses.replace(RemindersConfig(rules=frozenset(rules)), **changes)


async def run(app: App, config: RemindersConfig | None = None) -> dict[Rule, int]:
    """Evaluate the rules at the app's clock."""
    return await run_rules(app.db, app.clock(), app.tz, config)


async def queued(app: App, person: Person, prefix: str) -> list[Reply]:
    """Replies queued to a person whose dedupe key starts with ``prefix``, oldest first."""
    rows = await app.db.fetchall(
        "SELECT payload, kind FROM outbox WHERE person_id = ? AND substr(dedupe_key, 1, ?) = ? ORDER BY id",
        (person.id, len(prefix), prefix),
    )
    assert all(row["kind"] == outbox.Kind.REMINDER for row in rows)
    return [outbox.decode_reply(row["payload"]) for row in rows]


async def record_case(
    app: App,
    reporter: Person,
    *,
    received: date,
    origin: str = "parties_requested",
    outcome: str = "dang_hoa_giai",
    outcome_on: date | None = None,
    court: bool | None = None,
) -> CaseRow:
    """Save a case through the service, as the report flow would."""
    draft = cases.CaseDraft(
        received_on=received,
        origin=origin,
        field="dat_dai",
        summary="Tranh chấp ranh giới đất vườn giữa hai hộ",
        outcome=outcome,
        parties_count=2,
        vulnerable_involved=False,
        outcome_on=outcome_on,
        written_agreement=True if outcome == "thanh" else None,
        wants_court_recognition=court,
        next_step="continue" if outcome == "khong_thanh" else None,
    )
    async with app.db.transaction() as tx:
        case, _ = await cases.report(tx, reporter, draft, uuid.uuid4().hex, app.clock())
    return case
