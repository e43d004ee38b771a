"""Charts are valid PNG images about 1080 px wide, including the "no data" cases."""

from __future__ import annotations

import struct

import pytest
from matplotlib.figure import Figure

from bot.reports import charts
from bot.texts import stats as ts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk (the first chunk of every PNG)."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _months(n: int) -> list[charts.Bar]:
    return [charts.Bar(f"T{i}\n2026", i % 5, 4 if i % 4 else 0) for i in range(1, n + 1)]


@pytest.mark.parametrize(
    "render",
    [
        lambda: charts.monthly_success_png(
            _months(12), 0.85, "Tỷ lệ hòa giải thành theo tháng", "xã Tân Đoàn"
        ),
        lambda: charts.monthly_success_png([], 0.85, "Tỷ lệ", ""),
        lambda: charts.ranking_png(
            [charts.Bar(f"xã Số {i}", 10 - i, 10) for i in range(5)],
            [charts.Bar(f"phường Số {i}", 3 - i, 10) for i in range(3)],
            0.85,
            "Xếp hạng",
            "tỉnh Lạng Sơn · quý II/2026",
            unranked=4,
        ),
        lambda: charts.ranking_png([charts.Bar("xã Một", 1, 1)], [], 0.9, "Xếp hạng"),
        lambda: charts.ranking_png([], [], 0.85, "Xếp hạng", "không có số liệu"),
        lambda: charts.coverage_png(
            [
                charts.TargetBar("Tất cả hòa giải viên", 620, 1000, target=0.8),
                charts.TargetBar("Hòa giải viên mới", 0, 0, target=1.0),
            ],
            "Bồi dưỡng hòa giải viên",
        ),
        lambda: charts.coverage_png([], "Bồi dưỡng hòa giải viên"),
    ],
)
def test_charts_are_phone_sized_pngs(render: object) -> None:
    assert callable(render)
    data = render()
    width, height = png_size(data)
    assert width == charts.WIDTH_PX
    assert 400 <= height <= 2000


def test_ranking_grows_with_rows() -> None:
    few = png_size(charts.ranking_png([charts.Bar("a", 1, 2)], [], 0.85, "t"))[1]
    many = png_size(
        charts.ranking_png(
            [charts.Bar(str(i), 1, 2) for i in range(5)],
            [charts.Bar(str(i), 0, 2) for i in range(5)],
            0.85,
            "t",
        )
    )[1]
    assert many > few


def test_bar_share() -> None:
    assert charts.Bar("x", 3, 4).share == 0.75
    assert charts.Bar("x", 0, 0).share is None


# --------------------------------------------------------------------------- issue 14 item 10


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_monthly_bars_say_how_many_cases_they_stand_for() -> None:
    months = [charts.Bar("T1\n2026", 1, 1), charts.Bar("T2\n2026", 20, 20), charts.Bar("T3\n2026", 0, 0)]
    fig = charts.monthly_success_figure(months, 0.85, "Tỷ lệ")
    # 100 % of 1 case and 100 % of 20 no longer look alike.
    assert _texts(fig) == ["100,0%\n1 vụ", "100,0%\n20 vụ", "chưa có"]
    assert charts.monthly_labels(months) == _texts(fig)


def test_charts_round_as_the_sentences_do() -> None:
    # 1/16 = 6.25 %: half away from zero everywhere ("6,3%"), as spreadsheets round it too.
    share = 1 / 16
    assert ts.percent(share) == "6,3%"
    fig = charts.monthly_success_figure([charts.Bar("T1\n2026", 1, 16)], 0.85, "Tỷ lệ")
    assert _texts(fig) == [f"{ts.percent(share)}\n16 vụ"]
    ranking = charts.ranking_png([charts.Bar("xã Một", 1, 16)], [], 0.85, "t")
    assert png_size(ranking)[0] == charts.WIDTH_PX
