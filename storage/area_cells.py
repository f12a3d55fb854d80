"""Sums per cell and the villages furthest behind, for /tiendo of a large area
(core.area_cells). The database joins the aggregates to the units and sums them; what reaches
Python is a few rows per commune, not a row per village. All of it is one read
(``Database.read``): on SQLite, one trip to the database thread.

Each query walks the area's villages in (pre-2025 commune, current commune) order on the
``units_cells`` index, so grouping by cell needs no sort; an indicator is a column of its own
where that spares a sort, a row of its own where it spares a CASE per aggregate.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import Any

from core.area_cells import AreaCells, AreaFigures, Cell, CellQuery, CellSums, Kinds, RankedVillage
from core.models import Target
from core.progress import AreaTarget
from storage.sql import Connection, Database
from storage.totals import district_daily

__all__ = ["AreaCellStore", "area_villages", "refresh_cell_targets"]

_GROUP = " GROUP BY v.parent, v.current"

# The village targets summed per (period, indicator, cell): migration 0022's table.
_CELL_TARGETS = (
    "INSERT INTO cell_targets (period, indicator, parent, current, targets, positive, value,"
    " baseline, deadline, largest, baseline_abs)"
    " SELECT g.period, g.indicator, v.parent, v.current, COUNT(*),"
    " SUM(CASE WHEN g.value > 0 THEN 1 ELSE 0 END), SUM(g.value), SUM(g.baseline),"
    " MAX(g.deadline), MAX(g.value), SUM(ABS(g.baseline))"
    " FROM targets g JOIN units v ON v.code = g.unit WHERE v.level = 'village'{where}"
    " GROUP BY g.period, g.indicator, v.parent, v.current"
)


async def refresh_cell_targets(
    conn: Connection, keys: Collection[tuple[str, str]] | None = None
) -> None:
    """Sum the village targets per cell again, in the caller's transaction: those of these
    (period, indicator) pairs (targets were set), else all of them (the units changed)."""
    # Writers of targets and of units wait for each other here: each sums what the other
    # committed (PostgreSQL; SQLite has one writer).
    await conn.lock("cell_targets")
    if keys is None:
        await conn.execute("DELETE FROM cell_targets")
        await conn.execute(_CELL_TARGETS.format(where=""))
        return
    for period, indicator in sorted(set(keys)):
        pair = (period, indicator)
        await conn.execute("DELETE FROM cell_targets WHERE period = ? AND indicator = ?", pair)
        await conn.execute(
            _CELL_TARGETS.format(where=" AND g.period = ? AND g.indicator = ?"), pair
        )


def area_villages(parents: Collection[str], currents: Collection[str]) -> tuple[str, list[str]]:
    """The area's villages, as a condition on ``units v``."""
    inside, params = _in_area(parents, currents)
    return f"v.level = 'village' AND {inside}", params


def _in_area(parents: Collection[str], currents: Collection[str]) -> tuple[str, list[str]]:
    """Rows ``v`` whose pre-2025 commune is one of ``parents`` or current one of ``currents``."""
    alternatives: list[str] = []
    params: list[str] = []
    for column, codes in (("parent", parents), ("current", currents)):
        if codes:
            alternatives.append(f"v.{column} IN ({', '.join('?' * len(codes))})")
            params.extend(codes)
    if not alternatives:
        return "1 = 0", []
    return f"({' OR '.join(alternatives)})", params


class AreaCellStore:
    """``core.area_cells.AreaCellReader``, mixed into the report store."""

    _db: Database

    async def area_figures(
        self, query: CellQuery, kinds: Callable[[AreaCells], Kinds | None], count: int
    ) -> AreaFigures | None:
        async def unit(conn: Connection) -> AreaFigures | None:
            cells = await _area_cells(conn, query)
            if cells is None:
                return None
            chosen = kinds(cells)
            if chosen is None:
                return None
            by_share, by_count = chosen
            ranked = await _lowest_villages(conn, query, cells, by_share, by_count, count)
            return AreaFigures(cells, tuple(by_share), tuple(ranked))

        return await self._db.read(unit)


async def _area_cells(conn: Connection, query: CellQuery) -> AreaCells | None:
    first, last = query.first, query.last
    scope = await conn.fetchone(
        "SELECT MIN(day), MAX(day), (SELECT COUNT(*) FROM village_totals) FROM indicator_daily"
    )
    assert scope is not None
    if scope[0] is not None and (
        date.fromisoformat(scope[0]) < first or date.fromisoformat(scope[1]) > last
    ):
        return None  # the running totals hold work outside the period
    where, area = area_villages(query.parents, query.currents)
    inds = query.indicators
    reported: dict[tuple[Cell, str], int] = {}
    week: dict[tuple[Cell, str], int] = {}
    # CROSS JOIN keeps SQLite's join order (PostgreSQL plans it freely): the area's villages
    # on units_cells, each joined to its rows by key.
    column = ", ".join("SUM(CASE WHEN t.indicator = ? THEN t.total ELSE 0 END)" for _ in inds)
    inside = 0
    for row in await conn.fetchall(
        f"SELECT v.parent, v.current, COUNT(*), {column} FROM units v"
        f" CROSS JOIN village_totals t WHERE t.village = v.code AND {where}{_GROUP}",
        (*inds, *area),
    ):
        inside += int(row[2])
        _spread(reported, (row[0], row[1]), inds, row[3:])
    # The last days' rows on the day index: as many as were reported in them, whatever the
    # number of reports before.
    marks = ", ".join("?" * len(inds))
    for row in await conn.fetchall(
        f"SELECT v.parent, v.current, {column} FROM village_daily t CROSS JOIN units v"
        f" WHERE t.day >= ? AND t.day <= ? AND t.indicator IN ({marks}) AND v.code = t.village"
        f" AND {where}{_GROUP}",
        (*inds, query.week_first.isoformat(), last.isoformat(), *inds, *area),
    ):
        _spread(week, (row[0], row[1]), inds, row[2:])
    targets: dict[tuple[Cell, str], Sequence[Any]] = {}
    # The village targets, summed per cell on write (refresh_cell_targets).
    in_area, _ = _in_area(query.parents, query.currents)
    for row in await conn.fetchall(
        "SELECT v.parent, v.current, v.indicator, v.targets, v.positive, v.value, v.baseline,"
        " v.deadline, v.largest, v.baseline_abs FROM cell_targets v"
        f" WHERE v.period = ? AND v.indicator IN ({marks}) AND {in_area}",
        (query.period, *inds, *area),
    ):
        targets[((row[0], row[1]), row[2])] = row[3:]
    unit_targets = [
        Target(r[0], r[1], int(r[2]), date.fromisoformat(r[3]), int(r[4]), r[5])
        for r in await conn.fetchall(
            "SELECT t.indicator, t.unit, t.value, t.deadline, t.baseline, t.period FROM units u"
            " CROSS JOIN targets t WHERE t.unit = u.code AND t.period = ?"
            " AND u.level <> 'village' ORDER BY t.indicator, t.unit, t.period",
            (query.period,),
        )
    ]
    daily = None
    if inside == int(scope[2]) and query.daily_first <= last:
        daily = await district_daily(conn, query.daily_first, last)
    elif query.daily_first > last:
        daily = {}
    sums = {
        key: _sums(reported.get(key, 0), week.get(key, 0), targets.get(key))
        for key in reported.keys() | week.keys() | targets.keys()
    }
    return AreaCells(sums=sums, unit_targets=tuple(unit_targets), daily=daily)


def _spread(
    into: dict[tuple[Cell, str], int], cell: Cell, inds: Sequence[str], values: Sequence[Any]
) -> None:
    """A row's column per indicator, where it is not 0 (an absent sum is 0)."""
    for indicator, value in zip(inds, values, strict=True):
        if value:
            into[(cell, indicator)] = int(value)


def _sums(reported: int, week: int, targets: Sequence[Any] | None) -> CellSums:
    if targets is None:
        return CellSums(reported, week)
    number, positive, value, baseline, deadline, largest, spread = targets
    return CellSums(
        reported,
        week,
        int(number),
        int(positive),
        int(value),
        int(baseline),
        date.fromisoformat(str(deadline)),
        int(largest),
        int(spread),
    )


async def _lowest_villages(
    conn: Connection,
    query: CellQuery,
    cells: AreaCells,
    by_share: Sequence[str],
    by_count: Sequence[str],
    count: int,
) -> list[RankedVillage]:
    """Per indicator of ``by_share``, the ``count`` villages with a target above 0 that are
    furthest short of it (lowest share first); per indicator of ``by_count``, the ``count``
    villages with the least achieved. Ties in directory order."""
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
    targeted = {indicator for (_, indicator), sums in cells.sums.items() if sums.targets}
    for indicator in by_count:
        if indicator in targeted:
            parts.append(
                f"SELECT * FROM (SELECT CAST(? AS TEXT) AS indicator, v.code,"
                f" {reported} AS reported, g.value, g.deadline, g.baseline FROM units v"
                " LEFT JOIN village_totals t ON t.village = v.code AND t.indicator = ?"
                " LEFT JOIN targets g ON g.unit = v.code AND g.period = ? AND g.indicator = ?"
                f" WHERE {where} ORDER BY {reported} + COALESCE(g.baseline, 0), v.position"
                f" LIMIT ?) c{len(parts)}"
            )
            params += [indicator, indicator, period, indicator, *area, count]
        else:  # no village of the area has a target of it: nothing to join
            parts.append(
                f"SELECT * FROM (SELECT CAST(? AS TEXT) AS indicator, v.code,"
                f" {reported} AS reported, CAST(NULL AS INTEGER) AS value,"
                " CAST(NULL AS TEXT) AS deadline, CAST(NULL AS INTEGER) AS baseline FROM units v"
                " LEFT JOIN village_totals t ON t.village = v.code AND t.indicator = ?"
                f" WHERE {where} ORDER BY {reported}, v.position LIMIT ?) c{len(parts)}"
            )
            params += [indicator, indicator, *area, count]
    if not parts:
        return []
    rows = await conn.fetchall(" UNION ALL ".join(parts), params)
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
