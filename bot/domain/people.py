"""People as the rest of the app sees them, and the scope rules that follow from their role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.enums import PersonStatus, Role, Sex
from bot.domain.vntext import display_name

OFFICER_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCE_OFFICER, Role.ADMIN})
MEDIATOR_ROLES = frozenset({Role.MEDIATOR, Role.TEAM_LEADER})


@dataclass(frozen=True, slots=True)
class Person:
    """A registered person (mediator, officer or admin)."""

    id: int
    full_name: str
    role: Role
    status: PersonStatus
    sex: Sex | None = None
    ethnic_minority: bool | None = None
    legal_background: bool = False
    phone: str | None = None
    commune_code: str | None = None
    team_id: int | None = None
    recognised_on: date | None = None
    trained_on: date | None = None
    is_trainer: bool = False
    legal_supporter: str | None = None

    @property
    def shown_name(self) -> str:
        """The name as every message shows it (capitalised however it was typed)."""
        return display_name(self.full_name)

    @property
    def active(self) -> bool:
        """Approved and not left."""
        return self.status == PersonStatus.ACTIVE

    @property
    def is_mediator(self) -> bool:
        """Mediators and team leaders report cases."""
        return self.role in MEDIATOR_ROLES

    @property
    def is_officer(self) -> bool:
        """Commune officers, province officers and admins."""
        return self.role in OFFICER_ROLES

    def may_see_commune(self, commune_code: str) -> bool:
        """Province officers and admins see every commune; a commune officer only theirs."""
        if not self.active:
            return False
        if self.role in (Role.PROVINCE_OFFICER, Role.ADMIN):
            return True
        return self.role == Role.COMMUNE_OFFICER and self.commune_code == commune_code

    def may_see_team(self, team_id: int, team_commune: str) -> bool:
        """Mediators see only their own team; officers see teams in their scope."""
        if not self.active:
            return False
        if self.is_mediator:
            return self.team_id == team_id
        return self.may_see_commune(team_commune)
