"""Charts for the chat: PNG images about 1080 px wide, with large type, read on a phone.

Built on matplotlib's object API (``Figure`` + Agg canvas, never ``pyplot``), so no global
state is touched and the functions can run in worker threads; callers use
``asyncio.to_thread``. Inputs are plain labels and counts, not service objects, so the charts
can be tested and reused on their own. Each chart shows few series: a phone screen has room for
one idea per picture.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.texts import stats as ts

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_PX = 1080
DPI = 100
_GOOD = "#2e7d32"
_BAD = "#e65100"
_NEUTRAL = "#9e9e9e"
_TARGET = "#c62828"
_TITLE_SIZE = 26
_TEXT_SIZE = 19
_SMALL_SIZE = 16


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: a label and ``numerator / denominator`` (no bar when the denominator is 0)."""

    label: str
    numerator: int
    denominator: int

    @property
    def share(self) -> float | None:
        """The ratio, None without data."""
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True, slots=True)
class TargetBar(Bar):
    """A bar with its own target (the training chart compares groups with different targets)."""

    target: float = 0.0


def _figure(height_px: int) -> tuple[Figure, Axes]:
    # matplotlib is imported here, not at module load: it costs ~0.3 s that every start of the
    # bot (and every CLI command) would pay although charts are drawn only on request.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=_TEXT_SIZE)
    return fig, ax


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _titles(fig: Figure, title: str, subtitle: str) -> None:
    fig.suptitle(f"{title}\n{subtitle}" if subtitle else title, fontsize=_TITLE_SIZE, fontweight="bold")


def _pct(value: float) -> str:
    # The same rounding and decimals as the sentences and spreadsheets (bot.domain.rounding).
    return ts.percent(value)


def _tick(value: float) -> str:
    return ts.percent(value, 0)


def monthly_labels(months: Sequence[Bar]) -> list[str]:
    """What each month's column says: its rate and how many concluded cases it stands for
    ("85,7%\n7 vụ"; 100 % of 1 case is not 100 % of 20), or "chưa có" without one."""
    return [
        ts.CHART_NO_CASES
        if bar.share is None
        else f"{_pct(bar.share)}\n{ts.CHART_CASES_NOTE.format(n=ts.number(bar.denominator))}"
        for bar in months
    ]


def monthly_success_figure(months: Sequence[Bar], target: float, title: str, subtitle: str = "") -> Figure:
    """The figure of :func:`monthly_success_png` (tests read its texts)."""
    fig, ax = _figure(760)
    _titles(fig, title, subtitle)
    positions = range(len(months))
    heights = [(bar.share or 0.0) * 100 for bar in months]
    colours = [_NEUTRAL if bar.share is None else (_GOOD if bar.share >= target else _BAD) for bar in months]
    ax.bar(positions, heights, color=colours, width=0.7)
    ax.axhline(target * 100, color=_TARGET, linestyle="--", linewidth=3)
    small = _SMALL_SIZE if len(months) > 8 else _TEXT_SIZE
    # Twelve two-line labels need smaller type to stay inside their columns' width.
    label_size = small - 3 if len(months) > 8 else small
    for x, bar, label in zip(positions, months, monthly_labels(months), strict=True):
        if bar.share is None:
            ax.text(x, 2, label, ha="center", va="bottom", fontsize=small - 2, rotation=90)
            continue
        # On white, so the target line running through a label does not hide it.
        ax.text(
            x,
            bar.share * 100 + 1,
            label,
            ha="center",
            va="bottom",
            fontsize=label_size,
            linespacing=1.1,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
            zorder=3,
        )
    ax.set_xticks(list(positions), [bar.label for bar in months], fontsize=small)
    ax.set_ylim(0, 124)
    # The target gets its own red tick instead of a label floating among the bars.
    ticks = sorted({0.0, 25.0, 50.0, 100.0, target * 100})
    ax.set_yticks(ticks, [ts.target_percent(t / 100) if t == target * 100 else _tick(t / 100) for t in ticks])
    for tick, value in zip(ax.get_yticklabels(), ticks, strict=True):
        if value == target * 100:
            tick.set_color(_TARGET)
            tick.set_fontweight("bold")
    mark = ts.CHART_TARGET_MARK.format(value=ts.target_percent(target))
    ax.set_xlabel(mark, fontsize=_SMALL_SIZE, color=_TARGET)
    return fig


def monthly_success_png(months: Sequence[Bar], target: float, title: str, subtitle: str = "") -> bytes:
    """Success rate per month as columns, green at or above the target, orange below, each
    labelled with its rate and its number of concluded cases; the target as a dashed line.
    Months without a concluded case show "chưa có" instead of a bar.
    """
    return _png(monthly_success_figure(months, target, title, subtitle))


def ranking_png(
    best: Sequence[Bar],
    worst: Sequence[Bar],
    target: float,
    title: str,
    subtitle: str = "",
    unranked: int = 0,
) -> bytes:
    """Horizontal bars of the best and the worst units by success rate, best at the top.

    Each bar is labelled with its rate and the number of concluded cases behind it (a 100%
    over 2 cases is not a 100% over 200); the target is a dashed vertical line.
    """
    rows: list[Bar | None] = [*best, *([None] if best and worst else []), *worst]
    height = max(520, 170 + 78 * max(len(rows), 1) + (50 if unranked else 0))
    fig, ax = _figure(height)
    _titles(fig, title, subtitle)
    if not best and not worst:
        ax.axis("off")
        ax.text(0.5, 0.5, ts.CHART_EMPTY, ha="center", va="center", fontsize=_TITLE_SIZE)
        return _png(fig)
    labels: list[str] = []
    for y, bar in enumerate(rows):
        if bar is None:
            labels.append("⋯")
            continue
        share = bar.share or 0.0
        ax.barh(y, share * 100, color=_GOOD if share >= target else _BAD, height=0.72)
        text = f"{_pct(share)}  ({ts.CHART_CASES_NOTE.format(n=ts.number(bar.denominator))})"
        ax.text(min(share * 100, 100) + 1, y, text, va="center", fontsize=_SMALL_SIZE)
        labels.append(bar.label)
    ax.set_yticks(range(len(rows)), labels, fontsize=_TEXT_SIZE)
    ax.invert_yaxis()
    ax.axvline(target * 100, color=_TARGET, linestyle="--", linewidth=3)
    ax.set_xlim(0, 135)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    note = ts.CHART_TARGET_MARK.format(value=ts.target_percent(target))
    if unranked:
        note += "\n" + ts.CHART_NOT_RANKED.format(n=unranked)
    ax.set_xlabel(note, fontsize=_SMALL_SIZE, color=_TARGET)
    return _png(fig)


def coverage_png(bars: Sequence[TargetBar], title: str, subtitle: str = "") -> bytes:
    """Shares against per-bar targets (training coverage of all, pilot and new mediators)."""
    fig, ax = _figure(max(480, 200 + 130 * max(len(bars), 1)))
    _titles(fig, title, subtitle)
    if not bars:
        ax.axis("off")
        ax.text(0.5, 0.5, ts.CHART_EMPTY, ha="center", va="center", fontsize=_TITLE_SIZE)
        return _png(fig)
    for y, bar in enumerate(bars):
        share = bar.share
        if share is None:
            ax.text(1, y, ts.CHART_NO_CASES, va="center", fontsize=_TEXT_SIZE, color=_NEUTRAL)
        else:
            ax.barh(y, share * 100, color=_GOOD if share >= bar.target else _BAD, height=0.6)
            text = f"{_pct(share)}  ({ts.number(bar.numerator)}/{ts.number(bar.denominator)})"
            # Right of both the bar and the target tick, so neither hides the number.
            ax.text(max(share, bar.target) * 100 + 2, y, text, va="center", fontsize=_SMALL_SIZE)
        # Each group has its own target: a short red tick across its bar.
        ax.plot([bar.target * 100] * 2, [y - 0.42, y + 0.42], color=_TARGET, linestyle="--", linewidth=3)
    ax.set_yticks(range(len(bars)), [bar.label for bar in bars], fontsize=_TEXT_SIZE)
    ax.invert_yaxis()
    ax.set_xlim(0, 135)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel(ts.CHART_TARGET_MARK_EACH, fontsize=_SMALL_SIZE, color=_TARGET)
    return _png(fig)


__all__ = [
    "DPI",
    "WIDTH_PX",
    "Bar",
    "TargetBar",
    "coverage_png",
    "monthly_labels",
    "monthly_success_figure",
    "monthly_success_png",
    "ranking_png",
]
