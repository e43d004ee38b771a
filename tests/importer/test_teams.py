"""``hoagiai import teams``: communes by code or name, teams by folded name, leaders by phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.enums import Role
from bot.services.importing import ImportAborted, ImportKind
from bot.storage.db import Database
from bot.storage.units import list_teams
from tests.importer.helpers import NOW, messages, run, write_csv

HEADER = ["STT", "Xã, phường", "Thôn, tổ dân phố"]


async def team_names(db: Database) -> list[tuple[str, str]]:
    return [(team.commune_code, team.name) for team in await list_teams(db)]


async def test_communes_by_code_or_by_name_with_or_without_diacritics(
    units_db: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "to.csv",
        [
            HEADER,
            [1, "06040", "Thôn Nà Sla"],
            [2, "that khe", "Bản Cầu"],
            [3, "Xã Đoàn Kết", "Khánh Long"],
            [4, "phường TAM THANH", "Khối 1"],
            [5, "6187", "Tổ dân phố 3"],  # a number cell drops the leading zero of 06187
        ],
    )
    report = await run(units_db, ImportKind.TEAMS, path)
    assert report.problems == [] and report.counts.created == 5
    assert await team_names(units_db) == [
        ("05986", "Khối 1"),
        ("06001", "Khánh Long"),
        ("06040", "Bản Cầu"),
        ("06040", "Thôn Nà Sla"),
        ("06187", "Tổ dân phố 3"),
    ]
    assert all(team.confirmed for team in await list_teams(units_db))


async def test_importing_teams_twice_does_not_duplicate(units_db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "to.csv", [HEADER, [1, "06040", "Nà Sla"], [2, "06040", "Bản Cầu"]])
    await run(units_db, ImportKind.TEAMS, path)
    again = await run(units_db, ImportKind.TEAMS, path)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)
    # The same teams spelled without diacritics, or with "Thôn" in front, are the same teams; a
    # spelling without diacritics does not replace the proper one, a fuller name does.
    variant = write_csv(tmp_path / "to2.csv", [HEADER, [1, "06040", "na sla"], [2, "06040", "Thôn Bản Cầu"]])
    third = await run(units_db, ImportKind.TEAMS, variant)
    assert (third.counts.created, third.counts.updated, third.counts.unchanged) == (0, 1, 1)
    assert await team_names(units_db) == [("06040", "Nà Sla"), ("06040", "Thôn Bản Cầu")]


async def test_a_list_confirms_a_team_proposed_at_registration(units_db: Database, tmp_path: Path) -> None:
    async with units_db.transaction() as conn:
        await conn.execute(
            "INSERT INTO teams(commune_code, name, name_folded, confirmed, created_at) "
            "VALUES ('06040', 'Na Sla', 'na sla', 0, '2025-01-01')"
        )
    path = write_csv(tmp_path / "to.csv", [HEADER, [1, "Thất Khê", "Nà Sla"]])
    report = await run(units_db, ImportKind.TEAMS, path)
    assert report.counts.updated == 1
    [team] = await list_teams(units_db)
    assert (team.name, team.confirmed) == ("Nà Sla", True)


async def test_unknown_and_ambiguous_communes_and_duplicate_rows(units_db: Database, tmp_path: Path) -> None:
    # A second commune whose name folds like Đoàn Kết makes that name ambiguous.
    units = write_csv(tmp_path / "xa.csv", [["code", "name", "type"], ["99001", "Đoàn Kêt", "phường"]])
    assert (await run(units_db, ImportKind.UNITS, units)).imported
    path = write_csv(
        tmp_path / "to.csv",
        [
            HEADER,
            [1, "Doan Ket", "Khánh Long"],
            [2, "Vĩnh Tiến", "Thôn A"],
            [3, "Không Có Xã Này", "Thôn B"],
            [4, "12345", "Thôn C"],
            [5, "06040", "Nà Sla"],
            [6, "06040", "Thôn Nà Sla"],
            [7, "06040", ""],
            [8, "xã Đoàn Kết", "Cao Minh"],
        ],
    )
    report = await run(units_db, ImportKind.TEAMS, path)
    assert not report.imported
    assert messages(report) == [
        "Dòng 2, cột «Xã, phường»: «Doan Ket» trùng tên nhiều xã, phường "
        "(Đoàn Kết – mã 06001, Đoàn Kêt – mã 99001); hãy điền mã xã",
        "Dòng 3, cột «Xã, phường»: không tìm thấy xã, phường «Vĩnh Tiến»; có phải «Đoàn Kết» (mã 06001)?",
        "Dòng 4, cột «Xã, phường»: không tìm thấy xã, phường «Không Có Xã Này»",
        "Dòng 5, cột «Xã, phường»: không có xã, phường nào mã 12345",
        "Dòng 7, cột «Thôn, tổ dân phố»: tổ này đã có ở dòng 6",
        "Dòng 8, cột «Thôn, tổ dân phố»: chưa điền",
    ]
    assert await list_teams(units_db) == []
    # The kind written before the name picks one of the two.
    skipped = await run(units_db, ImportKind.TEAMS, path, skip_invalid=True)
    assert skipped.imported and skipped.counts.created == 2
    assert await team_names(units_db) == [("06001", "Cao Minh"), ("06040", "Nà Sla")]


async def test_missing_required_column_is_reported_once(units_db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "to.csv", [["Xã", "Tổ trưởng"], ["06040", "Ông A"], ["06040", "Bà B"]])
    report = await run(units_db, ImportKind.TEAMS, path, skip_invalid=True)
    assert messages(report) == ["Thiếu cột bắt buộc: Thôn/tổ dân phố (team)."]
    assert report.ignored_columns == ["Tổ trưởng"]
    assert not report.imported and report.rejects_file is None


async def test_teams_need_communes_first(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "to.csv", [HEADER, [1, "06040", "Nà Sla"]])
    with pytest.raises(ImportAborted, match="import units"):
        await run(db, ImportKind.TEAMS, path)


async def test_leader_phone_makes_that_person_the_only_leader(units_db: Database, tmp_path: Path) -> None:
    people = write_csv(
        tmp_path / "nguoi.csv",
        [
            ["Họ và tên", "Số điện thoại", "Vai trò", "Xã", "Thôn"],
            ["Nông Văn Cũ", "0912000001", "tổ trưởng", "06040", "Nà Sla"],
            ["Hoàng Thị Mới", "0912000002", "hòa giải viên", "06040", "Nà Sla"],
            ["Lý Văn Cán", "0912000003", "công chức tư pháp", "06040", ""],
        ],
    )
    assert (await run(units_db, ImportKind.PEOPLE, people, create_teams=True)).imported
    path = write_csv(
        tmp_path / "to.csv",
        [
            ["Xã", "Thôn", "SĐT tổ trưởng"],
            ["06040", "Nà Sla", "0912 000 002"],
            ["06040", "Bản Cầu", "0912000099"],
            ["06040", "Pò Mỏ", "0912000003"],
            ["06040", "Khòn Pục", "09120"],
        ],
    )
    report = await run(units_db, ImportKind.TEAMS, path)
    assert messages(report) == [
        "Dòng 3, cột «SĐT tổ trưởng»: chưa có người nào với số +84912000099; nhập danh sách người dùng "
        "trước (hoagiai import people) hoặc để trống cột này",
        "Dòng 4, cột «SĐT tổ trưởng»: số +84912000003 là của cán bộ/công chức, không thể làm tổ trưởng "
        "tổ hòa giải",
        "Dòng 5, cột «SĐT tổ trưởng»: «09120» không phải số di động Việt Nam hợp lệ (ví dụ 0912 345 678)",
    ]
    report = await run(units_db, ImportKind.TEAMS, path, skip_invalid=True)
    assert report.leaders_set == 1
    rows = await units_db.fetchall("SELECT full_name, role FROM people ORDER BY phone")
    assert [(r["full_name"], r["role"]) for r in rows] == [
        ("Nông Văn Cũ", Role.MEDIATOR),
        ("Hoàng Thị Mới", Role.TEAM_LEADER),
        ("Lý Văn Cán", Role.COMMUNE_OFFICER),
    ]
    again = await run(units_db, ImportKind.TEAMS, path, skip_invalid=True)
    assert again.leaders_set == 0 and again.counts.unchanged == 1
    assert NOW.year == 2025  # the rows above were stamped with the test clock
