"""Scoped statistics on the hand-built province of ``conftest.py``; expected numbers worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.enums import CaseField
from bot.domain.kpi import CaseCounts, IndicatorCode
from bot.domain.periods import Period
from bot.domain.remuneration import RemunerationRates
from bot.services import stats
from bot.services.stats import Scope, ScopeLevel, Staffing
from tests.stats.conftest import Q2, World

F = CaseField


def counts(
    received: int, thanh: int, khong: int, dang: int, out: int, fields: dict[CaseField, int]
) -> CaseCounts:
    return CaseCounts(received, thanh, khong, dang, out, fields)


PROVINCE_Q2 = counts(
    10,
    5,
    3,
    1,
    1,
    {
        F.DAT_DAI: 5,
        F.HON_NHAN_GIA_DINH: 1,
        F.DAN_SU_KHAC: 1,
        F.SINH_HOAT_CONG_DONG: 1,
        F.VI_PHAM_NHO: 1,
        F.KHAC: 1,
    },
)


@pytest.mark.parametrize(
    ("scope_name", "expected"),
    [
        ("province", PROVINCE_Q2),
        (
            "pilot",
            counts(
                6,
                3,
                1,
                1,
                1,
                {
                    F.DAT_DAI: 2,
                    F.HON_NHAN_GIA_DINH: 1,
                    F.DAN_SU_KHAC: 1,
                    F.SINH_HOAT_CONG_DONG: 1,
                    F.VI_PHAM_NHO: 1,
                },
            ),
        ),
        (
            "a",
            counts(
                6,
                3,
                1,
                1,
                1,
                {
                    F.DAT_DAI: 2,
                    F.HON_NHAN_GIA_DINH: 1,
                    F.DAN_SU_KHAC: 1,
                    F.SINH_HOAT_CONG_DONG: 1,
                    F.VI_PHAM_NHO: 1,
                },
            ),
        ),
        ("b", counts(3, 1, 2, 0, 0, {F.DAT_DAI: 2, F.KHAC: 1})),
        # The unconfirmed team's case still belongs to its commune.
        ("c", counts(1, 1, 0, 0, 0, {F.DAT_DAI: 1})),
        # 31/3 and 1/7 fall outside; 1/4 and 30/6 (the bounds) are inside.
        ("t1", counts(4, 2, 1, 1, 0, {F.DAT_DAI: 2, F.HON_NHAN_GIA_DINH: 1, F.DAN_SU_KHAC: 1})),
        ("t4", counts(0, 0, 0, 0, 0, {})),
    ],
)
async def test_case_counts_per_scope(world: World, scope_name: str, expected: CaseCounts) -> None:
    scope = _scope(world, scope_name)
    assert await stats.case_counts(world.db, scope, Q2) == expected


def _scope(world: World, name: str) -> Scope:
    return {
        "province": Scope.province(),
        "pilot": Scope.pilot(),
        "a": Scope.commune(world.a),
        "b": Scope.commune(world.b),
        "c": Scope.commune(world.c),
        "t1": Scope.team(world.t1),
        "t3": Scope.team(world.t3),
        "t4": Scope.team(world.t4),
    }[name]


async def test_province_table_rows_per_commune(world: World) -> None:
    table = await stats.unit_table(world.db, Scope.province(), Q2)
    assert [r.unit.name for r in table.rows] == ["xã An Bình", "phường Bắc Hà", "xã Cao Sơn"]
    by_name = {r.unit.name: r for r in table.rows}
    assert by_name["xã An Bình"].staffing == Staffing(
        teams=2,
        mediators=4,
        male=3,
        female=1,
        legal=1,
        ethnic_minority=3,
        trained=3,
        teams_compliant=1,
        teams_supported=1,
        new_due=2,
        new_trained_in_time=1,
    )
    assert by_name["phường Bắc Hà"].staffing == Staffing(
        teams=1,
        mediators=3,
        male=1,
        female=1,
        legal=1,
        ethnic_minority=0,
        trained=1,
        teams_compliant=1,
        teams_supported=1,
        new_due=1,
        new_trained_in_time=0,
    )
    assert by_name["xã Cao Sơn"].staffing == Staffing(
        teams=1,
        mediators=3,
        male=0,
        female=3,
        legal=0,
        ethnic_minority=3,
        trained=1,
        teams_compliant=1,
        teams_supported=0,
        new_due=0,
        new_trained_in_time=0,
    )
    assert table.staffing == Staffing(
        teams=4,
        mediators=10,
        male=4,
        female=5,
        legal=2,
        ethnic_minority=6,
        trained=5,
        teams_compliant=3,
        teams_supported=2,
        new_due=3,
        new_trained_in_time=1,
    )
    assert table.staffing.non_legal == 8
    assert table.cases == PROVINCE_Q2
    assert by_name["xã An Bình"].cases.success.exact is not None
    assert by_name["xã An Bình"].unit.is_pilot and by_name["xã An Bình"].unit.is_model


async def test_commune_table_lists_teams_with_staff_or_cases(world: World) -> None:
    table = await stats.unit_table(world.db, Scope.commune(world.c), Q2)
    # By name: "thôn Mới" (unconfirmed: no staffing counted, but its case is listed), "thôn Pác Cáp".
    assert [(r.unit.team_id, r.staffing.teams, r.cases.received) for r in table.rows] == [
        (world.t5, 0, 1),
        (world.t4, 1, 0),
    ]
    assert table.staffing.teams == 1 and table.cases.received == 1


def _indicator_map(summary: stats.StatsSummary) -> dict[IndicatorCode, tuple[int, int, bool | None]]:
    return {i.code: (i.numerator, i.denominator, i.met) for i in summary.indicators}


async def test_province_indicators_against_targets(world: World) -> None:
    summary = await stats.summary(world.db, Scope.province(), Q2)
    assert _indicator_map(summary) == {
        IndicatorCode.SUCCESS_RATE: (5, 8, False),
        IndicatorCode.PILOT_SUCCESS_RATE: (3, 4, False),
        IndicatorCode.COMPOSITION: (3, 4, False),
        IndicatorCode.LEGAL_SUPPORT: (2, 4, True),
        IndicatorCode.TRAINED: (5, 10, False),
        IndicatorCode.PILOT_TRAINED: (3, 4, False),
        IndicatorCode.NEW_TRAINED_6M: (1, 3, False),
        IndicatorCode.TRAINERS_PER_100_TEAMS: (1, 4, True),
        IndicatorCode.MODEL_COMMUNES: (1, 3, True),
    }
    success = summary.indicators[0]
    assert success.value == pytest.approx(0.625)
    assert success.gap == pytest.approx(0.625 - 0.85)
    trainers = next(i for i in summary.indicators if i.code == IndicatorCode.TRAINERS_PER_100_TEAMS)
    assert trainers.value == pytest.approx(25.0)
    assert (summary.trainers, summary.communes, summary.model_communes) == (1, 3, 1)


@pytest.mark.parametrize(
    ("scope_name", "expected"),
    [
        # A pilot commune is judged against the pilot targets only.
        (
            "a",
            {
                IndicatorCode.PILOT_SUCCESS_RATE: (3, 4, False),
                IndicatorCode.COMPOSITION: (1, 2, False),
                IndicatorCode.LEGAL_SUPPORT: (1, 2, True),
                IndicatorCode.PILOT_TRAINED: (3, 4, False),
                IndicatorCode.NEW_TRAINED_6M: (1, 2, False),
            },
        ),
        (
            "b",
            {
                IndicatorCode.SUCCESS_RATE: (1, 3, False),
                IndicatorCode.COMPOSITION: (1, 1, True),
                IndicatorCode.LEGAL_SUPPORT: (1, 1, True),
                IndicatorCode.TRAINED: (1, 3, False),
                IndicatorCode.NEW_TRAINED_6M: (0, 1, False),
            },
        ),
        (
            "t4",
            {
                IndicatorCode.SUCCESS_RATE: (0, 0, None),
                IndicatorCode.COMPOSITION: (1, 1, True),
                IndicatorCode.LEGAL_SUPPORT: (0, 1, False),
                IndicatorCode.TRAINED: (1, 3, False),
                IndicatorCode.NEW_TRAINED_6M: (0, 0, None),
            },
        ),
        (
            "pilot",
            {
                IndicatorCode.PILOT_SUCCESS_RATE: (3, 4, False),
                IndicatorCode.COMPOSITION: (1, 2, False),
                IndicatorCode.LEGAL_SUPPORT: (1, 2, True),
                IndicatorCode.PILOT_TRAINED: (3, 4, False),
                IndicatorCode.NEW_TRAINED_6M: (1, 2, False),
            },
        ),
    ],
)
async def test_indicators_per_scope(
    world: World, scope_name: str, expected: dict[IndicatorCode, tuple[int, int, bool | None]]
) -> None:
    summary = await stats.summary(world.db, _scope(world, scope_name), Q2)
    assert _indicator_map(summary) == expected


async def test_remuneration_and_training_windows_stop_at_today(world: World) -> None:
    closed = await stats.summary(world.db, Scope.province(), Q2)
    # 5 thành × 400,000 + 3 không thành × 300,000 + 4 teams × 3 months × 150,000.
    assert closed.team_months == 12
    assert closed.remuneration == 2_000_000 + 900_000 + 1_800_000
    mid = await stats.summary(world.db, Scope.province(), Q2, today=date(2026, 5, 15))
    assert mid.team_months == 8
    assert mid.remuneration == 2_000_000 + 900_000 + 1_200_000
    # Only m2's window (closing 15/4) has closed by 15/5: trained in time.
    new = next(i for i in mid.indicators if i.code == IndicatorCode.NEW_TRAINED_6M)
    assert (new.numerator, new.denominator, new.met) == (1, 1, True)
    cheap = await stats.summary(world.db, Scope.team(world.t1), Q2, rates=RemunerationRates(100, 200, 0))
    assert cheap.remuneration == 2 * 200 + 1 * 100


async def test_staffing_is_as_of_the_period_end(world: World) -> None:
    # In Q3 m6 (recognised 5/7) joins T2, and m9's training on 10/7 counts.
    q3 = await stats.unit_table(world.db, Scope.province(), Period.quarter(2026, 3))
    assert q3.staffing.mediators == 11
    assert q3.staffing.trained == 6
    earlier = await stats.unit_table(world.db, Scope.province(), Period.quarter(2025, 1))
    # Only people recognised by 31/3/2025 (or with no date) count: L1, m5, m8, m11–m13;
    # trained by then: L1, m5, m11.
    assert earlier.staffing.mediators == 6
    assert earlier.staffing.trained == 3


async def test_monthly_counts_fill_empty_months(world: World) -> None:
    months = await stats.monthly_counts(
        world.db, Scope.team(world.t1), Period.custom(date(2026, 3, 1), Q2.end)
    )
    assert [(m.label, c.thanh, c.mediated, c.received) for m, c in months] == [
        ("2026-03", 1, 1, 1),
        ("2026-04", 2, 2, 2),
        ("2026-05", 0, 1, 1),
        ("2026-06", 0, 0, 1),
    ]


async def test_ranking_orders_by_rate_then_evidence(world: World) -> None:
    table = await stats.unit_table(world.db, Scope.province(), Q2)
    best, worst, unranked = stats.ranking(table, top=1, bottom=1)
    assert [r.unit.name for r in best] == ["xã Cao Sơn"]  # 1/1
    assert [r.unit.name for r in worst] == ["phường Bắc Hà"]  # 1/3
    assert unranked == 0
    everyone, rest, _ = stats.ranking(table)
    assert [r.unit.name for r in everyone] == ["xã Cao Sơn", "xã An Bình", "phường Bắc Hà"]
    assert rest == []


async def test_casebook_of_a_team(world: World) -> None:
    books = await stats.casebook(world.db, Scope.team(world.t1), Q2)
    assert len(books) == 1
    book = books[0]
    assert book.team_name == "thôn Nà Lầu" and book.commune_name == "xã An Bình"
    assert [(e.received_on, e.outcome, e.mediator) for e in book.entries] == [
        (date(2026, 4, 5), "thanh", "Hoàng Thị Lan"),
        (date(2026, 4, 20), "thanh", "Lương Văn Hai"),
        (date(2026, 5, 2), "khong_thanh", "Hoàng Thị Lan"),
        (date(2026, 6, 30), "dang_hoa_giai", "Hoàng Thị Lan"),
    ]
    assert book.entries[0].written_agreement is True
    assert book.entries[2].next_step == "competent_authority"
    assert book.entries[3].parties_count == 3


async def test_casebook_of_a_commune_has_one_book_per_team_with_cases(world: World) -> None:
    books = await stats.casebook(world.db, Scope.commune(world.a), Q2)
    assert [(b.unit.team_id, len(b.entries)) for b in books] == [(world.t2, 2), (world.t1, 4)]


# --------------------------------------------------------------------------- scope rules


@pytest.mark.parametrize(
    ("who", "scope_name", "outcome"),
    [
        ("mediator2", None, "team:t1"),
        ("mediator2", "t1", "team:t1"),
        ("mediator2", "t3", PermissionError),
        ("mediator2", "a", PermissionError),
        ("mediator2", "province", PermissionError),
        ("leader1", None, "team:t1"),
        ("leader1", "pilot", PermissionError),
        ("officer_a", None, "commune:a"),
        ("officer_a", "t1", "team:t1"),
        ("officer_a", "t3", PermissionError),
        ("officer_a", "b", PermissionError),
        ("officer_a", "province", PermissionError),
        ("officer_a", "pilot", PermissionError),
        ("officer_b", "b", "commune:b"),
        ("officer_none", None, PermissionError),
        ("province", None, "province"),
        ("province", "pilot", "pilot"),
        ("province", "b", "commune:b"),
        ("province", "t4", "team:t4"),
        ("admin", "t3", "team:t3"),
        ("pending_officer", None, PermissionError),
        ("pending_officer", "a", PermissionError),
    ],
)
async def test_scope_rules(world: World, who: str, scope_name: str | None, outcome: object) -> None:
    person = await world.person(getattr(world, who))
    scope = _scope(world, scope_name) if scope_name else None
    if outcome is PermissionError:
        with pytest.raises(PermissionError):
            await stats.resolve_scope(world.db, person, scope)
        with pytest.raises(PermissionError):
            await stats.case_counts(world.db, person, Q2, scope)
        return
    info = await stats.resolve_scope(world.db, person, scope)
    assert isinstance(outcome, str)
    level, _, ref = outcome.partition(":")
    assert info.level == ScopeLevel(level)
    if ref:
        value = getattr(world, ref)
        assert info.scope == (Scope.team(value) if level == "team" else Scope.commune(value))


async def test_unknown_places_raise_lookup_error(world: World) -> None:
    province = await world.person(world.province)
    with pytest.raises(LookupError):
        await stats.resolve_scope(world.db, province, Scope.commune("99999"))
    with pytest.raises(LookupError):
        await stats.unit_table(world.db, province, Q2, Scope.team(9999))


async def test_scope_names(world: World) -> None:
    team = await stats.resolve_scope(world.db, Scope.team(world.t1))
    assert team.name == "Tổ hòa giải thôn Nà Lầu, xã An Bình"
    assert team.is_pilot is True
    assert (await stats.resolve_scope(world.db, Scope.commune(world.b))).name == "phường Bắc Hà"
    assert (await stats.resolve_scope(world.db, Scope.province())).name == "tỉnh Lạng Sơn"


@pytest.mark.parametrize(
    "scope",
    [Scope.province(), Scope.pilot(), Scope.commune("06040"), Scope.team(12)],
)
def test_scope_key_round_trip(scope: Scope) -> None:
    assert Scope.from_key(scope.key()) == scope


def test_scope_requires_its_reference() -> None:
    with pytest.raises(ValueError):
        Scope(ScopeLevel.COMMUNE)
    with pytest.raises(ValueError):
        Scope(ScopeLevel.TEAM)
