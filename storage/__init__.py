"""Persistence behind the small interfaces of ``core.ports``: SQLite (aiosqlite) for now."""

from __future__ import annotations

from pathlib import Path

from storage.activity import SqliteActivityStore
from storage.database import Database, open_database
from storage.events import SqliteAuditLog
from storage.evidence import SqliteEvidenceStore
from storage.inbox import SqliteInbox
from storage.outbox import SqliteOutboxStore
from storage.pending import SqlitePendingStore
from storage.people import SqlitePeopleStore
from storage.reports import SqliteReportStore
from storage.reviews import SqliteReviewStore
from storage.targets import SqliteTargetStore
from storage.tasks import SqliteTaskStore
from storage.units import SqliteUnitStore

__all__ = ["SqliteStore", "open_store"]


class SqliteStore:
    """The SQLite implementation of ``core.ports.Store``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.units = SqliteUnitStore(db)
        self.people = SqlitePeopleStore(db)
        self.reports = SqliteReportStore(db)
        self.targets = SqliteTargetStore(db)
        self.tasks = SqliteTaskStore(db)
        self.activity = SqliteActivityStore(db)
        self.outbox = SqliteOutboxStore(db)
        self.pending = SqlitePendingStore(db)
        self.evidence = SqliteEvidenceStore(db)
        self.reviews = SqliteReviewStore(db)
        self.inbox = SqliteInbox(db)
        self.audit = SqliteAuditLog(db)

    async def close(self) -> None:
        await self.db.close()


async def open_store(path: Path | str) -> SqliteStore:
    return SqliteStore(await open_database(path))
