from bot.domain.enums import (
    FIELD_LABELS,
    CaseField,
    CaseOrigin,
    CaseOutcome,
    LegalSupporterType,
    NextStep,
    OutOfScopeReason,
    PersonStatus,
    Role,
)


def test_every_field_has_a_vietnamese_label() -> None:
    assert set(FIELD_LABELS) == set(CaseField)
    assert FIELD_LABELS[CaseField.HON_NHAN_GIA_DINH] == "Hôn nhân và gia đình"
    assert FIELD_LABELS[CaseField.DAN_SU_KHAC].startswith("Dân sự khác")


def test_values_are_stable_ascii_codes() -> None:
    # Values are stored in the database and used as button values: ASCII, lower snake case.
    for enum in (
        Role,
        PersonStatus,
        CaseOutcome,
        CaseOrigin,
        CaseField,
        OutOfScopeReason,
        NextStep,
        LegalSupporterType,
    ):
        for member in enum:
            assert member.value.isascii()
            assert member.value == member.value.lower()
            assert " " not in member.value


def test_str_enum_compares_with_stored_strings() -> None:
    assert CaseOutcome("khong_thanh") is CaseOutcome.KHONG_THANH
    stored: str = "team_leader"  # what the database gives back
    assert stored == Role.TEAM_LEADER
    assert f"{CaseOrigin.ASSIGNED}" == "assigned"
