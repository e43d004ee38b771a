"""Administrative units of Lạng Sơn: the 65 communes since 1/7/2025 and the units before.

Since 1/7/2025 there are no districts: a mediator's team belongs to one of 65 communes (61 xã,
4 phường). People still name their old commune ("xã Vĩnh Tiến", "thị trấn Đồng Mỏ"), so every
commune carries the list of units merged into it, and searches match those names too.

The CSV texts are passed in (the caller reads the bundled files), keeping this module pure.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz

from bot.domain.vntext import clean_input, fold


class UnitType(StrEnum):
    """Kind of a commune-level unit. Thị trấn only exists in pre-2025 data."""

    XA = "xa"
    PHUONG = "phuong"
    THI_TRAN = "thi_tran"


UNIT_TYPE_LABELS: dict[UnitType, str] = {
    UnitType.XA: "xã",
    UnitType.PHUONG: "phường",
    UnitType.THI_TRAN: "thị trấn",
}

# Abbreviations the mapping CSV uses inside parentheses ("Tràng Phái (VQ)"). In this file "CL"
# means Cao Lộc (Xuân Long, Bình Trung and the Cao Lộc Thụy Hùng were Cao Lộc communes).
_DISTRICT_ABBREVIATIONS: dict[str, str] = {
    "vq": "Văn Quan",
    "cl": "Cao Lộc",
    "vl": "Văn Lãng",
    "hl": "Hữu Lũng",
}

# The 11 pre-2025 districts, to recognise a district named in parentheses or typed by a user.
PRE2025_DISTRICTS: tuple[str, ...] = (
    "TP Lạng Sơn",
    "Tràng Định",
    "Bình Gia",
    "Bắc Sơn",
    "Văn Quan",
    "Văn Lãng",
    "Lộc Bình",
    "Đình Lập",
    "Hữu Lũng",
    "Chi Lăng",
    "Cao Lộc",
)

# Folded kind prefixes as written in the CSV and as users type them, longest first.
_KIND_PREFIXES: tuple[tuple[str, UnitType], ...] = (
    ("thi tran ", UnitType.THI_TRAN),
    ("phuong ", UnitType.PHUONG),
    ("xa ", UnitType.XA),
    ("tt. ", UnitType.THI_TRAN),
    ("tt ", UnitType.THI_TRAN),
    ("p. ", UnitType.PHUONG),
    ("p ", UnitType.PHUONG),
)
_DISTRICT_PREFIXES = ("huyen ", "thanh pho ", "tp. ", "tp ")


@dataclass(frozen=True, slots=True)
class Predecessor:
    """A pre-merger unit that is now part of a commune.

    ``via`` names the 2024 commune it had already been merged into ("Vĩnh Tiến" via "Khánh
    Long"); ``uncertain`` marks names the source lists doubtfully ("script also lists …").
    """

    name: str
    kind: UnitType | None = None
    district: str | None = None
    via: str | None = None
    uncertain: bool = False


@dataclass(frozen=True, slots=True)
class Commune:
    """A commune-level unit since 1/7/2025 (NQ 1672/NQ-UBTVQH15)."""

    code: str
    name: str
    type: UnitType
    former_districts: tuple[str, ...]
    predecessors: tuple[str, ...]  # unique names of merged units, in source order
    predecessor_units: tuple[Predecessor, ...]  # the same with kind, district and doubts
    uncertain: bool
    certainty_notes: str = ""


@dataclass(frozen=True, slots=True)
class OldUnit:
    """A commune-level unit that existed before 1/7/2025."""

    district: str
    name: str
    type: UnitType
    status_note: str = ""


@dataclass(frozen=True, slots=True)
class CommuneMatch:
    """A search hit; ``via`` is the old unit whose name matched, None when the name did."""

    commune: Commune
    score: float
    via: Predecessor | None = None


# --------------------------------------------------------------------------- parsing


def parse_units_csv(text: str) -> list[Commune]:
    """Parse ``langson_units_2025.csv`` (code,name,type,former_districts,predecessor_units,…).

    Raises ValueError on a malformed file: it is bundled data, so that is a programming error.
    """
    rows = _read_csv(
        text, ("code", "name", "type", "former_districts", "predecessor_units", "certainty_notes")
    )
    communes: list[Commune] = []
    for row in rows:
        districts = tuple(d.strip() for d in row["former_districts"].split(";") if d.strip())
        units = parse_predecessors(row["predecessor_units"], districts)
        notes = row["certainty_notes"].strip()
        communes.append(
            Commune(
                code=row["code"].strip(),
                name=row["name"].strip(),
                type=_unit_type(row["type"]),
                former_districts=districts,
                predecessors=tuple(dict.fromkeys(u.name for u in units)),
                predecessor_units=units,
                uncertain="UNCERTAIN" in notes,
                certainty_notes=notes,
            )
        )
    return communes


def parse_pre2025_csv(text: str) -> list[OldUnit]:
    """Parse ``langson_units_pre2025.csv`` (district,unit,type,status_note,source)."""
    rows = _read_csv(text, ("district", "unit", "type", "status_note"))
    return [
        OldUnit(
            district=row["district"].strip(),
            name=row["unit"].strip(),
            type=_unit_type(row["type"]),
            status_note=row["status_note"].strip(),
        )
        for row in rows
    ]


def _read_csv(text: str, required: Sequence[str]) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [name for name in required if name not in (reader.fieldnames or ())]
    if missing:
        raise ValueError(f"units CSV lacks columns: {', '.join(missing)}")
    rows = []
    for row in reader:
        if any(row.get(name) is None for name in required):
            raise ValueError(f"units CSV row {reader.line_num} has too few columns")
        rows.append({k: v for k, v in row.items() if k is not None and v is not None})
    return rows


def _unit_type(text: str) -> UnitType:
    folded = fold(text)
    for unit_type, label in UNIT_TYPE_LABELS.items():
        if folded == fold(label):
            return unit_type
    raise ValueError(f"unknown unit type: {text!r}")


_PAREN = re.compile(r"^(?P<head>[^()]*?)\s*\((?P<inner>[^()]*)\)\s*$")
_ALSO_LISTS = re.compile(r"script also lists\s+(?P<names>.+)$", re.IGNORECASE)
_INCLUDED = re.compile(r"incl\.?\s*(?P<names>.*)$", re.IGNORECASE)
_YEAR = re.compile(r"\s*\b(19|20)\d{2}\b\s*")


def parse_predecessors(text: str, former_districts: Sequence[str] = ()) -> tuple[Predecessor, ...]:
    """Parse the ``predecessor_units`` column.

    "Khánh Long (incl. ex-Vĩnh Tiến, 2024); Cao Minh; Đoàn Kết" gives Khánh Long, Vĩnh Tiến (via
    Khánh Long), Cao Minh, Đoàn Kết. Understood inside parentheses: a district or its
    abbreviation ("VQ", "Cao Lộc"), "incl. ex-A, B 2024" and "script also lists X" (uncertain).
    Kind prefixes "TT", "xã", "P." are kept as ``kind``. "A, B, C (Cao Lộc)" applies the district
    to every name of the comma group. A name without a district gets the commune's former
    district when there is exactly one.
    """
    default_district = former_districts[0] if len(former_districts) == 1 else None
    result: list[Predecessor] = []
    for segment in _split_top_level(text, ";"):
        items = [_parse_item(item) for item in _split_top_level(segment, ",")]
        group_district = next((d for main, _ in items if (d := main.district)), None)
        for main, extras in items:
            district = main.district or group_district or default_district
            result.append(_with_district(main, district))
            result.extend(_with_district(extra, district) for extra in extras)
    return tuple(result)


def _with_district(unit: Predecessor, district: str | None) -> Predecessor:
    return Predecessor(unit.name, unit.kind, unit.district or district, unit.via, unit.uncertain)


def _split_top_level(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == separator and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _parse_item(item: str) -> tuple[Predecessor, list[Predecessor]]:
    match = _PAREN.match(item)
    head, inner = (match.group("head"), match.group("inner")) if match else (item, "")
    kind, name = _split_kind(head.strip())
    district: str | None = None
    extras: list[Predecessor] = []
    if also := _ALSO_LISTS.search(inner):
        extras.extend(Predecessor(n, uncertain=True) for n in _names(also.group("names")))
        inner = inner[: also.start()]
    if included := _INCLUDED.search(inner):
        names = included.group("names").strip()
        names = names.removeprefix("ex-").removeprefix("ex ").strip()
        extras.extend(Predecessor(n, via=name) for n in _names(names))
        inner = inner[: included.start()]
    for token in inner.split(","):
        if (found := _district_from_hint(token)) is not None:
            district = found
    return Predecessor(name, kind, district), extras


def _names(text: str) -> list[str]:
    cleaned = (_YEAR.sub(" ", part).strip(" .") for part in text.split(","))
    return [name for name in cleaned if name]


def _split_kind(text: str) -> tuple[UnitType | None, str]:
    folded = fold(text) + " "
    for prefix, kind in _KIND_PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            # Cut the same number of words from the original text, keeping its diacritics.
            words = len(prefix.split())
            return kind, " ".join(text.split()[words:])
    return None, text


def _district_from_hint(token: str) -> str | None:
    folded = _strip_district_prefix(fold(token))
    if not folded:
        return None
    if folded in _DISTRICT_ABBREVIATIONS:
        return _DISTRICT_ABBREVIATIONS[folded]
    for district in PRE2025_DISTRICTS:
        if folded == _strip_district_prefix(fold(district)):
            return district
    return None


def _strip_district_prefix(folded: str) -> str:
    for prefix in _DISTRICT_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :].strip()
    return folded.strip()


# --------------------------------------------------------------------------- old → new


_SPLIT_TARGET = re.compile(r"\bto\s+(?:TT|xã|phường|thị trấn|P\.)\s+(?P<name>[^,;]+)", re.IGNORECASE)


def map_old_unit(
    name: str,
    district: str | None,
    communes: Iterable[Commune],
    old_units: Iterable[OldUnit] = (),
) -> list[Commune]:
    """New commune(s) that an old unit's territory went to.

    ``name`` may carry a kind ("thị trấn Đồng Mỏ", "TT Đồng Mỏ", "phường Chi Lăng") and is
    matched without diacritics; ``district`` ("Cao Lộc", "huyện Cao Lộc", "cao loc", "VQ")
    narrows homonyms such as the four Hòa Bình. Several results mean the name is ambiguous
    (give a district) or the unit was split. Certain matches come before doubtful ones. When
    ``old_units`` is given, a unit split in 2024 ("part to TT Thất Khê, rest to xã Đội Cấn") is
    followed to the units that absorbed it.
    """
    communes = list(communes)
    kind, folded_name = _query_kind_and_name(name)
    wanted_district = _district_from_hint(district) if district else None
    if district and wanted_district is None:
        # An unknown district cannot match anything; say so with an empty list.
        return []
    hits: list[tuple[bool, int, Commune]] = []
    for index, commune in enumerate(communes):
        doubts = [
            unit.uncertain
            for unit in commune.predecessor_units
            if fold(unit.name) == folded_name
            and (kind is None or unit.kind is None or unit.kind == kind)
            and _district_compatible(unit, commune, wanted_district)
        ]
        if doubts:
            hits.append((all(doubts), index, commune))
    if hits:
        return [commune for _, _, commune in sorted(hits, key=lambda hit: (hit[0], hit[1]))]
    return _follow_split(folded_name, wanted_district, communes, list(old_units))


def _query_kind_and_name(text: str) -> tuple[UnitType | None, str]:
    folded = fold(clean_input(text)).strip(" .,;")
    for prefix, kind in _KIND_PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            return kind, folded[len(prefix) :].strip()
    return None, folded


def _district_compatible(unit: Predecessor, commune: Commune, wanted: str | None) -> bool:
    if wanted is None:
        return True
    if unit.district is not None:
        return fold(unit.district) == fold(wanted)
    # No district recorded for this name: it lay in one of the commune's former districts.
    return any(fold(d) == fold(wanted) for d in commune.former_districts)


def _follow_split(
    folded_name: str, district: str | None, communes: list[Commune], old_units: list[OldUnit]
) -> list[Commune]:
    result: list[Commune] = []
    for unit in old_units:
        if fold(unit.name) != folded_name or (district is not None and fold(unit.district) != fold(district)):
            continue
        for target in _SPLIT_TARGET.finditer(unit.status_note):
            target_name = target.group("name").strip()
            if fold(target_name) == folded_name:
                continue  # never loop on a unit that names itself
            for commune in map_old_unit(target_name, unit.district, communes):
                if commune not in result:
                    result.append(commune)
    return result


# --------------------------------------------------------------------------- fuzzy search

# Below this a hit is noise: "xyz" scores ~40 against some name, "tan" ~73 against "Tân Mỹ".
MATCH_THRESHOLD = 75.0
# A commune's own name outranks an old unit of the same name merged elsewhere: "Chi Lăng" is
# first the commune Chi Lăng, then Thất Khê (ex-xã Chi Lăng) and Lương Văn Tri (ex-phường).
_VIA_FACTOR = 0.97
_UNCERTAIN_FACTOR = 0.95


def search_communes(query: str, communes: Iterable[Commune], limit: int = 5) -> list[CommuneMatch]:
    """Fuzzy search over commune names and the names of the units merged into them.

    Case, diacritics and a leading "xã"/"phường"/"thị trấn"/"TT" are ignored; a 5-digit code
    matches exactly. Scores are 0–100; hits below ``MATCH_THRESHOLD`` are dropped, so empty or
    nonsense queries return []. One hit per commune, the best way it matched.
    """
    _, folded = _query_kind_and_name(query)
    if len(folded.replace(" ", "")) < 2 or limit <= 0:
        return []
    best: dict[str, tuple[float, int, CommuneMatch]] = {}
    for index, commune in enumerate(communes):
        if folded == commune.code:
            candidates = [CommuneMatch(commune, 100.0)]
        else:
            candidates = [CommuneMatch(commune, _similarity(folded, fold(commune.name)))]
            for unit in commune.predecessor_units:
                factor = _VIA_FACTOR * (_UNCERTAIN_FACTOR if unit.uncertain else 1.0)
                score = _similarity(folded, fold(unit.name)) * factor
                candidates.append(CommuneMatch(commune, score, unit))
        top = max(candidates, key=lambda m: (m.score, m.via is None))
        if top.score >= MATCH_THRESHOLD:
            previous = best.get(commune.code)
            if previous is None or top.score > previous[0]:
                best[commune.code] = (top.score, index, top)
    ranked = sorted(best.values(), key=lambda e: (-e[0], e[2].via is not None, e[1]))
    return [entry[2] for entry in ranked[:limit]]


def match_communes(query: str, communes: Iterable[Commune], limit: int = 5) -> list[tuple[Commune, float]]:
    """Like :func:`search_communes` without the reason: ``[(commune, score)]``, best first."""
    return [(m.commune, m.score) for m in search_communes(query, communes, limit)]


def _similarity(query: str, candidate: str) -> float:
    # ratio catches typos ("khanh khee"); token_sort_ratio catches swapped words ("doan tan").
    # Spaces are also compared removed, since phone users often drop them ("thatkhe").
    return max(
        fuzz.ratio(query, candidate),
        fuzz.token_sort_ratio(query, candidate),
        fuzz.ratio(query.replace(" ", ""), candidate.replace(" ", "")),
    )


__all__ = [
    "MATCH_THRESHOLD",
    "PRE2025_DISTRICTS",
    "UNIT_TYPE_LABELS",
    "Commune",
    "CommuneMatch",
    "OldUnit",
    "Predecessor",
    "UnitType",
    "map_old_unit",
    "match_communes",
    "parse_pre2025_csv",
    "parse_predecessors",
    "parse_units_csv",
    "search_communes",
]
