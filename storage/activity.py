"""Recent activity for reminders and digests: read-only queries over reports and aggregates."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage.sql import Database

__all__ = ["SqlActivityStore"]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class SqlActivityStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def last_report_at(self) -> dict[int, datetime]:
        rows = await self._db.fetchall(
            "SELECT reporter_id, MAX(received_at) AS latest FROM reports GROUP BY reporter_id"
        )
        return {r["reporter_id"]: datetime.fromisoformat(r["latest"]) for r in rows}

    async def reporting_villages(self, since: datetime, until: datetime) -> set[str]:
        rows = await self._db.fetchall(
            "SELECT DISTINCT village FROM reports"
            " WHERE received_at >= ? AND received_at < ? AND status = 'active'",
            (_utc(since), _utc(until)),
        )
        return {r["village"] for r in rows}

    async def done_between(self, first: date, last: date) -> dict[tuple[str, str], int]:
        rows = await self._db.fetchall(
            "SELECT village, indicator, SUM(total) AS total FROM village_daily"
            " WHERE day >= ? AND day <= ? GROUP BY village, indicator",
            (first.isoformat(), last.isoformat()),
        )
        return {(r["village"], r["indicator"]): r["total"] for r in rows}
