"""Self-registration, approval by officers, invite codes, and officers' team tools.

Scope is enforced here, not only in menus: every function takes the acting person and refuses
(``PermissionError``, logged) what their role does not allow.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.conversation.messages import Choice, Reply
from bot.domain.access import may_approve, may_manage_mediator
from bot.domain.collation import sorted_by
from bot.domain.composition import CompositionResult, MemberFacts, check_composition
from bot.domain.enums import PersonStatus, Role
from bot.domain.people import Person
from bot.domain.phone import display_phone
from bot.domain.vntext import squeeze
from bot.services import privacy
from bot.services.notify import notify_person
from bot.storage import invites as invites_repo
from bot.storage import people as people_repo
from bot.storage import units
from bot.storage.db import Connection
from bot.storage.invites import Invite
from bot.texts import register as tr

log = logging.getLogger(__name__)


class RegistrationError(Exception):
    """A registration cannot be accepted; ``message`` is the Vietnamese reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownCommune(RegistrationError):
    """No commune has this code (``code``)."""

    def __init__(self, code: str) -> None:
        super().__init__(tr.INVITE_UNKNOWN_COMMUNE.format(code=code))
        self.code = code


@dataclass(frozen=True, slots=True)
class Registration:
    """What the registration conversation collected."""

    role: Role
    full_name: str
    sex: str
    ethnic_minority: bool | None  # None: not answered (it is sensitive data, and optional)
    phone: str
    commune_code: str | None = None
    team_id: int | None = None
    new_team_name: str | None = None


def refuse(actor: Person, action: str, target: object) -> PermissionError:
    """Log an out-of-scope attempt and build the error to raise."""
    log.warning("scope_refused person=%s role=%s action=%s target=%s", actor.id, actor.role, action, target)
    return PermissionError(f"{action} not allowed for person {actor.id}")


async def phone_taken(conn: Connection, phone: str) -> bool:
    """True when another person already registered this phone number."""
    return await people_repo.phone_taken(conn, phone)


@dataclass(frozen=True, slots=True)
class Submitted:
    """A saved registration and who was asked to approve it."""

    person_id: int
    approvers: list[int]
    by_commune: bool  # True when the commune's own officers were asked


async def submit(
    conn: Connection, channel: str, external_id: str, reg: Registration, now: datetime
) -> Submitted:
    """Create the pending person, link the sender's identity, and ask the approvers."""
    if await phone_taken(conn, reg.phone):
        raise RegistrationError(tr.PHONE_TAKEN)
    team_id = reg.team_id
    if reg.new_team_name and reg.commune_code:
        team_id, _ = await units.ensure_team(
            conn, reg.commune_code, squeeze(reg.new_team_name), now, confirmed=False
        )
    person_id = await people_repo.insert_person(
        conn,
        now,
        full_name=reg.full_name,
        sex=reg.sex,
        ethnic_minority=None if reg.ethnic_minority is None else int(reg.ethnic_minority),
        phone=reg.phone,
        role=reg.role.value,
        status=PersonStatus.PENDING.value,
        commune_code=reg.commune_code,
        team_id=team_id,
    )
    await people_repo.link_identity(conn, channel, external_id, person_id)
    candidate = await people_repo.get_person(conn, person_id)
    assert candidate is not None
    approvers = await approvers_for(conn, candidate)
    if not approvers:
        log.warning("registration_without_approver person=%s commune=%s", person_id, reg.commune_code)
    request = await approval_request(conn, candidate)
    for approver in approvers:
        await notify_person(conn, approver, request, f"approval:{person_id}:{approver}", "approval", now)
        # The card carries the candidate's phone and ethnicity: its delivery is an access.
        await privacy.record_access(conn, approver, "approval_card", f"person:{person_id}", now, person_id)
    by_commune = (
        bool(approvers)
        and candidate.is_mediator
        and bool(await people_repo.active_with_roles(conn, [Role.COMMUNE_OFFICER], candidate.commune_code))
    )
    return Submitted(person_id, approvers, by_commune)


async def approvers_for(conn: Connection, candidate: Person) -> list[int]:
    """Who is asked to approve: the commune's officers for mediators (province officers when the
    commune has none yet); province officers and admins for officers; admins for admins."""
    if candidate.is_mediator and candidate.commune_code:
        ids = await people_repo.active_with_roles(conn, [Role.COMMUNE_OFFICER], candidate.commune_code)
        if ids:
            return ids
    if candidate.role == Role.ADMIN:
        return await people_repo.active_with_roles(conn, [Role.ADMIN])
    return await people_repo.active_with_roles(conn, [Role.PROVINCE_OFFICER, Role.ADMIN])


async def describe(conn: Connection, person: Person, new_team: str | None = None) -> str:
    """One-paragraph description of a person for officers (name, role, place, phone).

    ``new_team``: a thôn named during registration that has no team record yet.
    """
    place = tr.TEAM_LABEL.format(name=new_team) + tr.TEAM_UNCONFIRMED if new_team else ""
    if person.team_id is not None:
        team = await units.team_by_id(conn, person.team_id)
        if team is not None:
            place = tr.TEAM_LABEL.format(name=team.name) + (tr.TEAM_UNCONFIRMED if not team.confirmed else "")
    if person.commune_code:
        commune = await units.commune_by_code(conn, person.commune_code)
        if commune is not None:
            place = f"{place}, {commune.label}" if place else commune.label
    return tr.PERSON_CARD.format(
        name=person.shown_name,
        role=tr.ROLE_LABELS[person.role],
        place=place or "—",
        sex=tr.SEX_LABELS.get(person.sex or "", "—"),
        ethnic=tr.YES_NO[person.ethnic_minority] if person.ethnic_minority is not None else "—",
        phone=display_phone(person.phone),
        status=tr.STATUS_LABELS[person.status],
    )


async def approval_request(conn: Connection, candidate: Person) -> Reply:
    """The message an approver receives, with a button that opens the approval conversation."""
    return Reply(
        tr.APPROVAL_REQUEST.format(card=await describe(conn, candidate)),
        choices=[Choice(tr.OPEN_APPROVAL, f"go:approve:{candidate.id}")],
    )


async def pending_for(conn: Connection, officer: Person, limit: int = 20) -> list[Person]:
    """Pending registrations this officer may decide, oldest first."""
    found = await people_repo.people_with_status(conn, PersonStatus.PENDING)
    return [p for p in found if may_approve(officer, p.role, p.commune_code)][:limit]


async def decide(
    conn: Connection, officer: Person, person_id: int, approve: bool, reason: str, now: datetime
) -> Person:
    """Approve or reject a pending registration and tell the requester."""
    candidate = await people_repo.get_person(conn, person_id)
    if candidate is None or candidate.status != PersonStatus.PENDING:
        raise RegistrationError(tr.NOT_PENDING)
    if not may_approve(officer, candidate.role, candidate.commune_code):
        raise refuse(officer, "approve", person_id)
    status = PersonStatus.ACTIVE if approve else PersonStatus.REJECTED
    await people_repo.set_status(conn, person_id, status, now, reason=reason, approved_by=officer.id)
    if approve and candidate.team_id is not None:
        # The officer approving a mediator of a newly named thôn also confirms that team.
        await units.confirm_team(conn, candidate.team_id)
    elif candidate.team_id is not None:
        # A thôn proposed by a rejected registrant exists only once someone is approved in it.
        await units.drop_proposed_team(conn, candidate.team_id)
    message = tr.YOU_ARE_APPROVED if approve else tr.YOU_ARE_REJECTED.format(reason=reason or "—")
    await notify_person(conn, person_id, Reply(message), f"decision:{person_id}", "notice", now)
    decided = await people_repo.get_person(conn, person_id)
    assert decided is not None
    return decided


# -- invite codes ---------------------------------------------------------------------------------


def _new_code() -> str:
    # Short enough to type from a letter, unambiguous (no 0/O, 1/I), ~40 bits of entropy.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


async def create_invite(
    conn: Connection,
    role: Role,
    commune_code: str | None,
    created_by: int | None,
    valid_for: timedelta,
    now: datetime,
) -> Invite:
    """Create an invite code; ``created_by`` None means the command line (the deployer, who
    holds the server). In the chat only an active admin may create one, for any role."""
    if created_by is not None:
        creator = await people_repo.get_person(conn, created_by)
        if creator is None:
            log.warning("scope_refused person=%s action=create_invite target=%s", created_by, role.value)
            raise PermissionError(f"create_invite not allowed for unknown person {created_by}")
        if not (creator.active and creator.role == Role.ADMIN):
            raise refuse(creator, "create_invite", role.value)
    if role in (Role.COMMUNE_OFFICER, Role.MEDIATOR, Role.TEAM_LEADER) and not commune_code:
        raise RegistrationError(tr.INVITE_NEEDS_COMMUNE)
    if commune_code and await units.commune_by_code(conn, commune_code) is None:
        # Checked here, not left to the foreign key: an unknown code is a typo, not damage.
        raise UnknownCommune(commune_code)
    invite = Invite(_new_code(), role, commune_code, now + valid_for)
    await invites_repo.insert_invite(conn, invite, created_by, now)
    return invite


async def valid_invite(conn: Connection, code: str, now: datetime) -> Invite | None:
    """The unused, unexpired invite with this code (case-insensitive), if any."""
    invite = await invites_repo.unused_invite(conn, code.strip().upper())
    return invite if invite is not None and invite.expires_at > now else None


async def redeem_invite(
    conn: Connection,
    invite: Invite,
    channel: str,
    external_id: str,
    full_name: str,
    phone: str,
    now: datetime,
) -> int:
    """Create the active person of an invite and mark the code used (in the caller's transaction)."""
    if await phone_taken(conn, phone):
        raise RegistrationError(tr.PHONE_TAKEN)
    person_id = await people_repo.insert_person(
        conn,
        now,
        full_name=full_name,
        phone=phone,
        role=invite.role.value,
        status=PersonStatus.ACTIVE.value,
        commune_code=invite.commune_code,
    )
    if not await invites_repo.use_invite(conn, invite.code, person_id, now):
        raise RegistrationError(tr.INVITE_INVALID)
    await people_repo.link_identity(conn, channel, external_id, person_id)
    return person_id


# -- officers' team tools -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TeamStatus:
    """A team with its active members and the Art. 12 check."""

    team: units.StoredTeam
    members: list[Person]
    composition: CompositionResult


async def commune_teams(conn: Connection, officer: Person, commune_code: str) -> list[TeamStatus]:
    """Every team of a commune with its composition status (officers of that commune and above)."""
    if not officer.may_see_commune(commune_code):
        raise refuse(officer, "list_teams", commune_code)
    return await _team_statuses(conn, commune_code)


async def _team_statuses(conn: Connection, commune_code: str) -> list[TeamStatus]:
    commune = await units.commune_by_code(conn, commune_code)
    needs_minority = bool(commune and commune.is_ethnic_area)
    result = []
    # Teams and members in Vietnamese alphabetical order, as every list and export shows them.
    teams = sorted_by(await units.teams_of_commune(conn, commune_code), lambda t: t.name)
    for team in teams:
        if not team.confirmed:
            continue  # proposed at a registration still waiting: not a team yet
        members = sorted_by(await people_repo.team_members(conn, team.id), lambda m: m.full_name)
        facts = [
            MemberFacts(
                active=m.active,
                sex=m.sex,
                ethnic_minority=m.ethnic_minority,
                is_leader=m.role == Role.TEAM_LEADER,
            )
            for m in members
        ]
        result.append(TeamStatus(team, members, check_composition(facts, needs_minority)))
    return result


async def own_team(conn: Connection, leader: Person) -> TeamStatus:
    """The team a team leader leads, with its members and the Art. 12 check (leaders only)."""
    if not (leader.active and leader.role == Role.TEAM_LEADER and leader.team_id and leader.commune_code):
        raise refuse(leader, "own_team", leader.team_id)
    for status in await _team_statuses(conn, leader.commune_code):
        if status.team.id == leader.team_id:
            return status
    raise refuse(leader, "own_team", leader.team_id)


async def move_mediator(
    conn: Connection, officer: Person, mediator_id: int, team_id: int, now: datetime
) -> None:
    """Move a mediator to another team of the same commune."""
    mediator = await people_repo.get_person(conn, mediator_id)
    team = await units.team_by_id(conn, team_id)
    if mediator is None or team is None or not may_manage_mediator(officer, mediator):
        raise refuse(officer, "move_mediator", mediator_id)
    if team.commune_code != mediator.commune_code:
        raise refuse(officer, "move_mediator_other_commune", team_id)
    await people_repo.set_team(conn, mediator_id, team_id, now)


async def mark_left(
    conn: Connection, actor: Person, mediator_id: int, reason: str, now: datetime
) -> None:
    """Record that a mediator stopped (Art. 11): by an officer in scope, or the mediator themself."""
    mediator = await people_repo.get_person(conn, mediator_id)
    if mediator is None:
        raise refuse(actor, "mark_left", mediator_id)
    if actor.id != mediator_id and not may_manage_mediator(actor, mediator):
        raise refuse(actor, "mark_left", mediator_id)
    await people_repo.set_status(conn, mediator_id, PersonStatus.LEFT, now, reason=reason)


async def update_contact(
    conn: Connection,
    person: Person,
    now: datetime,
    full_name: str | None = None,
    phone: str | None = None,
) -> None:
    """A person corrects their own name or phone number."""
    if phone is not None and phone != person.phone and await phone_taken(conn, phone):
        raise RegistrationError(tr.PHONE_TAKEN)
    await people_repo.update_contact(conn, person.id, now, full_name, phone)


async def leave(conn: Connection, mediator: Person, now: datetime) -> None:
    """A mediator stops (Art. 11) on their own request; the commune's officers are told."""
    await mark_left(conn, mediator, mediator.id, tr.LEFT_SELF_REASON, now)
    team = await units.team_by_id(conn, mediator.team_id) if mediator.team_id else None
    notice = Reply(tr.LEFT_NOTICE.format(name=mediator.shown_name, team=team.name if team else "—"))
    for officer_id in await approvers_for(conn, mediator):
        await notify_person(conn, officer_id, notice, f"left:{mediator.id}:{officer_id}", "notice", now)
