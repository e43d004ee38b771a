from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.units import (
    MATCH_THRESHOLD,
    Commune,
    OldUnit,
    Predecessor,
    UnitType,
    map_old_unit,
    match_communes,
    parse_pre2025_csv,
    parse_predecessors,
    parse_units_csv,
    search_communes,
)
from bot.domain.vntext import fold

DATA = Path(__file__).resolve().parents[2] / "bot" / "data"
COMMUNES = parse_units_csv((DATA / "langson_units_2025.csv").read_text(encoding="utf-8"))
OLD_UNITS = parse_pre2025_csv((DATA / "langson_units_pre2025.csv").read_text(encoding="utf-8"))
BY_NAME = {c.name: c for c in COMMUNES}


# --------------------------------------------------------------------------- the bundled data


def test_bundled_communes_match_nq_1672_counts() -> None:
    assert len(COMMUNES) == 65
    assert sum(c.type is UnitType.XA for c in COMMUNES) == 61
    assert sum(c.type is UnitType.PHUONG for c in COMMUNES) == 4
    assert len({c.code for c in COMMUNES}) == 65
    assert all(len(c.code) == 5 and c.code.isdigit() for c in COMMUNES)


def test_bundled_pre2025_units() -> None:
    assert len(OLD_UNITS) == 200
    assert len({u.district for u in OLD_UNITS}) == 11


def test_every_predecessor_is_a_known_old_unit_in_a_compatible_district() -> None:
    # Guards the hand-made mapping: a typo in a merged unit's name would make it unfindable.
    known = {(fold(u.district), fold(u.name)) for u in OLD_UNITS}
    for commune in COMMUNES:
        assert commune.predecessors, commune.name
        for unit in commune.predecessor_units:
            districts = [unit.district] if unit.district else list(commune.former_districts)
            assert any((fold(d), fold(unit.name)) in known for d in districts), (commune.name, unit)


def test_uncertain_flag_comes_from_certainty_notes() -> None:
    assert BY_NAME["Tân Đoàn"].uncertain
    assert BY_NAME["Đình Lập"].uncertain
    assert not BY_NAME["Thất Khê"].uncertain
    assert not BY_NAME["Hoàng Văn Thụ"].uncertain  # its note mentions a mis-naming, not UNCERTAIN


def test_commune_fields() -> None:
    kl = BY_NAME["Kỳ Lừa"]
    assert kl.code == "06187"
    assert kl.type is UnitType.PHUONG
    assert kl.former_districts == ("TP Lạng Sơn", "Cao Lộc")
    assert kl.predecessors == ("Hoàng Văn Thụ", "Cao Lộc", "Hợp Thành", "Tân Liên", "Gia Cát")
    assert BY_NAME["Chi Lăng"].predecessors == ("Chi Lăng", "Đồng Mỏ")  # TT and xã Chi Lăng: one name


# --------------------------------------------------------------------------- predecessor parsing


@pytest.mark.parametrize(
    ("text", "districts", "expected"),
    [
        (
            "Khánh Long (incl. ex-Vĩnh Tiến, 2024); Cao Minh; Đoàn Kết",
            ("Tràng Định",),
            (
                Predecessor("Khánh Long", None, "Tràng Định"),
                Predecessor("Vĩnh Tiến", None, "Tràng Định", via="Khánh Long"),
                Predecessor("Cao Minh", None, "Tràng Định"),
                Predecessor("Đoàn Kết", None, "Tràng Định"),
            ),
        ),
        (
            "Khánh Khê (VQ, incl. ex-Đồng Giáp, Tràng Các 2024); Xuân Long (CL)",
            ("Văn Quan", "Cao Lộc"),
            (
                Predecessor("Khánh Khê", None, "Văn Quan"),
                Predecessor("Đồng Giáp", None, "Văn Quan", via="Khánh Khê"),
                Predecessor("Tràng Các", None, "Văn Quan", via="Khánh Khê"),
                Predecessor("Xuân Long", None, "Cao Lộc"),
            ),
        ),
        (
            "TT Thất Khê; xã Chi Lăng; P. Tam Thanh; thị trấn Đồng Mỏ",
            (),
            (
                Predecessor("Thất Khê", UnitType.THI_TRAN),
                Predecessor("Chi Lăng", UnitType.XA),
                Predecessor("Tam Thanh", UnitType.PHUONG),
                Predecessor("Đồng Mỏ", UnitType.THI_TRAN),
            ),
        ),
        (
            "P. Hoàng Văn Thụ; TT Cao Lộc, Hợp Thành, Gia Cát (Cao Lộc)",
            ("TP Lạng Sơn", "Cao Lộc"),
            (
                Predecessor("Hoàng Văn Thụ", UnitType.PHUONG, None),
                Predecessor("Cao Lộc", UnitType.THI_TRAN, "Cao Lộc"),
                Predecessor("Hợp Thành", None, "Cao Lộc"),
                Predecessor("Gia Cát", None, "Cao Lộc"),
            ),
        ),
        (
            "TT Đình Lập; xã Đình Lập (script also lists Bính Xá)",
            ("Đình Lập",),
            (
                Predecessor("Đình Lập", UnitType.THI_TRAN, "Đình Lập"),
                Predecessor("Đình Lập", UnitType.XA, "Đình Lập"),
                Predecessor("Bính Xá", None, "Đình Lập", uncertain=True),
            ),
        ),
        (
            "Mẫu Sơn (Lộc Bình); Yên Khoái",
            ("Lộc Bình",),
            (Predecessor("Mẫu Sơn", None, "Lộc Bình"), Predecessor("Yên Khoái", None, "Lộc Bình")),
        ),
        ("", ("Lộc Bình",), ()),
    ],
)
def test_parse_predecessors(text: str, districts: tuple[str, ...], expected: tuple[Predecessor, ...]) -> None:
    assert parse_predecessors(text, districts) == expected


def test_predecessor_names_flatten_in_order() -> None:
    assert BY_NAME["Đoàn Kết"].predecessors == ("Khánh Long", "Vĩnh Tiến", "Cao Minh", "Đoàn Kết")


def test_csv_errors_are_loud() -> None:
    with pytest.raises(ValueError, match="lacks columns"):
        parse_units_csv("code,name\n1,A\n")
    with pytest.raises(ValueError, match="unknown unit type"):
        parse_pre2025_csv("district,unit,type,status_note\nX,Y,huyện,\n")


def test_csv_with_bom() -> None:
    text = "\ufeffdistrict,unit,type,status_note,source\nCao Lộc,Gia Cát,xã,existed,src\n"
    assert parse_pre2025_csv(text) == [OldUnit("Cao Lộc", "Gia Cát", UnitType.XA, "existed")]


# --------------------------------------------------------------------------- old → new


@pytest.mark.parametrize(
    ("name", "district", "expected"),
    [
        ("Vĩnh Tiến", None, ["Đoàn Kết"]),
        ("vinh tien", None, ["Đoàn Kết"]),
        ("xã Vĩnh Tiến", "Tràng Định", ["Đoàn Kết"]),
        ("Đồng Mỏ", None, ["Chi Lăng"]),
        ("thị trấn Đồng Mỏ", "huyện Chi Lăng", ["Chi Lăng"]),
        ("Hòa Bình", None, ["Thiện Long", "Văn Quan", "Yên Bình", "Vạn Linh"]),
        ("Hoà Bình", "Chi Lăng", ["Vạn Linh"]),
        ("hoa binh", "huu lung", ["Yên Bình"]),
        ("Tân Thành", "Cao Lộc", ["Tân Đoàn"]),
        ("Tân Thành", "Hữu Lũng", ["Tân Thành"]),
        ("Tân Thành", "Bắc Sơn", ["Nhất Hòa"]),
        ("Tràng Phái", "VQ", ["Tân Đoàn"]),
        ("Chi Lăng", None, ["Thất Khê", "Chi Lăng", "Lương Văn Tri"]),
        ("phường Chi Lăng", None, ["Lương Văn Tri"]),
        ("Chi Lăng", "Tràng Định", ["Thất Khê"]),
        ("Chi Lăng", "thành phố Lạng Sơn", ["Lương Văn Tri"]),
        ("Hoàng Văn Thụ", "TP Lạng Sơn", ["Kỳ Lừa"]),
        ("Hoàng Văn Thụ", "Văn Lãng", ["Hoàng Văn Thụ"]),
        ("TT Cao Lộc", None, ["Kỳ Lừa"]),
        ("Mẫu Sơn", "Cao Lộc", ["Ba Sơn"]),
        # Kiên Mộc is certain in Kiên Mộc, doubtful in Châu Sơn: certain first.
        ("Kiên Mộc", None, ["Kiên Mộc", "Châu Sơn"]),
        ("Bính Xá", None, ["Kiên Mộc", "Đình Lập"]),
        ("Hòa Bình", "Đình Lập", []),
        ("Hòa Bình", "Huyện Không Có", []),
        ("Thành phố Hồ Chí Minh", None, []),
        ("", None, []),
    ],
)
def test_map_old_unit(name: str, district: str | None, expected: list[str]) -> None:
    assert [c.name for c in map_old_unit(name, district, COMMUNES)] == expected


def test_map_old_unit_follows_a_2024_split_when_old_units_are_given() -> None:
    # Đại Đồng was split on 01/12/2024 between TT Thất Khê and xã Đội Cấn.
    assert map_old_unit("Đại Đồng", None, COMMUNES) == []
    assert [c.name for c in map_old_unit("Đại Đồng", None, COMMUNES, OLD_UNITS)] == ["Thất Khê", "Quốc Khánh"]


# --------------------------------------------------------------------------- fuzzy search


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tan doan", "Tân Đoàn"),
        ("Tân Đoàn", "Tân Đoàn"),
        ("Khanh khe", "Khánh Khê"),
        ("dong dang", "Đồng Đăng"),
        ("that khe", "Thất Khê"),
        ("chi lang", "Chi Lăng"),
        ("xã Chi Lăng", "Chi Lăng"),
        ("phuong ky lua", "Kỳ Lừa"),
        ("THẤT KHÊ", "Thất Khê"),
        ("thatkhe", "Thất Khê"),
        ("khanh khee", "Khánh Khê"),
        ("dong dan", "Đồng Đăng"),
        ("doan tan", "Tân Đoàn"),
        ("Hoàng Văn Thụ", "Hoàng Văn Thụ"),
        ("quý hoà", "Quý Hòa"),
        ("06040", "Thất Khê"),
    ],
)
def test_right_commune_comes_first(query: str, expected: str) -> None:
    hits = match_communes(query, COMMUNES)
    assert hits, query
    assert hits[0][0].name == expected
    assert 0 <= hits[0][1] <= 100


@pytest.mark.parametrize(
    ("query", "expected", "via"),
    [
        ("Vĩnh Tiến", "Đoàn Kết", "Vĩnh Tiến"),
        ("đồng mỏ", "Chi Lăng", "Đồng Mỏ"),
        ("xa hoang dong", "Tam Thanh", "Hoàng Đồng"),
        ("Tràng Phái", "Tân Đoàn", "Tràng Phái"),
        ("na duong", "Na Dương", None),
    ],
)
def test_old_names_surface_the_new_commune_with_the_reason(
    query: str, expected: str, via: str | None
) -> None:
    top = search_communes(query, COMMUNES)[0]
    assert top.commune.name == expected
    assert (top.via.name if top.via else None) == via


def test_commune_name_outranks_old_units_of_the_same_name() -> None:
    hits = search_communes("chi lang", COMMUNES)
    assert [h.commune.name for h in hits[:3]] == ["Chi Lăng", "Thất Khê", "Lương Văn Tri"]
    assert hits[0].via is None and hits[0].score == 100
    assert hits[1].via is not None and hits[1].via.name == "Chi Lăng"
    assert hits[1].score < hits[0].score


def test_one_hit_per_commune_and_limit() -> None:
    hits = search_communes("hoa binh", COMMUNES, limit=10)
    names = [h.commune.name for h in hits]
    assert len(names) == len(set(names))
    assert {"Thiện Long", "Văn Quan", "Yên Bình", "Vạn Linh"} <= set(names[:4])
    assert len(search_communes("hoa binh", COMMUNES, limit=2)) == 2
    assert search_communes("hoa binh", COMMUNES, limit=0) == []


@pytest.mark.parametrize("query", ["", "   ", "x", "xã", "qwxz", "zzzzzzzz", "123", "!!!", "Hà Nội xyz"])
def test_empty_or_nonsense_returns_nothing(query: str) -> None:
    assert match_communes(query, COMMUNES) == []


@settings(max_examples=200)
@given(st.text(max_size=40))
def test_search_never_raises_and_scores_are_bounded(query: str) -> None:
    for commune, score in match_communes(query, COMMUNES):
        assert isinstance(commune, Commune)
        assert MATCH_THRESHOLD <= score <= 100


@settings(max_examples=100)
@given(st.sampled_from(COMMUNES))
def test_every_commune_finds_itself_by_folded_name(commune: Commune) -> None:
    hits = match_communes(fold(commune.name), COMMUNES)
    assert hits[0][0] == commune
    assert hits[0][1] == 100


@settings(max_examples=100)
@given(st.text(max_size=30), st.one_of(st.none(), st.text(max_size=15)))
def test_map_old_unit_never_raises(name: str, district: str | None) -> None:
    for commune in map_old_unit(name, district, COMMUNES, OLD_UNITS):
        assert isinstance(commune, Commune)
