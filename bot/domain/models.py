"""Records the engine works with, independent of any database or messenger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

__all__ = ["Invite", "Person", "ReportStatus", "Role", "StoredReport", "Target"]


class Role(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    CADRE = "cadre"


class ReportStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    phone: str  # normalised, see bot.domain.phones
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


@dataclass(frozen=True, slots=True)
class Target:
    indicator: str
    unit: str  # unit code the target is for
    value: int
    deadline: date
    baseline: int = 0


@dataclass(frozen=True, slots=True)
class Invite:
    code: str
    phone: str
    created_by: int
    expires_at: datetime
