"""What an import found and did: its report, the problems in it, and the error that stops it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from bot.storage import units as repo
from bot.texts import importer as t


class ImportKind(StrEnum):
    """What a file holds."""

    UNITS = "units"
    TEAMS = "teams"
    PEOPLE = "people"


class ImportAborted(Exception):
    """The import cannot start (unreadable file, no communes yet); the message is for the operator."""


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
