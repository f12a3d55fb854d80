"""Bar charts of achieved against target, as PNG bytes (matplotlib, Agg backend).

Figures are built with ``matplotlib.figure.Figure`` and drawn by the Agg canvas: no pyplot,
so no global figure state in a long-running server. Import this module lazily: matplotlib
costs tens of megabytes and about a second on first use.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.exports.rate_chart import RATE_PANEL_IN, draw_rate_panel
from core.render import MAX_BARS, ChartPanel, RatePanel

__all__ = ["render_progress_chart"]

_DPI = 100
_WIDTH_IN = 9.0
_ROW_IN = 0.32  # per part: two bars and a 9-point label
_PANEL_EXTRA_IN = 1.2
_ACHIEVED = "#2b7bba"
_TARGET = "#f4a259"
_FONT = "DejaVu Sans"  # ships with matplotlib and has every Vietnamese letter

# matplotlib's text layout shares font caches between figures: draw one chart at a time.
_LOCK = threading.Lock()


def render_progress_chart(
    title: str,
    panels: Sequence[ChartPanel],
    *,
    achieved_label: str,
    target_label: str,
    number: Callable[[float], str],
    rate: RatePanel | None = None,
    percent: Callable[[float], str] | None = None,
) -> bytes:
    """One horizontal bar panel per indicator: achieved beside target for each part of the area
    (core.render.ChartRenderer); then the poverty rate by year when ``rate`` is given.

    ``number`` formats values for the axis and the bar ends (Babel: 1.733 in Vietnamese).
    """
    if not panels or any(not 0 < len(p.labels) <= MAX_BARS for p in panels):
        raise ValueError(f"between 1 and {MAX_BARS} bars per panel")
    heights = [_PANEL_EXTRA_IN + _ROW_IN * len(p.labels) for p in panels]
    if rate is not None:
        heights.append(RATE_PANEL_IN)
    with _LOCK:
        figure = Figure(figsize=(_WIDTH_IN, sum(heights) + 0.6), dpi=_DPI, layout="constrained")
        FigureCanvasAgg(figure)
        figure.suptitle(title, fontsize=13, fontweight="bold", fontfamily=_FONT)
        axes = figure.subplots(len(heights), 1, squeeze=False, height_ratios=heights)[:, 0]
        for ax, panel in zip(axes, panels, strict=False):
            _draw_panel(ax, panel, number)
        if rate is not None:
            draw_rate_panel(axes[-1], rate, percent or "{:.0%}".format, _FONT)
        # One legend for all panels, below them, where it hides neither a bar nor the title.
        figure.legend(
            handles=[Patch(color=_ACHIEVED), Patch(color=_TARGET)],
            labels=[achieved_label, target_label],
            loc="outside lower center",
            ncols=2,
            prop={"family": _FONT, "size": 9},
        )
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=_DPI)
    return out.getvalue()


def _draw_panel(ax: Axes, panel: ChartPanel, number: Callable[[float], str]) -> None:
    count = len(panel.labels)
    rows = list(range(count))
    bar = 0.4
    achieved_bars = ax.barh(
        [r - bar / 2 for r in rows],
        panel.achieved,
        height=bar,
        color=_ACHIEVED,
    )
    has_target = any(t is not None for t in panel.targets)
    if has_target:
        target_bars = ax.barh(
            [r + bar / 2 for r in rows],
            [t or 0 for t in panel.targets],
            height=bar,
            color=_TARGET,
        )
        ax.bar_label(
            target_bars,
            labels=[number(t) if t is not None else "" for t in panel.targets],
            padding=3,
            fontsize=8,
            fontfamily=_FONT,
        )
    ax.bar_label(
        achieved_bars,
        labels=[number(a) for a in panel.achieved],
        padding=3,
        fontsize=8,
        fontfamily=_FONT,
    )
    ax.set_yticks(rows, list(panel.labels), fontsize=9, fontfamily=_FONT)
    ax.invert_yaxis()  # first part on top, as in the text reply
    ax.set_title(panel.title, loc="left", fontsize=11, fontfamily=_FONT)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value)))
    top = max([*panel.achieved, *(t or 0 for t in panel.targets), 1])
    ax.set_xlim(0, top * 1.15)  # room for the numbers at the bar ends
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
