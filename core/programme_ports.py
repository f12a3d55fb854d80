"""Storage interfaces of the programme's frame: targets and periods (re-exported by core.ports)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.indicators import Indicator, IndicatorSet
from core.models import Target
from core.periods import Period, PeriodSet

__all__ = ["IndicatorStore", "PeriodStore", "TargetStore"]


class TargetStore(Protocol):
    async def all(self, period: str | None = None) -> list[Target]:
        """Every target, or only those of one period."""
        ...

    async def set(self, target: Target, *, actor_id: int | None, at: datetime) -> None: ...
    async def set_many(
        self, targets: Sequence[Target], *, actor_id: int | None, at: datetime
    ) -> None:
        """Add or replace targets, all in one transaction; one without a period gets the
        period holding its deadline (else the last one starting before it)."""
        ...


class PeriodStore(Protocol):
    async def load(self) -> PeriodSet: ...
    async def set_many(
        self, periods: Sequence[Period], *, actor_id: int | None, at: datetime
    ) -> None:
        """Add periods or replace those of the same code, in one transaction."""
        ...


class IndicatorStore(Protocol):
    async def load(self) -> IndicatorSet:
        """The indicators in the order they were added (the shipped three first)."""
        ...

    async def set_many(
        self, indicators: Sequence[Indicator], *, actor_id: int | None, at: datetime
    ) -> None:
        """Add indicators or replace those of the same code, in one transaction."""
        ...
