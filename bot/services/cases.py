"""Case use-cases with their scope checks: report, list, update outcome, add notes.

A mediator sees their team's cases and changes the ones they reported; a team leader changes
any case of the team; a commune officer reads the commune's cases (and may ask for an update);
province officers and admins read everything. A concluded outcome (and its date) may be
corrected by the mediator who recorded it within ``correction_days``, and at any time, with a
reason, by the team's leader or the commune officer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.conversation.messages import Choice, Reply
from bot.domain.enums import CaseOutcome, Role
from bot.domain.people import Person
from bot.domain.remuneration import RemunerationRates, estimate_case
from bot.services.notify import notify_person
from bot.services.registration import refuse
from bot.storage import cases as repo
from bot.storage import units
from bot.storage.db import Connection
from bot.texts import cases as tc


@dataclass(frozen=True, slots=True)
class CaseDraft:
    """What the report conversation collected (values as stored)."""

    received_on: date
    origin: str
    field: str
    summary: str
    outcome: str
    out_of_scope_reason: str | None = None
    parties_count: int | None = None
    vulnerable_involved: bool | None = None
    outcome_on: date | None = None
    written_agreement: bool | None = None
    wants_court_recognition: bool | None = None
    next_step: str | None = None
    legal_support: str | None = None


def _may_read(person: Person, case: repo.CaseRow) -> bool:
    return person.may_see_team(case.team_id, case.commune_code)


def may_change(person: Person, case: repo.CaseRow) -> bool:
    """Whether ``person`` may record outcomes and notes on ``case``: its reporter, or the team's
    leader (mediators only see their team's other cases)."""
    if not person.active or person.team_id != case.team_id:
        return False
    return person.role == Role.TEAM_LEADER or case.reported_by == person.id


async def report(
    conn: Connection, mediator: Person, draft: CaseDraft, draft_key: str, now: datetime
) -> tuple[repo.CaseRow, bool]:
    """Save a reported case once per draft; returns (case, created_now)."""
    if not (mediator.active and mediator.is_mediator and mediator.team_id and mediator.commune_code):
        raise refuse(mediator, "report_case", draft_key)
    existing = await repo.by_draft_key(conn, draft_key)
    if existing is not None:
        return existing, False
    code = await repo.next_code(conn, now.year)
    values: dict[str, Any] = {
        "code": code,
        "draft_key": draft_key,
        "team_id": mediator.team_id,
        "commune_code": mediator.commune_code,
        "reported_by": mediator.id,
        "received_on": draft.received_on.isoformat(),
        "origin": draft.origin,
        "field": draft.field,
        "summary": draft.summary,
        "out_of_scope_reason": draft.out_of_scope_reason,
        "parties_count": draft.parties_count,
        "vulnerable_involved": _int(draft.vulnerable_involved),
        "outcome": draft.outcome,
        "outcome_on": draft.outcome_on.isoformat() if draft.outcome_on else None,
        "written_agreement": _int(draft.written_agreement),
        "wants_court_recognition": _int(draft.wants_court_recognition),
        "next_step": draft.next_step,
        "legal_support": draft.legal_support,
    }
    case_id = await repo.insert_case(conn, now, values)
    case = await repo.get_case(conn, case_id)
    assert case is not None
    return case, True


class CorrectionRight(StrEnum):
    """Who may correct a concluded outcome, and whether they must say why."""

    OWN = "own"  # the mediator who recorded it, within the correction window
    WITH_REASON = "with_reason"  # the team's leader or the commune's officer, at any time


CONCLUDED = frozenset({CaseOutcome.THANH, CaseOutcome.KHONG_THANH})
# Fields an outcome decides; a correction resets the ones the new outcome does not use.
_OUTCOME_FIELDS = ("outcome", "outcome_on", "written_agreement", "wants_court_recognition", "next_step")


async def outcome_recorder(conn: Connection, case: repo.CaseRow) -> tuple[int | None, datetime]:
    """Who recorded the case's current outcome and when: the last outcome change, else the report."""
    recorder: int | None = case.reported_by
    at: datetime | None = None
    for event in await repo.events(conn, case.id):
        if event.kind == "created" or (event.kind == "changed" and event.field == "outcome"):
            recorder, at = event.person_id, event.at
    return recorder, at or case.updated_at


async def correction_right(
    conn: Connection, person: Person, case: repo.CaseRow, now: datetime, days: int
) -> CorrectionRight | None:
    """Whether ``person`` may correct ``case``'s concluded outcome now, and how."""
    if not person.active or CaseOutcome(case.outcome) not in CONCLUDED:
        return None
    if person.role == Role.TEAM_LEADER and person.team_id == case.team_id:
        return CorrectionRight.WITH_REASON
    if person.role == Role.COMMUNE_OFFICER and person.commune_code == case.commune_code:
        return CorrectionRight.WITH_REASON
    recorder, at = await outcome_recorder(conn, case)
    own = person.is_mediator and person.team_id == case.team_id and recorder == person.id
    return CorrectionRight.OWN if own and now - at <= timedelta(days=days) else None


async def correct_outcome(
    conn: Connection,
    person: Person,
    case_id: int,
    changes: dict[str, Any],
    reason: str | None,
    now: datetime,
    days: int,
) -> list[str]:
    """Correct a concluded outcome and its date (stats and remuneration read the case, so they
    follow). Every changed field gets an audit row, and the correction itself one with its reason."""
    case = await repo.get_case(conn, case_id)
    if case is None:
        raise refuse(person, "correct_case", case_id)
    right = await correction_right(conn, person, case, now, days)
    if right is None or (right == CorrectionRight.WITH_REASON and not (reason or "").strip()):
        raise refuse(person, "correct_case", case_id)
    outcome = CaseOutcome(changes["outcome"])
    if outcome not in CONCLUDED and outcome != CaseOutcome.DANG_HOA_GIAI:
        raise ValueError(f"not an outcome a correction may set: {outcome}")
    complete = {field: changes.get(field) for field in _OUTCOME_FIELDS}
    changed = await repo.update_fields(conn, case, person.id, complete, now)
    if changed:
        await repo.add_event(conn, case.id, person.id, now, "corrected", None, None, (reason or "").strip())
    return changed


def _int(value: bool | None) -> int | None:
    return None if value is None else int(value)


async def visible_cases(
    conn: Connection, person: Person, commune_code: str | None = None
) -> list[repo.CaseRow]:
    """The cases this person may see: their team's, or a commune's for officers."""
    if not person.active:
        raise refuse(person, "list_cases", None)
    if person.is_mediator:
        if person.team_id is None:
            return []
        return await repo.list_cases(conn, team_id=person.team_id)
    code = commune_code or person.commune_code
    if code is None or not person.may_see_commune(code):
        raise refuse(person, "list_cases", code)
    return await repo.list_cases(conn, commune_code=code)


async def get_visible(conn: Connection, person: Person, case_id: int) -> repo.CaseRow:
    """One case, if this person may see it (PermissionError otherwise)."""
    case = await repo.get_case(conn, case_id)
    if case is None or not _may_read(person, case):
        raise refuse(person, "read_case", case_id)
    return case


async def update(
    conn: Connection, person: Person, case_id: int, changes: dict[str, Any], now: datetime
) -> list[str]:
    """Change fields of a case (outcome, correction), with an audit row per changed field."""
    case = await repo.get_case(conn, case_id)
    if case is None or not may_change(person, case):
        raise refuse(person, "update_case", case_id)
    return await repo.update_fields(conn, case, person.id, changes, now)


async def add_note(
    conn: Connection, person: Person, case_id: int, note: str, now: datetime
) -> None:
    """A follow-up note on how the agreement is being carried out (Art. 26)."""
    case = await repo.get_case(conn, case_id)
    if case is None or not may_change(person, case):
        raise refuse(person, "note_case", case_id)
    await repo.add_event(conn, case_id, person.id, now, "note", None, None, note)


async def request_update(conn: Connection, officer: Person, case_id: int, now: datetime) -> int:
    """A commune officer asks the reporting mediator for news on a case; returns messages queued."""
    case = await repo.get_case(conn, case_id)
    if case is None or officer.is_mediator or not _may_read(officer, case):
        raise refuse(officer, "request_update", case_id)
    reply = Reply(
        tc.UPDATE_REQUESTED.format(code=case.code, summary=case.summary[:120]),
        choices=[Choice(tc.OPEN_CASE, f"go:cases:{case.id}")],
    )
    day = now.date().isoformat()
    return await notify_person(conn, case.reported_by, reply, f"ask-update:{case.id}:{day}", "notice", now)


def remuneration(case: repo.CaseRow, rates: RemunerationRates) -> int:
    """Estimated remuneration for the case (shown to officers only)."""
    return estimate_case(CaseOutcome(case.outcome), rates)


async def team_label(conn: Connection, team_id: int) -> str:
    """The team's name for display."""
    team = await units.team_by_id(conn, team_id)
    return team.name if team else "—"
