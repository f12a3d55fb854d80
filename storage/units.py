"""Administrative units in SQLite."""

from __future__ import annotations

from datetime import datetime

from bot.domain.units import Unit, UnitDirectory
from storage.database import Database, record_event

__all__ = ["SqliteUnitStore"]


class SqliteUnitStore:
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
                    level=r["level"],
                    name=r["name"],
                    parent=r["parent"],
                    current=r["current"],
                    aliases=tuple(a for a in r["aliases"].split("|") if a),
                    note=r["note"],
                )
                for r in rows
            )
        )

    async def replace(
        self, directory: UnitDirectory, *, actor_id: int | None, at: datetime
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM units")
            await conn.executemany(
                "INSERT INTO units (code, level, name, parent, current, aliases, note, position)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (u.code, u.level, u.name, u.parent, u.current, "|".join(u.aliases), u.note, i)
                    for i, u in enumerate(directory)
                ],
            )
            await record_event(
                conn,
                entity="units",
                entity_id="*",
                action="replaced",
                actor_id=actor_id,
                at=at,
                after={"count": len(directory)},
            )
