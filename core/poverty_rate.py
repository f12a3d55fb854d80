"""The real poverty rate: poor households ÷ all households, from the registry and the year-end
totals, and its target path.

Definitions (the README's "Household registry" section says the same to users):

- the **poverty rate** of an area at the end of a year = its households whose category at the
  end of that year is *nghèo* ÷ the sum of its villages' totals (tổng số hộ) of that year; the
  **near-poor rate** likewise with *cận nghèo*. A household's category at the end of a year is
  the last step of its history decided that year or before; a household with no such step was
  not on the list yet;
- the rate **now** = households whose current category is *nghèo* ÷ the sum of each village's
  latest total (whatever its year);
- a village **counts** toward a year-end rate when it has a total for that year and the registry
  has at least one of its households by then; toward the rate now when it has some total and
  some household. The others are left out of both sides of the division, and the rate says on
  how many of the area's villages it stands ("2/43 thôn"). Only a rate on every village of the
  area gets a verdict. No village counted, or totals that sum to 0: no rate at all (never a
  division by zero);
- **phát sinh** (newly poor) in a year = poor at its end, poor at no earlier year's end, and its
  village already in the registry at the end of the year before (a village's first list is the
  starting point, not new poverty); **tái nghèo** (poor again) = poor at its end, not poor at the
  end of the year before, poor at the end of some earlier year. A household is one or the other
  in a year, never both;
- the **target path** of a unit in a programme period: from the unit's latest baseline (a rate
  the admin sets for the end of a year, from the year before the period on) the rate falls by the
  period's yearly step (the unit's own, else the one for every unit): target(Y) = baseline −
  step × (Y − baseline year), never below 0. A later baseline (the 2022 standard re-based the
  count) starts the path again. The baseline's own year has no verdict;
- **verdict**: a year that has ended is *đạt* when its rate is at or below its target, else
  *không đạt*; the year under way compares the rate now with its year-end target: *đúng tiến
  độ* at or below it, else *chậm*.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from core.households import Category, VillageTotal
from core.periods import Period
from core.progress import Status

__all__ = [
    "EVERY_UNIT",
    "Baseline",
    "Movements",
    "PathStep",
    "Rate",
    "RegistryFacts",
    "Step",
    "YearTarget",
    "judge",
    "target_path",
    "yearly_fall",
]

# The unit of a path step that holds for every unit without one of its own.
EVERY_UNIT = ""


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a household's history (oldest first within a household)."""

    household: int
    village: str
    category: Category
    year: int


@dataclass(frozen=True, slots=True)
class Rate:
    """Poor and near-poor households of the villages counted, over the sum of their totals."""

    poor: int = 0
    near_poor: int = 0
    total: int = 0
    counted: int = 0  # villages counted
    villages: int = 0  # villages of the area

    @property
    def poor_rate(self) -> Fraction | None:
        return Fraction(self.poor, self.total) if self.counted and self.total > 0 else None

    @property
    def near_poor_rate(self) -> Fraction | None:
        return Fraction(self.near_poor, self.total) if self.counted and self.total > 0 else None

    @property
    def complete(self) -> bool:
        """Every village of the area is counted: only then is there a verdict."""
        return self.poor_rate is not None and self.counted == self.villages


@dataclass(frozen=True, slots=True)
class Movements:
    newly_poor: int = 0  # phát sinh
    poor_again: int = 0  # tái nghèo


@dataclass(frozen=True, slots=True)
class Baseline:
    """A unit's poverty rate at the end of a year, as the admin sets it."""

    unit: str
    year: int
    rate: Fraction  # 29.99% is Fraction(2999, 10000)
    poor: int | None = None
    total: int | None = None


@dataclass(frozen=True, slots=True)
class PathStep:
    """How far the rate falls each year in a period: 6 points is Fraction(6, 100)."""

    period: str
    unit: str  # EVERY_UNIT: every unit without a step of its own
    fall: Fraction


@dataclass(frozen=True, slots=True)
class YearTarget:
    year: int
    rate: Fraction
    baseline: Baseline  # the baseline the path starts from

    @property
    def is_baseline(self) -> bool:
        return self.year == self.baseline.year


def yearly_fall(unit: str, period: Period, steps: Iterable[PathStep]) -> Fraction | None:
    """The period's yearly fall for the unit: its own, else the one for every unit."""
    found = None
    for step in steps:
        if step.period == period.code and step.unit == unit:
            return step.fall
        if step.period == period.code and step.unit == EVERY_UNIT:
            found = step.fall
    return found


def target_path(
    unit: str,
    period: Period,
    baselines: Iterable[Baseline],
    steps: Iterable[PathStep],
) -> dict[int, YearTarget]:
    """Year → target rate at its end, for the baseline's year and each year of the period; empty
    when the period has no step for the unit or the unit no baseline in it."""
    fall = yearly_fall(unit, period, steps)
    if fall is None:
        return {}
    first, last = period.start.year - 1, period.end.year
    own = sorted(
        (b for b in baselines if b.unit == unit and first <= b.year <= last), key=lambda b: b.year
    )
    path: dict[int, YearTarget] = {}
    for year in range(first, last + 1):
        base = next((b for b in reversed(own) if b.year <= year), None)
        if base is not None:
            rate = max(Fraction(0), base.rate - fall * (year - base.year))
            path[year] = YearTarget(year, rate, base)
    return path


def judge(rate: Rate, target: YearTarget | None, *, ended: bool) -> Status | None:
    """The verdict of a year's rate against its target; None without one (no target, the
    baseline's own year, or a rate not on every village)."""
    value = rate.poor_rate
    if target is None or target.is_baseline or value is None or not rate.complete:
        return None
    if ended:
        return Status.ACHIEVED if value <= target.rate else Status.MISSED
    return Status.ON_TRACK if value <= target.rate else Status.BEHIND


def _year_end(history: Sequence[Step], year: int) -> Category | None:
    """The category at the end of ``year``: the last step decided then or before."""
    found = None
    for step in history:
        if step.year > year:
            break
        found = step.category
    return found


class RegistryFacts:
    """The registry of some villages, read once, asked for rates and movements of any part."""

    def __init__(
        self,
        steps: Iterable[Step],
        current: Iterable[tuple[str, Category]],
        totals: Iterable[VillageTotal],
    ) -> None:
        histories: dict[int, list[Step]] = defaultdict(list)
        for step in steps:
            histories[step.household].append(step)
        self._histories = {h: sorted(s, key=lambda s: s.year) for h, s in histories.items()}
        self._current: dict[str, list[Category]] = defaultdict(list)
        for village, category in current:
            self._current[village].append(category)
        self._totals: dict[str, dict[int, int]] = defaultdict(dict)
        for total in totals:
            self._totals[total.village][total.year] = total.total
        # The first year each village has a household in the registry.
        self._first: dict[str, int] = {}
        for history in self._histories.values():
            village, year = history[0].village, history[0].year
            self._first[village] = min(year, self._first.get(village, year))

    def years(self) -> list[int]:
        """Every year some total or some decision is for."""
        found = {y for by_year in self._totals.values() for y in by_year}
        found.update(s.year for h in self._histories.values() for s in h)
        return sorted(found)

    def has_data(self, villages: Iterable[str]) -> bool:
        return any(v in self._totals or v in self._first for v in villages)

    def now(self, villages: Sequence[str]) -> Rate:
        poor = near = total = counted = 0
        for village in villages:
            by_year = self._totals.get(village)
            categories = self._current.get(village)
            if not by_year or not categories:
                continue
            counted += 1
            total += by_year[max(by_year)]
            poor += categories.count(Category.POOR)
            near += categories.count(Category.NEAR_POOR)
        return Rate(poor, near, total, counted, len(villages))

    def year_end(self, villages: Sequence[str], year: int) -> Rate:
        wanted = {
            v
            for v in villages
            if year in self._totals.get(v, {}) and self._first.get(v, year + 1) <= year
        }
        poor = near = 0
        for history in self._histories.values():
            if history[0].village not in wanted:
                continue
            category = _year_end(history, year)
            poor += category == Category.POOR
            near += category == Category.NEAR_POOR
        total = sum(self._totals[v][year] for v in wanted)
        return Rate(poor, near, total, len(wanted), len(villages))

    def movements(self, villages: Sequence[str], year: int) -> Movements:
        wanted = set(villages)
        newly = again = 0
        for history in self._histories.values():
            village = history[0].village
            if village not in wanted or _year_end(history, year) != Category.POOR:
                continue
            if _year_end(history, year - 1) == Category.POOR:
                continue
            earlier = range(history[0].year, year - 1)
            if any(_year_end(history, y) == Category.POOR for y in earlier):
                again += 1
            elif self._first[village] <= year - 1:
                newly += 1
        return Movements(newly, again)
