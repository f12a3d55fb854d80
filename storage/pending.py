"""Questions asked with buttons, kept server-side until their person answers."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from core.models import Pending, PendingKind
from storage.sql import Database, Row

__all__ = ["SqlPendingStore"]

_COLUMNS = "key, person_id, kind, text, data, source, created_at, used_at"


def _pending(row: Row) -> Pending:
    data = json.loads(row["data"])
    return Pending(
        key=row["key"],
        person_id=row["person_id"],
        kind=PendingKind(row["kind"]),
        text=row["text"],
        data=data if isinstance(data, dict) else {},
        source=row["source"],
        created_at=datetime.fromisoformat(row["created_at"]),
        used_at=datetime.fromisoformat(row["used_at"]) if row["used_at"] else None,
    )


class SqlPendingStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(
        self,
        *,
        person_id: int,
        kind: str,
        text: str,
        data: Mapping[str, object],
        source: str | None,
        at: datetime,
    ) -> str:
        # Random rather than a row number: a button from an older database must not match.
        key = secrets.token_urlsafe(6)
        async with self._db.transaction() as conn:
            await conn.execute(
                f"INSERT INTO pending ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                (
                    key,
                    person_id,
                    kind,
                    text,
                    json.dumps(dict(data), ensure_ascii=False),
                    source,
                    at.isoformat(),
                ),
            )
        return key

    async def get(self, key: str) -> Pending | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM pending WHERE key = ?", (key,))
        return _pending(row) if row else None

    async def take(
        self, key: str, *, person_id: int, kind: str, at: datetime, max_age: timedelta
    ) -> Pending | None:
        async with self._db.transaction() as conn:
            row = await conn.fetchone(
                f"SELECT {_COLUMNS} FROM pending WHERE key = ? AND person_id = ? AND kind = ?"
                " AND used_at IS NULL AND created_at >= ?",
                (key, person_id, kind, (at - max_age).isoformat()),
            )
            if row is None:
                return None
            # Only the first of two presses at once (two processes) finds it unused.
            if not await conn.execute(
                "UPDATE pending SET used_at = ?, text = '' WHERE key = ? AND used_at IS NULL",
                (at.isoformat(), key),
            ):
                return None
            return _pending(row)
