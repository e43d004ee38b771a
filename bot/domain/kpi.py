"""Indicators of Kế hoạch 115 (Lạng Sơn) and the formulas behind them.

Every indicator is a ratio compared with a target. Targets are data (``Targets``), so an
administrator can change them without touching callers. Comparisons are exact (fractions), so
17 successes out of 20 meets an 85% target even though 0.85 is not exact in binary.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from bot.domain.enums import CaseField, CaseOutcome

Comparison = Literal[">=", ">"]


class IndicatorCode(StrEnum):
    """Stable codes of the indicators (used as config keys and in exports)."""

    SUCCESS_RATE = "success_rate"
    PILOT_SUCCESS_RATE = "pilot_success_rate"
    TRAINED = "trained"
    PILOT_TRAINED = "pilot_trained"
    NEW_TRAINED_6M = "new_trained_6m"
    LEGAL_SUPPORT = "legal_support"
    TRAINERS_PER_100_TEAMS = "trainers_per_100_teams"
    DISTRICT_TRAINERS_PER_80_TEAMS = "district_trainers_per_80_teams"
    MODEL_COMMUNES = "model_communes"
    COMPOSITION = "composition"


@dataclass(frozen=True, slots=True)
class Ratio:
    """``numerator / denominator × per``; ``per`` expresses "per 100 teams" style rates."""

    numerator: int
    denominator: int
    per: int = 1

    @property
    def value(self) -> float | None:
        """The ratio as a float, None when there is nothing to divide by."""
        exact = self.exact
        return None if exact is None else float(exact)

    @property
    def exact(self) -> Fraction | None:
        """The exact ratio, None when the denominator is 0."""
        if self.denominator == 0:
            return None
        return Fraction(self.numerator * self.per, self.denominator)


@dataclass(frozen=True, slots=True)
class Target:
    """A target: ``low`` (reached with ``comparison``), optional informative upper bound.

    For a range such as "80–90% trained", exceeding ``high`` still meets the target: the plan
    sets a floor to reach, not a ceiling to respect.
    """

    low: float
    high: float | None = None
    comparison: Comparison = ">="

    def met_by(self, value: Fraction) -> bool:
        """Whether an exact value reaches the target."""
        floor = Fraction(repr(self.low))
        return value > floor if self.comparison == ">" else value >= floor


@dataclass(frozen=True, slots=True)
class Indicator:
    """An evaluated indicator.

    ``met`` is None and ``gap`` is None when the denominator is 0 (nothing to judge).
    ``gap`` = value − target_low: negative means below target, by that much.
    """

    code: IndicatorCode
    numerator: int
    denominator: int
    target_low: float
    target_high: float | None
    comparison: Comparison
    met: bool | None
    gap: float | None
    per: int = 1

    @property
    def value(self) -> float | None:
        """The measured value (same scale as the target)."""
        return Ratio(self.numerator, self.denominator, self.per).value


@dataclass(frozen=True, slots=True)
class Targets:
    """Kế hoạch 115 targets; change them with :meth:`with_overrides`, not in callers."""

    success_rate: Target = Target(0.85)
    pilot_success_rate: Target = Target(0.90, comparison=">")
    trained: Target = Target(0.80, 0.90)
    pilot_trained: Target = Target(1.0)
    new_trained_6m: Target = Target(1.0)
    legal_support: Target = Target(0.10)
    trainers_per_100_teams: Target = Target(1.0)
    # The district tier has no administrative home after 1/7/2025; kept configurable.
    district_trainers_per_80_teams: Target = Target(1.0)
    model_communes: Target = Target(0.05)
    composition: Target = Target(1.0)

    def get(self, code: IndicatorCode) -> Target:
        """The target for an indicator code."""
        target: Target = getattr(self, code.value)
        return target

    def with_overrides(self, overrides: Mapping[str, float | Target]) -> Targets:
        """A copy with some targets changed: a number replaces ``low`` only.

        Raises ValueError on an unknown code: overrides come from configuration at start-up.
        """
        changes: dict[str, Target] = {}
        for key, override in overrides.items():
            try:
                code = IndicatorCode(key)
            except ValueError:
                raise ValueError(f"unknown indicator code: {key!r}") from None
            if isinstance(override, Target):
                changes[code.value] = override
            else:
                changes[code.value] = dataclasses.replace(self.get(code), low=float(override))
        return dataclasses.replace(self, **changes)


# Per-100/per-80 scales of indicators that are not plain fractions.
INDICATOR_SCALE: dict[IndicatorCode, int] = {
    IndicatorCode.TRAINERS_PER_100_TEAMS: 100,
    IndicatorCode.DISTRICT_TRAINERS_PER_80_TEAMS: 80,
}


def success_rate(thanh: int, khong_thanh: int) -> Ratio:
    """Success rate = thành ÷ (thành + không thành); cases in progress are excluded (Bộ Tư pháp)."""
    return Ratio(thanh, thanh + khong_thanh)


def indicator(code: IndicatorCode, numerator: int, denominator: int, target: Target) -> Indicator:
    """Evaluate ``numerator / denominator`` (scaled per :data:`INDICATOR_SCALE`) against a target.

    For "trainers per 100 teams" pass trainers and teams; the ×100 is applied here.
    """
    ratio = Ratio(numerator, denominator, INDICATOR_SCALE.get(code, 1))
    exact = ratio.exact
    met = None if exact is None else target.met_by(exact)
    gap = None if exact is None else float(exact - Fraction(repr(target.low)))
    return Indicator(
        code=code,
        numerator=numerator,
        denominator=denominator,
        target_low=target.low,
        target_high=target.high,
        comparison=target.comparison,
        met=met,
        gap=gap,
        per=ratio.per,
    )


@dataclass(frozen=True)
class CaseCounts:
    """Case tallies for a team, commune or province over a period.

    ``received`` counts every case recorded, out-of-scope ones included (they were received and
    handled, by explaining and referring); ``by_field`` counts every case by field.
    """

    received: int = 0
    thanh: int = 0
    khong_thanh: int = 0
    dang: int = 0
    out_of_scope: int = 0
    by_field: dict[CaseField, int] = field(default_factory=dict)

    @classmethod
    def from_outcomes(cls, cases: Iterable[tuple[CaseOutcome, CaseField | None]]) -> CaseCounts:
        """Tally ``(outcome, field)`` pairs; a missing field is counted as ``khac``."""
        return cls.from_groups((outcome, case_field, 1) for outcome, case_field in cases)

    @classmethod
    def from_groups(cls, groups: Iterable[tuple[str, CaseField | None, int]]) -> CaseCounts:
        """Tally ``(outcome, field, n)`` groups (as a GROUP BY returns them); a missing field
        counts as ``khac``."""
        outcomes: Counter[str] = Counter()
        fields: Counter[CaseField] = Counter()
        for outcome, case_field, n in groups:
            outcomes[outcome] += n
            fields[case_field if case_field is not None else CaseField.KHAC] += n
        return cls(
            received=sum(outcomes.values()),
            thanh=outcomes[CaseOutcome.THANH],
            khong_thanh=outcomes[CaseOutcome.KHONG_THANH],
            dang=outcomes[CaseOutcome.DANG_HOA_GIAI],
            out_of_scope=outcomes[CaseOutcome.NGOAI_PHAM_VI],
            by_field={f: fields[f] for f in CaseField if fields[f]},
        )

    @property
    def mediated(self) -> int:
        """Cases that reached an outcome (the success-rate denominator)."""
        return self.thanh + self.khong_thanh

    @property
    def success(self) -> Ratio:
        """The success rate of these cases."""
        return success_rate(self.thanh, self.khong_thanh)

    def __add__(self, other: CaseCounts) -> CaseCounts:
        """Sum tallies, e.g. teams into a commune."""
        merged = Counter(self.by_field)
        merged.update(other.by_field)
        return CaseCounts(
            received=self.received + other.received,
            thanh=self.thanh + other.thanh,
            khong_thanh=self.khong_thanh + other.khong_thanh,
            dang=self.dang + other.dang,
            out_of_scope=self.out_of_scope + other.out_of_scope,
            by_field={f: merged[f] for f in CaseField if merged[f]},
        )


__all__ = [
    "INDICATOR_SCALE",
    "CaseCounts",
    "Comparison",
    "Indicator",
    "IndicatorCode",
    "Ratio",
    "Target",
    "Targets",
    "indicator",
    "success_rate",
]
