"""A report's snapshot in the history, and the aggregates kept in step with its count."""

from __future__ import annotations

import asyncio
from datetime import date

from core.models import StoredReport
from storage.sql import Connection

__all__ = ["COUNTED", "bump_totals", "snapshot"]

# Reports that count in the totals: active, and not rejected by a reviewer.
COUNTED = "status = 'active' AND (review IS NULL OR review <> 'rejected')"


async def bump_totals(conn: Connection, village: str, indicator: str, day: date, delta: int) -> int:
    """Keep the aggregates in step with reports; every change of a report's count goes here.

    Returns the village's running total of the indicator after the change.
    """
    # Sent together: aiosqlite runs them in order, and one round trip is saved.
    village_total, _, _ = await asyncio.gather(
        conn.fetchall(
            "INSERT INTO village_totals (village, indicator, total) VALUES (?, ?, ?)"
            " ON CONFLICT (village, indicator)"
            " DO UPDATE SET total = village_totals.total + excluded.total"
            " RETURNING total",
            (village, indicator, delta),
        ),
        conn.execute(
            "INSERT INTO village_daily (village, indicator, day, total) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (village, indicator, day)"
            " DO UPDATE SET total = village_daily.total + excluded.total",
            (village, indicator, day.isoformat(), delta),
        ),
        conn.execute(
            "INSERT INTO indicator_daily (indicator, day, total) VALUES (?, ?, ?)"
            " ON CONFLICT (indicator, day)"
            " DO UPDATE SET total = indicator_daily.total + excluded.total",
            (indicator, day.isoformat(), delta),
        ),
    )
    (row,) = village_total
    return int(row[0])


def snapshot(report: StoredReport) -> dict[str, object]:
    """What the history keeps of a report's state."""
    return {
        "indicator": report.indicator,
        "count": report.count,
        "village": report.village,
        "household": report.household,
        "date": report.done_on.isoformat(),
        "status": report.status.value,
        "review": report.review.value if report.review else None,
    }
