"""Programme targets, one per indicator, unit and period, and the periods, in SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import date, datetime

import aiosqlite

from core.models import Target
from core.periods import Period, PeriodSet
from storage.database import Database, record_event

__all__ = ["SqlitePeriodStore", "SqliteTargetStore"]


class SqliteTargetStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def all(self, period: str | None = None) -> list[Target]:
        """Every target, or those of one period."""
        where, args = ("WHERE period = ?", (period,)) if period else ("", ())
        rows = await self._db.fetchall(
            "SELECT indicator, unit, period, value, deadline, baseline FROM targets"
            f" {where} ORDER BY indicator, unit, period",
            args,
        )
        return [
            Target(
                indicator=r["indicator"],
                unit=r["unit"],
                value=r["value"],
                deadline=date.fromisoformat(r["deadline"]),
                baseline=r["baseline"],
                period=r["period"],
            )
            for r in rows
        ]

    async def set(self, target: Target, *, actor_id: int | None, at: datetime) -> None:
        await self.set_many([target], actor_id=actor_id, at=at)

    async def set_many(
        self, targets: Sequence[Target], *, actor_id: int | None, at: datetime
    ) -> None:
        async with self._db.transaction() as conn:
            for target in targets:
                if target.period is None:
                    target = replace(target, period=await _period_of(conn, target.deadline))
                await _upsert(conn, target, actor_id=actor_id, at=at)


async def _period_of(conn: aiosqlite.Connection, deadline: date) -> str:
    """The period holding the deadline; else the last one that starts before it."""
    async with conn.execute(
        "SELECT code FROM periods WHERE start_on <= ? ORDER BY"
        " (end_on >= ?) DESC, start_on DESC LIMIT 1",
        (deadline.isoformat(), deadline.isoformat()),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        async with conn.execute("SELECT code FROM periods ORDER BY start_on LIMIT 1") as cursor:
            row = await cursor.fetchone()
    if row is None:
        raise ValueError("no programme period is defined")
    return str(row["code"])


async def _upsert(
    conn: aiosqlite.Connection, target: Target, *, actor_id: int | None, at: datetime
) -> None:
    key = (target.indicator, target.unit, target.period)
    async with conn.execute(
        "SELECT value, deadline, baseline FROM targets"
        " WHERE indicator = ? AND unit = ? AND period = ?",
        key,
    ) as cursor:
        row = await cursor.fetchone()
    if row is not None and (row["value"], row["deadline"], row["baseline"]) == (
        target.value,
        target.deadline.isoformat(),
        target.baseline,
    ):
        return  # the same target again (a redelivered /chitieu): nothing changes
    await conn.execute(
        "INSERT INTO targets (indicator, unit, period, value, deadline, baseline)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (indicator, unit, period) DO UPDATE SET"
        " value = excluded.value, deadline = excluded.deadline,"
        " baseline = excluded.baseline",
        (*key, target.value, target.deadline.isoformat(), target.baseline),
    )
    await record_event(
        conn,
        entity="target",
        entity_id=f"{target.indicator}@{target.unit}@{target.period}",
        action="set",
        actor_id=actor_id,
        at=at,
        before=dict(row) if row else None,
        after=asdict(target),
    )


class SqlitePeriodStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self) -> PeriodSet:
        rows = await self._db.fetchall(
            "SELECT code, name, start_on, end_on FROM periods ORDER BY start_on"
        )
        return PeriodSet.of(
            [
                Period(
                    r["code"],
                    r["name"],
                    date.fromisoformat(r["start_on"]),
                    date.fromisoformat(r["end_on"]),
                )
                for r in rows
            ]
        )

    async def set_many(
        self, periods: Sequence[Period], *, actor_id: int | None, at: datetime
    ) -> None:
        async with self._db.transaction() as conn:
            for period in periods:
                await conn.execute(
                    "INSERT INTO periods (code, name, start_on, end_on) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
                    " start_on = excluded.start_on, end_on = excluded.end_on",
                    (period.code, period.name, period.start.isoformat(), period.end.isoformat()),
                )
                await record_event(
                    conn,
                    entity="period",
                    entity_id=period.code,
                    action="set",
                    actor_id=actor_id,
                    at=at,
                    before=None,
                    after=asdict(period),
                )
