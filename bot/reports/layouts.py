"""Report layouts as data: which columns a form has, their headers and units, and its header lines.

A layout is a TOML file in ``bot/reports/forms/`` (or in a directory given at run time), so a
new form — the TT 17/2025/TT-BTP layouts that replace TT 03/2019 [check: not obtained yet] — is
a new file, not new code. A layout names the *report* it renders (``staffing``, ``results``,
``casebook``, ``casebook_summary``, ``indicators``), the *regime* it belongs to and the date it
applies from; columns refer to data keys the report builders provide (:data:`REPORT_KEYS`) —
or are ``blank``, printed empty for hand entry —, and header texts may use the placeholders in
:data:`PLACEHOLDERS`. Everything is validated when loaded, so a typo in a
layout fails at start-up with the file and the key, not halfway through an export.

Selection: with an explicit regime, that regime's layout (or a regime-neutral ``"*"`` one);
otherwise the layout with the latest ``valid_from`` on or before the period's end.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from bot.domain.enums import CaseField

ANY_REGIME = "*"


class LayoutError(ValueError):
    """A layout file is malformed; the message names the file and what is wrong."""


class ReportKind(StrEnum):
    """What a layout renders."""

    STAFFING = "staffing"  # teams and mediators (form 10c)
    RESULTS = "results"  # results of mediation per unit
    CASEBOOK = "casebook"  # a team's Sổ theo dõi hoạt động hòa giải ở cơ sở, Phần I (per case)
    CASEBOOK_SUMMARY = "casebook_summary"  # its Phần II: the team leader's tally per mediator
    INDICATORS = "indicators"  # Kế hoạch 115 indicators against targets


class ColumnType(StrEnum):
    """How a column's cells are written (number format, alignment)."""

    INT = "int"
    PERCENT = "percent"  # a fraction 0..1 shown as 85.7%
    NUMBER = "number"  # a decimal number
    DATE = "date"
    TEXT = "text"
    BLANK = "blank"  # always empty: a column the form has and the bot does not fill (hand entry)


# Data keys each report builder provides per row; a layout may use any subset, in any order.
REPORT_KEYS: dict[ReportKind, frozenset[str]] = {
    ReportKind.STAFFING: frozenset(
        {
            "unit",
            "teams",
            "mediators",
            "male",
            "female",
            "legal",
            "non_legal",
            "ethnic_minority",
            "trained",
            "teams_compliant",
            "teams_supported",
        }
    ),
    ReportKind.RESULTS: frozenset(
        {"unit", "received", "thanh", "khong_thanh", "dang", "out_of_scope", "mediated", "success_rate"}
        | {f"field.{f.value}" for f in CaseField}
    ),
    ReportKind.CASEBOOK: frozenset(
        {
            "stt",
            "code",
            "received_on",
            "parties_count",
            "field",
            "summary",
            "outcome",
            "outcome_on",
            "mediator",
            "notes",
            "agreement",
            "thanh",
            "khong_thanh",
        }
    ),
    ReportKind.CASEBOOK_SUMMARY: frozenset(
        {"stt", "mediator", "received", "thanh", "khong_thanh", "dang", "out_of_scope", "notes"}
        | {f"field.{f.value}" for f in CaseField}
    ),
    ReportKind.INDICATORS: frozenset(
        {"stt", "indicator", "numerator", "denominator", "value", "target", "status", "gap"}
    ),
}

# Placeholders header texts may use; the exporter fills every one of them.
PLACEHOLDERS = frozenset(
    {
        "reporting_unit",
        "receiving_unit",
        "period_kind",
        "period_title",
        "start",
        "end",
        "scope_name",
        "team_name",
        "commune_name",
        "signer",
        "place",
        "province",
        "today",
    }
)


@dataclass(frozen=True, slots=True)
class Column:
    """One column: the data key it shows, its header text and unit, and the header groups above it.

    ``groups`` lists the merged header cells above this column, outermost first; neighbouring
    columns with the same leading groups share those cells. ``unit_in_header`` adds "(unit)" to
    the header when the unit is not already written in a group above.
    """

    key: str
    header: str
    unit: str = ""
    groups: tuple[str, ...] = ()
    width: float = 12.0
    type: ColumnType = ColumnType.INT
    unit_in_header: bool = True
    align: str = ""  # "center" to centre a column's data cells (marks such as "x"); default by type

    @property
    def header_text(self) -> str:
        """The header as printed."""
        if self.unit and self.unit_in_header:
            return f"{self.header}\n({self.unit})"
        return self.header


@dataclass(frozen=True, slots=True)
class Layout:
    """A report form: header lines, title, columns, total row, notes and signature blocks.

    ``blank_rows`` empty ruled lines follow the data (for entries made by hand);
    ``min_row_height`` (points) keeps data rows tall enough to sign in.
    """

    id: str
    report: ReportKind
    regime: str
    valid_from: date
    title: str
    sheet: str
    columns: tuple[Column, ...]
    form_code: str = ""
    subtitle: tuple[str, ...] = ()
    header_left: tuple[str, ...] = ()
    header_right: tuple[str, ...] = ()
    total_label: str = ""
    total_key: str = ""  # the column that shows total_label (default: the first)
    total_last: bool = False  # the total row after the data (default: first, as on form 10c)
    numbering: bool = True
    freeze_columns: int = 1
    notes: tuple[str, ...] = ()
    footer: tuple[tuple[str, ...], ...] = ()
    blank_rows: int = 0
    min_row_height: float = 0.0
    font: str = "Times New Roman"
    verified: bool = True
    source: str = ""

    @property
    def header_depth(self) -> int:
        """Rows the column headers take (groups plus the column's own header)."""
        return 1 + max((len(c.groups) for c in self.columns), default=0)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise LayoutError(f"{where}: expected a string or a list of strings")


def _check_placeholders(texts: Iterable[str], where: str) -> None:
    for text in texts:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as exc:
            raise LayoutError(f"{where}: bad template {text!r}: {exc}") from None
        unknown = names - PLACEHOLDERS
        if unknown:
            raise LayoutError(f"{where}: unknown placeholder(s) {sorted(unknown)} in {text!r}")


def parse_layout(data: Mapping[str, Any], origin: str) -> Layout:
    """Build and validate a layout from parsed TOML; ``origin`` names the file in errors."""
    try:
        report = ReportKind(data["report"])
        raw_columns = data["columns"]
        layout_id = str(data["id"])
        title = str(data["title"])
    except KeyError as exc:
        raise LayoutError(f"{origin}: missing key {exc.args[0]!r}") from None
    except ValueError:
        raise LayoutError(f"{origin}: unknown report {data.get('report')!r}") from None
    valid_from = data.get("valid_from", date(1900, 1, 1))
    if not isinstance(valid_from, date):
        raise LayoutError(f"{origin}: valid_from must be a date (valid_from = 2026-01-01)")
    if not isinstance(raw_columns, list) or not raw_columns:
        raise LayoutError(f"{origin}: columns must be a non-empty array of tables")

    columns: list[Column] = []
    allowed = REPORT_KEYS[report]
    for index, raw in enumerate(raw_columns, start=1):
        where = f"{origin}: column {index}"
        if not isinstance(raw, dict) or "key" not in raw or "header" not in raw:
            raise LayoutError(f"{where}: needs key and header")
        try:
            column_type = ColumnType(raw.get("type", ColumnType.INT))
        except ValueError:
            raise LayoutError(f"{where}: unknown type {raw.get('type')!r}") from None
        # A blank column shows no data: its key only names it.
        if column_type != ColumnType.BLANK and raw["key"] not in allowed:
            raise LayoutError(f"{where}: unknown data key {raw['key']!r} for a {report} report")
        if raw.get("align", "") not in ("", "center"):
            raise LayoutError(f'{where}: align must be "center" (or absent)')
        columns.append(
            Column(
                key=raw["key"],
                header=str(raw["header"]),
                unit=str(raw.get("unit", "")),
                groups=_strings(raw.get("groups", []), where),
                width=float(raw.get("width", 12)),
                type=column_type,
                unit_in_header=bool(raw.get("unit_in_header", True)),
                align=str(raw.get("align", "")),
            )
        )
    footer_raw = data.get("footer", [])
    if not isinstance(footer_raw, list):
        raise LayoutError(f"{origin}: footer must be an array of arrays of strings")
    layout = Layout(
        id=layout_id,
        report=report,
        regime=str(data.get("regime", ANY_REGIME)),
        valid_from=valid_from,
        title=title,
        sheet=str(data.get("sheet", layout_id))[:31],
        columns=tuple(columns),
        form_code=str(data.get("form_code", "")),
        subtitle=_strings(data.get("subtitle", []), f"{origin}: subtitle"),
        header_left=_strings(data.get("header_left", []), f"{origin}: header_left"),
        header_right=_strings(data.get("header_right", []), f"{origin}: header_right"),
        total_label=str(data.get("total_label", "")),
        total_key=str(data.get("total_key", "")),
        total_last=bool(data.get("total_last", False)),
        numbering=bool(data.get("numbering", True)),
        freeze_columns=int(data.get("freeze_columns", 1)),
        notes=_strings(data.get("notes", []), f"{origin}: notes"),
        footer=tuple(_strings(block, f"{origin}: footer") for block in footer_raw),
        blank_rows=int(data.get("blank_rows", 0)),
        min_row_height=float(data.get("min_row_height", 0)),
        font=str(data.get("font", "Times New Roman")),
        verified=bool(data.get("verified", True)),
        source=str(data.get("source", "")),
    )
    _check_placeholders(
        [
            layout.title,
            layout.total_label,
            *layout.subtitle,
            *layout.header_left,
            *layout.header_right,
            *layout.notes,
            *(line for block in layout.footer for line in block),
        ],
        origin,
    )
    if not 0 <= layout.blank_rows <= 100 or not 0 <= layout.min_row_height <= 400:
        raise LayoutError(f"{origin}: blank_rows must be 0–100 and min_row_height 0–400 points")
    if layout.total_key and layout.total_key not in {c.key for c in layout.columns}:
        raise LayoutError(f"{origin}: total_key {layout.total_key!r} is not one of the columns")
    if not 0 <= layout.freeze_columns <= len(layout.columns):
        raise LayoutError(f"{origin}: freeze_columns out of range")
    return layout


def _read(text: str, origin: str) -> Layout:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(f"{origin}: {exc}") from None
    return parse_layout(data, origin)


def load_layouts(extra_dir: Path | None = None) -> dict[str, Layout]:
    """The bundled layouts, plus (overriding by id) every ``*.toml`` in ``extra_dir``."""
    found: dict[str, Layout] = {}
    bundled = resources.files("bot.reports") / "forms"
    for entry in sorted(bundled.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            layout = _read(entry.read_text("utf-8"), f"forms/{entry.name}")
            found[layout.id] = layout
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise LayoutError(f"{extra_dir}: not a directory")
        for path in sorted(extra_dir.glob("*.toml")):
            layout = _read(path.read_text("utf-8"), str(path))
            found[layout.id] = layout
    return found


def select_layout(
    layouts: Mapping[str, Layout], report: ReportKind, period_end: date, regime: str | None = None
) -> Layout:
    """The layout to use for a report (see the module docstring); LayoutError when none fits."""
    candidates = [layout for layout in layouts.values() if layout.report == report]
    if regime is not None:
        exact = [layout for layout in candidates if layout.regime == regime]
        candidates = exact or [layout for layout in candidates if layout.regime == ANY_REGIME]
    in_force = [layout for layout in candidates if layout.valid_from <= period_end]
    if not in_force:
        raise LayoutError(f"no {report} layout for regime {regime or 'any'} in force on {period_end}")
    return max(in_force, key=lambda layout: (layout.valid_from, layout.regime != ANY_REGIME, layout.id))


__all__ = [
    "ANY_REGIME",
    "PLACEHOLDERS",
    "REPORT_KEYS",
    "Column",
    "ColumnType",
    "Layout",
    "LayoutError",
    "ReportKind",
    "load_layouts",
    "parse_layout",
    "select_layout",
]
