"""Reports, their running totals and their history (SQL shared by SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime

from core.evidence import Review
from core.models import AddedReports, ReportStatus, StoredReport
from core.parsing import ReportItem
from core.ports import HouseholdTaken
from core.text import fold
from storage.area_cells import AreaCellStore
from storage.report_pages import COLUMNS as _COLUMNS
from storage.report_pages import ReportListing
from storage.report_pages import report_of as _report
from storage.report_rows import COUNTED, bump_in_order, bump_totals, track_review
from storage.report_rows import snapshot as _snapshot
from storage.sql import Connection, Database, record_event
from storage.totals import daily_totals, period_totals

__all__ = ["SqlReportStore"]

_INSERT = (
    "INSERT INTO reports (indicator, count, village, household, household_key, done_on,"
    " received_at, reporter_id, source, text_key, review, review_since, household_id)"
)
# Typed: PostgreSQL cannot infer a parameter's type from an INSERT … SELECT.
_TYPED_VALUES = (
    " SELECT CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS TEXT),"
    " CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS TEXT),"
    " CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER)"
)


async def _active(conn: Connection, report_id: int) -> StoredReport | None:
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM reports WHERE id = ? AND status = 'active'", (report_id,)
    )
    return _report(rows[0]) if rows else None


def _household_query(
    item: ReportItem, besides: int | None = None
) -> tuple[str, tuple[object, ...]]:
    """The active report of the item's indicator for its household: a registry household by
    its id (or a report of its village that carries its name without an id), a name not on
    the list by the name."""
    other = -1 if besides is None else besides
    assert item.household is not None
    key = fold(item.household)
    by_name = (
        f"SELECT {_COLUMNS} FROM reports WHERE indicator = ? AND household_key = ?"
        f" AND village = ? AND {COUNTED} AND id <> ?"
    )
    if item.household_id is None:
        return by_name + " ORDER BY id LIMIT 1", (item.indicator, key, item.village, other)
    return (
        f"SELECT * FROM (SELECT {_COLUMNS} FROM reports WHERE household_id = ? AND indicator = ?"
        f" AND {COUNTED} AND id <> ? UNION ALL {by_name} AND household_id IS NULL) AS found"
        " ORDER BY id LIMIT 1",
        (item.household_id, item.indicator, other, item.indicator, key, item.village, other),
    )


async def _earlier(conn: Connection, source: str) -> AddedReports:
    """The reports already stored from ``source``, with their current totals."""
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM reports WHERE source = ? ORDER BY id", (source,)
    )
    reports = [_report(r) for r in rows]
    pairs = {(r.village, r.indicator) for r in reports}
    totals = await conn.fetchall(
        "SELECT village, indicator, total FROM village_totals"
        f" WHERE village IN ({', '.join('?' * len(pairs))})",
        [village for village, _ in pairs],
    )
    return AddedReports(
        reports,
        {
            (r["village"], r["indicator"]): r["total"]
            for r in totals
            if (r["village"], r["indicator"]) in pairs
        },
    )


def _household_lock(village: str, indicator: str, household: str) -> str:
    return f"household:{village}:{indicator}:{fold(household)}"


async def _household(
    conn: Connection, item: ReportItem, *, besides: int | None = None
) -> StoredReport | None:
    assert item.household is not None
    await conn.lock(_household_lock(item.village, item.indicator, item.household))
    rows = await conn.fetchall(*_household_query(item, besides))
    return _report(rows[0]) if rows else None


async def _repeated(
    conn: Connection, reporter_id: int, text_key: str, since: datetime, source: str | None
) -> list[StoredReport]:
    """Active reports of this person from another message with this digest, received since
    (a redelivery of the same message is not a repeat: it is answered as stored)."""
    other = "" if source is None else " AND (source IS NULL OR source <> ?)"
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM reports WHERE reporter_id = ? AND text_key = ?"
        f" AND received_at >= ? AND status = 'active'{other} ORDER BY id",
        (reporter_id, text_key, since.isoformat(), *(() if source is None else (source,))),
    )
    return [_report(r) for r in rows]


async def _add(
    conn: Connection,
    items: Sequence[ReportItem],
    *,
    reporter_id: int,
    received_at: datetime,
    source: str | None,
    text_key: str | None,
    once_per_household: Collection[str],
    needs_approval: Collection[str],
) -> AddedReports:
    stored: list[StoredReport] = []
    bumps: list[tuple[str, str, date, int]] = []  # (indicator, village, day, count)
    # Everything this message must hold, taken at once in one (sorted) order: two messages
    # naming the same households in opposite orders, handled at the same time by two
    # processes, must not each hold one and wait for the other.
    await conn.lock(
        *[
            _household_lock(i.village, i.indicator, i.household)
            for i in items
            if i.household and i.indicator in once_per_household
        ],
        *([f"source:{source}"] if source is not None else []),
    )
    for item in items:
        review = Review.AWAITING if item.indicator in needs_approval else None
        values = (
            item.indicator,
            item.count,
            item.village,
            item.household,
            fold(item.household) if item.household else None,
            item.date.isoformat(),
            received_at.isoformat(),
            reporter_id,
            source,
            text_key,
            review.value if review else None,
            received_at.isoformat() if review else None,
            item.household_id,
        )
        if stored or source is None:
            row = await conn.fetchone(
                _INSERT + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                values,
            )
        else:
            # Stored only if the message is not: checked in the same statement, under
            # the write lock (SQLite) or the message's lock (PostgreSQL, above), since two
            # deliveries of one message may be handled at once, by two processes even.
            row = await conn.fetchone(
                _INSERT + _TYPED_VALUES + " WHERE NOT EXISTS"
                " (SELECT 1 FROM reports WHERE source = ?) RETURNING id",
                (*values, source),
            )
            if row is None:
                return await _earlier(conn, source)
        assert row is not None
        report = StoredReport(
            id=int(row[0]),
            indicator=item.indicator,
            count=item.count,
            village=item.village,
            household=item.household,
            done_on=item.date,
            received_at=received_at,
            reporter_id=reporter_id,
            status=ReportStatus.ACTIVE,
            source=source,
            review=review,
            household_id=item.household_id,
        )
        if item.household and item.indicator in once_per_household:
            taken = await _household(conn, item, besides=report.id)
            if taken is not None:
                raise HouseholdTaken(taken)  # the unit is rolled back
        bumps.append((item.indicator, item.village, item.date, item.count))
        await record_event(
            conn,
            entity="report",
            entity_id=report.id,
            action="created",
            actor_id=reporter_id,
            at=received_at,
            after=_snapshot(report),
        )
        if review is not None:
            await track_review(conn, report.id, None, report, received_at)
        stored.append(report)
    totals = await bump_in_order(conn, bumps)  # in one order too, for the same reason
    return AddedReports(stored, totals)


class SqlReportStore(ReportListing, AreaCellStore):
    def __init__(self, db: Database) -> None:
        super().__init__(db)

    async def add(
        self,
        items: Sequence[ReportItem],
        *,
        reporter_id: int,
        received_at: datetime,
        source: str | None,
        text_key: str | None = None,
        once_per_household: Collection[str] = (),
        needs_approval: Collection[str] = (),
        repeat_since: datetime | None = None,
    ) -> AddedReports:
        async def unit(conn: Connection) -> AddedReports:
            if repeat_since is not None and text_key is not None:
                repeated = await _repeated(conn, reporter_id, text_key, repeat_since, source)
                if repeated:
                    return AddedReports([], {}, repeated=tuple(repeated))
            return await _add(
                conn,
                items,
                reporter_id=reporter_id,
                received_at=received_at,
                source=source,
                text_key=text_key,
                once_per_household=once_per_household,
                needs_approval=needs_approval,
            )

        # One unit: the checks, the rows, the totals, the history and the review queue.
        return await self._db.run(unit)

    async def household_report(self, item: ReportItem) -> StoredReport | None:
        if not item.household:
            return None
        rows = await self._db.fetchall(*_household_query(item))
        return _report(rows[0]) if rows else None

    async def cancel(self, report_id: int, *, actor_id: int, at: datetime) -> StoredReport | None:
        async def unit(conn: Connection) -> StoredReport | None:
            before = await _active(conn, report_id)
            if before is None:
                return None
            after = replace(before, status=ReportStatus.CANCELLED)
            await conn.execute(
                "UPDATE reports SET status = ? WHERE id = ?", (after.status.value, report_id)
            )
            if before.review != Review.REJECTED:  # a rejected one left the totals already
                await bump_totals(
                    conn, before.village, before.indicator, before.done_on, -before.count
                )
            await record_event(
                conn,
                entity="report",
                entity_id=report_id,
                action="cancelled",
                actor_id=actor_id,
                at=at,
                before=_snapshot(before),
                after=_snapshot(after),
            )
            await track_review(conn, report_id, before, after, at)
            return after

        return await self._db.run(unit)

    async def correct(
        self,
        report_id: int,
        item: ReportItem,
        *,
        actor_id: int,
        at: datetime,
        once_per_household: Collection[str] = (),
        needs_approval: Collection[str] = (),
    ) -> tuple[StoredReport, StoredReport] | None:
        async def unit(conn: Connection) -> tuple[StoredReport, StoredReport] | None:
            before = await _active(conn, report_id)
            if before is None:
                return None
            if item.household and item.indicator in once_per_household:
                taken = await _household(conn, item, besides=report_id)
                if taken is not None:
                    raise HouseholdTaken(taken)
            after = replace(
                before,
                indicator=item.indicator,
                count=item.count,
                village=item.village,
                household=item.household,
                done_on=item.date,
                household_id=item.household_id,
            )
            rejected = before.review == Review.REJECTED
            if after == before and not rejected:
                return before, after
            # A changed report is reviewed again; a rejected one is sent back even unchanged.
            after = replace(
                after, review=Review.AWAITING if item.indicator in needs_approval else None
            )
            await conn.execute(
                "UPDATE reports SET indicator = ?, count = ?, village = ?, household = ?,"
                " household_key = ?, done_on = ?, review = ?, review_since = ?,"
                " household_id = ? WHERE id = ?",
                (
                    after.indicator,
                    after.count,
                    after.village,
                    after.household,
                    fold(after.household) if after.household else None,
                    after.done_on.isoformat(),
                    after.review.value if after.review else None,
                    at.isoformat() if after.review else None,
                    after.household_id,
                    report_id,
                ),
            )
            changes = [(after.indicator, after.village, after.done_on, after.count)]
            if not rejected:
                changes.append((before.indicator, before.village, before.done_on, -before.count))
            await bump_in_order(conn, changes)
            await record_event(
                conn,
                entity="report",
                entity_id=report_id,
                action="corrected",
                actor_id=actor_id,
                at=at,
                before=_snapshot(before),
                after=_snapshot(after),
            )
            await track_review(conn, report_id, before, after, at)
            return before, after

        return await self._db.run(unit)

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
        return {(village, indicator): total for village, indicator, total in rows}

    async def daily_totals(
        self, villages: Collection[str], since: date, until: date
    ) -> dict[tuple[str, date], int]:
        return await daily_totals(self._db, villages, since, until)

    async def period_totals(
        self, villages: Collection[str], first: date, last: date
    ) -> dict[tuple[str, str], int]:
        return await period_totals(self._db, villages, first, last)
