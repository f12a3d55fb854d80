"""/tiendo of a large area (a province's 2,000 villages) from sums the database makes per
*cell* — the villages that share a pre-2025 commune and a current commune — instead of from
figures per village.

Every area whose parts are communes, and every one of those parts, is a union of cells; so is
the set of villages of any target set on a commune or a district. The store sums reports and
village targets per cell and names the few villages furthest behind (``AreaCellReader``);
this module turns that into the same ``AreaProgress`` as ``core.progress.area_progress``,
target rules included (a unit's own target, else the targets inside it, largest first, never
counting a village twice).

It declines (returns None) where cells cannot give exactly that answer, and the caller then
uses ``area_progress``: parts that are villages, a village without a current commune on the
current map, a period whose counts are not the running totals, a target set on a unit of one
village inside the area, or numbers too large for exact float shares.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import NamedTuple, Protocol

from core.indicators import IndicatorSet
from core.models import Target
from core.progress import (
    BEHIND_COUNT,
    AreaProgress,
    AreaTarget,
    Standing,
    indicator_progress,
    share,
)
from core.units import COMMUNE, DISTRICT, NEW_COMMUNE, Unit, UnitDirectory

__all__ = [
    "AreaCellReader",
    "AreaCells",
    "AreaFigures",
    "Cell",
    "CellPlan",
    "CellQuery",
    "CellSums",
    "Kinds",
    "RankedVillage",
    "cells_progress",
    "plan_cells",
    "rankings",
]

Cell = tuple[str | None, str | None]  # (pre-2025 commune, current commune) of villages

# Below this, a share is an exact float and equal shares compare equal (as core.progress).
_EXACT_FLOAT = 2**26


class CellSums(NamedTuple):
    """One indicator in one cell (a tuple: hundreds are made per request)."""

    reported: int = 0  # in the period (the running totals)
    week: int = 0  # in the last CHANGE_DAYS days
    targets: int = 0  # villages with a target of their own
    positive: int = 0  # of those, targets above 0
    value: int = 0
    baseline: int = 0
    deadline: date | None = None  # the latest
    largest: int = 0  # the largest target value
    baseline_abs: int = 0  # the sum of the baselines' absolute values


@dataclass(frozen=True, slots=True)
class AreaCells:
    sums: Mapping[tuple[Cell, str], CellSums]  # by (cell, indicator); absent = nothing
    unit_targets: tuple[Target, ...]  # the period's targets of units that are not villages
    # The area's counts per (indicator, day) for the pace; None when villages outside the
    # area have reports too (the caller reads the area's days then).
    daily: Mapping[tuple[str, date], int] | None


@dataclass(frozen=True, slots=True)
class RankedVillage:
    indicator: str
    code: str
    reported: int
    target: AreaTarget | None  # the village's own target


@dataclass(frozen=True, slots=True)
class CellQuery:
    """An area as the store selects it, in one period."""

    parents: tuple[str, ...]  # the villages of these pre-2025 communes …
    currents: tuple[str, ...]  # … and of these current ones
    indicators: tuple[str, ...]
    period: str
    first: date  # the period's first day
    last: date  # the day counted up to
    week_first: date  # the first of the last CHANGE_DAYS days
    daily_first: date  # the first of the last PACE_DAYS days


# The indicators whose villages are ranked by share of target, and those ranked by count.
Kinds = tuple[list[str], list[str]]


@dataclass(frozen=True, slots=True)
class AreaFigures:
    cells: AreaCells
    by_share: tuple[str, ...]  # the indicators ranked by share of target (``rankings``)
    ranked: tuple[RankedVillage, ...]


class AreaCellReader(Protocol):
    """What the store reads for ``cells_progress``: aggregates only, flat in the reports."""

    async def area_figures(
        self, query: CellQuery, kinds: Callable[[AreaCells], Kinds | None], count: int
    ) -> AreaFigures | None:
        """In one read: the sums per cell of the area's villages, then, per indicator as
        ``kinds`` sorts them (a pure function, called once), the ``count`` villages furthest
        behind — for an indicator ranked by share, the villages with a target above 0 furthest
        short of it (lowest share first); by count, those with the least achieved; ties in
        directory order. None when work was reported outside ``first``..``last`` (the running
        totals are then not the period's) or when ``kinds`` declines."""
        ...


@dataclass(frozen=True, slots=True)
class CellPlan:
    unit: Unit
    merged: bool
    cells: frozenset[Cell]
    parents: tuple[str, ...]  # the area, as the store selects it
    currents: tuple[str, ...]
    groups: tuple[tuple[Unit, frozenset[Cell]], ...]  # the parts shown, in directory order


def plan_cells(units: UnitDirectory, unit: Unit, *, merged: bool) -> CellPlan | None:
    """The area's cells and parts, or None when its parts are not communes; made once per
    directory (each /tiendo of a province asks for it twice)."""
    return units.derived((plan_cells, unit, merged), lambda: _plan(units, unit, merged=merged))


def _plan(units: UnitDirectory, unit: Unit, *, merged: bool) -> CellPlan | None:
    counts = units.cells()
    if unit.level == DISTRICT:
        parents = tuple(c.code for c in units.of_level(COMMUNE) if c.parent == unit.code)
        currents: tuple[str, ...] = ()
        wanted = set(parents)
        cells = frozenset(c for c in counts if c[0] in wanted)
        level = NEW_COMMUNE if merged else COMMUNE
        parts: dict[str, set[Cell]] = {
            c.code: set() for c in units.of_level(level) if c.parent == unit.code
        }
    elif unit.level == NEW_COMMUNE and not merged:
        parents, currents = (), (unit.code,)
        cells = frozenset(c for c in counts if c[1] == unit.code)
        parts = {}
    else:
        return None
    for cell in cells:
        key = cell[1] if merged else cell[0]
        if key is None:
            return None  # the village is a part of its own: area_progress shows it
        parts.setdefault(key, set()).add(cell)
    ordered = sorted(parts, key=units.position)
    groups = tuple((units[code], frozenset(parts[code])) for code in ordered if units.get(code))
    return CellPlan(unit, merged, cells, parents, currents, groups)


def rankings(
    units: UnitDirectory, plan: CellPlan, cells: AreaCells, indicators: IndicatorSet
) -> Kinds | None:
    """Which indicators rank villages by share of target and which by count; None when the
    cells cannot answer exactly (see the module's docstring)."""
    for target in cells.unit_targets:
        inside = units.villages_in(target.unit)
        if len(inside) == 1 and (inside[0].parent, inside[0].current) in plan.cells:
            return None
    by_share: list[str] = []
    by_count: list[str] = []
    for indicator in indicators:
        positive = 0
        for cell in plan.cells:
            sums = cells.sums.get((cell, indicator.code))
            if sums is None:
                continue
            if sums.largest >= _EXACT_FLOAT or sums.reported + sums.baseline_abs >= _EXACT_FLOAT:
                return None
            positive += sums.positive
        (by_share if positive else by_count).append(indicator.code)
    return by_share, by_count


class _Targets:
    """core.progress.TargetIndex for areas made of cells."""

    def __init__(self, units: UnitDirectory, cells: AreaCells, plan: CellPlan) -> None:
        self._units = units
        self._counts = units.cells()
        # By indicator, then cell: a part's cells are looked up without a key made per cell.
        self._sums: dict[str, dict[Cell, CellSums]] = {}
        for (cell, indicator), found in cells.sums.items():
            self._sums.setdefault(indicator, {})[cell] = found
        self._own = {(t.indicator, t.unit): t for t in cells.unit_targets}
        self._sizes = {t.unit: len(units.villages_in(t.unit)) for t in cells.unit_targets}
        # The unit targets wholly inside the area, each under the cells it covers, with its
        # rank: largest first, stable (the order in which parts are taken).
        self._by_cell: dict[tuple[str, Cell], list[tuple[int, Target, frozenset[Cell]]]] = {}
        ranked = sorted(cells.unit_targets, key=lambda t: -self._sizes[t.unit])
        for rank, target in enumerate(ranked):
            covered = frozenset(c for c in plan.cells if self._covers(target.unit, c))
            if not self._sizes[target.unit] or self.size(covered) != self._sizes[target.unit]:
                continue  # no villages, or some outside the area: never a part here
            for cell in covered:
                self._by_cell.setdefault((target.indicator, cell), []).append(
                    (rank, target, covered)
                )

    def _covers(self, code: str, cell: Cell) -> bool:
        unit = self._units.get(code)
        if unit is None:
            return False
        if unit.level == COMMUNE:
            return cell[0] == code
        if unit.level == NEW_COMMUNE:
            return cell[1] == code
        if unit.level == DISTRICT:
            parent = self._units.get(cell[0]) if cell[0] else None
            return parent is not None and parent.level == COMMUNE and parent.parent == code
        return False

    def size(self, members: Collection[Cell]) -> int:
        return sum(self._counts.get(c, 0) for c in members)

    def standing(self, indicator: str, code: str, members: frozenset[Cell]) -> Standing:
        """The part ``code`` made of ``members``: what it reported (with its target's
        baseline), its change in the last days, and its own target, else the targets inside
        it, largest first, never a village twice (core.progress.TargetIndex)."""
        sums = self._sums.get(indicator, {})
        own = self._own.get((indicator, code))
        # The members are villages of ``code``: all of them when the sizes agree.
        if own is not None and self._sizes[code] == self.size(members):
            reported = change = 0
            for cell in members:
                found = sums.get(cell)
                if found is not None:
                    reported += found.reported
                    change += found.week
            whole = AreaTarget(own.value, own.deadline, own.baseline)
            return Standing(code, reported + whole.baseline, whole, change)
        taken: set[Cell] = set()
        value = baseline = parts = 0
        deadline: date | None = None
        if self._by_cell:
            candidates: dict[int, tuple[Target, frozenset[Cell]]] = {}
            for cell in members:
                for rank, target, covered in self._by_cell.get((indicator, cell), ()):
                    if rank not in candidates and covered <= members:
                        candidates[rank] = (target, covered)
            for rank in sorted(candidates):
                target, covered = candidates[rank]
                if taken.isdisjoint(covered):
                    taken |= covered
                    parts += 1
                    value, baseline = value + target.value, baseline + target.baseline
                    deadline = max(deadline or target.deadline, target.deadline)
        reported = change = 0
        for cell in members:
            found = sums.get(cell)
            if found is None:
                continue
            reported += found.reported
            change += found.week
            if found.targets and found.deadline is not None and cell not in taken:
                parts += found.targets
                value, baseline = value + found.value, baseline + found.baseline
                deadline = max(deadline or found.deadline, found.deadline)
        if not parts or deadline is None:
            return Standing(code, reported, None, change)
        area = AreaTarget(value, deadline, baseline, derived=True)
        return Standing(code, reported + baseline, area, change)


def _behind(
    units: UnitDirectory, ranked: Sequence[RankedVillage], by_share: bool
) -> tuple[Standing, ...]:
    """The store's villages in core.progress.furthest_behind's order."""
    standings = [
        Standing(v.code, v.reported + (v.target.baseline if v.target else 0), v.target)
        for v in ranked
    ]

    def key(s: Standing) -> tuple[float | Fraction, int]:
        if by_share and s.target is not None:
            return share(s.achieved, s.target.value), units.position(s.code)
        return s.achieved, units.position(s.code)

    return tuple(sorted(standings, key=key)[:BEHIND_COUNT])


def cells_progress(
    units: UnitDirectory,
    indicators: IndicatorSet,
    plan: CellPlan,
    cells: AreaCells,
    ranked: Sequence[RankedVillage],
    by_share: Collection[str],
    *,
    daily: Mapping[tuple[str, date], int],
    today: date,
    period: str | None = None,
    closed: bool = False,
) -> AreaProgress:
    """What ``core.progress.area_progress`` gives for the plan's area, from its cells."""
    targets = _Targets(units, cells, plan)
    villages = targets.size(plan.cells)
    lines = []
    for indicator in indicators:
        code = indicator.code
        behind: tuple[Standing, ...] = ()
        if villages > 1:
            behind = _behind(units, [v for v in ranked if v.indicator == code], code in by_share)
        lines.append(
            indicator_progress(
                code,
                targets.standing(code, plan.unit.code, plan.cells),
                daily,
                today,
                closed=closed,
                groups=tuple(targets.standing(code, g.code, members) for g, members in plan.groups),
                behind=behind,
                by_share=villages > 1 and code in by_share,
            )
        )
    return AreaProgress(
        unit=plan.unit.code,
        merged=plan.merged,
        today=today,
        group_level=plan.groups[0][0].level if plan.groups else None,
        villages=villages,
        indicators=tuple(lines),
        period=period,
        closed=closed,
    )
