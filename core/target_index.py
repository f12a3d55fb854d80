"""The targets of an area: its own, or the sum of those set inside it (core.progress)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from core.models import Target
from core.units import UnitDirectory

__all__ = ["AreaTarget", "TargetIndex"]


@dataclass(frozen=True, slots=True)
class AreaTarget:
    value: int
    deadline: date
    baseline: int = 0
    derived: bool = False  # summed from targets set inside the area


class TargetIndex:
    """The targets of one request, looked up by area.

    An area without a target of its own gets the sum of the targets set inside it, taken
    largest first and each only when it shares no village with one already taken, so that a
    commune's target and its villages' are never added together.
    """

    def __init__(self, units: UnitDirectory, targets: Iterable[Target]) -> None:
        self._own: dict[tuple[str, str], tuple[Target, frozenset[str]]] = {}
        self._single: dict[tuple[str, str], Target] = {}
        # The targets covering each village, as (rank, covered villages, target): an area's
        # candidates are gathered from its own villages, not from every target of the province.
        self._by_village: dict[tuple[str, str], list[tuple[int, frozenset[str], Target]]] = {}
        listed = list(targets)
        for target in listed:
            covered = frozenset(v.code for v in units.villages_in(target.unit))
            self._own[(target.indicator, target.unit)] = (target, covered)
        # Largest first, stable on equal sizes: the order in which parts are taken.
        ranked = sorted(
            ((t, self._own[(t.indicator, t.unit)][1]) for t in listed), key=lambda p: -len(p[1])
        )
        for rank, (target, covered) in enumerate(ranked):
            if self._own[(target.indicator, target.unit)][0] is not target:
                continue  # replaced by a later target of the same unit and indicator
            for village in covered:  # a unit without listed villages adds to no larger area
                key = (target.indicator, village)
                self._by_village.setdefault(key, []).append((rank, covered, target))
            if len(covered) == 1:
                self._single.setdefault((target.indicator, next(iter(covered))), target)

    def for_area(
        self, indicator: str, unit: str | None, villages: frozenset[str]
    ) -> AreaTarget | None:
        own = self._own.get((indicator, unit)) if unit else None
        # A unit's own target counts only where the area holds all of the unit.
        if own is not None and own[1] <= villages:
            target = own[0]
            return AreaTarget(target.value, target.deadline, target.baseline)
        if len(villages) == 1:
            # Only a target covering exactly this village can lie inside it: a look-up, so that
            # ranking hundreds of villages stays linear.
            single = self._single.get((indicator, next(iter(villages))))
            return _derived([single]) if single else None
        candidates: dict[int, tuple[frozenset[str], Target]] = {}
        for village in villages:
            for rank, covered, target in self._by_village.get((indicator, village), ()):
                if rank not in candidates and covered <= villages:
                    candidates[rank] = (covered, target)
        taken: set[str] = set()
        parts: list[Target] = []
        for rank in sorted(candidates):
            covered, target = candidates[rank]
            if taken.isdisjoint(covered):
                taken |= covered
                parts.append(target)
        return _derived(parts) if parts else None

    def for_village(self, indicator: str, village: str) -> AreaTarget | None:
        """``for_area(indicator, village, {village})``, without building the set."""
        own = self._own.get((indicator, village))
        if own is not None and own[1] <= {village}:
            return AreaTarget(own[0].value, own[0].deadline, own[0].baseline)
        single = self._single.get((indicator, village))
        return _derived([single]) if single else None


def _derived(parts: Sequence[Target]) -> AreaTarget:
    return AreaTarget(
        value=sum(t.value for t in parts),
        deadline=max(t.deadline for t in parts),
        baseline=sum(t.baseline for t in parts),
        derived=True,
    )
