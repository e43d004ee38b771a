"""``hoagiai import people``: validate everything first, then all or (--skip-invalid) the good rows."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from bot.services.importing import ImportKind
from bot.storage.db import Database
from tests.importer.helpers import messages, read_csv, run, write_csv, write_xlsx

HEADER = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Dân tộc",
    "Số điện thoại",
    "Vai trò",
    "Xã/phường",
    "Thôn",
    "Ngày công nhận (dd/mm/yyyy)",
    "Ngày bồi dưỡng",
    "Hỗ trợ pháp lý",
]


def person(
    stt: int,
    name: str,
    sex: str,
    ethnic: str,
    phone: str,
    role: str,
    commune: str,
    team: str,
    recognised: str = "",
    trained: str = "",
    supporter: str = "",
) -> list[str | int]:
    """One row in the order of HEADER."""
    return [stt, name, sex, ethnic, phone, role, commune, team, recognised, trained, supporter]


def mediator(stt: int, name: str, **changes: str) -> list[str | int]:
    """A valid mediator of Nà Sla (Thất Khê) unless ``changes`` say otherwise."""
    fields = {"sex": "nam", "ethnic": "Nùng", "phone": f"09120000{stt:02d}", "role": "hòa giải viên"}
    fields |= {"commune": "Thất Khê", "team": "Nà Sla"} | changes
    return person(stt, name, **fields)


GOOD = [
    person(1, "Hoàng Thị Lan", "nữ", "Tày", "0912 345 678", "hòa giải viên", "Thất Khê", "Nà Sla",
           "05/03/2024", "2024-06-01"),
    person(2, "Nông Văn Bình", "Nam", "Kinh", "+84987654321", "tổ trưởng", "that khe", "thôn nà sla",
           "1/2/2023"),
    person(3, "Lý Thị Hoa", "nu", "có", "0355.123.456", "công chức tư pháp - hộ tịch", "06001", "",
           supporter="công chức tư pháp"),
    person(4, "Vi Văn An", "male", "0", "0868111222", "mediator", "Đoàn Kết", "Khánh Long",
           supporter="công an"),
]  # fmt: skip
BAD = [
    mediator(5, "Lộc Văn Sai Xã", commune="Xã Không Có"),
    mediator(6, "Lộc Văn Sai Thôn", team="Thôn Không Có"),
    mediator(7, "Lộc Văn Sai Số", phone="12345"),
    mediator(8, "Lộc Văn Sai Ngày", recognised="31/02/2024"),
    mediator(9, "Lộc Văn Tương Lai", trained="01/01/2030"),
    mediator(10, "Lộc Văn Trùng Một"),
    mediator(11, "Lộc Văn Trùng Hai", phone="0912 000 010", team="Bản Cầu"),
    mediator(12, "Lộc Văn Sai Giới", sex="khác"),
    mediator(13, "Lộc Văn Sai Vai", role="trưởng thôn"),
]
# Row numbers as Excel shows them: the header is row 1.
EXPECTED_PROBLEMS = [
    "Dòng 6, cột «Xã/phường»: không tìm thấy xã, phường «Xã Không Có»",
    "Dòng 7, cột «Thôn»: xã «Thất Khê» chưa có tổ hòa giải «Thôn Không Có»; nhập danh sách tổ trước "
    "(hoagiai import teams) hoặc chạy lại với --create-teams",
    "Dòng 8, cột «Số điện thoại»: «12345» không phải số di động Việt Nam hợp lệ (ví dụ 0912 345 678)",
    "Dòng 9, cột «Ngày công nhận (dd/mm/yyyy)»: «31/02/2024»: không có ngày này",
    "Dòng 10, cột «Ngày bồi dưỡng»: «01/01/2030» là ngày trong tương lai",
    "Dòng 11, cột «Số điện thoại»: số điện thoại +84912000010 trùng với dòng 12",
    "Dòng 12, cột «Số điện thoại»: số điện thoại +84912000010 trùng với dòng 11",
    "Dòng 13, cột «Giới tính»: «khác» không hợp lệ; điền «nam» hoặc «nữ»",
    "Dòng 14, cột «Vai trò»: «trưởng thôn» không phải vai trò hợp lệ; điền một trong: hòa giải viên, "
    "tổ trưởng, công chức tư pháp, cán bộ Sở Tư pháp, quản trị",
]

TEAMS = [["Xã", "Thôn"], ["06040", "Nà Sla"], ["06040", "Bản Cầu"], ["06001", "Khánh Long"]]


@pytest.fixture
async def teams_db(units_db: Database, tmp_path: Path) -> Database:
    """Communes and three teams."""
    report = await run(units_db, ImportKind.TEAMS, write_csv(tmp_path / "teams.csv", TEAMS))
    assert report.imported
    return units_db


async def people(db: Database) -> list[dict[str, object]]:
    rows = await db.fetchall(
        "SELECT p.full_name, p.sex, p.ethnic_minority, p.phone, p.role, p.status, p.commune_code, "
        "t.name AS team, p.recognised_on, p.trained_on, p.legal_supporter, p.created_at, p.updated_at "
        "FROM people p LEFT JOIN teams t ON t.id = p.team_id ORDER BY p.id"
    )
    return [dict(row) for row in rows]


async def test_a_valid_file_imports_everyone_as_active(teams_db: Database, tmp_path: Path) -> None:
    report = await run(teams_db, ImportKind.PEOPLE, write_csv(tmp_path / "p.csv", [HEADER, *GOOD]))
    assert report.problems == [] and report.imported
    assert (report.counts.created, report.counts.updated, report.counts.unchanged) == (4, 0, 0)
    rows = await people(teams_db)
    assert [(r["full_name"], r["phone"], r["role"], r["team"]) for r in rows] == [
        ("Hoàng Thị Lan", "+84912345678", "mediator", "Nà Sla"),
        ("Nông Văn Bình", "+84987654321", "team_leader", "Nà Sla"),
        ("Lý Thị Hoa", "+84355123456", "commune_officer", None),
        ("Vi Văn An", "+84868111222", "mediator", "Khánh Long"),
    ]
    assert {r["status"] for r in rows} == {"active"}
    lan, binh, hoa, an = rows
    assert (lan["sex"], lan["ethnic_minority"], lan["recognised_on"], lan["trained_on"]) == (
        "female",
        1,
        "2024-03-05",
        "2024-06-01",
    )
    assert (binh["sex"], binh["ethnic_minority"], binh["recognised_on"]) == ("male", 0, "2023-02-01")
    assert (hoa["commune_code"], hoa["legal_supporter"], hoa["ethnic_minority"]) == (
        "06001",
        "legal_civil_servant",
        1,
    )
    assert an["legal_supporter"] == "police"
    links = await teams_db.fetchall(
        "SELECT p.full_name, t.name FROM legal_support l JOIN people p ON p.id = l.person_id "
        "JOIN teams t ON t.id = l.team_id"
    )
    assert [tuple(r) for r in links] == [("Vi Văn An", "Khánh Long")]


async def test_every_problem_is_reported_with_its_row_and_nothing_is_imported(
    teams_db: Database, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "p.csv", [HEADER, *GOOD, *BAD])
    report = await run(teams_db, ImportKind.PEOPLE, path)
    assert messages(report) == EXPECTED_PROBLEMS
    assert not report.imported and report.rejected_rows == 9
    assert await people(teams_db) == []
    assert not (tmp_path / "p.rejects.csv").exists()


async def test_skip_invalid_imports_the_good_rows_and_writes_the_rejects(
    teams_db: Database, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "p.csv", [HEADER, *GOOD, *BAD], delimiter=";")
    report = await run(teams_db, ImportKind.PEOPLE, path, skip_invalid=True)
    assert report.imported and messages(report) == EXPECTED_PROBLEMS
    assert (report.counts.created, report.rejected_rows) == (4, 9)
    assert [r["full_name"] for r in await people(teams_db)] == [row[1] for row in GOOD]

    assert report.rejects_file == tmp_path / "p.rejects.csv"
    rejects = read_csv(report.rejects_file)
    assert rejects[0] == [*HEADER, "lỗi"]
    assert [row[:-1] for row in rejects[1:]] == [[str(cell) for cell in row] for row in BAD]
    errors = {row[1]: row[-1] for row in rejects[1:]}
    assert errors["Lộc Văn Sai Số"] == (
        "Số điện thoại: «12345» không phải số di động Việt Nam hợp lệ (ví dụ 0912 345 678)"
    )
    assert errors["Lộc Văn Trùng Hai"] == "Số điện thoại: số điện thoại +84912000010 trùng với dòng 11"

    # The operator fixes the rejects file and imports it; its "lỗi" column is ignored.
    fixed = [rejects[0]] + [row for row in rejects[1:] if row[1] == "Lộc Văn Sai Giới"]
    fixed[1][2] = "nam"
    again = await run(teams_db, ImportKind.PEOPLE, write_csv(tmp_path / "fixed.csv", fixed))
    assert again.problems == [] and again.ignored_columns == [] and again.counts.created == 1


async def test_rejects_can_go_to_a_chosen_xlsx_file(teams_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "out" / "loi.xlsx"
    path = write_csv(tmp_path / "p.csv", [HEADER, GOOD[0], BAD[2]])
    report = await run(teams_db, ImportKind.PEOPLE, path, skip_invalid=True, rejects=target)
    assert report.rejects_file == target
    import openpyxl

    sheet = openpyxl.load_workbook(target).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][-1] == "lỗi" and rows[1][1] == "Lộc Văn Sai Số" and rows[1][4] == "12345"


async def test_dry_run_writes_nothing(teams_db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [HEADER, *GOOD, *BAD])
    report = await run(teams_db, ImportKind.PEOPLE, path, skip_invalid=True, dry_run=True)
    assert len(report.problems) == len(EXPECTED_PROBLEMS) and not report.imported
    assert await people(teams_db) == []
    assert not (tmp_path / "p.rejects.csv").exists()


async def test_reimport_updates_by_phone_and_never_duplicates(teams_db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [HEADER, *GOOD])
    await run(teams_db, ImportKind.PEOPLE, path)
    first = await people(teams_db)
    same = await run(teams_db, ImportKind.PEOPLE, path)
    assert (same.counts.created, same.counts.updated, same.counts.unchanged) == (0, 0, 4)
    assert await people(teams_db) == first  # not even updated_at moved

    changed = [list(row) for row in GOOD]
    changed[0][1] = "Hoàng Thị Lan Anh"
    changed[0][4] = "0912345678"  # same number, written differently
    changed[0][7] = "Bản Cầu"
    changed[1][2] = ""  # an empty cell keeps what is stored
    report = await run(teams_db, ImportKind.PEOPLE, write_csv(tmp_path / "p2.csv", [HEADER, *changed]))
    assert (report.counts.created, report.counts.updated, report.counts.unchanged) == (0, 1, 3)
    rows = await people(teams_db)
    assert len(rows) == 4
    assert (rows[0]["full_name"], rows[0]["team"]) == ("Hoàng Thị Lan Anh", "Bản Cầu")
    assert rows[1]["sex"] == "male"


async def test_a_reimport_reactivates_someone_who_had_left(teams_db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [HEADER, GOOD[0]])
    await run(teams_db, ImportKind.PEOPLE, path)
    async with teams_db.transaction() as conn:
        await conn.execute("UPDATE people SET status = 'left'")
    report = await run(teams_db, ImportKind.PEOPLE, path)
    assert report.counts.updated == 1
    assert [r["status"] for r in await people(teams_db)] == ["active"]


async def test_create_teams_creates_each_new_team_once(teams_db: Database, tmp_path: Path) -> None:
    rows = [
        mediator(1, "Hà Văn Một", role="", commune="06040", team="Pò Mỏ"),
        mediator(2, "Hà Văn Hai", role="", commune="06040", team="po mo"),
        mediator(3, "Hà Văn Ba", role="", commune="06040", team="Nà Sla"),
    ]
    path = write_csv(tmp_path / "p.csv", [HEADER, *rows])
    refused = await run(teams_db, ImportKind.PEOPLE, path)
    assert [p.row for p in refused.problems] == [2, 3]
    report = await run(teams_db, ImportKind.PEOPLE, path, create_teams=True)
    assert report.imported and report.teams_created == 1
    assert [(r["team"], r["role"]) for r in await people(teams_db)] == [
        ("Pò Mỏ", "mediator"),
        ("Pò Mỏ", "mediator"),
        ("Nà Sla", "mediator"),
    ]


async def test_role_needs_commune_and_team_and_one_leader_per_team(
    teams_db: Database, tmp_path: Path
) -> None:
    rows = [
        mediator(1, "Mã Văn A", role="tổ trưởng"),
        mediator(2, "Mã Văn B", role="to truong", team="Thôn Nà Sla"),
        mediator(3, "Mã Văn C", team=""),
        mediator(4, "Mã Văn D", role="commune_officer", commune="", team=""),
        mediator(5, "Mã Văn E", role="cán bộ Sở Tư pháp", commune="", team=""),
        mediator(6, "", phone="", role="", supporter="luật sư"),
    ]
    report = await run(teams_db, ImportKind.PEOPLE, write_csv(tmp_path / "p.csv", [HEADER, *rows]))
    assert messages(report) == [
        "Dòng 2, cột «Vai trò»: tổ «Nà Sla» đã có tổ trưởng ở dòng 3; mỗi tổ chỉ có một tổ trưởng",
        "Dòng 3, cột «Vai trò»: tổ «Nà Sla» đã có tổ trưởng ở dòng 2; mỗi tổ chỉ có một tổ trưởng",
        "Dòng 4, cột «Thôn»: vai trò «hòa giải viên» cần điền thôn/tổ dân phố (tổ hòa giải)",
        "Dòng 5, cột «Xã/phường»: vai trò «công chức Tư pháp – hộ tịch» cần điền xã, phường",
        "Dòng 7, cột «Họ và tên»: chưa điền",
        "Dòng 7, cột «Số điện thoại»: chưa điền",
    ]


async def test_a_new_leader_replaces_the_old_one(teams_db: Database, tmp_path: Path) -> None:
    old = mediator(1, "Mã Văn Cũ", role="tổ trưởng")
    new = mediator(2, "Mã Văn Mới", role="tổ trưởng")
    await run(teams_db, ImportKind.PEOPLE, write_csv(tmp_path / "a.csv", [HEADER, old]))
    await run(teams_db, ImportKind.PEOPLE, write_csv(tmp_path / "b.csv", [HEADER, new]))
    assert [(r["full_name"], r["role"]) for r in await people(teams_db)] == [
        ("Mã Văn Cũ", "mediator"),
        ("Mã Văn Mới", "team_leader"),
    ]


async def test_missing_required_column_is_reported_once_before_row_problems(
    teams_db: Database, tmp_path: Path
) -> None:
    header = ["Họ và tên", "Giới tính", "Xã", "Thôn", "Chức vụ cũ"]
    rows = [
        ["Nông Văn An", "nam", "06040", "Nà Sla", ""],
        ["Lò Văn Bình", "???", "06040", "Nà Sla", ""],
        ["Hà Thị Chi", "nữ", "06040", "Nà Sla", ""],
    ]
    report = await run(
        teams_db, ImportKind.PEOPLE, write_csv(tmp_path / "p.csv", [header, *rows]), skip_invalid=True
    )
    assert messages(report) == [
        "Thiếu cột bắt buộc: Số điện thoại (phone).",
        "Dòng 3, cột «Giới tính»: «???» không hợp lệ; điền «nam» hoặc «nữ»",
    ]
    assert report.ignored_columns == ["Chức vụ cũ"]
    assert not report.imported and report.rejects_file is None
    assert await people(teams_db) == []


async def test_xlsx_with_a_title_row_number_cells_and_date_cells(teams_db: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "hgv.xlsx",
        [
            ["DANH SÁCH HÒA GIẢI VIÊN XÃ THẤT KHÊ NĂM 2025"],
            [],
            ["stt", "ho va ten", "gioi tinh", "dtts", "sdt", "vai tro", "ma xa", "thon", "ngay cong nhan"],
            [1, "Hoàng Thị Lan", "Nữ", "x", 912345678, "HGV", 6040, "Nà Sla", datetime(2024, 3, 5)],
            [2, "Nông Văn Bình", "Nam", None, 987654321, "Tổ trưởng", "06040", "Na Sla", date(2023, 2, 1)],
            [3, "Sai Ngày", "Nam", None, 987654000, "HGV", "06040", "Na Sla", datetime(2024, 3, 5, 14, 30)],
        ],
    )
    report = await run(teams_db, ImportKind.PEOPLE, path, skip_invalid=True)
    assert messages(report) == [
        "Dòng 6, cột «ngay cong nhan»: «2024-03-05 14:30:00» không đúng dạng ngày; điền dd/mm/yyyy "
        "(ví dụ 05/03/2024)"
    ]
    rows = await people(teams_db)
    assert [
        (r["full_name"], r["phone"], r["sex"], r["ethnic_minority"], r["team"], r["recognised_on"])
        for r in rows
    ] == [
        ("Hoàng Thị Lan", "+84912345678", "female", 1, "Nà Sla", "2024-03-05"),
        ("Nông Văn Bình", "+84987654321", "male", None, "Nà Sla", "2023-02-01"),
    ]
    assert report.rejects_file == tmp_path / "hgv.rejects.csv"


async def test_an_empty_role_keeps_the_role_of_someone_already_registered(
    teams_db: Database, tmp_path: Path
) -> None:
    officer = mediator(1, "Lý Thị Hoa", role="công chức tư pháp", team="")
    await run(teams_db, ImportKind.PEOPLE, write_csv(tmp_path / "a.csv", [HEADER, officer]))
    roster = [mediator(1, "Lý Thị Hoa", role="", team=""), mediator(2, "Hà Văn Mới", role="")]
    report = await run(teams_db, ImportKind.PEOPLE, write_csv(tmp_path / "b.csv", [HEADER, *roster]))
    assert report.problems == [] and (report.counts.created, report.counts.unchanged) == (1, 1)
    assert [(r["full_name"], r["role"]) for r in await people(teams_db)] == [
        ("Lý Thị Hoa", "commune_officer"),
        ("Hà Văn Mới", "mediator"),
    ]
