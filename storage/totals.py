"""Reported counts by day and by period, read from the aggregates kept on write."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from storage.sql import Connection, Database

__all__ = ["daily_totals", "district_daily", "period_totals"]


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
        return await district_daily(db, since, until)
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


async def district_daily(
    db: Database | Connection, since: date, until: date
) -> dict[tuple[str, date], int]:
    """Counts per (indicator, day) of every village, both ends included."""
    rows = await db.fetchall(
        "SELECT indicator, day, total FROM indicator_daily WHERE day >= ? AND day <= ?",
        (since.isoformat(), until.isoformat()),
    )
    return {(ind, date.fromisoformat(day)): total for ind, day, total in rows if total}


async def period_totals(
    db: Database, villages: Collection[str], first: date, last: date
) -> dict[tuple[str, str], int]:
    """Counts per (village, indicator) of the work done from ``first`` to ``last``.

    Its cost follows the days read, not the reports: a period that holds every reported day
    (the usual case: the current period) is the running totals, a few rows per village; else
    the smaller side is read day by day, the days inside or (subtracted from the running
    totals) the days outside.
    """
    codes = sorted(set(villages))
    if not codes:
        return {}
    bounds = await db.fetchone("SELECT MIN(day), MAX(day) FROM indicator_daily")
    if bounds is None or bounds[0] is None:
        return {}
    earliest, latest = date.fromisoformat(bounds[0]), date.fromisoformat(bounds[1])
    inside = (min(last, latest) - max(first, earliest)).days + 1
    outside = max((first - earliest).days, 0) + max((latest - last).days, 0)
    marks = ", ".join("?" * len(codes))
    if inside <= outside:
        return await _summed(db, codes, ">= ? AND day <= ?", (first, last))
    rows = await db.fetchall(
        f"SELECT village, indicator, total FROM village_totals WHERE village IN ({marks})", codes
    )
    totals = {(village, indicator): total for village, indicator, total in rows}
    if outside:
        before = await _summed(db, codes, "< ?", (first,))
        after = await _summed(db, codes, "> ?", (last,))
        for part in (before, after):
            for key, total in part.items():
                totals[key] = totals.get(key, 0) - total
    return {key: total for key, total in totals.items() if total}


async def _summed(
    db: Database, codes: list[str], days: str, bounds: tuple[date, ...]
) -> dict[tuple[str, str], int]:
    found = await db.fetchall("SELECT DISTINCT indicator FROM indicator_daily")
    indicators = sorted(i for (i,) in found)
    if not indicators:
        return {}
    # Both lists bound the primary key (village, indicator, day): one range seek per pair.
    rows = await db.fetchall(
        "SELECT village, indicator, SUM(total) AS total FROM village_daily"
        f" WHERE village IN ({', '.join('?' * len(codes))})"
        f" AND indicator IN ({', '.join('?' * len(indicators))}) AND day {days}"
        " GROUP BY village, indicator",
        (*codes, *indicators, *(b.isoformat() for b in bounds)),
    )
    return {(village, ind): total for village, ind, total in rows if total}
