"""Programme targets in SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime

import aiosqlite

from core.models import Target
from storage.database import Database, record_event

__all__ = ["SqliteTargetStore"]


class SqliteTargetStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def all(self) -> list[Target]:
        rows = await self._db.fetchall(
            "SELECT indicator, unit, value, deadline, baseline FROM targets"
            " ORDER BY indicator, unit"
        )
        return [
            Target(
                indicator=indicator,
                unit=unit,
                value=value,
                deadline=date.fromisoformat(deadline),
                baseline=baseline,
            )
            for indicator, unit, value, deadline, baseline in rows
        ]

    async def set(self, target: Target, *, actor_id: int | None, at: datetime) -> None:
        await self.set_many([target], actor_id=actor_id, at=at)

    async def set_many(
        self, targets: Sequence[Target], *, actor_id: int | None, at: datetime
    ) -> None:
        async with self._db.transaction() as conn:
            for target in targets:
                await _upsert(conn, target, actor_id=actor_id, at=at)


async def _upsert(
    conn: aiosqlite.Connection, target: Target, *, actor_id: int | None, at: datetime
) -> None:
    async with conn.execute(
        "SELECT value, deadline, baseline FROM targets WHERE indicator = ? AND unit = ?",
        (target.indicator, target.unit),
    ) as cursor:
        row = await cursor.fetchone()
    if row is not None and (row["value"], row["deadline"], row["baseline"]) == (
        target.value,
        target.deadline.isoformat(),
        target.baseline,
    ):
        return  # the same target again (a redelivered /chitieu): nothing changes
    await conn.execute(
        "INSERT INTO targets (indicator, unit, value, deadline, baseline)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (indicator, unit) DO UPDATE SET"
        " value = excluded.value, deadline = excluded.deadline,"
        " baseline = excluded.baseline",
        (
            target.indicator,
            target.unit,
            target.value,
            target.deadline.isoformat(),
            target.baseline,
        ),
    )
    await record_event(
        conn,
        entity="target",
        entity_id=f"{target.indicator}@{target.unit}",
        action="set",
        actor_id=actor_id,
        at=at,
        before=dict(row) if row else None,
        after=asdict(target),
    )
