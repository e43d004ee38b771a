import pytest

from bot.domain.enums import CaseField, CaseOutcome
from bot.domain.kpi import CaseCounts
from bot.domain.remuneration import RemunerationRates, estimate_case, estimate_total

DEFAULT = RemunerationRates()


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (CaseOutcome.THANH, 400_000),
        (CaseOutcome.KHONG_THANH, 300_000),
        (CaseOutcome.DANG_HOA_GIAI, 0),
        (CaseOutcome.NGOAI_PHAM_VI, 0),
    ],
)
def test_estimate_case_with_tt56_ceilings(outcome: CaseOutcome, expected: int) -> None:
    assert estimate_case(outcome, DEFAULT) == expected


def test_rates_are_configurable() -> None:
    rates = RemunerationRates(per_case=200_000, per_successful_case=250_000, team_monthly=100_000)
    assert estimate_case(CaseOutcome.THANH, rates) == 250_000
    assert estimate_case(CaseOutcome.KHONG_THANH, rates) == 200_000


def test_estimate_total() -> None:
    counts = CaseCounts.from_outcomes(
        [(CaseOutcome.THANH, CaseField.DAT_DAI)] * 3
        + [(CaseOutcome.KHONG_THANH, CaseField.KHAC)] * 2
        + [(CaseOutcome.DANG_HOA_GIAI, CaseField.KHAC), (CaseOutcome.NGOAI_PHAM_VI, CaseField.KHAC)]
    )
    assert estimate_total(counts, DEFAULT) == 3 * 400_000 + 2 * 300_000
    assert estimate_total(counts, DEFAULT, team_months=12) == 1_800_000 + 12 * 150_000
    assert estimate_total(CaseCounts(), DEFAULT) == 0
    assert estimate_total(CaseCounts(), DEFAULT, team_months=-1) == 0
