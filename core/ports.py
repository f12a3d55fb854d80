"""Storage interfaces owned by the core; `storage/` implements them (SQLite now, PostgreSQL later).

Every method is one atomic unit of work. A backend must pass tests/test_storage_contract.py.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from core.area_cells import AreaCellReader
from core.decision_ports import DecisionStore
from core.evidence_ports import EvidenceStore, ReviewStore
from core.household_ports import HouseholdConflict, HouseholdStore
from core.inbox_port import Inbox
from core.models import (
    AddedReports,
    AuditEvent,
    Invite,
    Pending,
    Person,
    Role,
    StoredReport,
)
from core.outbox import Address, OutboxItem, OutboxMessage
from core.parsing import ReportItem
from core.poverty_ports import PovertyStore
from core.processes import Leases
from core.programme_ports import IndicatorStore, PeriodStore, TargetStore
from core.report_listing import ReportListing
from core.tasks import NewTask, Task, TaskProgress
from core.units import UnitDirectory

__all__ = [
    "ActivityStore",
    "AuditLog",
    "DecisionStore",
    "EvidenceStore",
    "HouseholdConflict",
    "HouseholdStore",
    "HouseholdTaken",
    "Inbox",
    "Leases",
    "NotStored",
    "OutboxStore",
    "PendingStore",
    "PeopleStore",
    "PovertyStore",
    "ReportStore",
    "ReviewStore",
    "RosterEntry",
    "Store",
    "TaskStore",
    "UnitStore",
    "UnitsInUse",
]

RosterEntry = tuple[str, str, Role, str]  # name, normalised phone, role, unit code


class UnitStore(Protocol):
    async def load(self) -> UnitDirectory: ...
    async def replace(self, directory: UnitDirectory, *, actor_id: int | None, at: datetime) -> int:
        """Replace the whole list; raises UnitsInUse (changing nothing) when a unit that
        people, reports or tasks refer to is not in the new list. Targets of units no longer
        listed are removed (with events); returns how many."""
        ...


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
    async def addresses(self, person_ids: Collection[int]) -> dict[int, Address]:
        """Where each person is reached: the channel they last wrote from, else the one they
        linked last; people with no linked chat are absent."""
        ...

    async def note_channel(self, person_id: int, channel: str) -> None:
        """Remember the channel the person last wrote from."""
        ...

    async def identities(self, person_id: int, channel: str) -> list[str]:
        """The person's ids on a channel, the most recently linked last."""
        ...

    async def linked_count(self, channel: str, prefix: str = "") -> int:
        """How many chats are linked on ``channel`` whose id starts with ``prefix``."""
        ...

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

    async def take_invite(
        self, code: str, at: datetime, *, linking: tuple[str, str] | None = None
    ) -> Invite | None:
        """Consume a valid, unexpired invite: None if unknown, used or expired. ``linking``
        (channel, external id) links that chat to the invited person in the same commit: a
        process dying in between must not leave the code used and the person unlinked."""
        ...


class NotStored(Exception):
    """A write the database could not keep (disk full, I/O error): nothing of it was stored,
    and the same message sent again later will be."""


class UnitsInUse(Exception):
    """A new list of units lacks units that people, reports or tasks still use."""

    def __init__(self, codes: Sequence[str]) -> None:
        super().__init__(
            "units still used by people, reports or tasks are missing from the new list: "
            + ", ".join(codes)
        )
        self.codes = list(codes)


class HouseholdTaken(Exception):
    """A household already has an active report of an indicator it may have only once."""

    def __init__(self, report: StoredReport) -> None:
        super().__init__(f"household already reported in report {report.id}")
        self.report = report


class ReportStore(ReportListing, AreaCellReader, Protocol):
    async def add(
        self,
        items: Sequence[ReportItem],
        *,
        reporter_id: int,
        received_at: datetime,
        source: str | None,
        text_key: str | None = None,
        once_per_household: Collection[str] = (),
        needs_approval: Collection[str] = (),
        repeat_since: datetime | None = None,
    ) -> AddedReports:
        """Store the items of one message, all or none, and return them with the running
        totals of their (village, indicator) pairs as this write left them.

        Idempotent per ``source``: when reports from that source exist, they are returned
        (with the current totals) and nothing is stored. Raises HouseholdTaken when an item
        names a household that already has an active report of the same indicator (the
        same registry household, else the same name folded in the same village), for the
        indicator codes in ``once_per_household`` (checked inside the transaction).
        ``text_key`` is a digest of the message text: with ``repeat_since``, when the
        reporter has active reports of another message with the same digest received since
        then, nothing is stored and they are returned as ``repeated``. Items of the
        indicators in ``needs_approval`` await approval.
        """
        ...

    async def get(self, report_id: int) -> StoredReport | None: ...
    async def household_report(self, item: ReportItem) -> StoredReport | None:
        """The active report of the item's indicator for its household: the registry
        household ``item.household_id``, else the name (folded) in the item's village."""
        ...

    async def cancel(self, report_id: int, *, actor_id: int, at: datetime) -> StoredReport | None:
        """Mark an active report cancelled (totals follow, an event records it); returns it
        as it is now, or None when it is unknown or not active."""
        ...

    async def correct(
        self,
        report_id: int,
        item: ReportItem,
        *,
        actor_id: int,
        at: datetime,
        once_per_household: Collection[str] = (),
        needs_approval: Collection[str] = (),
    ) -> tuple[StoredReport, StoredReport] | None:
        """Give an active report new values (totals follow, an event records before and
        after); returns (before, after), or None when it is unknown or not active.
        Raises HouseholdTaken like ``add`` (the report itself does not count). A changed
        report of an indicator in ``needs_approval`` awaits approval again; a rejected one
        is sent back for approval (and into the totals) even unchanged."""
        ...

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

    async def period_totals(
        self, villages: Collection[str], first: date, last: date
    ) -> dict[tuple[str, str], int]:
        """Active totals per (village, indicator) of the work done from ``first`` to ``last``
        (both included): what a programme period counts. Reads the daily aggregates."""
        ...


class PendingStore(Protocol):
    async def put(
        self,
        *,
        person_id: int,
        kind: str,
        text: str,
        data: Mapping[str, object],
        source: str | None,
        at: datetime,
    ) -> str:
        """Keep a question asked with buttons; returns its key (at most 12 characters)."""
        ...

    async def get(self, key: str) -> Pending | None: ...
    async def take(
        self, key: str, *, person_id: int, kind: str, at: datetime, max_age: timedelta
    ) -> Pending | None:
        """Mark the question answered and return it, atomically: only the first answer of
        its own person, to a question of this kind, within ``max_age`` gets it; None for
        every other press."""
        ...


class TaskStore(Protocol):
    async def add(
        self, tasks: Sequence[NewTask], *, actor_id: int | None, at: datetime
    ) -> list[Task]:
        """Add tasks, all or none; an open task of the same village, indicator and due date
        gets the new target instead of a twin."""
        ...

    async def open(self, villages: Iterable[str] | None = None) -> list[Task]:
        """Open tasks, of the given villages or of all, by due date."""
        ...

    async def progress(self, tasks: Sequence[Task]) -> list[TaskProgress]:
        """Each task with the active reports of its village and indicator done since its start."""
        ...


class ActivityStore(Protocol):
    """What people did recently, read for reminders and digests."""

    async def last_report_at(self) -> dict[int, datetime]:
        """When each person's latest report was received (UTC), by person id."""
        ...

    async def reporting_villages(self, since: datetime, until: datetime) -> set[str]:
        """Villages with at least one active report received in [since, until)."""
        ...

    async def done_between(self, first: date, last: date) -> dict[tuple[str, str], int]:
        """Active totals per (village, indicator) of the work done from first to last day."""
        ...


class OutboxStore(Protocol):
    async def enqueue(self, messages: Sequence[OutboxMessage], *, at: datetime) -> int:
        """Insert in one transaction, ignoring keys already queued; returns how many are new."""
        ...

    async def keys(self, periods: Iterable[str]) -> set[tuple[int, str, str]]:
        """(recipient, kind, period) already in the outbox for these periods."""
        ...

    async def due(
        self, now: datetime, limit: int, channels: Collection[str] | None = None
    ) -> list[OutboxItem]:
        """Pending messages whose next attempt is at or before ``now``, oldest first; with
        ``channels``, only those addressed to one of them or not addressed yet."""
        ...

    async def claim(
        self, now: datetime, limit: int, channels: Collection[str], *, lease: timedelta
    ) -> list[OutboxItem]:
        """Like ``due``, and held for this process for ``lease`` (others skip them) until
        marked or released: several processes drain one outbox without sending twice."""
        ...

    async def release(self, item_ids: Collection[int], *, at: datetime) -> None:
        """Claimed items not handled after all: due again at ``at``."""
        ...

    async def address(self, targets: Mapping[int, Address]) -> None:
        """Set the address of pending items (by id) that had none, in one transaction."""
        ...

    async def mark_sent(self, item_id: int, *, at: datetime) -> None: ...
    async def mark_retry(
        self, item_id: int, *, attempts: int, next_attempt_at: datetime, error: str
    ) -> None: ...
    async def mark_given_up(
        self, item_id: int, *, blocked: bool, attempts: int, error: str, at: datetime
    ) -> None:
        """Final state: 'blocked' (the person blocked the bot) or 'failed'."""
        ...

    async def all(self) -> list[OutboxItem]: ...


class Store(Protocol):
    @property
    def units(self) -> UnitStore: ...
    @property
    def people(self) -> PeopleStore: ...
    @property
    def reports(self) -> ReportStore: ...
    @property
    def targets(self) -> TargetStore: ...
    @property
    def periods(self) -> PeriodStore: ...
    @property
    def indicators(self) -> IndicatorStore: ...
    @property
    def tasks(self) -> TaskStore: ...
    @property
    def activity(self) -> ActivityStore: ...
    @property
    def outbox(self) -> OutboxStore: ...
    @property
    def pending(self) -> PendingStore: ...
    @property
    def evidence(self) -> EvidenceStore: ...
    @property
    def households(self) -> HouseholdStore: ...
    @property
    def poverty(self) -> PovertyStore: ...
    @property
    def decisions(self) -> DecisionStore: ...
    @property
    def reviews(self) -> ReviewStore: ...
    async def close(self) -> None: ...


class AuditLog(Protocol):
    async def events(
        self, *, entity: str | None = None, since: datetime | None = None
    ) -> list[AuditEvent]:
        """The history, oldest first."""
        ...
