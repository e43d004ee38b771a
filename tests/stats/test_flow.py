"""The /thongke flow through the real engine: who may use it, periods, summary, charts, Excel files."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from bot.config import Settings
from bot.conversation.messages import Attachment, Channel, Reply
from bot.domain.periods import Period, PeriodError
from bot.flows.stats import monthly_window, stats_flow, stats_visible
from bot.reports.xlsx import XLSX_MIME
from bot.runtime import App, open_app
from bot.services import privacy
from bot.storage import people as people_repo
from bot.texts import stats as ts
from tests.conftest import Chat, FakeClock
from tests.databases import settings_on
from tests.flows.support import notice_version
from tests.stats.conftest import Q2, World
from tests.stats.test_charts import png_size


@pytest.fixture
async def app(settings: Settings, world: World) -> AsyncIterator[App]:
    """The app on the hand-built province, on 30/6/2026 (local), with the stats flow installed."""
    on_world = settings_on(settings, world.db)
    clock = FakeClock(datetime(2026, 6, 30, 3, 0, tzinfo=UTC))
    async with open_app(on_world, load_kb=False, clock=clock) as opened:
        flow = stats_flow()
        opened.flows[flow.name] = flow
        opened.flow_commands["thongke"] = flow.name
        yield opened


async def chat_as(app: App, person_id: int) -> Chat:
    chat = Chat(app, f"p{person_id}")
    user = f"user-{chat.chat_id}"
    async with app.db.transaction() as tx:
        await people_repo.touch_identity(tx, Channel.CONSOLE, user, chat.chat_id, "", app.clock())
        await people_repo.link_identity(tx, Channel.CONSOLE, user, person_id)
        # They have read the current notice (it would otherwise come before their first flow).
        await privacy.record_consent(
            tx, Channel.CONSOLE, chat.chat_id, notice_version(app), True, app.clock(), person_id
        )
    return chat


async def attachment(reply: Reply) -> Attachment:
    assert reply.attachment_factory is not None
    return await reply.attachment_factory()


async def test_province_officer_summary_chart_and_reports(app: App, world: World) -> None:
    chat = await chat_as(app, world.province)
    (scope_prompt,) = await chat.send("/thongke")
    assert scope_prompt.text == ts.PICK_SCOPE
    assert [c.value for c in scope_prompt.choices] == ["province", "pilot"]
    (period_prompt,) = await chat.send("1")
    assert period_prompt.text == ts.PICK_PERIOD
    summary, more = await chat.send("2026-Q2")

    lines = summary.text.splitlines()
    assert lines[0] == "📊 Thống kê hòa giải — tỉnh Lạng Sơn"
    assert lines[1] == "Kỳ: quý II/2026 (01/04/2026 – 30/06/2026)"
    assert "Vụ việc tiếp nhận: 10 (thành 5, không thành 3, đang hòa giải 1, không thuộc phạm vi 1)" in lines
    assert "Tổ hòa giải: 4 · hòa giải viên: 10 (nữ 5, dân tộc thiểu số 6)" in lines
    assert "⚠️ Tỷ lệ hòa giải thành: 62,5% (5/8 vụ việc) — mục tiêu ≥85%, còn thiếu 22,5 điểm %" in lines
    assert "✅ Tổ được hỗ trợ chuyên môn pháp luật: 50,0% (2/4 tổ) — mục tiêu ≥10%" in lines
    assert "✅ Tập huấn viên cấp tỉnh / 100 tổ: 25,0 (1 người/4 tổ) — mục tiêu ≥1" in lines
    assert "Thù lao ước tính (TT 56/2023): 4.700.000 đ" in lines
    assert len(summary.text) < 2000  # one Zalo message

    ranking = await attachment(summary)
    assert ranking.mime_type == "image/png" and png_size(ranking.read())[0] == 1080
    assert [c.value for c in more.choices] == ["xlsx", "monthly", "ranking", "training", "period", "done"]

    replies = await chat.send("Tải báo cáo Excel")
    assert replies[0].text == ts.XLSX_SENDING.format(n=3, title="quý II/2026")
    files = [await attachment(r) for r in replies[1:-1]]
    assert [f.filename.split("_")[0] for f in files] == ["10c", "results", "kh115"]
    for file in files:
        assert file.mime_type == XLSX_MIME
        assert load_workbook(io.BytesIO(file.read())).active is not None
    assert replies[-1].text == ts.MORE_PROMPT

    training, _ = await chat.press("training")
    assert png_size((await attachment(training)).read())[0] == 1080
    monthly, _ = await chat.press("monthly")
    assert png_size((await attachment(monthly)).read())[0] == 1080

    (done,) = await chat.press("done")
    assert done.text == ts.DONE
    assert await chat.session() is None


async def test_team_leader_sees_the_team_with_the_monthly_chart(app: App, world: World) -> None:
    chat = await chat_as(app, world.leader1)
    (period_prompt,) = await chat.send("/thongke")  # no scope question for a team
    assert period_prompt.text == ts.PICK_PERIOD
    summary, more = await chat.send("Quý này")
    assert summary.text.splitlines()[0] == "📊 Thống kê hòa giải — Tổ hòa giải thôn Nà Lầu, xã An Bình"
    # A pilot commune's team is judged against the pilot target.
    assert "⚠️ Tỷ lệ hòa giải thành ở xã điểm: 66,7% (2/3 vụ việc) — mục tiêu >90%, còn thiếu 23,3 điểm %" in (
        summary.text.splitlines()
    )
    chart = await attachment(summary)
    # Named after the twelve months it shows, not after the quarter asked for.
    assert chart.filename == "ty-le-thanh-theo-thang_2025-07_2026-06.png"
    assert "ranking" not in [c.value for c in more.choices]
    replies = await chat.press("xlsx")
    kinds = [(await attachment(r)).filename.split("_")[0] for r in replies[1:-1]]
    assert kinds == ["10c", "results", "kh115", "sotheodoi"]


async def test_commune_officer_reporting_period_and_another_period(app: App, world: World) -> None:
    chat = await chat_as(app, world.officer_b)
    await chat.send("/thongke")
    # On 30/6 the 6-month report's cut-off (31/5) has passed: the annual report is current.
    summary, _ = await chat.send("Kỳ báo cáo hiện tại")
    assert summary.text.splitlines()[1] == "Kỳ: năm 2026 (01/01/2026 – 31/12/2026)"
    (again,) = await chat.press("period")
    assert again.text == ts.PICK_PERIOD
    summary, _ = await chat.send("tháng 5/2026")
    assert "Vụ việc tiếp nhận: 1 (thành 0, không thành 1, đang hòa giải 0, không thuộc phạm vi 0)" in (
        summary.text.splitlines()
    )


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("quý 5/2026", ts.PERIOD_ERRORS[PeriodError.INVALID].format(text="quý 5/2026")),
        ("2027", ts.PERIOD_ERRORS[PeriodError.FUTURE].format(text="2027")),
        ("hôm kia", ts.PERIOD_ERRORS[PeriodError.UNRECOGNISED].format(text="hôm kia")),
    ],
)
async def test_bad_periods_are_explained(app: App, world: World, typed: str, error: str) -> None:
    chat = await chat_as(app, world.officer_a)
    await chat.send("/thongke")
    (reply,) = await chat.send(typed)
    assert reply.text == f"{error}\n\n{ts.PICK_PERIOD}"
    session = await chat.session()
    assert session is not None and session.step == "period"


@pytest.mark.parametrize("who", ["mediator2", "pending_officer"])
async def test_others_are_refused(app: App, world: World, who: str) -> None:
    chat = await chat_as(app, getattr(world, who))
    (reply,) = await chat.send("/thongke")
    assert reply.text == ts.NOT_ALLOWED
    assert await chat.session() is None


async def test_menu_visibility(app: App, world: World) -> None:
    from bot.conversation.actor import Actor

    def actor(person: object) -> Actor:
        return Actor(Channel.CONSOLE, "x", "x", person)  # type: ignore[arg-type]

    assert stats_visible(actor(await world.person(world.leader1)))
    assert stats_visible(actor(await world.person(world.officer_a)))
    assert not stats_visible(actor(await world.person(world.mediator2)))
    assert not stats_visible(actor(await world.person(world.pending_officer)))
    assert not stats_visible(actor(None))


async def test_excel_export_is_in_the_access_audit(app: App, world: World) -> None:
    chat = await chat_as(app, world.leader1)
    await chat.send("/thongke")
    await chat.send("Quý này")
    await chat.press("xlsx")
    rows = await app.db.fetchall("SELECT actor_id, action, scope FROM access_audit")
    assert [(r["actor_id"], r["action"], r["scope"][:5]) for r in rows] == [
        (world.leader1, "export_xlsx", "team:")
    ]


def test_the_monthly_chart_is_named_after_the_months_it_shows() -> None:
    window = monthly_window(Q2)
    assert (window.start, window.end, window.label) == (
        date(2025, 7, 1),
        date(2026, 6, 30),
        "2025-07_2026-06",
    )
    year = monthly_window(Period.custom(date(2024, 1, 1), date(2025, 12, 31)))
    assert (year.start, year.label) == (date(2024, 1, 1), "2024-01_2025-12")
    assert monthly_window(Period.month(2026, 5)).label == "2025-06_2026-05"
