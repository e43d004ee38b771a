"""Issue 14 item 9: exports list communes, teams and people in Vietnamese alphabetical order
(«Bắc Sơn» before «Bình Gia», every «D» before «Đ»), not in SQL's code-point order."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from bot.reports.export import ExportKind, ExportOptions, build_report
from bot.services.stats import Scope
from bot.storage.db import Database
from tests.services.test_vietnamese_order import MEMBERS, MEMBERS_IN_ORDER
from tests.stats.conftest import Q2
from tests.stats.every_export import training_exports
from tests.stats.synth import Synth

OPTIONS = ExportOptions(today=date(2026, 7, 2))


async def test_exports_list_units_and_people_in_vietnamese_order(db: Database) -> None:
    s = Synth(db)
    for code, name in (
        ("00001", "Đình Lập"),
        ("00002", "Bình Gia"),
        ("00003", "Dương Thủy"),
        ("00004", "Bắc Sơn"),
    ):
        await s.commune(code, name)
    team = await s.team("00001", "thôn Nà Lầu")
    for name in MEMBERS:
        person = await s.person(name, team_id=team, commune_code="00001")
        await s.case(team, "2026-04-02", "thanh", reported_by=person)

    results = await build_report(db, ExportKind.RESULTS, Q2, Scope.province(), options=OPTIONS)
    ws = load_workbook(io.BytesIO(results.data)).active
    assert ws is not None
    units = [
        row[0]
        for row in ws.iter_rows(values_only=True)
        if isinstance(row[0], str) and row[0].startswith("xã ")
    ]
    assert units == ["xã Bắc Sơn", "xã Bình Gia", "xã Dương Thủy", "xã Đình Lập"]

    casebook = await build_report(db, ExportKind.CASEBOOK, Q2, Scope.team(team), options=OPTIONS)
    tally = load_workbook(io.BytesIO(casebook.data))["II. thôn Nà Lầu"]
    names = [row[1] for row in tally.iter_rows(values_only=True) if row[1] in MEMBERS]
    assert names == MEMBERS_IN_ORDER


def test_attendance_list_is_in_vietnamese_order() -> None:
    texts = {22: MEMBERS[0], 24: MEMBERS[1], 26: MEMBERS[2], 28: MEMBERS[3]}
    attendance = training_exports(lambda i: texts.get(i, f"x{i}"), people=4)[0]
    ws = load_workbook(io.BytesIO(attendance.data)).active
    assert ws is not None
    assert [row[1] for row in ws.iter_rows(min_row=5, values_only=True)] == MEMBERS_IN_ORDER
