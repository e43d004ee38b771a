"""Who may approve whom and who may manage whom: pure scope rules, checked in the services."""

from __future__ import annotations

from bot.domain.enums import Role
from bot.domain.people import MEDIATOR_ROLES, Person


def may_approve(officer: Person, role: Role, commune_code: str | None) -> bool:
    """A commune officer approves mediators of their own commune; officers are approved by a
    province officer or an admin; only an admin approves another admin."""
    if not officer.active:
        return False
    if role == Role.ADMIN:
        return officer.role == Role.ADMIN
    if officer.role in (Role.PROVINCE_OFFICER, Role.ADMIN):
        return True
    return (
        officer.role == Role.COMMUNE_OFFICER
        and role in MEDIATOR_ROLES
        and commune_code is not None
        and officer.commune_code == commune_code
    )


def may_manage_mediator(officer: Person, mediator: Person) -> bool:
    """Moving a mediator between teams or marking them as left: the officer of their commune,
    a province officer or an admin."""
    if not officer.active or not mediator.is_mediator:
        return False
    if officer.role in (Role.PROVINCE_OFFICER, Role.ADMIN):
        return True
    return officer.role == Role.COMMUNE_OFFICER and officer.commune_code == mediator.commune_code
