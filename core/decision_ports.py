"""Storage interface of the commune's decisions on household categories."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Protocol

from core.decisions import Decision, DecisionStep, ReportedGraduation
from core.households import Category

__all__ = ["DecisionStore"]


class DecisionStore(Protocol):
    async def record(
        self,
        household_id: int,
        decision: Decision,
        *,
        expected: Category,
        actor_id: int,
        at: datetime,
    ) -> DecisionStep | None:
        """Set the household's category by a decision recorded in chat: a step of its
        history and an event, in one transaction. None, changing nothing, when the
        household's category is no longer ``expected`` (changed meanwhile)."""
        ...

    async def cancel(self, step_id: int, *, actor_id: int, at: datetime) -> DecisionStep | None:
        """Undo a decision recorded in chat: the step stays, marked cancelled, and the
        household takes back the category of the step before it (an event). Only the
        household's latest standing step can be undone; None, changing nothing, otherwise.
        Returns the step the household is back to."""
        ...

    async def steps(
        self, villages: Collection[str] | None = None, household_id: int | None = None
    ) -> list[DecisionStep]:
        """The category steps of the households of these villages (all when None), or of one
        household, cancelled ones included; by household, oldest first."""
        ...

    async def households_out_of_poverty(
        self, villages: Collection[str], first_year: int, last_year: int
    ) -> int:
        """How many households of these villages left poverty by a decision (a standing
        step out of the poor category) of a year from ``first_year`` to ``last_year``.
        Reads the registry only, never the reports."""
        ...

    async def reported_graduations(
        self,
        villages: Collection[str],
        first: date | None = None,
        last: date | None = None,
    ) -> list[ReportedGraduation]:
        """The counted graduation reports of these villages (work done between ``first``
        and ``last`` when given), newest first, each saying whether its registry household
        is no longer poor."""
        ...
