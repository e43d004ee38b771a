"""Estimated remuneration of mediators (TT 56/2023/TT-BTC, Art. 3.17).

The circular sets ceilings — 300,000 đ per case, 400,000 đ per successful case (Art. 24 Luật
HGCS), 150,000 đ per team per month — and the provincial council sets the actual amounts [check:
Lạng Sơn's resolution not found]. So rates are a parameter, and results are estimates to show
mediators, not payment orders.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.enums import CaseOutcome
from bot.domain.kpi import CaseCounts


@dataclass(frozen=True, slots=True)
class RemunerationRates:
    """Amounts in đồng. Defaults are the TT 56/2023 ceilings."""

    per_case: int = 300_000
    per_successful_case: int = 400_000
    team_monthly: int = 150_000


def estimate_case(outcome: CaseOutcome, rates: RemunerationRates) -> int:
    """Remuneration for one case.

    A successful case earns the successful-case rate *instead of* the ordinary one; a case still
    in progress earns nothing until it is concluded; an out-of-scope matter was not mediated.
    """
    if outcome == CaseOutcome.THANH:
        return rates.per_successful_case
    if outcome == CaseOutcome.KHONG_THANH:
        return rates.per_case
    return 0


def estimate_total(counts: CaseCounts, rates: RemunerationRates, team_months: int = 0) -> int:
    """Sum over concluded cases, plus ``team_months`` months of the team allowance."""
    return (
        counts.thanh * rates.per_successful_case
        + counts.khong_thanh * rates.per_case
        + max(team_months, 0) * rates.team_monthly
    )


__all__ = ["RemunerationRates", "estimate_case", "estimate_total"]
