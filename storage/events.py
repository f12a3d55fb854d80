"""Reading the append-only audit history (writes go through ``record_event``)."""

from __future__ import annotations

from datetime import UTC, datetime

from core.models import AuditEvent
from storage.sql import Database

__all__ = ["SqlAuditLog"]


class SqlAuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def events(
        self, *, entity: str | None = None, since: datetime | None = None
    ) -> list[AuditEvent]:
        where: list[str] = []
        params: list[object] = []
        if entity is not None:
            where.append("entity = ?")
            params.append(entity)
        if since is not None:
            # Times are stored as ISO 8601 in UTC, so text order is time order.
            where.append("at >= ?")
            params.append(since.astimezone(UTC).isoformat())
        sql = "SELECT id, entity, entity_id, action, actor_id, at, before, after FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = await self._db.fetchall(sql + " ORDER BY id", params)
        return [
            AuditEvent(
                id=r["id"],
                entity=r["entity"],
                entity_id=r["entity_id"],
                action=r["action"],
                actor_id=r["actor_id"],
                at=datetime.fromisoformat(r["at"]),
                before=r["before"],
                after=r["after"],
            )
            for r in rows
        ]
