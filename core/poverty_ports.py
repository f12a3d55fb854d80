"""Storage interface of the poverty rate's inputs: target paths and the registry's history
(re-exported by core.ports)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from core.households import Category
from core.poverty_rate import Baseline, PathStep, Step

__all__ = ["PovertyStore"]


class PovertyStore(Protocol):
    async def baselines(self) -> list[Baseline]:
        """Every baseline, by unit and year."""
        ...

    async def path_steps(self) -> list[PathStep]:
        """The yearly fall of the rate, per period (and unit, when a unit has its own)."""
        ...

    async def set_path(
        self,
        baselines: Sequence[Baseline],
        steps: Sequence[PathStep],
        *,
        actor_id: int | None,
        at: datetime,
    ) -> int:
        """Set baselines (by unit and year) and path steps (by period and unit) in one
        transaction; every change is an event. Returns how many rows changed."""
        ...

    async def registry(
        self, villages: Collection[str]
    ) -> tuple[list[Step], list[tuple[str, Category]]]:
        """The category history of these villages' households (each household's steps oldest
        first) and each household's current (village, category)."""
        ...
