"""Progress arithmetic: achieved against target for an area, its pace, and who lags behind.

Definitions (the README's "Progress" section says the same to users):

- achieved = the target's baseline (what was done before reporting in the bot began) plus the
  active reports of the area's villages;
- change = reports whose work was done in the last ``CHANGE_DAYS`` days, today included;
- pace = reports done in the last ``PACE_DAYS`` days divided by ``PACE_DAYS``, per day; the
  projected completion is today + ceil(remaining / pace) days. Without a report in that window
  there is no projection, and an unmet target is behind;
- on track = projected completion on or before the deadline;
- everything is counted within one programme period (core.periods): its targets, the reports
  whose work date falls in it; once the period has ended its figures are final and an unmet
  target is missed, with no pace or projection;
- an area without a target of its own gets the sum of the targets set inside it (largest units
  first, never counting a village twice), with the latest of their deadlines (``TargetIndex``);
- furthest behind = the area's villages with a target, lowest share of it first (villages at or
  above their target are not behind); when no village of the area has a target, the villages with
  the lowest achieved count, in directory order on ties.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from core.indicators import IndicatorSet
from core.models import Target
from core.target_index import AreaTarget, TargetIndex
from core.units import COMMUNE, DISTRICT, NEW_COMMUNE, VILLAGE, Level, Unit, UnitDirectory

__all__ = [
    "BEHIND_COUNT",
    "CHANGE_DAYS",
    "MAX_PROJECTION_DAYS",
    "PACE_DAYS",
    "AreaProgress",
    "AreaTarget",
    "IndicatorProgress",
    "Standing",
    "Status",
    "TargetIndex",
    "area_groups",
    "area_progress",
    "assess",
    "furthest_behind",
    "indicator_progress",
    "projected_date",
    "share",
    "window_sum",
]

CHANGE_DAYS = 7
# Four weeks: long enough to smooth the weekly reporting rhythm, short enough to be today's pace.
PACE_DAYS = 28
BEHIND_COUNT = 3
# Beyond a century a date says nothing useful (and date arithmetic would overflow soon after).
MAX_PROJECTION_DAYS = 36_500


class Status(StrEnum):
    NO_TARGET = "no_target"
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"  # the period ended short of the target


@dataclass(frozen=True, slots=True)
class Standing:
    """Achieved against target for one part of an area (a commune or a village)."""

    code: str
    achieved: int
    target: AreaTarget | None
    change: int = 0  # reported in the last CHANGE_DAYS days, when the caller gave them

    @property
    def missing(self) -> int:
        """How far short of its target (0 without a target or once reached)."""
        return max(0, self.target.value - self.achieved) if self.target else 0

    @property
    def ratio(self) -> float | None:
        if self.target is None or not self.target.value:
            return None
        return self.achieved / self.target.value


@dataclass(frozen=True, slots=True)
class IndicatorProgress:
    indicator: str
    achieved: int
    target: AreaTarget | None
    change: int  # reported in the last CHANGE_DAYS days
    recent: int  # reported in the last PACE_DAYS days: the pace
    projected: date | None
    status: Status
    groups: tuple[Standing, ...]
    behind: tuple[Standing, ...]
    behind_by_share: bool  # False: no village has a target, ``behind`` is by lowest count

    @property
    def ratio(self) -> float | None:
        if self.target is None or not self.target.value:
            return None
        return self.achieved / self.target.value

    @property
    def reported(self) -> int:
        """What the period's reports count, without the target's baseline."""
        return self.achieved - (self.target.baseline if self.target else 0)


@dataclass(frozen=True, slots=True)
class AreaProgress:
    unit: str
    merged: bool  # grouped by the post-2025 communes
    today: date
    group_level: Level | None  # level of the parts listed: NEW_COMMUNE, COMMUNE, VILLAGE or None
    villages: int
    indicators: tuple[IndicatorProgress, ...]
    period: str | None = None  # the programme period counted
    closed: bool = False  # the period has ended: final figures, ``today`` is its last day


def window_sum(daily: Mapping[date, int], today: date, days: int) -> int:
    """What was done in the ``days`` days that end today (today included)."""
    first = today - timedelta(days=days - 1)
    return sum(n for day, n in daily.items() if first <= day <= today)


def projected_date(
    remaining: int, recent: int, today: date, pace_days: int = PACE_DAYS
) -> date | None:
    """Today plus the whole days needed at the pace ``recent / pace_days`` per day.

    None without pace, or when it would take more than MAX_PROJECTION_DAYS.
    """
    if remaining <= 0:
        return today
    if recent <= 0:
        return None
    days = -(-remaining * pace_days // recent)  # exact ceiling, no floating point
    if days > MAX_PROJECTION_DAYS:
        return None
    return today + timedelta(days=days)


def assess(
    achieved: int, target: AreaTarget | None, recent: int, today: date, *, closed: bool = False
) -> tuple[date | None, Status]:
    """Projected completion and whether it meets the deadline; final once ``closed``."""
    if target is None:
        return None, Status.NO_TARGET
    remaining = target.value - achieved
    if remaining <= 0:
        return None, Status.ACHIEVED
    if closed:
        return None, Status.MISSED
    projected = projected_date(remaining, recent, today)
    if projected is None or projected > target.deadline:
        return projected, Status.BEHIND
    return projected, Status.ON_TRACK


def area_groups(units: UnitDirectory, unit: Unit, *, merged: bool) -> list[tuple[Unit, list[str]]]:
    """The parts an area is shown in, each with its villages inside the area.

    A district splits into its communes on the chosen map; a current commune shown on the old
    map splits into the pre-2025 communes it took villages from; any other commune into its
    villages. A village has no parts.
    """
    if unit.level == VILLAGE:
        return []
    villages = units.villages_in(unit.code)
    by_commune = unit.level == DISTRICT or (unit.level == NEW_COMMUNE and not merged)
    if not by_commune:
        return [(v, [v.code]) for v in villages]
    parts: dict[str, list[str]] = {}
    if unit.level == DISTRICT:
        # Every commune of the map, even one whose villages are not listed yet: leaders look
        # for all of them, and its own target still shows.
        level = NEW_COMMUNE if merged else COMMUNE
        parts = {c.code: [] for c in units.of_level(level) if c.parent == unit.code}
    for village in villages:
        key = (village.current if merged else village.parent) or village.code
        parts.setdefault(key, []).append(village.code)
    ordered = sorted(parts, key=units.position)
    return [(units[code], parts[code]) for code in ordered if units.get(code)]


def share(achieved: int, value: int) -> float | Fraction:
    """Achieved ÷ target, exact where a float would not be (ordering villages behind)."""
    # A float quotient is correctly rounded: equal shares give equal floats, and two different
    # shares with values below 2**26 differ by more than a rounding, so the order is exact.
    return (
        achieved / value
        if value < _EXACT_FLOAT and abs(achieved) < _EXACT_FLOAT
        else (Fraction(achieved, value))
    )


_EXACT_FLOAT = 2**26


def furthest_behind(
    standings: Sequence[Standing], count: int = BEHIND_COUNT
) -> tuple[tuple[Standing, ...], bool]:
    """The ``count`` villages furthest behind, and whether that was judged by share of target.

    Equal shares (or counts) keep directory order.
    """
    return _furthest_behind(((s.code, s.achieved, s.target) for s in standings), count)


def _furthest_behind(
    villages: Iterable[tuple[str, int, AreaTarget | None]], count: int
) -> tuple[tuple[Standing, ...], bool]:
    # One pass keeping plain tuples; Standing objects only for the few named: a province's
    # 2,000 villages cost a pass, not a sort of objects.
    everyone = []
    lagging = []
    with_target = False
    for position, (code, achieved, target) in enumerate(villages):
        everyone.append((achieved, position, code, target))
        if target is None or target.value <= 0:
            continue
        with_target = True
        if achieved < target.value:
            lagging.append((share(achieved, target.value), position, code, achieved, target))
    if with_target:
        behind = heapq.nsmallest(count, lagging)
        return tuple(Standing(c, a, t) for _, _, c, a, t in behind), True
    lowest = heapq.nsmallest(count, everyone)
    return tuple(Standing(c, a, t) for a, _, c, t in lowest), False


def indicator_progress(
    indicator: str,
    whole: Standing,
    daily: Mapping[tuple[str, date], int],
    today: date,
    *,
    closed: bool,
    groups: tuple[Standing, ...],
    behind: tuple[Standing, ...],
    by_share: bool,
) -> IndicatorProgress:
    """One indicator of an area, its pace and outlook from the area's counts per
    (indicator, day)."""
    per_day = {day: n for (ind, day), n in daily.items() if ind == indicator}
    recent = window_sum(per_day, today, PACE_DAYS)
    projected, status = assess(whole.achieved, whole.target, recent, today, closed=closed)
    return IndicatorProgress(
        indicator=indicator,
        achieved=whole.achieved,
        target=whole.target,
        change=window_sum(per_day, today, CHANGE_DAYS),
        recent=recent,
        projected=projected,
        status=status,
        groups=groups,
        behind=behind,
        behind_by_share=by_share,
    )


def area_progress(
    units: UnitDirectory,
    indicators: IndicatorSet,
    targets: Sequence[Target],
    unit: Unit,
    *,
    merged: bool,
    totals: Mapping[tuple[str, str], int],
    daily: Mapping[tuple[str, date], int],
    today: date,
    period: str | None = None,
    closed: bool = False,
    week: Mapping[tuple[str, str], int] | None = None,
) -> AreaProgress:
    """Everything /tiendo shows for ``unit``, from aggregates only.

    ``targets`` and ``totals`` are those of one period: reported counts per (village,
    indicator) of the work done in it; ``daily`` holds the area's reported counts per
    (indicator, day) for at least the last PACE_DAYS days. A ``closed`` period is judged on its
    last day (``today``), without pace. ``week`` holds counts per (village, indicator) of the
    last CHANGE_DAYS days, for the change of each part.
    """
    village_codes = [v.code for v in units.villages_in(unit.code)]
    groups = area_groups(units, unit, merged=merged)
    index = TargetIndex(units, targets)
    lines = []
    for indicator in indicators:
        code = indicator.code

        def standing(unit_code: str, codes: Iterable[str], ind: str = code) -> Standing:
            members = frozenset(codes)
            target = index.for_area(ind, unit_code, members)
            reported = sum(totals.get((v, ind), 0) for v in members)
            change = sum(week.get((v, ind), 0) for v in members) if week else 0
            return Standing(
                unit_code, reported + (target.baseline if target else 0), target, change
            )

        def village(unit_code: str, ind: str = code) -> tuple[str, int, AreaTarget | None]:
            target = index.for_village(ind, unit_code)
            reported = totals.get((unit_code, ind), 0)
            return unit_code, reported + (target.baseline if target else 0), target

        behind: tuple[Standing, ...] = ()
        by_share = False
        if len(village_codes) > 1:
            behind, by_share = _furthest_behind(map(village, village_codes), BEHIND_COUNT)
        lines.append(
            indicator_progress(
                code,
                standing(unit.code, village_codes),
                daily,
                today,
                closed=closed,
                groups=tuple(standing(g.code, codes) for g, codes in groups),
                behind=behind,
                by_share=by_share,
            )
        )
    return AreaProgress(
        unit=unit.code,
        merged=merged,
        today=today,
        group_level=groups[0][0].level if groups else None,
        villages=len(village_codes),
        indicators=tuple(lines),
        period=period,
        closed=closed,
    )
