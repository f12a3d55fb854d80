"""Sums per cell and the villages furthest behind, for /tiendo of a large area
(core.area_cells). The database joins the aggregates to the units and sums them; what reaches
Python is a few rows per commune, not a row per village.

Each query walks the area's villages in (pre-2025 commune, current commune) order on the
``units_cells`` index, so grouping by cell needs no sort; an indicator is a column of its own.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from core.area_cells import AreaCells, Cell, CellQuery, CellSums, RankedVillage
from core.models import Target
from core.progress import AreaTarget
from storage.sql import Database, Row
from storage.totals import district_daily

__all__ = ["AreaCellStore", "area_villages"]


def area_villages(parents: Collection[str], currents: Collection[str]) -> tuple[str, list[str]]:
    """The area's villages, as a condition on ``units v``."""
    alternatives: list[str] = []
    params: list[str] = []
    for column, codes in (("parent", parents), ("current", currents)):
        if codes:
            alternatives.append(f"v.{column} IN ({', '.join('?' * len(codes))})")
            params.extend(codes)
    if not alternatives:
        return "v.level = 'village' AND 1 = 0", []
    return f"v.level = 'village' AND ({' OR '.join(alternatives)})", params


class AreaCellStore:
    """``core.area_cells.AreaCellReader``, mixed into the report store."""

    _db: Database

    async def area_cells(self, query: CellQuery) -> AreaCells | None:
        first, last, period = query.first, query.last, query.period
        scope = await self._db.fetchone(
            "SELECT MIN(day), MAX(day), (SELECT COUNT(*) FROM village_totals) FROM indicator_daily"
        )
        assert scope is not None
        if scope[0] is not None and (
            date.fromisoformat(scope[0]) < first or date.fromisoformat(scope[1]) > last
        ):
            return None  # the running totals hold work outside the period
        where, area = area_villages(query.parents, query.currents)
        group = " GROUP BY v.parent, v.current"
        inds = list(query.indicators)
        # Per (cell, indicator), CellSums' fields in order: reported, week, then the targets'.
        sums: dict[tuple[Cell, str], list[Any]] = {}

        def put(row: Row, offset: int, at: int, width: int) -> None:
            cell = (row[0], row[1])
            for i, indicator in enumerate(inds):
                found = sums.get((cell, indicator))
                if found is None:
                    found = sums[(cell, indicator)] = [0, 0, 0, 0, 0, 0, None, 0, 0]
                start = offset + i * width
                found[at : at + width] = row[start : start + width]

        # CROSS JOIN keeps SQLite's join order (PostgreSQL plans it freely): the area's villages
        # on units_cells, each joined to its rows by key.
        reported = ", ".join("SUM(CASE WHEN t.indicator = ? THEN t.total ELSE 0 END)" for _ in inds)
        rows = await self._db.fetchall(
            f"SELECT v.parent, v.current, COUNT(*), {reported} FROM units v"
            f" CROSS JOIN village_totals t WHERE t.village = v.code AND {where}{group}",
            (*inds, *area),
        )
        inside = 0
        for row in rows:
            inside += int(row[2])
            put(row, 3, 0, 1)
        week = ", ".join("SUM(CASE WHEN d.indicator = ? THEN d.total ELSE 0 END)" for _ in inds)
        marks = ", ".join("?" * len(inds))
        # The last days' rows on the day index: as many as were reported in them, whatever
        # the number of reports before.
        for row in await self._db.fetchall(
            f"SELECT v.parent, v.current, {week} FROM village_daily d CROSS JOIN units v"
            f" WHERE d.day >= ? AND d.day <= ? AND d.indicator IN ({marks}) AND v.code = d.village"
            f" AND {where}{group}",
            (*inds, query.week_first.isoformat(), last.isoformat(), *inds, *area),
        ):
            put(row, 2, 1, 1)
        per_target = (
            "COUNT(CASE WHEN g.indicator = ? THEN 1 END),"
            " SUM(CASE WHEN g.indicator = ? AND g.value > 0 THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN g.indicator = ? THEN g.value ELSE 0 END),"
            " SUM(CASE WHEN g.indicator = ? THEN g.baseline ELSE 0 END),"
            " MAX(CASE WHEN g.indicator = ? THEN g.deadline END),"
            " MAX(CASE WHEN g.indicator = ? THEN g.value END),"
            " SUM(CASE WHEN g.indicator = ? THEN ABS(g.baseline) ELSE 0 END)"
        )
        width = 7
        for row in await self._db.fetchall(
            f"SELECT v.parent, v.current, {', '.join([per_target] * len(inds))} FROM units v"
            f" CROSS JOIN targets g WHERE g.unit = v.code AND g.period = ? AND {where}{group}",
            (*(i for i in inds for _ in range(width)), period, *area),
        ):
            put(row, 2, 2, width)
        unit_targets = [
            Target(r[0], r[1], int(r[2]), date.fromisoformat(r[3]), int(r[4]), r[5])
            for r in await self._db.fetchall(
                "SELECT t.indicator, t.unit, t.value, t.deadline, t.baseline, t.period FROM units u"
                " CROSS JOIN targets t WHERE t.unit = u.code AND t.period = ?"
                " AND u.level <> 'village' ORDER BY t.indicator, t.unit, t.period",
                (period,),
            )
        ]
        daily = None
        if inside == int(scope[2]) and query.daily_first <= last:
            daily = await district_daily(self._db, query.daily_first, last)
        elif query.daily_first > last:
            daily = {}
        return AreaCells(
            sums={key: _sums(found) for key, found in sums.items()},
            unit_targets=tuple(unit_targets),
            daily=daily,
        )

    async def lowest_villages(
        self, query: CellQuery, by_share: Sequence[str], by_count: Sequence[str], count: int
    ) -> list[RankedVillage]:
        period = query.period
        where, area = area_villages(query.parents, query.currents)
        parts: list[str] = []
        params: list[object] = []
        reported = "COALESCE(t.total, 0)"
        for indicator in by_share:
            achieved = f"{reported} + g.baseline"
            parts.append(
                f"SELECT * FROM (SELECT g.indicator, v.code, {reported} AS reported,"
                " g.value, g.deadline, g.baseline FROM units v CROSS JOIN targets g"
                " LEFT JOIN village_totals t ON t.village = v.code AND t.indicator = g.indicator"
                " WHERE g.unit = v.code"
                f" AND g.period = ? AND g.indicator = ? AND {where}"
                f" AND g.value > 0 AND {achieved} < g.value"
                # A float quotient orders shares exactly below 2**26 (core.area_cells checks).
                f" ORDER BY CAST({achieved} AS DOUBLE PRECISION) / g.value, v.position"
                f" LIMIT ?) s{len(parts)}"
            )
            params += [period, indicator, *area, count]
        for indicator in by_count:
            parts.append(
                f"SELECT * FROM (SELECT CAST(? AS TEXT) AS indicator, v.code,"
                f" {reported} AS reported, g.value, g.deadline, g.baseline FROM units v"
                " LEFT JOIN village_totals t ON t.village = v.code AND t.indicator = ?"
                " LEFT JOIN targets g ON g.unit = v.code AND g.period = ? AND g.indicator = ?"
                f" WHERE {where} ORDER BY {reported} + COALESCE(g.baseline, 0), v.position"
                f" LIMIT ?) c{len(parts)}"
            )
            params += [indicator, indicator, period, indicator, *area, count]
        if not parts:
            return []
        rows = await self._db.fetchall(" UNION ALL ".join(parts), params)
        return [
            RankedVillage(
                indicator=r[0],
                code=r[1],
                reported=int(r[2]),
                target=None
                if r[3] is None
                else AreaTarget(int(r[3]), date.fromisoformat(r[4]), int(r[5])),
            )
            for r in rows
        ]


def _sums(found: list[Any]) -> CellSums:
    reported, week, targets, positive, value, baseline, deadline, largest, spread = found
    return CellSums(
        int(reported or 0),
        int(week or 0),
        int(targets or 0),
        int(positive or 0),
        int(value or 0),
        int(baseline or 0),
        date.fromisoformat(str(deadline)) if deadline else None,
        int(largest or 0),
        int(spread or 0),
    )
