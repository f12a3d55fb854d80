"""Approval of reports: awaiting, approved or rejected (out of the totals); shared SQL."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime

from core.evidence import Review, ReviewInfo
from core.models import StoredReport
from storage.area_cells import area_villages
from storage.report_pages import COLUMNS
from storage.report_pages import report_of as report_row
from storage.report_rows import bump_totals, snapshot, track_review
from storage.sql import Database, record_event

__all__ = ["SqlReviewStore"]


def _marks(values: Collection[object]) -> str:
    return ", ".join("?" * len(values))


class SqlReviewStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def awaiting(self, villages: Collection[str]) -> list[StoredReport]:
        codes = sorted(set(villages))
        if not codes:
            return []
        rows = await self._db.fetchall(
            f"SELECT {COLUMNS} FROM reports WHERE review = 'awaiting' AND status = 'active'"
            f" AND village IN ({_marks(codes)}) ORDER BY review_since, id",
            codes,
        )
        return [report_row(r) for r in rows]

    async def decide(
        self,
        report_id: int,
        review: Review,
        *,
        reviewer_id: int,
        at: datetime,
        reason: str | None = None,
    ) -> StoredReport | None:
        if review == Review.AWAITING:
            raise ValueError("a decision approves or rejects")
        async with self._db.transaction() as conn:
            rows = await conn.fetchall(
                f"SELECT {COLUMNS} FROM reports WHERE id = ? AND status = 'active'"
                " AND review = 'awaiting'",
                (report_id,),
            )
            if not rows:
                return None
            before = report_row(next(iter(rows)))
            after = replace(before, review=review)
            await conn.execute(
                "UPDATE reports SET review = ?, reviewed_by = ?, reviewed_at = ?,"
                " review_reason = ? WHERE id = ?",
                (review.value, reviewer_id, at.isoformat(), reason, report_id),
            )
            await track_review(conn, report_id, before, after, at)
            if review == Review.REJECTED:
                await bump_totals(
                    conn, before.village, before.indicator, before.done_on, -before.count
                )
            await record_event(
                conn,
                entity="report",
                entity_id=report_id,
                action=review.value,
                actor_id=reviewer_id,
                at=at,
                before=snapshot(before),
                after={**snapshot(after), "reason": reason},
            )
        return after

    async def infos(self, report_ids: Collection[int]) -> dict[int, ReviewInfo]:
        ids = sorted(set(report_ids))
        if not ids:
            return {}
        rows = await self._db.fetchall(
            "SELECT id, review, review_since, reviewed_by, reviewed_at, review_reason"
            f" FROM reports WHERE review IS NOT NULL AND id IN ({_marks(ids)})",
            ids,
        )
        return {
            r["id"]: ReviewInfo(
                review=Review(r["review"]),
                since=datetime.fromisoformat(r["review_since"]) if r["review_since"] else None,
                reviewer_id=r["reviewed_by"],
                reviewed_at=datetime.fromisoformat(r["reviewed_at"]) if r["reviewed_at"] else None,
                reason=r["review_reason"],
            )
            for r in rows
        }

    async def approved_totals(
        self, villages: Collection[str], first: date | None = None, last: date | None = None
    ) -> dict[str, int]:
        codes = sorted(set(villages))
        if not codes:
            return {}
        span = (first or date.min, last or date.max)
        rows = await self._db.fetchall(
            "SELECT indicator, SUM(total) AS total FROM approved_daily"
            f" WHERE village IN ({_marks(codes)}) AND day >= ? AND day <= ? GROUP BY indicator",
            (*codes, *(d.isoformat() for d in span)),
        )
        return {r["indicator"]: int(r["total"]) for r in rows if r["total"]}

    async def waiting_by_village(self) -> dict[str, tuple[int, datetime]]:
        rows = await self._db.fetchall(
            "SELECT village, COUNT(*) AS n, MIN(since) AS since FROM review_queue GROUP BY village"
        )
        return {r["village"]: (int(r["n"]), datetime.fromisoformat(r["since"])) for r in rows}

    async def area_approval(
        self, parents: Collection[str], currents: Collection[str], first: date, last: date
    ) -> tuple[dict[str, int], int, datetime | None]:
        where, area = area_villages(parents, currents)
        # One trip: the approved sums per indicator, then a row (indicator NULL) for the queue.
        rows = await self._db.fetchall(
            "SELECT a.indicator, SUM(a.total), NULL FROM units v CROSS JOIN approved_daily a"
            f" WHERE a.village = v.code AND a.day >= ? AND a.day <= ? AND {where}"
            " GROUP BY a.indicator UNION ALL SELECT NULL, COUNT(*), MIN(q.since) FROM units v"
            f" CROSS JOIN review_queue q WHERE q.village = v.code AND {where}",
            (first.isoformat(), last.isoformat(), *area, *area),
        )
        approved = {r[0]: int(r[1]) for r in rows if r[0] is not None and r[1]}
        waiting, since = next((int(r[1]), r[2]) for r in rows if r[0] is None)
        if not waiting:
            return approved, 0, None
        return approved, waiting, datetime.fromisoformat(since) if since else None

    async def summary(self, villages: Collection[str]) -> tuple[int, datetime | None]:
        codes = sorted(set(villages))
        if not codes:
            return 0, None
        row = await self._db.fetchone(
            f"SELECT COUNT(*), MIN(since) FROM review_queue WHERE village IN ({_marks(codes)})",
            codes,
        )
        if row is None or not row[0]:
            return 0, None
        return int(row[0]), datetime.fromisoformat(row[1]) if row[1] else None
