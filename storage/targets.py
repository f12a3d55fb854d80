"""Programme targets, one per indicator, unit and period, and the periods themselves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import date, datetime

from core.models import Target
from core.periods import Period, PeriodSet
from storage.area_cells import refresh_cell_targets
from storage.sql import Connection, Database, record_event

__all__ = ["SqlPeriodStore", "SqlTargetStore"]


class SqlTargetStore:
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
            await conn.lock("targets")
            keys: set[tuple[str, str]] = set()
            for target in targets:
                if target.period is None:
                    target = replace(target, period=await _period_of(conn, target.deadline))
                await _upsert(conn, target, actor_id=actor_id, at=at)
                keys.add((str(target.period), target.indicator))
            await refresh_cell_targets(conn, keys)


async def _period_of(conn: Connection, deadline: date) -> str:
    """The period holding the deadline; else the last one that starts before it, else the
    first one."""
    day = deadline.isoformat()
    row = await conn.fetchone(
        "SELECT code FROM periods WHERE start_on <= ? AND end_on >= ?", (day, day)
    )
    row = row or await conn.fetchone(
        "SELECT code FROM periods WHERE start_on <= ? ORDER BY start_on DESC LIMIT 1", (day,)
    )
    row = row or await conn.fetchone("SELECT code FROM periods ORDER BY start_on LIMIT 1")
    if row is None:
        raise ValueError("no programme period is defined")
    return str(row["code"])


async def _upsert(conn: Connection, target: Target, *, actor_id: int | None, at: datetime) -> None:
    key = (target.indicator, target.unit, target.period)
    row = await conn.fetchone(
        "SELECT value, deadline, baseline FROM targets"
        " WHERE indicator = ? AND unit = ? AND period = ?",
        key,
    )
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


class SqlPeriodStore:
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
            await conn.lock("periods")
            for period in periods:
                before = await conn.fetchone(
                    "SELECT name, start_on, end_on FROM periods WHERE code = ?", (period.code,)
                )
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
                    before=dict(before) if before else None,
                    after=asdict(period),
                )
