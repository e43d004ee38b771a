"""``hoagiai audit`` prints the access log, filtered by person when asked."""

from __future__ import annotations

import pytest

from bot.cli import build_parser
from bot.runtime import App
from bot.services import privacy
from tests.flows.support import KHANH_KHE, TAN_DOAN, World


async def test_audit_command_lists_accesses(
    app: App, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    async with app.db.transaction() as tx:
        await privacy.record_access(
            tx, world.officer.id, "approval_card", "person:1", app.clock(), world.med.id
        )
        await privacy.record_access(tx, None, "export_xlsx", "province", app.clock())
    args = build_parser().parse_args(["audit", "--person", str(world.med_b.id)])
    assert await args.handler(args, app.settings) == 0
    out = capsys.readouterr().out
    assert "máy chủ (dòng lệnh): xuất tệp Excel, phạm vi province" in out
    assert "thẻ duyệt" not in out  # the card was about someone else


async def test_audit_command_by_commune(app: App, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    async with app.db.transaction() as tx:
        await privacy.record_access(tx, world.officer2.id, "export_xlsx", f"commune:{KHANH_KHE}", app.clock())
        await privacy.record_access(tx, world.officer.id, "export_xlsx", f"commune:{TAN_DOAN}", app.clock())
    args = build_parser().parse_args(["audit", "--commune", TAN_DOAN])
    assert await args.handler(args, app.settings) == 0
    out = capsys.readouterr().out
    assert "Lương Thị Hạnh: xuất tệp Excel" in out and "Vi Thị Nga" not in out
