"""Every workbook the bot writes, built from one small data set whose free text is chosen by the
caller: formula payloads for the injection scan, long Vietnamese text for the print checks.

``texts(i)`` gives the i-th free-text value; every free-text field (commune, team and person
names, case summaries, legal support, unknown codes, course titles and places, absence reasons,
contest titles, the importer's cells) takes a different one, so a scan can tell them apart.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.reports.export import ExportKind, ExportOptions, build_reports
from bot.reports.training_xlsx import attendance_workbook, results_workbook
from bot.services.importing.rejects import write_rejects
from bot.services.importing.report import Problem
from bot.services.importing.tables import SourceRow
from bot.services.stats import Scope
from bot.services.training import Sheet
from bot.storage.db import Database
from bot.storage.training import AttendanceRow, CourseRow, Invitee, RoundRow, SessionRow, Standing
from tests.stats.conftest import Q2
from tests.stats.synth import Synth

Texts = Callable[[int], str]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
OPTIONS = ExportOptions(today=date(2026, 7, 2))


@dataclass(frozen=True, slots=True)
class Built:
    """One export: a name for messages, its bytes and its file suffix (xlsx or csv)."""

    name: str
    data: bytes
    suffix: str = "xlsx"


async def seed(db: Database, texts: Texts, cases: int = 3) -> int:
    """Two communes, a team each, people and Q2 cases whose every free text comes from ``texts``;
    returns the id of the first team."""
    s = Synth(db)
    a = await s.commune("00001", texts(0))
    b = await s.commune("00002", texts(1), unit_type="phường")
    t1 = await s.team(a, texts(2))
    t2 = await s.team(b, texts(3))
    leader = await s.person(texts(4), role="team_leader", team_id=t1, commune_code=a, sex="female")
    other = await s.person(texts(5), team_id=t2, commune_code=b, sex="male")
    for n in range(cases):
        await s.case(
            t1,
            f"2026-04-{n + 1:02d}",
            ["thanh", "khong_thanh", "ngoai_pham_vi"][n % 3],
            "dat_dai" if n % 2 else texts(6),  # an unknown field code is shown as stored
            reported_by=leader,
            summary=texts(10 + n),
            legal_support=texts(7),
            next_step=texts(8),
            out_of_scope_reason=texts(9),
            written_agreement=1,
            vulnerable_involved=1,
        )
    await s.case(t2, "2026-05-02", "thanh", "hon_nhan_gia_dinh", reported_by=other, summary=texts(9))
    return t1


async def stats_exports(db: Database, scope: Scope) -> list[Built]:
    """The four official reports for ``scope`` (the casebook included)."""
    kinds = list(ExportKind)
    files = await build_reports(db, Q2, scope, scope, kinds, OPTIONS)
    return [Built(f.filename, f.data) for f in files]


def training_exports(texts: Texts, people: int = 3) -> list[Built]:
    """The attendance list and the contest results, built from plain rows."""
    now = datetime(2026, 5, 1, 8, tzinfo=UTC)
    course = CourseRow(
        id=1,
        title=texts(20),
        level="commune",
        commune_code="00001",
        place=texts(21),
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 5, 2),
        topics=(),
        audience={},
        open_checkin=False,
        broadcast_id=None,
        created_by=1,
    )
    session = SessionRow(1, 1, date(2026, 5, 1), "123456", now, now)
    invited = [Invitee(i, texts(22 + 2 * i), texts(23 + 2 * i)) for i in range(people)]
    rows = [
        AttendanceRow(
            1, date(2026, 5, 1), i, texts(22 + 2 * i), texts(23 + 2 * i), "officer", now, texts(40 + i)
        )
        for i in range(people)
    ]
    sheet = Sheet(course, invited, [session], rows)
    round_ = RoundRow(1, texts(60), None, {}, ("q1", "q2"), now, now, 1)
    standings = [Standing(i, texts(22 + 2 * i), texts(23 + 2 * i), 1, 2, now) for i in range(people)]
    return [
        Built("attendance", attendance_workbook(sheet)),
        Built("contest", results_workbook(round_, standings, TZ)),
    ]


def rejects_exports(texts: Texts) -> list[Built]:
    """The importer's rejects file, as CSV and as XLSX."""
    header = SourceRow(1, (texts(70), texts(71), texts(72)))
    rows = [
        (
            SourceRow(n, (texts(73 + 3 * n), texts(74 + 3 * n), texts(75 + 3 * n))),
            [Problem(n, texts(90), "x")],
        )
        for n in range(2, 4)
    ]
    built = []
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in ("csv", "xlsx"):
            path = Path(tmp) / f"rejects.{suffix}"
            write_rejects(path, header, rows, ",")
            built.append(Built(f"rejects.{suffix}", path.read_bytes(), suffix))
    return built
