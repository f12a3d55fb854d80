"""Storage interface of the household registry (re-exported by core.ports)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from core.households import (
    CategoryChange,
    Household,
    HouseholdImport,
    HouseholdRecord,
    VillageTotal,
)
from core.models import StoredReport

__all__ = ["HouseholdConflict", "HouseholdStore"]


class HouseholdConflict(ValueError):
    """Import lines that match several registry households (by village, name and birth year,
    without a code); nothing was imported. ``lines``: the file's line numbers."""

    def __init__(self, lines: list[int]) -> None:
        super().__init__(", ".join(map(str, lines)))
        self.lines = lines


class HouseholdStore(Protocol):
    async def import_records(
        self,
        records: Sequence[tuple[int, HouseholdRecord]],
        totals: Sequence[VillageTotal],
        *,
        actor_id: int | None,
        at: datetime,
    ) -> HouseholdImport:
        """Add or update households (by code, else village + name + birth year; a line is
        (line number, record)) and set year-end totals, all in one transaction. Every change
        is an event; a category change is also a step of the household's history. Raises
        HouseholdConflict (changing nothing) for lines that match several households."""
        ...

    async def in_villages(self, villages: Collection[str] | None = None) -> list[Household]:
        """Households of these villages (all when None), by village and name."""
        ...

    async def history(self, household_id: int) -> list[CategoryChange]:
        """The household's categories, oldest first."""
        ...

    async def totals(self, villages: Collection[str] | None = None) -> list[VillageTotal]:
        """Year-end household totals of these villages (all when None)."""
        ...

    async def find(self, text: str, villages: Collection[str]) -> list[Household]:
        """Households of these villages whose head's name is ``text`` (ignoring case,
        diacritics and spacing) or whose code is, by village and birth year."""
        ...

    async def get(self, household_id: int) -> Household | None: ...

    async def reports_of(self, household: Household, *, by_name: bool) -> list[StoredReport]:
        """Every report naming the household (cancelled too), oldest first; with ``by_name``
        also its village's reports that carry its name without a household id."""
        ...

    async def unlisted_reports(self, villages: Collection[str]) -> list[StoredReport]:
        """Active reports of these villages naming a household their village's list does
        not have (only villages with a list), by village and time."""
        ...
