"""Progress arithmetic: achieved against target for an area."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.domain.indicators import IndicatorSet
from bot.domain.models import Target

__all__ = ["ProgressLine", "progress_lines"]


@dataclass(frozen=True, slots=True)
class ProgressLine:
    indicator: str
    achieved: int
    target: int | None
    deadline: date | None

    @property
    def ratio(self) -> float | None:
        """Share of the target achieved (may exceed 1); None without a target."""
        if not self.target:
            return None
        return self.achieved / self.target


def progress_lines(
    indicators: IndicatorSet,
    totals: Mapping[str, int],
    targets: Iterable[Target],
    unit: str,
) -> list[ProgressLine]:
    """One line per indicator for ``unit``; targets of other units are ignored."""
    own = {t.indicator: t for t in targets if t.unit == unit}
    return [
        ProgressLine(
            indicator=i.code,
            achieved=totals.get(i.code, 0),
            target=own[i.code].value if i.code in own else None,
            deadline=own[i.code].deadline if i.code in own else None,
        )
        for i in indicators
    ]
