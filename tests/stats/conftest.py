"""A small province whose statistics are worked out by hand (see ``world`` for the numbers).

Period of interest: 2026-Q2 (1/4–30/6/2026).

Communes: A "An Bình" (pilot, ethnic area, model), B "Bắc Hà" (phường, not ethnic area),
C "Cao Sơn" (ethnic area). Teams: T1, T2 in A; T3 in B; T4 in C; T5 in C unconfirmed.

Members counted at the end of Q2 (active mediators/leaders recognised by 30/6):
  T1: L1 leader ♀ ethnic, trained; m2 ♂ ethnic legal, window closes 15/4 trained 1/4 (in time);
      m3 ♂ Kinh, window closes 20/5, untrained; (m4 ♀ left — not counted)
  T2: m5 ♂ ethnic trained; (m6 recognised 5/7 — after Q2; m7 pending)
  T3: m8 ♀ legal trained 30/6; m9 ♂ ethnicity unknown, window closes 1/6, trained 10/7 (late);
      m10 sex unknown, window closed 30/3 (before Q2)
  T4: m11 ♀ ethnic trained; m12, m13 ♀ ethnic untrained
  T5 (unconfirmed): m14 — not counted
Trainers: the province officer (active); a former trainer has left. Legal support: LS1 (active)
supports T1 and T3; LS2 (left) supports T4.

Q2 cases: T1 thành 5/4 (đất đai), thành 20/4 (HNGĐ), không thành 2/5 (đất đai), đang 30/6
(dân sự khác); T2 thành 10/5 (sinh hoạt), ngoài phạm vi 1/4 (vi phạm nhỏ); T3 không thành
11/4 (khác), không thành 12/5 (đất đai), thành 13/6 (đất đai); T5 thành 20/5 (đất đai).
Outside Q2: T1 31/3 and 1/7, T4 15/1.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.domain.people import Person
from bot.domain.periods import Period
from bot.storage import people as people_repo
from bot.storage.db import Database
from tests.databases import database_at
from tests.stats.synth import Synth

Q2 = Period.quarter(2026, 2)


@dataclass
class World:
    """Ids of the hand-built province."""

    db: Database
    a: str
    b: str
    c: str
    t1: int
    t2: int
    t3: int
    t4: int
    t5: int
    leader1: int
    mediator2: int
    officer_a: int
    officer_b: int
    officer_none: int
    province: int
    admin: int
    pending_officer: int

    async def person(self, person_id: int) -> Person:
        """Load a person as the services see them."""
        person = await people_repo.get_person(self.db.reader, person_id)
        assert person is not None
        return person


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = database_at(tmp_path / "stats.sqlite3")
    await database.open()
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def world(db: Database) -> World:
    s = Synth(db)
    a = await s.commune("00001", "An Bình", pilot=True, ethnic_area=True, model=True)
    b = await s.commune("00002", "Bắc Hà", unit_type="phường", ethnic_area=False)
    c = await s.commune("00003", "Cao Sơn", ethnic_area=True)
    t1 = await s.team(a, "thôn Nà Lầu")
    t2 = await s.team(a, "thôn Khòn Pát")
    t3 = await s.team(b, "tổ dân phố 1")
    t4 = await s.team(c, "thôn Pác Cáp")
    t5 = await s.team(c, "thôn Mới", confirmed=False)

    l1 = await s.person(
        "Hoàng Thị Lan",
        role="team_leader",
        team_id=t1,
        commune_code=a,
        sex="female",
        ethnic_minority=True,
        recognised_on="2025-01-10",
        trained_on="2025-03-01",
    )
    m2 = await s.person(
        "Lương Văn Hai",
        team_id=t1,
        commune_code=a,
        sex="male",
        ethnic_minority=True,
        legal_background=True,
        recognised_on="2025-10-15",
        trained_on="2026-04-01",
    )
    await s.person(
        "Nguyễn Văn Ba",
        team_id=t1,
        commune_code=a,
        sex="male",
        ethnic_minority=False,
        recognised_on="2025-11-20",
    )
    await s.person(
        "Vi Thị Bốn", status="left", team_id=t1, commune_code=a, sex="female", ethnic_minority=True
    )
    await s.person(
        "Nông Văn Năm",
        team_id=t2,
        commune_code=a,
        sex="male",
        ethnic_minority=True,
        recognised_on="2024-06-01",
        trained_on="2024-07-01",
    )
    await s.person(
        "Chu Thị Sáu",
        team_id=t2,
        commune_code=a,
        sex="female",
        ethnic_minority=False,
        recognised_on="2026-07-05",
    )
    await s.person("Lăng Văn Bảy", status="pending", team_id=t2, commune_code=a, sex="female")
    await s.person(
        "Trần Thị Tám",
        team_id=t3,
        commune_code=b,
        sex="female",
        ethnic_minority=False,
        legal_background=True,
        trained_on="2026-06-30",
    )
    await s.person(
        "Phạm Văn Chín",
        team_id=t3,
        commune_code=b,
        sex="male",
        recognised_on="2025-12-01",
        trained_on="2026-07-10",
    )
    await s.person("Lê Mười", team_id=t3, commune_code=b, ethnic_minority=False, recognised_on="2025-09-30")
    await s.person(
        "Hoàng Thị Mười Một",
        team_id=t4,
        commune_code=c,
        sex="female",
        ethnic_minority=True,
        recognised_on="2024-01-01",
        trained_on="2025-01-01",
    )
    await s.person("Đinh Thị Mười Hai", team_id=t4, commune_code=c, sex="female", ethnic_minority=True)
    await s.person("Mã Thị Mười Ba", team_id=t4, commune_code=c, sex="female", ethnic_minority=True)
    m14 = await s.person(
        "Triệu Văn Mười Bốn",
        team_id=t5,
        commune_code=c,
        sex="male",
        ethnic_minority=True,
        trained_on="2025-05-05",
    )

    officer_a = await s.person("Cán bộ xã An Bình", role="commune_officer", commune_code=a)
    officer_b = await s.person("Cán bộ phường Bắc Hà", role="commune_officer", commune_code=b)
    officer_none = await s.person("Cán bộ chưa gán xã", role="commune_officer")
    province = await s.person("Cán bộ Sở", role="province_officer", is_trainer=True)
    admin = await s.person("Quản trị", role="admin")
    pending_officer = await s.person("Cán bộ Sở chờ duyệt", role="province_officer", status="pending")
    await s.person("Tập huấn viên cũ", role="province_officer", status="left", is_trainer=True)
    ls1 = await s.person("Luật sư Một", role="province_officer", legal_supporter="lawyer")
    ls2 = await s.person("Luật gia Hai", role="province_officer", status="left", legal_supporter="jurist")
    await s.legal_support(ls1, t1)
    await s.legal_support(ls1, t3)
    await s.legal_support(ls2, t4)

    await s.case(
        t1, "2026-04-05", "thanh", "dat_dai", reported_by=l1, outcome_on="2026-04-07", written_agreement=1
    )
    await s.case(t1, "2026-04-20", "thanh", "hon_nhan_gia_dinh", reported_by=m2)
    await s.case(t1, "2026-05-02", "khong_thanh", "dat_dai", reported_by=l1, next_step="competent_authority")
    await s.case(t1, "2026-06-30", "dang_hoa_giai", "dan_su_khac", reported_by=l1, parties_count=3)
    await s.case(t1, "2026-03-31", "thanh", "dat_dai", reported_by=l1)
    await s.case(t1, "2026-07-01", "thanh", "dat_dai", reported_by=l1)
    await s.case(t2, "2026-05-10", "thanh", "sinh_hoat_cong_dong", reported_by=l1)
    await s.case(
        t2, "2026-04-01", "ngoai_pham_vi", "vi_pham_nho", reported_by=l1, out_of_scope_reason="crime"
    )
    await s.case(t3, "2026-04-11", "khong_thanh", "khac", reported_by=l1)
    await s.case(t3, "2026-05-12", "khong_thanh", "dat_dai", reported_by=l1)
    await s.case(t3, "2026-06-13", "thanh", "dat_dai", reported_by=l1)
    await s.case(t4, "2026-01-15", "thanh", "dat_dai", reported_by=l1)
    await s.case(t5, "2026-05-20", "thanh", "dat_dai", reported_by=m14)

    return World(
        db=db,
        a=a,
        b=b,
        c=c,
        t1=t1,
        t2=t2,
        t3=t3,
        t4=t4,
        t5=t5,
        leader1=l1,
        mediator2=m2,
        officer_a=officer_a,
        officer_b=officer_b,
        officer_none=officer_none,
        province=province,
        admin=admin,
        pending_officer=pending_officer,
    )
