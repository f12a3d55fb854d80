"""Reported counts by day and by period, read from the aggregates kept on write."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from storage.sql import Database

__all__ = ["daily_totals", "period_totals"]


async def daily_totals(
    db: Database, villages: Collection[str], since: date, until: date
) -> dict[tuple[str, date], int]:
    wanted = set(villages)
    span = (since.isoformat(), until.isoformat())
    # village_totals has a row for every (village, indicator) that ever had a report.
    reported = {v for (v,) in await db.fetchall("SELECT DISTINCT village FROM village_totals")}
    if reported <= wanted:
        # The area holds every village that ever had a report: its days are the district's,
        # a few rows however many villages and reports there are.
        rows = await db.fetchall(
            "SELECT indicator, day, total FROM indicator_daily WHERE day >= ? AND day <= ?",
            span,
        )
    else:
        codes = sorted(wanted & reported)
        found = await db.fetchall("SELECT DISTINCT indicator FROM indicator_daily")
        indicators = sorted(i for (i,) in found)
        if not codes:
            return {}
        # Both lists bound the primary key (village, indicator, day), so each pair is one
        # range seek over the window's days, not a scan of the village's history.
        rows = await db.fetchall(
            "SELECT indicator, day, SUM(total) AS total FROM village_daily"
            f" WHERE village IN ({', '.join('?' * len(codes))})"
            f" AND indicator IN ({', '.join('?' * len(indicators))})"
            " AND day >= ? AND day <= ? GROUP BY indicator, day",
            (*codes, *indicators, *span),
        )
    return {(ind, date.fromisoformat(day)): total for ind, day, total in rows if total}


async def period_totals(
    db: Database, villages: Collection[str], first: date, last: date
) -> dict[tuple[str, str], int]:
    codes = sorted(set(villages))
    if not codes:
        return {}
    # One range seek per village over the primary key (village, indicator, day).
    rows = await db.fetchall(
        "SELECT village, indicator, SUM(total) AS total FROM village_daily"
        f" WHERE village IN ({', '.join('?' * len(codes))}) AND day >= ? AND day <= ?"
        " GROUP BY village, indicator",
        (*codes, first.isoformat(), last.isoformat()),
    )
    return {(r["village"], r["indicator"]): r["total"] for r in rows if r["total"]}
