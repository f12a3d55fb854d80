"""A report's snapshot in the history, and the aggregates kept in step with its count and
its review."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from core.evidence import Review
from core.models import ReportStatus, StoredReport
from storage.sql import Connection

__all__ = ["COUNTED", "bump_in_order", "bump_totals", "snapshot", "track_review"]

# Reports that count in the totals: active, and not rejected by a reviewer.
COUNTED = "status = 'active' AND (review IS NULL OR review <> 'rejected')"


async def bump_totals(conn: Connection, village: str, indicator: str, day: date, delta: int) -> int:
    """Keep the aggregates in step with reports; every change of a report's count goes here.

    Returns the village's running total of the indicator after the change.
    """
    row = await conn.fetchone(
        "INSERT INTO village_totals (village, indicator, total) VALUES (?, ?, ?)"
        " ON CONFLICT (village, indicator)"
        " DO UPDATE SET total = village_totals.total + excluded.total"
        " RETURNING total",
        (village, indicator, delta),
    )
    await conn.execute(
        "INSERT INTO village_daily (village, indicator, day, total) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (village, indicator, day)"
        " DO UPDATE SET total = village_daily.total + excluded.total",
        (village, indicator, day.isoformat(), delta),
    )
    await conn.execute(
        "INSERT INTO indicator_daily (indicator, day, total) VALUES (?, ?, ?)"
        " ON CONFLICT (indicator, day)"
        " DO UPDATE SET total = indicator_daily.total + excluded.total",
        (indicator, day.isoformat(), delta),
    )
    assert row is not None
    return int(row[0])


async def bump_in_order(
    conn: Connection, changes: Iterable[tuple[str, str, date, int]]
) -> dict[tuple[str, str], int]:
    """``bump_totals`` for several (indicator, village, day, delta), one bump per row and the
    rows in one sorted order: two transactions changing the same totals in opposite orders
    (two processes, at the same moment) must not each hold a row the other waits for.

    Returns each (village, indicator)'s running total after."""
    summed: Counter[tuple[str, str, date]] = Counter()
    for indicator, village, day, delta in changes:
        summed[indicator, village, day] += delta
    totals: dict[tuple[str, str], int] = {}
    for (indicator, village, day), delta in sorted(summed.items()):
        totals[village, indicator] = await bump_totals(conn, village, indicator, day, delta)
    return totals


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


def _approved(report: StoredReport | None) -> bool:
    return (
        report is not None
        and report.status == ReportStatus.ACTIVE
        and report.review == Review.APPROVED
    )


async def track_review(
    conn: Connection,
    report_id: int,
    before: StoredReport | None,
    after: StoredReport,
    since: datetime,
) -> None:
    """Keep the approval aggregates in step with a report's change from ``before`` (None:
    new) to ``after``: approved counts by day, and the queue of reports awaiting approval."""
    if _approved(before):
        assert before is not None
        await _bump_approved(conn, before, -before.count)
    if _approved(after):
        await _bump_approved(conn, after, after.count)
    if before is not None and before.review == Review.AWAITING:
        await conn.execute("DELETE FROM review_queue WHERE report_id = ?", (report_id,))
    if after.status == ReportStatus.ACTIVE and after.review == Review.AWAITING:
        await conn.execute(
            "INSERT INTO review_queue (report_id, village, since) VALUES (?, ?, ?)",
            (report_id, after.village, since.isoformat()),
        )


async def _bump_approved(conn: Connection, report: StoredReport, delta: int) -> None:
    await conn.execute(
        "INSERT INTO approved_daily (village, indicator, day, total) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (village, indicator, day)"
        " DO UPDATE SET total = approved_daily.total + excluded.total",
        (report.village, report.indicator, report.done_on.isoformat(), delta),
    )
