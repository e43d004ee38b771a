"""Art. 12 Luật Hòa giải ở cơ sở: what a mediation team must have.

"Tổ hòa giải có tổ trưởng và các hòa giải viên. Mỗi tổ hòa giải có từ 03 hòa giải viên trở
lên, trong đó có hòa giải viên nữ. Đối với vùng có nhiều đồng bào dân tộc thiểu số, tổ hòa giải
phải có hòa giải viên là người dân tộc thiểu số."

Only active members count: a pending registration or someone who left does not staff a team.
The team leader is a mediator too, so they count towards the three.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.enums import Sex

MIN_MEDIATORS = 3


class ShortfallCode(StrEnum):
    """What a team lacks; the caller turns these into advice."""

    TOO_FEW = "too_few"
    NO_WOMAN = "no_woman"
    NO_ETHNIC_MINORITY = "no_ethnic_minority"
    NO_LEADER = "no_leader"


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """The facts about one member that Art. 12 looks at. Unknown sex/ethnicity counts as no."""

    active: bool
    sex: Sex | None
    ethnic_minority: bool | None
    is_leader: bool = False


@dataclass(frozen=True, slots=True)
class Shortfall:
    """One unmet requirement: ``have`` of the thing counted, ``need`` required."""

    code: ShortfallCode
    have: int
    need: int


@dataclass(frozen=True, slots=True)
class CompositionResult:
    """``ok`` is True exactly when there are no shortfalls."""

    ok: bool
    shortfalls: list[Shortfall] = field(default_factory=list)

    @property
    def codes(self) -> list[ShortfallCode]:
        """The shortfall codes in the order they were found."""
        return [s.code for s in self.shortfalls]


def check_composition(
    members: Iterable[MemberFacts],
    requires_ethnic_minority: bool,
    require_leader: bool = False,
    min_members: int = MIN_MEDIATORS,
) -> CompositionResult:
    """Check a team against Art. 12.

    ``requires_ethnic_minority`` is a property of the area (set by the commune), not derived
    here. ``require_leader`` asks for an active member flagged as leader; it is optional because
    a team is often registered before its leader is designated.
    """
    active = [m for m in members if m.active]
    shortfalls: list[Shortfall] = []
    if len(active) < min_members:
        shortfalls.append(Shortfall(ShortfallCode.TOO_FEW, len(active), min_members))
    women = sum(1 for m in active if m.sex == Sex.FEMALE)
    if women == 0:
        shortfalls.append(Shortfall(ShortfallCode.NO_WOMAN, 0, 1))
    if requires_ethnic_minority and not any(m.ethnic_minority is True for m in active):
        shortfalls.append(Shortfall(ShortfallCode.NO_ETHNIC_MINORITY, 0, 1))
    if require_leader and not any(m.is_leader for m in active):
        shortfalls.append(Shortfall(ShortfallCode.NO_LEADER, 0, 1))
    return CompositionResult(ok=not shortfalls, shortfalls=shortfalls)


__all__ = [
    "MIN_MEDIATORS",
    "CompositionResult",
    "MemberFacts",
    "Shortfall",
    "ShortfallCode",
    "check_composition",
]
