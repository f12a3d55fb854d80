"""Storage interfaces owned by the core; `storage/` implements them (SQLite now, PostgreSQL later).

Every method is one atomic unit of work. A backend must pass tests/test_storage_contract.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.models import AuditEvent, InboxEntry, Invite, Person, Role, StoredReport, Target
from bot.domain.parsing import ReportItem
from bot.domain.units import UnitDirectory

__all__ = [
    "AuditLog",
    "Inbox",
    "PeopleStore",
    "ReportStore",
    "RosterEntry",
    "Store",
    "TargetStore",
    "UnitStore",
]

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
    async def set_language(
        self, person_id: int, language: str, *, at: datetime | None = None
    ) -> None:
        """Change a person's language; setting the same one again changes and records nothing."""
        ...

    async def add_invite(
        self, invite: Invite, at: datetime, *, source: str | None = None
    ) -> Invite:
        """Store a new invite; an invite already made from ``source`` is returned instead."""
        ...

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

    async def all(self) -> list[StoredReport]: ...


class TargetStore(Protocol):
    async def all(self) -> list[Target]: ...
    async def set(self, target: Target, *, actor_id: int | None, at: datetime) -> None: ...


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


class Inbox(Protocol):
    """Updates recorded before they are acknowledged to the messenger, until processed."""

    async def record(
        self,
        channel: str,
        entries: Sequence[InboxEntry],
        *,
        at: datetime,
        offset: int | None = None,
    ) -> set[int]:
        """Record updates (and the channel's next offset) in one commit; returns the new ids."""
        ...

    async def pending(self, channel: str) -> list[InboxEntry]:
        """Updates recorded but not yet processed, oldest first."""
        ...

    async def finish(self, channel: str, update_id: int, *, at: datetime, failed: bool) -> None: ...
    async def offset(self, channel: str) -> int | None:
        """The next update id to ask the channel for; None before the first update."""
        ...

    async def prune(self, channel: str, before: datetime) -> int:
        """Forget processed updates received before ``before``; returns how many."""
        ...


class AuditLog(Protocol):
    async def events(
        self, *, entity: str | None = None, since: datetime | None = None
    ) -> list[AuditEvent]:
        """The history, oldest first."""
        ...
