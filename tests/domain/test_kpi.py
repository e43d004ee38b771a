from dataclasses import FrozenInstanceError

import pytest

from bot.domain.enums import CaseField, CaseOutcome
from bot.domain.kpi import (
    CaseCounts,
    IndicatorCode,
    Ratio,
    Target,
    Targets,
    indicator,
    success_rate,
)


@pytest.mark.parametrize(
    ("thanh", "khong_thanh", "expected"),
    [
        (17, 3, 0.85),
        (0, 5, 0.0),
        (5, 0, 1.0),
        (0, 0, None),
        (1, 2, 1 / 3),
    ],
)
def test_success_rate(thanh: int, khong_thanh: int, expected: float | None) -> None:
    ratio = success_rate(thanh, khong_thanh)
    assert ratio == Ratio(thanh, thanh + khong_thanh)
    assert ratio.value == expected


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (Ratio(1, 4), 0.25),
        (Ratio(0, 0), None),
        (Ratio(3, 0), None),
        (Ratio(23, 2300, per=100), 1.0),
        (Ratio(2, 80, per=80), 2.0),
    ],
)
def test_ratio_value(ratio: Ratio, expected: float | None) -> None:
    assert ratio.value == expected


@pytest.mark.parametrize(
    ("code", "num", "den", "met", "gap"),
    [
        # Exactly on a ">=" target meets it, even though 0.85 is not exact in binary.
        (IndicatorCode.SUCCESS_RATE, 17, 20, True, 0.0),
        (IndicatorCode.SUCCESS_RATE, 16, 20, False, -0.05),
        (IndicatorCode.SUCCESS_RATE, 0, 0, None, None),
        # Pilot communes need strictly more than 90%.
        (IndicatorCode.PILOT_SUCCESS_RATE, 9, 10, False, 0.0),
        (IndicatorCode.PILOT_SUCCESS_RATE, 91, 100, True, 0.01),
        # Trained 80–90%: above the range still meets it.
        (IndicatorCode.TRAINED, 8, 10, True, 0.0),
        (IndicatorCode.TRAINED, 10, 10, True, 0.2),
        (IndicatorCode.TRAINED, 79, 100, False, -0.01),
        (IndicatorCode.PILOT_TRAINED, 99, 100, False, -0.01),
        (IndicatorCode.NEW_TRAINED_6M, 4, 4, True, 0.0),
        (IndicatorCode.NEW_TRAINED_6M, 0, 0, None, None),
        (IndicatorCode.LEGAL_SUPPORT, 1, 10, True, 0.0),
        (IndicatorCode.LEGAL_SUPPORT, 9, 100, False, -0.01),
        # Trainers per 100 teams: 23 trainers for 2,300 teams is exactly 1 per 100.
        (IndicatorCode.TRAINERS_PER_100_TEAMS, 23, 2300, True, 0.0),
        (IndicatorCode.TRAINERS_PER_100_TEAMS, 22, 2300, False, 22 * 100 / 2300 - 1),
        (IndicatorCode.TRAINERS_PER_100_TEAMS, 5, 0, None, None),
        (IndicatorCode.DISTRICT_TRAINERS_PER_80_TEAMS, 1, 80, True, 0.0),
        (IndicatorCode.MODEL_COMMUNES, 4, 65, True, 4 / 65 - 0.05),
        (IndicatorCode.MODEL_COMMUNES, 3, 65, False, 3 / 65 - 0.05),
        (IndicatorCode.COMPOSITION, 64, 65, False, 64 / 65 - 1),
    ],
)
def test_indicators_against_default_targets(
    code: IndicatorCode, num: int, den: int, met: bool | None, gap: float | None
) -> None:
    targets = Targets()
    result = indicator(code, num, den, targets.get(code))
    assert result.code is code
    assert (result.numerator, result.denominator) == (num, den)
    assert result.target_low == targets.get(code).low
    assert result.met is met
    if gap is None:
        assert result.gap is None
        assert result.value is None
    else:
        assert result.gap == pytest.approx(gap)


def test_indicator_reports_target_shape() -> None:
    result = indicator(IndicatorCode.TRAINED, 85, 100, Targets().trained)
    assert (result.target_low, result.target_high, result.comparison) == (0.8, 0.9, ">=")
    assert result.value == 0.85
    pilot = indicator(IndicatorCode.PILOT_SUCCESS_RATE, 95, 100, Targets().pilot_success_rate)
    assert pilot.comparison == ">"


def test_trainers_value_is_per_100_teams() -> None:
    result = indicator(IndicatorCode.TRAINERS_PER_100_TEAMS, 30, 2000, Targets().trainers_per_100_teams)
    assert result.value == 1.5


def test_every_code_has_a_default_target() -> None:
    targets = Targets()
    for code in IndicatorCode:
        assert isinstance(targets.get(code), Target)


def test_targets_are_configurable() -> None:
    targets = Targets().with_overrides({"success_rate": 0.8, "trained": Target(0.7, 0.95)})
    assert targets.success_rate == Target(0.8)
    assert targets.trained == Target(0.7, 0.95)
    assert targets.pilot_success_rate == Targets().pilot_success_rate
    assert indicator(IndicatorCode.SUCCESS_RATE, 16, 20, targets.success_rate).met is True
    # Overriding a ">" target's floor keeps its comparison.
    assert Targets().with_overrides({"pilot_success_rate": 0.95}).pilot_success_rate == Target(
        0.95, None, ">"
    )
    with pytest.raises(ValueError, match="unknown indicator"):
        Targets().with_overrides({"nope": 1.0})


def test_targets_are_immutable() -> None:
    with pytest.raises(FrozenInstanceError):
        Targets().success_rate = Target(0.1)  # type: ignore[misc]


def test_case_counts_from_outcomes() -> None:
    counts = CaseCounts.from_outcomes(
        [
            (CaseOutcome.THANH, CaseField.DAT_DAI),
            (CaseOutcome.THANH, CaseField.DAT_DAI),
            (CaseOutcome.KHONG_THANH, CaseField.HON_NHAN_GIA_DINH),
            (CaseOutcome.DANG_HOA_GIAI, CaseField.DAT_DAI),
            (CaseOutcome.NGOAI_PHAM_VI, CaseField.VI_PHAM_NHO),
            (CaseOutcome.THANH, None),
        ]
    )
    assert counts == CaseCounts(
        received=6,
        thanh=3,
        khong_thanh=1,
        dang=1,
        out_of_scope=1,
        by_field={
            CaseField.DAT_DAI: 3,
            CaseField.HON_NHAN_GIA_DINH: 1,
            CaseField.VI_PHAM_NHO: 1,
            CaseField.KHAC: 1,
        },
    )
    assert counts.mediated == 4
    assert counts.success.value == 0.75  # ongoing and out-of-scope cases excluded


def test_empty_case_counts() -> None:
    counts = CaseCounts.from_outcomes([])
    assert counts == CaseCounts()
    assert counts.success.value is None


def test_case_counts_add_up() -> None:
    a = CaseCounts.from_outcomes([(CaseOutcome.THANH, CaseField.DAT_DAI)])
    b = CaseCounts.from_outcomes(
        [(CaseOutcome.KHONG_THANH, CaseField.DAT_DAI), (CaseOutcome.THANH, CaseField.KHAC)]
    )
    total = a + b
    assert (total.received, total.thanh, total.khong_thanh) == (3, 2, 1)
    assert total.by_field == {CaseField.DAT_DAI: 2, CaseField.KHAC: 1}
    assert a + CaseCounts() == a
