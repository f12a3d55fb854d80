"""Storage interfaces owned by the core; `storage/` implements them (SQLite now, PostgreSQL later).

Every method is one atomic unit of work. A backend must pass tests/test_storage_contract.py.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Protocol

from bot.domain.models import Invite, Person, Role, StoredReport, Target
from bot.domain.parsing import ReportItem
from bot.domain.units import UnitDirectory

__all__ = ["PeopleStore", "ReportStore", "RosterEntry", "Store", "TargetStore", "UnitStore"]

RosterEntry = tuple[str, str, Role, str]  # name, normalised phone, role, unit code


class UnitStore(Protocol):
    async def load(self) -> UnitDirectory: ...
    async def replace(
        self, directory: UnitDirectory, *, actor_id: int | None, at: datetime
    ) -> None: ...


class PeopleStore(Protocol):
    async def by_identity(self, channel: str, external_id: str) -> Person | None: ...
    async def by_phone(self, phone: str) -> Person | None: ...
    async def by_id(self, person_id: int) -> Person | None: ...
    async def all(self) -> list[Person]: ...
    async def upsert_roster(
        self, entries: Sequence[RosterEntry], *, actor_id: int | None, at: datetime
    ) -> int:
        """Add or update people by phone; returns how many rows changed."""
        ...

    async def link(self, person_id: int, channel: str, external_id: str, at: datetime) -> None: ...
    async def identities(self, person_id: int, channel: str) -> list[str]: ...
    async def set_language(self, person_id: int, language: str) -> None: ...
    async def add_invite(self, invite: Invite, at: datetime) -> None: ...
    async def take_invite(self, code: str, at: datetime) -> Invite | None:
        """Consume a valid, unexpired invite: None if unknown, used or expired."""
        ...


class ReportStore(Protocol):
    async def add(
        self,
        items: Sequence[ReportItem],
        *,
        reporter_id: int,
        received_at: datetime,
        source: str | None,
    ) -> list[StoredReport]: ...

    async def get(self, report_id: int) -> StoredReport | None: ...
    async def by_source(self, source: str) -> list[StoredReport]:
        """Reports stored from one channel message (to answer a redelivery, not store it twice)."""
        ...

    async def totals(self, villages: Iterable[str]) -> dict[str, int]:
        """Active totals per indicator code over the given villages."""
        ...

    async def village_totals(self, villages: Iterable[str]) -> dict[tuple[str, str], int]:
        """Active totals per (village, indicator)."""
        ...

    async def daily_totals(
        self, villages: Collection[str], since: date, until: date
    ) -> dict[tuple[str, date], int]:
        """Active totals per (indicator, day the work was done) over the villages, both ends
        included. Reads aggregates only: its cost must not grow with the number of reports."""
        ...

    async def in_villages(self, villages: Collection[str]) -> list[StoredReport]:
        """Every report (active or cancelled) of the given villages, oldest first."""
        ...

    async def all(self) -> list[StoredReport]: ...


class TargetStore(Protocol):
    async def all(self) -> list[Target]: ...
    async def set(self, target: Target, *, actor_id: int | None, at: datetime) -> None: ...
    async def set_many(
        self, targets: Sequence[Target], *, actor_id: int | None, at: datetime
    ) -> None:
        """Add or replace targets, all in one transaction."""
        ...


class Store(Protocol):
    @property
    def units(self) -> UnitStore: ...
    @property
    def people(self) -> PeopleStore: ...
    @property
    def reports(self) -> ReportStore: ...
    @property
    def targets(self) -> TargetStore: ...
    async def close(self) -> None: ...
