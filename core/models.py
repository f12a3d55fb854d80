"""Records the engine works with, independent of any database or messenger."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from core.evidence import Review

__all__ = [
    "AddedReports",
    "AuditEvent",
    "FailedUpdate",
    "InboxEntry",
    "Invite",
    "Pending",
    "PendingKind",
    "Person",
    "ReportStatus",
    "Role",
    "StoredReport",
    "Target",
]


class Role(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    CADRE = "cadre"


class ReportStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class PendingKind(StrEnum):
    """Which question a pending answer belongs to (stored in the database)."""

    VILLAGE = "village"  # which of these villages did you mean?
    REPEAT = "repeat"  # store the same text again?
    PICK = "pick"  # which report do you want to change?
    HOUSEHOLD = "household"  # which of the village's households of this name?
    DECISION = "decision"  # which household does a decision (/quyetdinh) name?


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    phone: str  # normalised, see core.phones
    role: Role
    scope: str  # unit code the person works for (a village for cadres)
    language: str | None = None  # None: the deployment's default


@dataclass(frozen=True, slots=True)
class StoredReport:
    id: int
    indicator: str
    count: int
    village: str
    household: str | None
    done_on: date
    received_at: datetime  # UTC
    reporter_id: int
    status: ReportStatus
    source: str | None = None  # channel message key, for de-duplication
    review: Review | None = None  # None: its indicator needs no approval
    household_id: int | None = None  # the registry household it names, if matched


@dataclass(frozen=True, slots=True)
class AddedReports:
    """The reports of one message, as stored, and the running totals they are part of."""

    reports: list[StoredReport]
    # The active total of each (village, indicator) of ``reports``, as the write left it.
    totals: dict[tuple[str, str], int]
    # Nothing was stored: the sender sent the same text moments ago (``repeat_since``), and
    # these are the reports of that time.
    repeated: tuple[StoredReport, ...] = ()


@dataclass(frozen=True, slots=True)
class Target:
    indicator: str
    unit: str  # unit code the target is for
    value: int
    deadline: date
    baseline: int = 0
    # The programme period (core.periods) it belongs to; None when set: the one holding the
    # deadline. Targets read back from the store always name their period.
    period: str | None = None


@dataclass(frozen=True, slots=True)
class Invite:
    code: str
    phone: str
    created_by: int
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Pending:
    """A question the bot asked with buttons, waiting for the person who was asked."""

    key: str  # short, carried in the buttons' data
    person_id: int
    kind: PendingKind  # which handler answers it
    text: str  # the message the question is about; emptied once answered
    data: Mapping[str, object] = field(default_factory=dict)  # JSON-able details
    source: str | None = None  # the channel message key of that message
    created_at: datetime | None = None  # UTC
    used_at: datetime | None = None  # UTC; set by the first answer


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One change, as the append-only history keeps it (before/after are JSON texts)."""

    id: int
    entity: str  # "report", "person", "invite", "target", "units", ...
    entity_id: str
    action: str
    actor_id: int | None  # None: the system or an operator on the command line
    at: datetime  # UTC
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """An update a channel received and recorded before acknowledging it."""

    update_id: int
    payload: str  # the update as JSON, as the channel delivered it
    lane: str | None = None  # updates of one lane (one person) are handled in order
    # Where it stands in its lane (by default its id): Zalo's keys are digests, so there the
    # time the message was sent.
    position: int | None = None


@dataclass(frozen=True, slots=True)
class FailedUpdate:
    """An update that could not be read or answered, kept for an admin to look at."""

    channel: str
    update_id: int
    payload: str
    received_at: datetime
    failed_at: datetime | None
    reason: str | None
