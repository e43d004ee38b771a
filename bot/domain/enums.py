"""Enumerations shared by every layer.

Values are stable ASCII codes: they are stored in the database, used as button values and
written to logs, so renaming a member's *value* is a data migration. Vietnamese labels live in
plain dicts next to the enum (data, not sentences) or in ``bot/texts.py``.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a person may see and do; scope checks are done in services."""

    MEDIATOR = "mediator"
    TEAM_LEADER = "team_leader"
    COMMUNE_OFFICER = "commune_officer"
    PROVINCE_OFFICER = "province_officer"
    ADMIN = "admin"


class PersonStatus(StrEnum):
    """Registration lifecycle: a person is pending until a commune officer approves them."""

    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    LEFT = "left"


class Sex(StrEnum):
    """Sex as reported on form 10c (nam / nữ)."""

    MALE = "male"
    FEMALE = "female"


class CaseOutcome(StrEnum):
    """State of a case in the Sổ theo dõi (Art. 21, 24, 27 Luật HGCS; Art. 3 for out of scope)."""

    THANH = "thanh"  # hòa giải thành (Art. 24)
    KHONG_THANH = "khong_thanh"  # hòa giải không thành (Art. 27)
    DANG_HOA_GIAI = "dang_hoa_giai"  # still in progress at the report date
    NGOAI_PHAM_VI = "ngoai_pham_vi"  # not mediable under Art. 3.1


class CaseOrigin(StrEnum):
    """How mediation started (Art. 16 clauses 1–3)."""

    PARTIES_REQUESTED = "parties_requested"  # 16.1: one or both parties asked
    WITNESSED = "witnessed"  # 16.2: the mediator witnessed or learned of it
    ASSIGNED = "assigned"  # 16.3: team leader assigned / agency or person proposed


class CaseField(StrEnum):
    """Working taxonomy of case fields [check against the official results form]."""

    DAT_DAI = "dat_dai"
    HON_NHAN_GIA_DINH = "hon_nhan_gia_dinh"
    DAN_SU_KHAC = "dan_su_khac"
    SINH_HOAT_CONG_DONG = "sinh_hoat_cong_dong"
    VI_PHAM_NHO = "vi_pham_nho"
    KHAC = "khac"


# Display labels are data (they appear on buttons and in reports), so they may live here.
FIELD_LABELS: dict[CaseField, str] = {
    CaseField.DAT_DAI: "Đất đai",
    CaseField.HON_NHAN_GIA_DINH: "Hôn nhân và gia đình",
    CaseField.DAN_SU_KHAC: "Dân sự khác (tài sản, hợp đồng, vay mượn, thừa kế)",
    CaseField.SINH_HOAT_CONG_DONG: "Mâu thuẫn sinh hoạt cộng đồng",
    CaseField.VI_PHAM_NHO: "Vi phạm pháp luật nhỏ",
    CaseField.KHAC: "Khác",
}


class OutOfScopeReason(StrEnum):
    """Why a matter cannot be mediated at grassroots level (Art. 3.1 points a–d)."""

    STATE_PUBLIC_INTEREST = "state_public_interest"  # a) harms State / public interest
    CRIME = "crime"  # c) must be prosecuted criminally
    ADMINISTRATIVE_VIOLATION = "administrative_violation"  # c) must be fined administratively
    OTHER_LAW = "other_law"  # b) and d): civil procedure or another law excludes it


class NextStep(StrEnum):
    """What the parties do after a failed mediation (Art. 27)."""

    CONTINUE = "continue"  # parties agree to try again
    COMPETENT_AUTHORITY = "competent_authority"  # parties go to a competent body themselves
    REFERRED = "referred"  # the team referred / reported it on


class LegalSupporterType(StrEnum):
    """Legal professionals who support teams (Kế hoạch 115 indicator ≥10%)."""

    LAWYER = "lawyer"
    JURIST = "jurist"
    POLICE = "police"
    BORDER_GUARD = "border_guard"
    LEGAL_CIVIL_SERVANT = "legal_civil_servant"
    FORMER_JUDICIAL = "former_judicial"  # former judge, prosecutor or investigator
    OTHER = "other"


__all__ = [
    "FIELD_LABELS",
    "CaseField",
    "CaseOrigin",
    "CaseOutcome",
    "LegalSupporterType",
    "NextStep",
    "OutOfScopeReason",
    "PersonStatus",
    "Role",
    "Sex",
]
