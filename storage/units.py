"""Administrative units."""

from __future__ import annotations

from datetime import datetime

from core.ports import UnitsInUse
from core.units import Level, Unit, UnitDirectory
from storage.area_cells import refresh_cell_targets
from storage.sql import Database, record_event

__all__ = ["SqlUnitStore"]


# Where unit codes are kept as facts: a new list must still contain all of them.
_REFERENCED = (
    "SELECT scope FROM people UNION SELECT village FROM reports UNION SELECT village FROM tasks"
)


class SqlUnitStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self) -> UnitDirectory:
        rows = await self._db.fetchall(
            "SELECT code, level, name, parent, current, aliases, note FROM units ORDER BY position"
        )
        return UnitDirectory(
            tuple(
                Unit(
                    code=r["code"],
                    level=Level(r["level"]),
                    name=r["name"],
                    parent=r["parent"],
                    current=r["current"],
                    aliases=tuple(a for a in r["aliases"].split("|") if a),
                    note=r["note"],
                )
                for r in rows
            )
        )

    async def replace(self, directory: UnitDirectory, *, actor_id: int | None, at: datetime) -> int:
        codes = {u.code for u in directory}
        async with self._db.transaction() as conn:
            await conn.lock("units")
            rows = await conn.fetchall(_REFERENCED)
            missing = sorted({r[0] for r in rows} - codes)
            if missing:
                raise UnitsInUse(missing)
            # Targets of units no longer listed (e.g. the shipped defaults on a deployment
            # with its own list) go, each with an event; the caller reports how many.
            orphans = [
                r
                for r in await conn.fetchall(
                    "SELECT indicator, unit, value FROM targets ORDER BY indicator, unit"
                )
                if r["unit"] not in codes
            ]
            for row in orphans:
                await conn.execute(
                    "DELETE FROM targets WHERE indicator = ? AND unit = ?",
                    (row["indicator"], row["unit"]),
                )
                await record_event(
                    conn,
                    entity="target",
                    entity_id=f"{row['indicator']}@{row['unit']}",
                    action="removed with its unit",
                    actor_id=actor_id,
                    at=at,
                    before=dict(row),
                )
            await conn.execute("DELETE FROM units")
            await conn.executemany(
                "INSERT INTO units (code, level, name, parent, current, aliases, note, position)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (u.code, u.level, u.name, u.parent, u.current, "|".join(u.aliases), u.note, i)
                    for i, u in enumerate(directory)
                ],
            )
            await refresh_cell_targets(conn)
            await record_event(
                conn,
                entity="units",
                entity_id="*",
                action="replaced",
                actor_id=actor_id,
                at=at,
                after={"count": len(directory)},
            )
        return len(orphans)
