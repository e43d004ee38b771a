"""Communes (``hoagiai import units``): their columns, checking and writing rows, the bundled list."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from bot.domain.units import Commune, UnitType, parse_predecessors, parse_units_csv
from bot.services.importing.report import ImportReport, Problem
from bot.services.importing.rows import Checked, Row, mark_duplicates
from bot.services.importing.tables import Column, Header, SourceRow, compare_key
from bot.storage import units as repo
from bot.storage.db import Connection
from bot.texts import importer as t

BUNDLED_UNITS = "data/langson_units_2025.csv"

UNIT_COLUMNS = (
    Column("code", ("code", "mã", "mã xã", "mã đơn vị", "mã đơn vị hành chính"), required=True),
    Column("name", ("name", "tên", "tên xã", "tên đơn vị", "xã phường", "đơn vị"), required=True),
    Column("type", ("type", "loại", "loại đơn vị", "cấp"), required=True),
    Column("former_districts", ("former districts", "huyện cũ", "huyện trước đây")),
    Column(
        "predecessor_units",
        ("predecessor units", "predecessors", "đơn vị cũ", "xã cũ", "sáp nhập từ", "đơn vị sáp nhập"),
    ),
    Column("certainty_notes", ("certainty notes", "độ tin cậy")),
    Column("is_pilot", ("is pilot", "pilot", "xã điểm", "điểm chỉ đạo", "xã điểm chỉ đạo")),
    Column(
        "is_ethnic_area",
        (
            "is ethnic area",
            "ethnic area",
            "vùng dân tộc thiểu số",
            "vùng đồng bào dân tộc thiểu số",
            "vùng dtts",
        ),
    ),
    Column("is_model", ("is model", "model", "điển hình", "cấp xã điển hình", "xã điển hình")),
)


@dataclass(frozen=True, slots=True)
class UnitDraft:
    """A commune to upsert and the flags the file sets for it."""

    commune: Commune
    flags: repo.CommuneFlags


def check_units(
    header: Header, rows: Sequence[SourceRow], stored: Mapping[str, repo.StoredCommune]
) -> list[Checked[UnitDraft]]:
    """Check every row of a units file; the stored communes fill in the columns the file lacks."""
    checked: list[Checked[UnitDraft]] = []
    for source in rows:
        row = Row(source, header)
        code = _unit_code(row)
        name = row.required("name")
        unit_type = _unit_type(row)
        flags = repo.CommuneFlags(row.flag("is_pilot"), row.flag("is_ethnic_area"), row.flag("is_model"))
        draft = None
        if code is not None and name is not None and unit_type is not None:
            draft = UnitDraft(_commune_from_row(row, code, name, unit_type, stored.get(code)), flags)
        checked.append(Checked(source, draft, row.problems))
    mark_duplicates(
        checked,
        lambda c: c.draft.commune.code if c.draft else None,
        lambda c, others: Problem(
            c.row.number,
            header.column_name("code"),
            t.DUPLICATE_UNIT_CODE.format(code=c.draft.commune.code if c.draft else "", other=others[0]),
        ),
        keep_first=True,
    )
    return checked


def _commune_from_row(
    row: Row, code: str, name: str, unit_type: UnitType, stored: repo.StoredCommune | None
) -> Commune:
    # A column the file lacks keeps what is stored (a list of flags only must not erase the
    # merger history); a column it has, even with an empty cell, replaces it.
    keep = stored.to_domain() if stored is not None else None
    if row.has("former_districts") or keep is None:
        districts = tuple(d.strip() for d in re.split(r"[;,]", row.text("former_districts")) if d.strip())
    else:
        districts = keep.former_districts
    if row.has("predecessor_units") or keep is None:
        units = parse_predecessors(row.text("predecessor_units"), districts)
    else:
        units = keep.predecessor_units
    notes = row.text("certainty_notes")
    # "UNCERTAIN" in the notes is the marker the bundled list uses.
    uncertain = "UNCERTAIN" in notes if row.has("certainty_notes") or keep is None else keep.uncertain
    return Commune(
        code=code,
        name=name,
        type=unit_type,
        former_districts=districts,
        predecessors=tuple(dict.fromkeys(u.name for u in units)),
        predecessor_units=units,
        uncertain=uncertain,
        certainty_notes=notes,
    )


def _unit_code(row: Row) -> str | None:
    value = row.required("code")
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 5):
        row.fail("code", t.BAD_UNIT_CODE.format(value=value))
        return None
    return value.zfill(5)


def _unit_type(row: Row) -> UnitType | None:
    value = row.required("type")
    if value is None:
        return None
    key = compare_key(value)
    if key == "xa":
        return UnitType.XA
    if key in ("phuong", "p"):
        return UnitType.PHUONG
    row.fail("type", t.UNIT_TYPE_GONE if key in ("thi tran", "tt") else t.BAD_UNIT_TYPE.format(value=value))
    return None


async def write_units(
    conn: Connection, drafts: Sequence[UnitDraft], report: ImportReport, now: datetime
) -> None:
    """Upsert the communes by code with their flags."""
    # Communes carry no timestamps; ``now`` is part of the common writer signature (``run.Writer``).
    flags = {d.commune.code: d.flags for d in drafts}
    report.counts = await repo.upsert_communes(conn, [d.commune for d in drafts], flags)


def bundled_communes() -> list[Commune]:
    """The 65 communes of Lạng Sơn since 1/7/2025, from the CSV shipped in the package."""
    text = (resources.files("bot") / BUNDLED_UNITS).read_text("utf-8")
    return parse_units_csv(text)
