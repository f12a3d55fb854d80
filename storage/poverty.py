"""The poverty rate's inputs: baselines and yearly steps of the target path, and the
registry's history read for many villages at once."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from fractions import Fraction

from core.households import Category
from core.poverty_rate import Baseline, PathStep, Step
from storage.sql import Connection, Database, Row, record_event

__all__ = ["SqlPovertyStore"]

# Rates and steps are stored in hundredths of a percent: 29,99% is 2999.
_SCALE = 10_000


def hundredths(rate: Fraction) -> int:
    """A rate in hundredths of a percent, rounded half up."""
    return int(rate * _SCALE + Fraction(1, 2))


def _placeholders(values: Collection[str]) -> str:
    return ", ".join("?" * len(values))


class SqlPovertyStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def baselines(self) -> list[Baseline]:
        rows = await self._db.fetchall(
            "SELECT unit, year, rate, poor, total FROM poverty_baselines ORDER BY unit, year"
        )
        return [
            Baseline(
                r["unit"],
                int(r["year"]),
                Fraction(int(r["rate"]), _SCALE),
                None if r["poor"] is None else int(r["poor"]),
                None if r["total"] is None else int(r["total"]),
            )
            for r in rows
        ]

    async def path_steps(self) -> list[PathStep]:
        rows = await self._db.fetchall(
            "SELECT period, unit, fall FROM poverty_paths ORDER BY period, unit"
        )
        return [PathStep(r["period"], r["unit"], Fraction(int(r["fall"]), _SCALE)) for r in rows]

    async def set_path(
        self,
        baselines: Sequence[Baseline],
        steps: Sequence[PathStep],
        *,
        actor_id: int | None,
        at: datetime,
    ) -> int:
        changed = 0
        async with self._db.transaction() as conn:
            await conn.lock("poverty_path")
            for baseline in baselines:
                changed += await _set_baseline(conn, baseline, actor_id=actor_id, at=at)
            for step in steps:
                changed += await _set_step(conn, step, actor_id=actor_id, at=at)
        return changed

    async def registry(
        self, villages: Collection[str]
    ) -> tuple[list[Step], list[tuple[str, Category]]]:
        listed = tuple(dict.fromkeys(villages))
        if not listed:
            return [], []
        marks = _placeholders(listed)

        async def read(conn: Connection) -> tuple[list[Row], list[Row]]:
            steps = await conn.fetchall(
                "SELECT c.household_id, h.village, c.category, c.year"
                " FROM household_categories c JOIN households h ON h.id = c.household_id"
                f" WHERE h.village IN ({marks}) ORDER BY c.household_id, c.year, c.id",
                listed,
            )
            current = await conn.fetchall(
                f"SELECT village, category FROM households WHERE village IN ({marks})", listed
            )
            return steps, current

        rows, current = await self._db.read(read)  # one trip (a province: 2,000 villages)
        steps = [
            Step(int(r["household_id"]), r["village"], Category(r["category"]), int(r["year"]))
            for r in rows
        ]
        return steps, [(r["village"], Category(r["category"])) for r in current]


async def _set_baseline(
    conn: Connection, baseline: Baseline, *, actor_id: int | None, at: datetime
) -> int:
    key = (baseline.unit, baseline.year)
    new = (hundredths(baseline.rate), baseline.poor, baseline.total)
    row = await conn.fetchone(
        "SELECT rate, poor, total FROM poverty_baselines WHERE unit = ? AND year = ?", key
    )
    old = None if row is None else (int(row["rate"]), row["poor"], row["total"])
    if old == new:
        return 0
    if old is None:
        await conn.execute(
            "INSERT INTO poverty_baselines (unit, year, rate, poor, total) VALUES (?, ?, ?, ?, ?)",
            (*key, *new),
        )
    else:
        await conn.execute(
            "UPDATE poverty_baselines SET rate = ?, poor = ?, total = ?"
            " WHERE unit = ? AND year = ?",
            (*new, *key),
        )
    await record_event(
        conn,
        entity="poverty_baseline",
        entity_id=f"{baseline.unit}/{baseline.year}",
        action="set",
        actor_id=actor_id,
        at=at,
        before=None if old is None else dict(zip(("rate", "poor", "total"), old, strict=True)),
        after=dict(zip(("rate", "poor", "total"), new, strict=True)),
    )
    return 1


async def _set_step(conn: Connection, step: PathStep, *, actor_id: int | None, at: datetime) -> int:
    key = (step.period, step.unit)
    fall = hundredths(step.fall)
    row = await conn.fetchone("SELECT fall FROM poverty_paths WHERE period = ? AND unit = ?", key)
    old = None if row is None else int(row["fall"])
    if old == fall:
        return 0
    if old is None:
        await conn.execute(
            "INSERT INTO poverty_paths (period, unit, fall) VALUES (?, ?, ?)", (*key, fall)
        )
    else:
        await conn.execute(
            "UPDATE poverty_paths SET fall = ? WHERE period = ? AND unit = ?", (fall, *key)
        )
    await record_event(
        conn,
        entity="poverty_path",
        entity_id=f"{step.period}/{step.unit}",
        action="set",
        actor_id=actor_id,
        at=at,
        before=old,
        after=fall,
    )
    return 1
