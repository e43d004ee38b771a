import pytest

from bot.domain.composition import (
    CompositionResult,
    MemberFacts,
    Shortfall,
    ShortfallCode,
    check_composition,
)
from bot.domain.enums import Sex

M, F = Sex.MALE, Sex.FEMALE


def member(
    sex: Sex | None, minority: bool | None = False, active: bool = True, leader: bool = False
) -> MemberFacts:
    return MemberFacts(active=active, sex=sex, ethnic_minority=minority, is_leader=leader)


T = ShortfallCode.TOO_FEW
W = ShortfallCode.NO_WOMAN
E = ShortfallCode.NO_ETHNIC_MINORITY
L = ShortfallCode.NO_LEADER


@pytest.mark.parametrize(
    ("members", "requires_minority", "require_leader", "expected"),
    [
        # Complete teams
        ([member(F, True), member(M), member(M)], True, False, []),
        ([member(F), member(M), member(M)], False, False, []),
        ([member(F, True, leader=True), member(M), member(M)], True, True, []),
        ([member(M, leader=True), member(F), member(M), member(M), member(F)], False, True, []),
        # Too few: counting only active members
        ([], False, False, [T, W]),
        ([member(F), member(M)], False, False, [T]),
        ([member(F), member(M), member(M, active=False)], False, False, [T]),
        # No woman: an inactive woman or one whose sex is unknown does not count
        ([member(M), member(M), member(M)], False, False, [W]),
        ([member(M), member(M), member(M), member(F, active=False)], False, False, [W]),
        ([member(M), member(M), member(None)], False, False, [W]),
        # Ethnic minority: only required where the area says so; unknown counts as no
        ([member(F), member(M), member(M)], True, False, [E]),
        ([member(F, None), member(M, None), member(M, None)], True, False, [E]),
        ([member(F), member(M), member(M), member(M, True, active=False)], True, False, [E]),
        ([member(F, True), member(M), member(M)], True, False, []),
        # Leader: only checked when asked; an inactive leader does not count
        ([member(F), member(M), member(M)], False, True, [L]),
        ([member(F), member(M), member(M, active=False, leader=True)], False, True, [T, L]),
        # Everything missing at once, in a stable order
        ([member(M, active=False)], True, True, [T, W, E, L]),
    ],
)
def test_article_12(
    members: list[MemberFacts], requires_minority: bool, require_leader: bool, expected: list[ShortfallCode]
) -> None:
    result = check_composition(members, requires_minority, require_leader=require_leader)
    assert result.codes == expected
    assert result.ok is (expected == [])


def test_shortfall_carries_counts() -> None:
    result = check_composition([member(F), member(M, active=False)], False)
    assert result == CompositionResult(ok=False, shortfalls=[Shortfall(T, have=1, need=3)])


def test_minimum_is_configurable() -> None:
    members = [member(F), member(M), member(M)]
    assert check_composition(members, False, min_members=5).shortfalls == [Shortfall(T, 3, 5)]


def test_accepts_any_iterable_once() -> None:
    result = check_composition(iter([member(F), member(M), member(M)]), False)
    assert result.ok
