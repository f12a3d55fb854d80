"""The poverty-rate panel of the progress chart: the rate at each year's end as a line, the
target path as a dashed line (matplotlib; imported with bot.exports.chart)."""

from __future__ import annotations

import math
from collections.abc import Callable

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from core.render import RatePanel

__all__ = ["RATE_PANEL_IN", "draw_rate_panel"]

RATE_PANEL_IN = 2.8  # inches: a line over at most a dozen years
_RATE = "#c0392b"
_TARGET = "#7f8c8d"


def draw_rate_panel(ax: Axes, panel: RatePanel, percent: Callable[[float], str], font: str) -> None:
    years = list(panel.years)
    # A year without a figure is a gap in its line.
    targets = [math.nan if v is None else v for v in panel.targets]
    rates = [math.nan if v is None else v for v in panel.rates]
    ax.plot(years, targets, color=_TARGET, linestyle="--", marker="o", label=panel.target_label)
    ax.plot(years, rates, color=_RATE, marker="o", linewidth=2, label=panel.rate_label)
    for year, value in zip(years, panel.rates, strict=True):
        if value is not None:
            ax.annotate(
                percent(value),
                (year, value),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=8,
                fontfamily=font,
            )
    ax.set_xticks(years, [str(y) for y in years], fontsize=9, fontfamily=font)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: percent(value)))
    values = [v for v in (*panel.rates, *panel.targets) if v is not None]
    ax.set_ylim(0, max([*values, 0.05]) * 1.2)
    ax.set_title(panel.title, loc="left", fontsize=11, fontfamily=font)
    ax.legend(prop={"family": font, "size": 9}, loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
