"""The poverty rate of an area and its parts in one programme period, for /tiendo, its chart
and the workbook (core.poverty_rate has the definitions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from core.periods import Period
from core.ports import Store
from core.poverty_rate import (
    Movements,
    Rate,
    RegistryFacts,
    YearTarget,
    judge,
    target_path,
    yearly_fall,
)
from core.progress import Status, area_groups
from core.units import Unit, UnitDirectory

__all__ = ["PartRate", "PovertySection", "RateRow", "load_poverty"]


@dataclass(frozen=True, slots=True)
class RateRow:
    """The area's rate at one moment: a year's end, or now (``year`` is then today's year)."""

    year: int
    now: bool
    rate: Rate
    target: YearTarget | None
    verdict: Status | None
    movements: Movements


@dataclass(frozen=True, slots=True)
class PartRate:
    """A part of the area (a commune, a village) at the same moments as the area."""

    code: str
    rows: tuple[RateRow, ...]

    @property
    def row(self) -> RateRow:
        """At the latest moment."""
        return self.rows[-1]


@dataclass(frozen=True, slots=True)
class PovertySection:
    unit: str
    period: str
    fall: Fraction | None  # the period's yearly fall for the area; None: no path
    path: dict[int, YearTarget]
    rows: tuple[RateRow, ...]  # year ends with a rate, oldest first; then now (open period)
    parts: tuple[PartRate, ...]  # parts with a rate at some moment

    @property
    def latest(self) -> RateRow | None:
        return self.rows[-1] if self.rows else None


def _row(
    facts: RegistryFacts,
    villages: list[str],
    year: int,
    *,
    now: bool,
    path: dict[int, YearTarget],
) -> RateRow:
    rate = facts.now(villages) if now else facts.year_end(villages, year)
    target = path.get(year)
    return RateRow(
        year,
        now,
        rate,
        target,
        judge(rate, target, ended=not now),
        Movements() if now else facts.movements(villages, year),
    )


async def load_poverty(
    store: Store,
    units: UnitDirectory,
    unit: Unit,
    *,
    merged: bool,
    today: date,
    period: Period,
) -> PovertySection | None:
    """The rate section of an area, or None when it has neither figures nor a path."""
    villages = [v.code for v in units.villages_in(unit.code)]
    baselines, steps = await store.poverty.baselines(), await store.poverty.path_steps()
    history, current = await store.poverty.registry(villages)
    facts = RegistryFacts(history, current, await store.households.totals(villages))
    path = target_path(unit.code, period, baselines, steps)
    if not path and not facts.has_data(villages):
        return None
    open_period = period.end >= today
    # Year ends from the one before the period (where its path starts) to the last ended one.
    ended = range(period.start.year - 1, min(period.end.year, today.year - 1) + 1)
    rows = [_row(facts, villages, y, now=False, path=path) for y in ended]
    rows = [r for r in rows if r.rate.poor_rate is not None]
    if open_period:
        rows.append(_row(facts, villages, today.year, now=True, path=path))
    parts = []
    for part, inside in area_groups(units, unit, merged=merged) if rows else ():
        own = target_path(part.code, period, baselines, steps)
        found = tuple(_row(facts, inside, r.year, now=r.now, path=own) for r in rows)
        if any(r.rate.poor_rate is not None for r in found):
            parts.append(PartRate(part.code, found))
    return PovertySection(
        unit=unit.code,
        period=period.code,
        fall=yearly_fall(unit.code, period, steps) if path else None,
        path=path,
        rows=tuple(rows),
        parts=tuple(parts),
    )
