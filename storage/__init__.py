"""Persistence behind the small interfaces of ``core.ports``.

The stores are written once in SQL both engines read (storage/sql.py); SQLite (aiosqlite, the
embedded default: ``open_store``) and PostgreSQL (asyncpg: ``storage.postgres.open_postgres``)
each give them a database.
"""

from __future__ import annotations

from pathlib import Path

from core.processes import Leases
from storage.activity import SqlActivityStore
from storage.database import open_database
from storage.decisions import SqlDecisionStore
from storage.events import SqlAuditLog
from storage.evidence import SqlEvidenceStore
from storage.households import SqlHouseholdStore
from storage.inbox import SqlInbox
from storage.indicators import SqlIndicatorStore
from storage.outbox import SqlOutboxStore
from storage.pending import SqlPendingStore
from storage.people import SqlPeopleStore
from storage.poverty import SqlPovertyStore
from storage.reports import SqlReportStore
from storage.reviews import SqlReviewStore
from storage.sql import Database, DatabaseUnavailable, SchemaTooNew, StoreError
from storage.targets import SqlPeriodStore, SqlTargetStore
from storage.tasks import SqlTaskStore
from storage.units import SqlUnitStore

__all__ = [
    "DatabaseUnavailable",
    "SchemaTooNew",
    "SqlStore",
    "SqliteStore",
    "StoreError",
    "open_store",
]


class SqlStore:
    """``core.ports.Store`` (with the inbox and the audit log) on either database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.units = SqlUnitStore(db)
        self.people = SqlPeopleStore(db)
        self.reports = SqlReportStore(db)
        self.targets = SqlTargetStore(db)
        self.periods = SqlPeriodStore(db)
        self.indicators = SqlIndicatorStore(db)
        self.tasks = SqlTaskStore(db)
        self.activity = SqlActivityStore(db)
        self.outbox = SqlOutboxStore(db)
        self.pending = SqlPendingStore(db)
        self.evidence = SqlEvidenceStore(db)
        self.households = SqlHouseholdStore(db)
        self.poverty = SqlPovertyStore(db)
        self.decisions = SqlDecisionStore(db)
        self.reviews = SqlReviewStore(db)
        self.inbox = SqlInbox(db)
        self.audit = SqlAuditLog(db)
        self.leases: Leases = db  # try_hold: a role (polling a token) for one process

    @property
    def shared(self) -> bool:
        """Several processes may use this database at once (PostgreSQL)."""
        return self.db.dialect == "postgresql"

    async def close(self) -> None:
        await self.db.close()


# The name the SQLite-only code knew it by.
SqliteStore = SqlStore


async def open_store(path: Path | str) -> SqlStore:
    """The SQLite database at ``path`` (made and migrated as needed)."""
    return SqlStore(await open_database(path))
