"""Bulk import of communes, teams and people from CSV or XLSX files (``hoagiai import``).

The whole file is read and every row validated before anything is written, and every problem
is reported with the row number Excel shows. A file with problems writes nothing, unless
``skip_invalid`` is set: then the valid rows are written and the rejected ones saved, with a
"lỗi" column, to a file the operator can correct and import again. One file is one
transaction, and every write is an upsert — communes by code, teams by commune and folded
name, people by phone — so importing the same file twice changes nothing the second time.

Headers may be Vietnamese with or without diacritics ("Số điện thoại", "so dien thoai", "SĐT")
or the English field codes ("phone"); a title row above the header is skipped.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Generic, TypeVar

import aiosqlite
import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from bot.domain.dates import EARLIEST_YEAR, DateError, parse_user_date
from bot.domain.enums import LegalSupporterType, PersonStatus, Role, Sex
from bot.domain.people import MEDIATOR_ROLES, OFFICER_ROLES
from bot.domain.phone import normalize_vn_mobile
from bot.domain.units import Commune, UnitType, match_communes, parse_predecessors, parse_units_csv
from bot.domain.vntext import clean_input, fold, squeeze
from bot.storage import units as repo
from bot.storage.db import Database
from bot.texts import importer as t

BUNDLED_UNITS = "data/langson_units_2025.csv"
MAX_TEXT = 100  # longest name or team name we accept; longer is a pasted paragraph


class ImportKind(StrEnum):
    """What a file holds."""

    UNITS = "units"
    TEAMS = "teams"
    PEOPLE = "people"


class ImportAborted(Exception):
    """The import cannot start (unreadable file, no communes yet); the message is for the operator."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """How to treat invalid rows and unknown teams."""

    skip_invalid: bool = False  # import the valid rows, write the others to the rejects file
    create_teams: bool = False  # people import: create a team a row names that does not exist
    dry_run: bool = False  # validate and report only
    rejects_path: Path | None = None  # default: next to the input, "<name>.rejects.csv"


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a row (or, with ``row`` None, the whole file) cannot be imported."""

    row: int | None
    column: str | None  # the header as written in the file
    message: str

    def describe(self) -> str:
        """The line shown to the operator."""
        if self.row is None:
            return self.message
        if self.column:
            return t.ROW_PROBLEM.format(row=self.row, column=self.column, reason=self.message)
        return t.ROW_PROBLEM_NO_COLUMN.format(row=self.row, reason=self.message)


@dataclass(slots=True)
class ImportReport:
    """What an import found and did."""

    kind: ImportKind
    source: str  # the file's path, or "" for the bundled list of communes
    rows: int = 0
    file_problems: list[Problem] = field(default_factory=list)
    row_problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rejected_rows: int = 0
    counts: repo.UpsertCounts = field(default_factory=repo.UpsertCounts)
    teams_created: int = 0
    leaders_set: int = 0
    imported: bool = False
    dry_run: bool = False
    rejects_file: Path | None = None

    @property
    def problems(self) -> list[Problem]:
        """Whole-file problems first, then row problems in row order."""
        return [*self.file_problems, *self.row_problems]


# --------------------------------------------------------------------------- reading files


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A row of the file: its number as Excel shows it (from 1) and its cells as text."""

    number: int
    cells: tuple[str, ...]

    def cell(self, index: int) -> str:
        """The cell at ``index``, "" past the end of a short row."""
        return self.cells[index] if index < len(self.cells) else ""


@dataclass(frozen=True, slots=True)
class RawTable:
    """The non-empty rows of a file, and the delimiter to write a CSV of rejects with."""

    rows: tuple[SourceRow, ...]
    delimiter: str


def read_table(path: Path) -> RawTable:
    """Read a .csv (UTF-8, with or without BOM; comma, semicolon or tab) or .xlsx (first sheet).

    Blocking: async callers run it in a thread. Raises :class:`ImportAborted` with a
    Vietnamese message when the file cannot be read.
    """
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportAborted(t.FILE_NOT_FOUND.format(path=path))
    if suffix == ".xls":
        raise ImportAborted(t.FILE_OLD_XLS)
    if suffix in (".xlsx", ".xlsm"):
        rows, delimiter = _read_xlsx(path), ","
    elif suffix in (".csv", ".txt"):
        rows, delimiter = _read_csv(path)
    else:
        raise ImportAborted(t.FILE_BAD_TYPE.format(path=path))
    kept = tuple(row for row in rows if any(row.cells))
    if not kept:
        raise ImportAborted(t.FILE_EMPTY.format(path=path))
    return RawTable(kept, delimiter)


def _read_csv(path: Path) -> tuple[list[SourceRow], str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportAborted(t.FILE_UNREADABLE.format(path=path, reason=exc.strerror or exc)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Excel's plain "CSV" is cp1258/cp1252 in Vietnam; guessing would corrupt names silently.
        raise ImportAborted(t.FILE_NOT_UTF8.format(path=path, position=exc.start)) from None
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Number records, not physical lines: Excel shows a quoted multi-line cell as one row.
    rows = [SourceRow(n, tuple(_clean(cell) for cell in record)) for n, record in enumerate(reader, start=1)]
    return rows, delimiter


def _sniff_delimiter(text: str) -> str:
    # Excel with Vietnamese regional settings writes ";" (the decimal mark is ","), so count the
    # candidates on the first non-blank line rather than trusting csv.Sniffer on names.
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _read_xlsx(path: Path) -> list[SourceRow]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError):
        raise ImportAborted(t.FILE_BAD_XLSX.format(path=path)) from None
    except OSError as exc:
        raise ImportAborted(t.FILE_UNREADABLE.format(path=path, reason=exc.strerror or exc)) from None
    try:
        sheet = workbook.active or workbook.worksheets[0]
        # min_row=1 makes read-only mode yield leading blank rows too, keeping numbers true.
        return [
            SourceRow(n, tuple(_cell_text(value) for value in values))
            for n, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        # Phones and codes typed into a number cell come back as 912345678.0.
        return str(int(value))
    return _clean(str(value))


def _clean(text: str) -> str:
    return squeeze(clean_input(text))


# --------------------------------------------------------------------------- columns

_PARENS = re.compile(r"\([^)]*\)|\[[^]]*\]")
_PUNCT = re.compile(r"[_\-–—/\\.,:;*'\"’+]+")


def _key(text: str) -> str:
    """Folded form for comparing headers and words: no diacritics, case, punctuation, (notes)."""
    return squeeze(_PUNCT.sub(" ", _PARENS.sub(" ", fold(text))))


@dataclass(frozen=True, slots=True)
class Column:
    """A field a file may hold, under any of several header spellings."""

    field: str
    aliases: tuple[str, ...]
    required: bool = False


# Headers that are expected in real sheets and carry nothing to import: row numbers, remarks,
# the source note of the bundled CSV, and the error column of a corrected rejects file.
_SILENT_HEADERS = frozenset(
    _key(h) for h in ("stt", "tt", "số tt", "số thứ tự", "ghi chú", "source", "nguồn", t.REJECTS_COLUMN)
)

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

_COMMUNE_ALIASES = ("commune", "commune code", "xã", "xã phường", "phường xã", "mã xã", "tên xã", "đơn vị")
_TEAM_ALIASES = (
    "team",
    "tổ hòa giải",
    "tên tổ hòa giải",
    "tổ",
    "thôn",
    "thôn tổ dân phố",
    "thôn bản",
    "thôn bản tổ dân phố",
    "tổ dân phố",
)

TEAM_COLUMNS = (
    Column("commune", _COMMUNE_ALIASES, required=True),
    Column("team", _TEAM_ALIASES, required=True),
    Column(
        "leader_phone", ("leader phone", "sđt tổ trưởng", "số điện thoại tổ trưởng", "điện thoại tổ trưởng")
    ),
)

PEOPLE_COLUMNS = (
    Column("full_name", ("full name", "name", "họ và tên", "họ tên", "tên", "hòa giải viên"), required=True),
    Column("sex", ("sex", "gender", "giới tính", "giới", "nam nữ")),
    Column(
        "ethnic_minority", ("ethnic minority", "dân tộc thiểu số", "dtts", "dân tộc", "là dân tộc thiểu số")
    ),
    Column(
        "legal_background",
        (
            "legal background",
            "chuyên môn luật",
            "có chuyên môn luật",
            "trình độ luật",
            "chuyên môn pháp luật",
        ),
    ),
    Column("phone", ("phone", "số điện thoại", "điện thoại", "sđt", "số đt", "đt", "di động"), required=True),
    Column("role", ("role", "vai trò", "chức vụ", "chức danh")),
    Column("commune", _COMMUNE_ALIASES),
    Column("team", _TEAM_ALIASES),
    Column("recognised_on", ("recognised on", "recognized on", "ngày công nhận", "ngày được công nhận")),
    Column(
        "trained_on",
        ("trained on", "ngày bồi dưỡng", "ngày được bồi dưỡng", "ngày tập huấn", "ngày đào tạo"),
    ),
    Column("is_trainer", ("is trainer", "trainer", "tập huấn viên", "giảng viên", "giảng viên nguồn")),
    Column(
        "legal_supporter",
        ("legal supporter", "hỗ trợ pháp lý", "người hỗ trợ", "hỗ trợ chuyên môn", "người hỗ trợ pháp lý"),
    ),
)

COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.UNITS: UNIT_COLUMNS,
    ImportKind.TEAMS: TEAM_COLUMNS,
    ImportKind.PEOPLE: PEOPLE_COLUMNS,
}


def _alias_index(columns: Iterable[Column]) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in columns:
        for alias in (column.field, *column.aliases):
            index.setdefault(_key(alias), column.field)
    return index


@dataclass(slots=True)
class Header:
    """The header row of a file mapped to fields."""

    row: SourceRow
    index: dict[str, int]  # field → column position
    missing: list[str]  # required fields without a column
    ignored: list[str]  # headers that are no field
    duplicates: list[tuple[str, str, str]]  # (first header, second header, field)

    def column_name(self, name: str) -> str:
        """The header as written in the file for a field."""
        return self.row.cell(self.index[name])


def map_header(row: SourceRow, columns: Sequence[Column]) -> Header:
    """Map a header row's cells to fields; unknown headers are listed, not fatal."""
    aliases = _alias_index(columns)
    index: dict[str, int] = {}
    ignored: list[str] = []
    duplicates: list[tuple[str, str, str]] = []
    for position, text in enumerate(row.cells):
        key = _key(text)
        name = aliases.get(key)
        if name is None:
            if key and key not in _SILENT_HEADERS:
                ignored.append(text)
        elif name in index:
            duplicates.append((row.cell(index[name]), text, name))
        else:
            index[name] = position
    missing = [c.field for c in columns if c.required and c.field not in index]
    return Header(row, index, missing, ignored, duplicates)


def _find_header(rows: Sequence[SourceRow], columns: Sequence[Column]) -> int:
    # Sheets often start with a title ("DANH SÁCH HÒA GIẢI VIÊN …") and a blank line; the header
    # is the first of the top rows naming at least two known fields.
    aliases = _alias_index(columns)
    for position, row in enumerate(rows[:10]):
        if len({aliases[k] for cell in row.cells if (k := _key(cell)) in aliases}) >= 2:
            return position
    return 0


# --------------------------------------------------------------------------- values

_TRUE = frozenset({"co", "c", "1", "x", "yes", "y", "true", "dung", "phai"})
_FALSE = frozenset({"khong", "k", "ko", "0", "no", "n", "false", "sai"})

_SEX: dict[str, Sex] = {_key(w): Sex.MALE for w in ("nam", "male", "m")} | {
    _key(w): Sex.FEMALE for w in ("nữ", "female", "f")
}


def _words(table: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {_key(word): value for value, words in table.items() for word in (value, *words)}


_ROLES: dict[str, str] = _words(
    {
        Role.MEDIATOR: ("hòa giải viên", "hgv", "thành viên", "thành viên tổ hòa giải"),
        Role.TEAM_LEADER: ("tổ trưởng", "tổ trưởng tổ hòa giải", "tổ trưởng hòa giải"),
        Role.COMMUNE_OFFICER: (
            "công chức tư pháp",
            "công chức tư pháp hộ tịch",
            "cán bộ tư pháp",
            "công chức xã",
            "cán bộ xã",
        ),
        Role.PROVINCE_OFFICER: ("cán bộ sở tư pháp", "chuyên viên sở tư pháp", "sở tư pháp", "cán bộ tỉnh"),
        Role.ADMIN: ("quản trị", "quản trị viên"),
    }
)

_LEGAL_SUPPORTERS: dict[str, str] = _words(
    {
        LegalSupporterType.LAWYER: ("luật sư",),
        LegalSupporterType.JURIST: ("luật gia",),
        LegalSupporterType.POLICE: ("công an", "công an xã", "công an phường"),
        LegalSupporterType.BORDER_GUARD: ("biên phòng", "bộ đội biên phòng", "đồn biên phòng"),
        LegalSupporterType.LEGAL_CIVIL_SERVANT: (
            "công chức tư pháp",
            "công chức tư pháp hộ tịch",
            "cán bộ tư pháp",
        ),
        LegalSupporterType.FORMER_JUDICIAL: (
            "thẩm phán",
            "kiểm sát viên",
            "điều tra viên",
            "nguyên thẩm phán",
            "nguyên kiểm sát viên",
            "nguyên điều tra viên",
            "nguyên thẩm phán kiểm sát viên điều tra viên",
        ),
        LegalSupporterType.OTHER: ("khác",),
    }
)

# Some lists give the ethnic group instead of a yes/no; Kinh is the majority, the others are the
# groups living in Lạng Sơn (Tày and Nùng above all).
_MAJORITY = frozenset({"kinh"})
_MINORITIES = frozenset(
    _key(name)
    for name in (
        "Tày", "Nùng", "Dao", "Mông", "H'Mông", "Hmông", "Hoa", "Sán Chay", "Sán Dìu", "Cao Lan",
        "Thái", "Mường", "Giáy", "Pà Thẻn", "Lô Lô", "Khơ Mú",
    )
)  # fmt: skip

_FULL_DATE = re.compile(r"^(?:\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{4}-\d{1,2}-\d{1,2})$")
_MIDNIGHT = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?$")


def _bool(text: str) -> bool | None:
    key = _key(text)
    return True if key in _TRUE else False if key in _FALSE else None


def _phone(text: str) -> str | None:
    # A number cell drops the leading zero ("912345678"); in a phone column that is what a
    # 9-digit mobile number means, so give it back before normalising.
    compact = re.sub(r"[\s.\-]", "", text)
    if re.fullmatch(r"[35789]\d{8}", compact):
        compact = "0" + compact
    return normalize_vn_mobile(compact)


def _date(text: str, today: date) -> date | str:
    """A full date (dd/mm/yyyy or ISO), or the reason it is not one."""
    value = _MIDNIGHT.sub("", text.strip())
    if not _FULL_DATE.match(value):
        return t.BAD_DATE_FORMAT.format(value=text)
    parsed = parse_user_date(value, today)
    if isinstance(parsed, date):
        return parsed
    if parsed is DateError.FUTURE:
        return t.BAD_DATE_FUTURE.format(value=text)
    if parsed is DateError.TOO_OLD:
        return t.BAD_DATE_TOO_OLD.format(value=text, year=EARLIEST_YEAR)
    if parsed is DateError.INVALID:
        return t.BAD_DATE_INVALID.format(value=text)
    return t.BAD_DATE_FORMAT.format(value=text)


class _Row:
    """One data row being checked: reads cells by field and collects problems."""

    def __init__(self, row: SourceRow, header: Header) -> None:
        self.row = row
        self.header = header
        self.problems: list[Problem] = []

    def text(self, name: str) -> str:
        position = self.header.index.get(name)
        return "" if position is None else self.row.cell(position)

    def has(self, name: str) -> bool:
        return name in self.header.index

    def fail(self, name: str | None, message: str) -> None:
        column = self.header.column_name(name) if name is not None and self.has(name) else None
        self.problems.append(Problem(self.row.number, column, message))

    def required(self, name: str) -> str | None:
        value = self.text(name)
        if not value:
            # A missing column is reported once for the file, not again on every row.
            if self.has(name):
                self.fail(name, t.REQUIRED_VALUE)
            return None
        if len(value) > MAX_TEXT:
            self.fail(name, t.TOO_LONG.format(limit=MAX_TEXT))
            return None
        return value

    def flag(self, name: str) -> bool | None:
        value = self.text(name)
        if not value:
            return None
        parsed = _bool(value)
        if parsed is None:
            self.fail(name, t.BAD_BOOL.format(value=value))
        return parsed

    def phone(self, name: str) -> str | None:
        value = self.text(name)
        if not value:
            return None
        parsed = _phone(value)
        if parsed is None:
            self.fail(name, t.BAD_PHONE.format(value=value))
        return parsed

    def date(self, name: str, today: date) -> date | None:
        value = self.text(name)
        if not value:
            return None
        parsed = _date(value, today)
        if isinstance(parsed, str):
            self.fail(name, parsed)
            return None
        return parsed


# --------------------------------------------------------------------------- places


class CommuneIndex:
    """Find a commune by code or by name (exact after folding, an optional xã/phường prefix)."""

    _KINDS = (("xa ", UnitType.XA), ("phuong ", UnitType.PHUONG), ("p ", UnitType.PHUONG))

    def __init__(self, communes: Sequence[repo.StoredCommune]) -> None:
        self.by_code = {c.code: c for c in communes}
        self.by_name: dict[str, list[repo.StoredCommune]] = defaultdict(list)
        for commune in communes:
            self.by_name[_key(commune.name)].append(commune)
        self._domain = [c.to_domain() for c in communes]

    def resolve(self, text: str) -> repo.StoredCommune | str:
        """The commune ``text`` names, or the reason there is none."""
        value = text.strip()
        if value.isascii() and value.isdigit():
            # Codes start with 0 ("06040"); a number cell makes that "6040".
            code = value.zfill(5)
            found = self.by_code.get(code)
            return found if found is not None else t.UNKNOWN_COMMUNE_CODE.format(value=value)
        key = _key(value)
        candidates = list(self.by_name.get(key, ()))
        if not candidates:
            for prefix, kind in self._KINDS:
                if key.startswith(prefix):
                    named = self.by_name.get(key[len(prefix) :], [])
                    # "xã Tam Thanh" for the phường still means it when the name is unique.
                    candidates = [c for c in named if c.type == kind] or named
                    break
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            listed = ", ".join(t.COMMUNE_CANDIDATE.format(name=c.name, code=c.code) for c in candidates)
            return t.AMBIGUOUS_COMMUNE.format(value=value, candidates=listed)
        guesses = match_communes(value, self._domain, limit=1)
        if guesses:
            guess = guesses[0][0]
            return t.UNKNOWN_COMMUNE_SUGGEST.format(value=value, name=guess.name, code=guess.code)
        return t.UNKNOWN_COMMUNE.format(value=value)


# Words for "village" that lists write or omit before a name ("Thôn Nà Sla" / "Nà Sla", "Thôn
# Bản Cầu" / "Bản Cầu"). Urban "khối"/"phố" are left out: "Khối 1" and "Phố 1" can both exist.
_TEAM_PREFIXES = ("to dan pho ", "thon ", "ban ", "lang ", "xom ")


def _bare_team(folded: str) -> str:
    stripped = True
    while stripped:
        stripped = False
        for prefix in _TEAM_PREFIXES:
            if folded.startswith(prefix) and len(folded) > len(prefix):
                folded = folded[len(prefix) :]
                stripped = True
    return folded


class TeamIndex:
    """Find a commune's team by name: exact after folding, else unique without "thôn"/"bản"…"""

    def __init__(self, teams: Iterable[repo.StoredTeam]) -> None:
        self.by_commune: dict[str, dict[str, repo.StoredTeam]] = defaultdict(dict)
        for team in teams:
            self.by_commune[team.commune_code][team.name_folded] = team

    def resolve(self, commune_code: str, name: str) -> list[repo.StoredTeam]:
        """Matching teams: one is a hit, none unknown, several ambiguous."""
        teams = self.by_commune.get(commune_code, {})
        key = repo.team_key(name)
        if key in teams:
            return [teams[key]]
        bare = _bare_team(key)
        return [team for folded, team in teams.items() if _bare_team(folded) == bare]


# --------------------------------------------------------------------------- checking rows

D = TypeVar("D")


@dataclass(slots=True)
class Checked(Generic[D]):
    """A data row, what it would write (None when it cannot), and its problems."""

    row: SourceRow
    draft: D | None
    problems: list[Problem]


# Writes a batch of valid drafts inside the import's transaction, counting into the report.
Writer = Callable[[aiosqlite.Connection, Sequence[D], ImportReport, datetime], Awaitable[None]]


def _mark_duplicates(
    checked: Sequence[Checked[D]],
    key_of: Callable[[Checked[D]], object],
    message: Callable[[Checked[D], list[int]], Problem],
    keep_first: bool,
) -> None:
    """Add a problem to rows sharing a key; ``keep_first`` spares the first of each group."""
    groups: dict[object, list[Checked[D]]] = defaultdict(list)
    for item in checked:
        key = key_of(item)
        if key is not None:
            groups[key].append(item)
    for group in groups.values():
        if len(group) < 2:
            continue
        for position, item in enumerate(group):
            if keep_first and position == 0:
                continue
            others = [other.row.number for other in group if other is not item]
            if keep_first:
                others = others[:1]
            item.problems.append(message(item, others))


@dataclass(frozen=True, slots=True)
class UnitDraft:
    """A commune to upsert and the flags the file sets for it."""

    commune: Commune
    flags: repo.CommuneFlags


def _check_units(
    header: Header, rows: Sequence[SourceRow], stored: Mapping[str, repo.StoredCommune]
) -> list[Checked[UnitDraft]]:
    checked: list[Checked[UnitDraft]] = []
    for source in rows:
        row = _Row(source, header)
        code = _unit_code(row)
        name = row.required("name")
        unit_type = _unit_type(row)
        flags = repo.CommuneFlags(row.flag("is_pilot"), row.flag("is_ethnic_area"), row.flag("is_model"))
        draft = None
        if code is not None and name is not None and unit_type is not None:
            draft = UnitDraft(_commune_from_row(row, code, name, unit_type, stored.get(code)), flags)
        checked.append(Checked(source, draft, row.problems))
    _mark_duplicates(
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
    row: _Row, code: str, name: str, unit_type: UnitType, stored: repo.StoredCommune | None
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


def _unit_code(row: _Row) -> str | None:
    value = row.required("code")
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 5):
        row.fail("code", t.BAD_UNIT_CODE.format(value=value))
        return None
    return value.zfill(5)


def _unit_type(row: _Row) -> UnitType | None:
    value = row.required("type")
    if value is None:
        return None
    key = _key(value)
    if key == "xa":
        return UnitType.XA
    if key in ("phuong", "p"):
        return UnitType.PHUONG
    row.fail("type", t.UNIT_TYPE_GONE if key in ("thi tran", "tt") else t.BAD_UNIT_TYPE.format(value=value))
    return None


@dataclass(frozen=True, slots=True)
class Places:
    """What rows are checked against: communes, teams and the phones already registered."""

    communes: CommuneIndex
    teams: TeamIndex
    phones: dict[str, repo.PhoneOwner]


@dataclass(frozen=True, slots=True)
class TeamDraft:
    """A team to upsert and the person to make its leader."""

    commune_code: str
    name: str
    team_id: int | None  # the stored team the name matched, None for a new one
    leader: repo.PhoneOwner | None


def _check_teams(header: Header, rows: Sequence[SourceRow], places: Places) -> list[Checked[TeamDraft]]:
    checked: list[Checked[TeamDraft]] = []
    leader_phones: dict[int, str] = {}
    for source in rows:
        row = _Row(source, header)
        commune = _commune(row, places, required=True)
        name = row.required("team")
        leader = None
        phone = row.phone("leader_phone")
        if phone is not None:
            leader_phones[source.number] = phone
            leader = places.phones.get(phone)
            if leader is None:
                row.fail("leader_phone", t.LEADER_NOT_FOUND.format(phone=phone))
            elif leader.role in OFFICER_ROLES:
                row.fail("leader_phone", t.LEADER_IS_OFFICER.format(phone=phone))
        draft = None
        if commune is not None and name is not None:
            found = places.teams.resolve(commune.code, name)
            if len(found) > 1:
                names = ", ".join(f"«{team.name}»" for team in found)
                row.fail("team", t.AMBIGUOUS_TEAM.format(value=name, commune=commune.name, candidates=names))
            draft = TeamDraft(commune.code, name, found[0].id if len(found) == 1 else None, leader)
        checked.append(Checked(source, draft, row.problems))
    _mark_duplicates(
        checked,
        lambda c: (c.draft.commune_code, _bare_team(repo.team_key(c.draft.name))) if c.draft else None,
        lambda c, others: Problem(
            c.row.number, header.column_name("team"), t.DUPLICATE_TEAM_ROW.format(other=others[0])
        ),
        keep_first=True,
    )
    _mark_duplicates(
        checked,
        lambda c: leader_phones.get(c.row.number),
        lambda c, others: Problem(
            c.row.number,
            header.column_name("leader_phone"),
            t.LEADER_TWICE.format(phone=leader_phones[c.row.number], other=others[0]),
        ),
        keep_first=True,
    )
    return checked


def _commune(row: _Row, places: Places, *, required: bool) -> repo.StoredCommune | None:
    value = row.required("commune") if required else row.text("commune")
    if not value:
        return None
    found = places.communes.resolve(value)
    if isinstance(found, str):
        row.fail("commune", found)
        return None
    return found


@dataclass(frozen=True, slots=True)
class TeamRef:
    """The team a person row names: an existing id, or a name to create (``--create-teams``)."""

    commune_code: str
    name: str
    team_id: int | None


@dataclass(frozen=True, slots=True)
class PersonDraft:
    """A person to upsert by phone: the columns to set, and the team to join or support."""

    phone: str
    role: Role
    values: dict[str, object]
    team: TeamRef | None
    supports_team: bool  # a legal supporter: link them to the team in legal_support


@dataclass(slots=True)
class _PersonFacts:
    # Kept even for rows with other problems, so duplicates are found across every row.
    phone: str | None = None
    leads: tuple[str, str] | None = None  # (commune code, folded team name) of a team leader
    team_name: str = ""


def _check_people(
    header: Header, rows: Sequence[SourceRow], places: Places, today: date, create_teams: bool
) -> list[Checked[PersonDraft]]:
    checked: list[Checked[PersonDraft]] = []
    facts: dict[int, _PersonFacts] = {}
    for source in rows:
        row = _Row(source, header)
        fact = facts[source.number] = _PersonFacts()
        checked.append(Checked(source, _check_person(row, places, today, create_teams, fact), row.problems))
    _mark_duplicates(
        checked,
        lambda c: facts[c.row.number].phone,
        lambda c, others: Problem(
            c.row.number,
            header.column_name("phone"),
            t.DUPLICATE_PHONE.format(phone=facts[c.row.number].phone, other=", ".join(map(str, others))),
        ),
        keep_first=False,  # which of two rows with one phone is right is for the operator to say
    )
    _mark_duplicates(
        checked,
        lambda c: facts[c.row.number].leads,
        lambda c, others: Problem(
            c.row.number,
            header.column_name("role") if "role" in header.index else None,
            t.DUPLICATE_LEADER.format(team=facts[c.row.number].team_name, other=", ".join(map(str, others))),
        ),
        keep_first=False,
    )
    return checked


def _check_person(
    row: _Row, places: Places, today: date, create_teams: bool, fact: _PersonFacts
) -> PersonDraft | None:
    name = row.required("full_name")
    if name is not None and not any(ch.isalpha() for ch in name):
        row.fail("full_name", t.NOT_A_NAME.format(value=name))
    phone = row.phone("phone")
    if not row.text("phone") and row.has("phone"):
        row.fail("phone", t.REQUIRED_VALUE)
    fact.phone = phone
    role = _person_role(row, places, phone)
    commune = _commune(row, places, required=False)
    role_name = t.ROLE_NAMES[role.value]
    if commune is None and not row.text("commune") and role in (*MEDIATOR_ROLES, Role.COMMUNE_OFFICER):
        row.fail("commune", t.NEEDS_COMMUNE.format(role=role_name))
    team = _team(row, commune, places, create_teams)
    if team is None and not row.text("team") and role in MEDIATOR_ROLES:
        row.fail("team", t.NEEDS_TEAM.format(role=role_name))
    if role is Role.TEAM_LEADER and team is not None:
        fact.leads = (team.commune_code, repo.team_key(team.name))
        fact.team_name = team.name

    values: dict[str, object] = {
        "full_name": name,
        "role": role,
        "status": PersonStatus.ACTIVE,
        "commune_code": commune.code if commune else None,
    }
    # An empty optional cell keeps what is stored: a partial list must not erase known facts.
    optional: dict[str, object | None] = {
        "sex": _choice(row, "sex", _SEX, t.BAD_SEX),
        "ethnic_minority": _ethnic(row),
        "legal_background": row.flag("legal_background"),
        "recognised_on": row.date("recognised_on", today),
        "trained_on": row.date("trained_on", today),
        "is_trainer": row.flag("is_trainer"),
    }
    values.update({k: v for k, v in optional.items() if v is not None})
    supporter_text = row.text("legal_supporter")
    supporter = None
    if supporter_text:
        if _bool(supporter_text) is False:
            values["legal_supporter"] = None  # "không": explicitly no longer a supporter
        else:
            supporter = _choice(row, "legal_supporter", _LEGAL_SUPPORTERS, t.BAD_LEGAL_SUPPORTER)
            if supporter:
                values["legal_supporter"] = LegalSupporterType(supporter)
    if row.problems or phone is None or name is None:
        return None
    return PersonDraft(phone, role, values, team, supports_team=supporter is not None)


def _person_role(row: _Row, places: Places, phone: str | None) -> Role:
    chosen = _choice(row, "role", _ROLES, t.BAD_ROLE)
    if chosen:
        return Role(chosen)
    # A roster of mediators often has no role column: a new person is a mediator, while someone
    # already registered keeps their role (an officer listed there must not be demoted).
    owner = places.phones.get(phone) if phone else None
    return owner.role if owner else Role.MEDIATOR


def _choice(row: _Row, name: str, words: Mapping[str, str], error: str) -> str | None:
    value = row.text(name)
    if not value:
        return None
    found = words.get(_key(value))
    if found is None:
        row.fail(name, error.format(value=value))
    return found


def _ethnic(row: _Row) -> bool | None:
    value = row.text("ethnic_minority")
    if not value:
        return None
    key = _key(value)
    parsed = _bool(value)
    if parsed is not None:
        return parsed
    if key in _MAJORITY:
        return False
    if key in _MINORITIES:
        return True
    row.fail("ethnic_minority", t.BAD_ETHNICITY.format(value=value))
    return None


def _team(
    row: _Row, commune: repo.StoredCommune | None, places: Places, create_teams: bool
) -> TeamRef | None:
    value = row.text("team")
    if not value or commune is None:
        return None
    if len(value) > MAX_TEXT:
        row.fail("team", t.TOO_LONG.format(limit=MAX_TEXT))
        return None
    found = places.teams.resolve(commune.code, value)
    if len(found) == 1:
        return TeamRef(commune.code, found[0].name, found[0].id)
    if found:
        names = ", ".join(f"«{team.name}»" for team in found)
        row.fail("team", t.AMBIGUOUS_TEAM.format(value=value, commune=commune.name, candidates=names))
        return None
    if create_teams:
        return TeamRef(commune.code, value, None)
    row.fail("team", t.UNKNOWN_TEAM.format(value=value, commune=commune.name))
    return None


# --------------------------------------------------------------------------- writing


async def _write_units(
    conn: aiosqlite.Connection, drafts: Sequence[UnitDraft], report: ImportReport, now: datetime
) -> None:
    # Communes carry no timestamps; ``now`` is part of the common writer signature.
    flags = {d.commune.code: d.flags for d in drafts}
    report.counts = await repo.upsert_communes(conn, [d.commune for d in drafts], flags)


async def _write_teams(
    conn: aiosqlite.Connection, drafts: Sequence[TeamDraft], report: ImportReport, now: datetime
) -> None:
    for draft in drafts:
        team_id, change = await repo.upsert_team(conn, draft.commune_code, draft.name, now, draft.team_id)
        report.counts.add(change)
        if draft.leader is not None and await repo.set_team_leader(
            conn, team_id, draft.leader.person_id, now
        ):
            report.leaders_set += 1


async def _write_people(
    conn: aiosqlite.Connection, drafts: Sequence[PersonDraft], report: ImportReport, now: datetime
) -> None:
    for draft in drafts:
        team_id = None
        if draft.team is not None:
            team_id = draft.team.team_id
            if team_id is None:
                team_id, created = await repo.ensure_team(conn, draft.team.commune_code, draft.team.name, now)
                report.teams_created += int(created)
        values = dict(draft.values)
        # Officers belong to no team; a team named on their row is the one they support.
        values["team_id"] = team_id if draft.role in MEDIATOR_ROLES else None
        person_id, change = await repo.upsert_person_by_phone(conn, draft.phone, values, now)
        report.counts.add(change)
        if draft.role is Role.TEAM_LEADER and team_id is not None:
            await repo.set_team_leader(conn, team_id, person_id, now)
        if draft.supports_team and team_id is not None:
            await repo.link_legal_support(conn, person_id, team_id)


# --------------------------------------------------------------------------- running


def default_rejects_path(source: Path) -> Path:
    """Where rejected rows go unless told: "nguoi.xlsx" → "nguoi.rejects.csv" next to it."""
    return source.with_name(f"{source.stem}.rejects.csv")


def write_rejects(
    path: Path, header: SourceRow, rejected: Sequence[tuple[SourceRow, list[Problem]]], delimiter: str
) -> None:
    """Write rejected rows with their original cells and a "lỗi" column (.xlsx or CSV UTF-8 with BOM)."""
    width = max([len(header.cells), *(len(row.cells) for row, _ in rejected)])
    titles = [header.cell(i) for i in range(width)] + [t.REJECTS_COLUMN]
    lines = [
        [row.cell(i) for i in range(width)] + ["; ".join(_reason(p) for p in problems)]
        for row, problems in rejected
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(titles)
        for line in lines:
            # Text cells keep phones' leading zeros and codes like 06040 intact.
            sheet.append(line)
        workbook.save(path)
        return
    # The BOM makes Excel read the file as UTF-8; the input's delimiter suits the operator's Excel.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(titles)
        writer.writerows(lines)


def _reason(problem: Problem) -> str:
    return f"{problem.column}: {problem.message}" if problem.column else problem.message


async def run_import(
    db: Database,
    kind: ImportKind,
    path: Path | None,
    options: ImportOptions,
    *,
    now: datetime,
    today: date,
) -> ImportReport:
    """Import one file (or, for units without a file, the bundled list); see the module doc.

    ``now`` stamps created/updated rows; ``today`` (the local date) rejects future dates.
    Raises :class:`ImportAborted` when the file cannot be read or there are no communes yet.
    """
    if kind is ImportKind.UNITS and path is None:
        return await _import_bundled_units(db, options)
    if path is None:
        raise ValueError(f"import {kind} needs a file")
    raw = await asyncio.to_thread(read_table, path)
    columns = COLUMNS[kind]
    start = _find_header(raw.rows, columns)
    header = map_header(raw.rows[start], columns)
    data = raw.rows[start + 1 :]
    report = ImportReport(kind, str(path), rows=len(data), dry_run=options.dry_run)
    report.ignored_columns = header.ignored
    report.file_problems = _file_problems(header, data)
    batch = _Batch(db, report, path, raw, header, options, now)
    if kind is ImportKind.UNITS:
        stored = {commune.code: commune for commune in await repo.list_communes(db)}
        await batch.finish(_check_units(header, data, stored), _write_units)
        return report
    places = await _load_places(db)
    if kind is ImportKind.TEAMS:
        await batch.finish(_check_teams(header, data, places), _write_teams)
    else:
        await batch.finish(_check_people(header, data, places, today, options.create_teams), _write_people)
    return report


@dataclass(frozen=True, slots=True)
class _Batch:
    """Everything the last step of an import needs besides the checked rows."""

    db: Database
    report: ImportReport
    path: Path
    raw: RawTable
    header: Header
    options: ImportOptions
    now: datetime

    async def finish(self, checked: Sequence[Checked[D]], write: Writer[D]) -> None:
        """Record the problems; unless they forbid it, save the rejects and write the valid rows."""
        report, options = self.report, self.options
        rejected = [(item.row, item.problems) for item in checked if item.problems]
        report.row_problems = [problem for _, problems in rejected for problem in problems]
        report.rejected_rows = len(rejected)
        if report.file_problems or (rejected and not options.skip_invalid) or options.dry_run:
            return
        if rejected:
            # Written before the import, so a failure to write it leaves the database untouched.
            target = options.rejects_path or default_rejects_path(self.path)
            await asyncio.to_thread(write_rejects, target, self.header.row, rejected, self.raw.delimiter)
            report.rejects_file = target
        drafts = [item.draft for item in checked if item.draft is not None and not item.problems]
        async with self.db.transaction() as conn:
            await write(conn, drafts, report, self.now)
        report.imported = True


def _file_problems(header: Header, data: Sequence[SourceRow]) -> list[Problem]:
    problems = [
        Problem(None, None, t.MISSING_COLUMN.format(label=t.COLUMN_LABELS[name])) for name in header.missing
    ]
    problems += [
        Problem(None, None, t.DUPLICATE_COLUMN.format(first=a, second=b, label=t.COLUMN_LABELS[name]))
        for a, b, name in header.duplicates
    ]
    if not data:
        problems.append(Problem(None, None, t.NO_DATA_ROWS))
    return problems


async def _load_places(db: Database) -> Places:
    communes = await repo.list_communes(db)
    if not communes:
        raise ImportAborted(t.NO_COMMUNES)
    return Places(
        CommuneIndex(communes), TeamIndex(await repo.list_teams(db)), await repo.people_by_phone(db)
    )


def bundled_communes() -> list[Commune]:
    """The 65 communes of Lạng Sơn since 1/7/2025, from the CSV shipped in the package."""
    text = (resources.files("bot") / BUNDLED_UNITS).read_text("utf-8")
    return parse_units_csv(text)


async def _import_bundled_units(db: Database, options: ImportOptions) -> ImportReport:
    communes = await asyncio.to_thread(bundled_communes)
    report = ImportReport(ImportKind.UNITS, "", rows=len(communes), dry_run=options.dry_run)
    if options.dry_run:
        return report
    async with db.transaction() as conn:
        report.counts = await repo.upsert_communes(conn, communes)
    report.imported = True
    return report


__all__ = [
    "COLUMNS",
    "CommuneIndex",
    "ImportAborted",
    "ImportKind",
    "ImportOptions",
    "ImportReport",
    "Problem",
    "TeamIndex",
    "bundled_communes",
    "default_rejects_path",
    "map_header",
    "read_table",
    "run_import",
    "write_rejects",
]
