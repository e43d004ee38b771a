"""``hoagiai import units``: the bundled list and operator files, idempotent, flags kept."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from bot.domain.units import UnitType
from bot.services.importing import ImportKind
from bot.storage.db import Database
from bot.storage.units import list_communes
from tests.importer.helpers import messages, run, write_csv, write_xlsx

BUNDLED_CSV = (resources.files("bot") / "data/langson_units_2025.csv").read_text("utf-8")


async def test_bundled_load_gives_61_xa_and_4_phuong(db: Database) -> None:
    report = await run(db, ImportKind.UNITS, None)
    assert report.imported and report.counts.created == 65
    communes = await list_communes(db)
    assert len(communes) == 65
    assert sum(c.type is UnitType.XA for c in communes) == 61
    assert sorted(c.name for c in communes if c.type is UnitType.PHUONG) == [
        "Kỳ Lừa",
        "Lương Văn Tri",
        "Tam Thanh",
        "Đông Kinh",
    ]
    doan_ket = next(c for c in communes if c.code == "06001")
    assert doan_ket.predecessors == ("Khánh Long", "Vĩnh Tiến", "Cao Minh", "Đoàn Kết")
    assert sum(c.uncertain for c in communes) == 4


async def test_bundled_load_twice_changes_nothing(units_db: Database) -> None:
    before = await list_communes(units_db)
    report = await run(units_db, ImportKind.UNITS, None)
    assert (report.counts.created, report.counts.updated, report.counts.unchanged) == (0, 0, 65)
    assert await list_communes(units_db) == before


async def test_reloading_the_bundled_list_keeps_flags_admins_set(units_db: Database) -> None:
    async with units_db.transaction() as conn:
        await conn.execute("UPDATE communes SET is_pilot = 1, is_ethnic_area = 0 WHERE code = '06040'")
    await run(units_db, ImportKind.UNITS, None)
    that_khe = next(c for c in await list_communes(units_db) if c.code == "06040")
    assert that_khe.is_pilot and not that_khe.is_ethnic_area


async def test_the_bundled_csv_imported_as_a_file_matches_the_bundled_load(
    units_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "units.csv"
    path.write_text(BUNDLED_CSV, encoding="utf-8")
    report = await run(units_db, ImportKind.UNITS, path)
    assert report.problems == []
    assert report.ignored_columns == []  # "source" is known and silently skipped
    assert (report.counts.created, report.counts.updated, report.counts.unchanged) == (0, 0, 65)


async def test_semicolon_csv_with_bom_and_vietnamese_headers_sets_flags(
    units_db: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "xa.csv",
        [
            ["Mã xã", "Tên xã", "Loại", "Xã điểm chỉ đạo", "Vùng DTTS", "Điển hình"],
            ["06040", "Thất Khê", "xã", "có", "có", "không"],
            ["5986", "Tam Thanh", "Phường", "0", "khong", "x"],
        ],
        delimiter=";",
        bom=True,
    )
    report = await run(units_db, ImportKind.UNITS, path)
    assert report.problems == []
    assert report.counts.updated == 2
    by_code = {c.code: c for c in await list_communes(units_db)}
    assert by_code["06040"].is_pilot and by_code["06040"].is_ethnic_area and not by_code["06040"].is_model
    # "5986" is what a number cell makes of 05986.
    assert not by_code["05986"].is_pilot and not by_code["05986"].is_ethnic_area and by_code["05986"].is_model
    # A file that names only a few columns leaves the rest alone: the predecessors are still there.
    assert by_code["06040"].predecessors == ("Thất Khê", "Chi Lăng", "Chí Minh")
    again = await run(units_db, ImportKind.UNITS, path)
    assert again.counts.unchanged == 2 and again.counts.updated == 0


async def test_xlsx_units_file_adds_a_commune(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "xa.xlsx",
        [
            ["code", "name", "type", "former_districts", "predecessor_units"],
            [6040, "Thất Khê", "xã", "Tràng Định", "TT Thất Khê; xã Chi Lăng; xã Chí Minh"],
        ],
    )
    report = await run(db, ImportKind.UNITS, path)
    assert report.imported and report.counts.created == 1
    [commune] = await list_communes(db)
    assert (commune.code, commune.former_districts) == ("06040", ("Tràng Định",))
    assert commune.is_ethnic_area  # the schema's default when the file says nothing


async def test_invalid_unit_rows_are_all_reported_and_nothing_is_written(
    db: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "xa.csv",
        [
            ["code", "name", "type", "is_pilot"],
            ["06040", "Thất Khê", "xã", "có"],
            ["ABC", "Sai Mã", "xã", ""],
            ["06041", "Đồng Đăng", "thị trấn", ""],
            ["06042", "", "xã", "có lẽ"],
            ["06040", "Thất Khê", "xã", ""],
        ],
    )
    report = await run(db, ImportKind.UNITS, path)
    assert not report.imported
    assert messages(report) == [
        "Dòng 3, cột «code»: «ABC» không phải mã xã hợp lệ (5 chữ số, ví dụ 06040)",
        "Dòng 4, cột «type»: thị trấn không còn từ 1/7/2025; điền «xã» hoặc «phường»",
        "Dòng 5, cột «name»: chưa điền",
        "Dòng 5, cột «is_pilot»: «có lẽ» không hợp lệ; điền «có» hoặc «không» (hoặc 1/0, x)",
        "Dòng 6, cột «code»: mã 06040 đã có ở dòng 2",
    ]
    assert await list_communes(db) == []
