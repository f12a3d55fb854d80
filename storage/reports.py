"""Reports, their running totals and their history in SQLite."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
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
    await conn.execute(
        "INSERT INTO village_totals (village, indicator, total) VALUES (?, ?, ?)"
        " ON CONFLICT (village, indicator) DO UPDATE SET total = total + excluded.total",
        (village, indicator, delta),
    )
    await conn.execute(
        "INSERT INTO village_daily (village, indicator, day, total) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (village, indicator, day) DO UPDATE SET total = total + excluded.total",
        (village, indicator, day.isoformat(), delta),
    )
    await conn.execute(
        "INSERT INTO indicator_daily (indicator, day, total) VALUES (?, ?, ?)"
        " ON CONFLICT (indicator, day) DO UPDATE SET total = total + excluded.total",
        (indicator, day.isoformat(), delta),
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
                await bump_totals(conn, item.village, item.indicator, item.date, item.count)
                await record_event(
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
        wanted = set(villages)
        rows = await self._db.fetchall("SELECT village, indicator, total FROM village_totals")
        return {(r["village"], r["indicator"]): r["total"] for r in rows if r["village"] in wanted}

    async def daily_totals(
        self, villages: Collection[str], since: date, until: date
    ) -> dict[tuple[str, date], int]:
        wanted = set(villages)
        span = (since.isoformat(), until.isoformat())
        # village_totals has a row for every (village, indicator) that ever had a report.
        pairs = await self._db.fetchall("SELECT village, indicator FROM village_totals")
        if {r["village"] for r in pairs} <= wanted:
            # The area holds every village that ever had a report: its days are the district's,
            # a few rows however many villages and reports there are.
            rows = await self._db.fetchall(
                "SELECT indicator, day, total FROM indicator_daily WHERE day >= ? AND day <= ?",
                span,
            )
        else:
            codes = sorted(wanted & {r["village"] for r in pairs})
            indicators = sorted({r["indicator"] for r in pairs})
            if not codes:
                return {}
            # Both lists bound the primary key (village, indicator, day), so each pair is one
            # range seek over the window's days, not a scan of the village's history.
            rows = await self._db.fetchall(
                "SELECT indicator, day, SUM(total) AS total FROM village_daily"
                f" WHERE village IN ({', '.join('?' * len(codes))})"
                f" AND indicator IN ({', '.join('?' * len(indicators))})"
                " AND day >= ? AND day <= ? GROUP BY indicator, day",
                (*codes, *indicators, *span),
            )
        return {
            (r["indicator"], date.fromisoformat(r["day"])): r["total"] for r in rows if r["total"]
        }

    async def in_villages(self, villages: Collection[str]) -> list[StoredReport]:
        wanted = sorted(set(villages))
        if not wanted:
            return []
        marks = ", ".join("?" * len(wanted))
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM reports WHERE village IN ({marks}) ORDER BY id", wanted
        )
        return [_report(r) for r in rows]

    async def all(self) -> list[StoredReport]:
        rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM reports ORDER BY id")
        return [_report(r) for r in rows]
