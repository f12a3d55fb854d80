"""Reports, their running totals and their history in SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import aiosqlite

from bot.domain.models import ReportStatus, StoredReport
from bot.domain.parsing import ReportItem
from bot.domain.text import fold
from storage.database import Database, record_event

__all__ = ["SqliteReportStore"]

_COLUMNS = (
    "id, indicator, count, village, household, done_on, received_at, reporter_id, status, source"
)


def _report(row: aiosqlite.Row) -> StoredReport:
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
    )


async def bump_totals(
    conn: aiosqlite.Connection, village: str, indicator: str, day: date, delta: int
) -> None:
    """Keep the aggregates in step with reports; every change of a report's count goes here."""
    # Sent together: aiosqlite runs them in order, and one round trip is saved.
    await asyncio.gather(
        conn.execute(
            "INSERT INTO village_totals (village, indicator, total) VALUES (?, ?, ?)"
            " ON CONFLICT (village, indicator) DO UPDATE SET total = total + excluded.total",
            (village, indicator, delta),
        ),
        conn.execute(
            "INSERT INTO village_daily (village, indicator, day, total) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (village, indicator, day) DO UPDATE SET total = total + excluded.total",
            (village, indicator, day.isoformat(), delta),
        ),
    )


class SqliteReportStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        items: Sequence[ReportItem],
        *,
        reporter_id: int,
        received_at: datetime,
        source: str | None,
    ) -> list[StoredReport]:
        stored = []
        async with self._db.transaction() as conn:
            for item in items:
                cursor = await conn.execute(
                    "INSERT INTO reports (indicator, count, village, household, household_key,"
                    " done_on, received_at, reporter_id, source)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        item.indicator,
                        item.count,
                        item.village,
                        item.household,
                        fold(item.household) if item.household else None,
                        item.date.isoformat(),
                        received_at.isoformat(),
                        reporter_id,
                        source,
                    ),
                )
                assert cursor.lastrowid is not None
                report = StoredReport(
                    id=cursor.lastrowid,
                    indicator=item.indicator,
                    count=item.count,
                    village=item.village,
                    household=item.household,
                    done_on=item.date,
                    received_at=received_at,
                    reporter_id=reporter_id,
                    status=ReportStatus.ACTIVE,
                    source=source,
                )
                await asyncio.gather(
                    bump_totals(conn, item.village, item.indicator, item.date, item.count),
                    record_event(
                        conn,
                        entity="report",
                        entity_id=report.id,
                        action="created",
                        actor_id=reporter_id,
                        at=received_at,
                        after={
                            "indicator": item.indicator,
                            "count": item.count,
                            "village": item.village,
                            "household": item.household,
                            "date": item.date.isoformat(),
                        },
                    ),
                )
                stored.append(report)
        return stored

    async def get(self, report_id: int) -> StoredReport | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM reports WHERE id = ?", (report_id,))
        return _report(row) if row else None

    async def by_source(self, source: str) -> list[StoredReport]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM reports WHERE source = ? ORDER BY id", (source,)
        )
        return [_report(r) for r in rows]

    async def totals(self, villages: Iterable[str]) -> dict[str, int]:
        codes = list(villages)
        result: dict[str, int] = {}
        for (_, indicator), total in (await self.village_totals(codes)).items():
            result[indicator] = result.get(indicator, 0) + total
        return result

    async def village_totals(self, villages: Iterable[str]) -> dict[tuple[str, str], int]:
        codes = sorted(set(villages))
        if not codes:
            return {}
        marks = ", ".join("?" * len(codes))
        rows = await self._db.fetchall(
            f"SELECT village, indicator, total FROM village_totals WHERE village IN ({marks})",
            codes,
        )
        return {(r["village"], r["indicator"]): r["total"] for r in rows}

    async def all(self) -> list[StoredReport]:
        rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM reports ORDER BY id")
        return [_report(r) for r in rows]
