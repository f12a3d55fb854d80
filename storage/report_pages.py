"""Reports listed for exports: a page at a time, never all of them in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from datetime import date, datetime

from core.evidence import Review
from core.models import ReportStatus, StoredReport
from storage.sql import Database, Row

__all__ = ["COLUMNS", "ReportListing", "report_of"]

COLUMNS = (
    "id, indicator, count, village, household, done_on, received_at, reporter_id, status, source,"
    " review, household_id"
)


def report_of(row: Row) -> StoredReport:
    return StoredReport(
        id=row["id"],
        indicator=row["indicator"],
        count=row["count"],
        village=row["village"],
        household=row["household"],
        done_on=date.fromisoformat(row["done_on"]),
        received_at=datetime.fromisoformat(row["received_at"]),
        reporter_id=row["reporter_id"],
        status=ReportStatus(row["status"]),
        source=row["source"],
        review=Review(row["review"]) if row["review"] else None,
        household_id=row["household_id"],
    )


class ReportListing:
    """The listing half of ``SqlReportStore`` (core.ports.ReportStore): SQL that SQLite and
    PostgreSQL both read."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def all(self) -> list[StoredReport]:
        rows = await self._db.fetchall(f"SELECT {COLUMNS} FROM reports ORDER BY id")
        return [report_of(r) for r in rows]

    async def pages(
        self, villages: Collection[str] | None = None, *, size: int = 2000
    ) -> AsyncIterator[list[StoredReport]]:
        wanted = sorted(set(villages)) if villages is not None else None
        if wanted == []:
            return
        where = "" if wanted is None else f" AND village IN ({', '.join('?' * len(wanted))})"
        sql = f"SELECT {COLUMNS} FROM reports WHERE id > ?{where} ORDER BY id LIMIT ?"
        last = 0
        while True:
            rows = await self._db.fetchall(sql, (last, *(wanted or ()), size))
            if not rows:
                return
            page = [report_of(r) for r in rows]
            last = page[-1].id
            yield page
            if len(rows) < size:
                return

    async def count(self, villages: Collection[str] | None = None) -> int:
        if villages is None:
            row = await self._db.fetchone("SELECT count(*) FROM reports")
        else:
            wanted = sorted(set(villages))
            if not wanted:
                return 0
            row = await self._db.fetchone(
                f"SELECT count(*) FROM reports WHERE village IN ({', '.join('?' * len(wanted))})",
                wanted,
            )
        return int(row[0]) if row else 0
