"""The outbox: planned messages and the state of their delivery."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from core.outbox import Address, OutboxItem, OutboxMessage, OutboxStatus
from storage.sql import Database, Row, record_event

__all__ = ["SqlOutboxStore"]

_COLUMNS = (
    "id, recipient, kind, period, text, status, attempts, next_attempt_at, last_error,"
    " created_at, sent_at, channel, address"
)


def _utc(moment: datetime) -> str:
    # One format for every stored time, so that text comparison orders them.
    return moment.astimezone(UTC).isoformat()


def _item(row: Row) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        recipient=row["recipient"],
        kind=row["kind"],
        period=row["period"],
        text=row["text"],
        status=OutboxStatus(row["status"]),
        attempts=row["attempts"],
        next_attempt_at=datetime.fromisoformat(row["next_attempt_at"]),
        last_error=row["last_error"],
        created_at=datetime.fromisoformat(row["created_at"]),
        sent_at=datetime.fromisoformat(row["sent_at"]) if row["sent_at"] else None,
        to=Address(row["channel"], row["address"]) if row["channel"] else None,
    )


def _due_query(
    now: datetime, limit: int, channels: Collection[str] | None
) -> tuple[str, list[object]]:
    where = ""
    params: list[object] = [_utc(now)]
    if channels is not None:
        names = sorted(channels)
        where = f" AND (channel IS NULL OR channel IN ({','.join('?' * len(names))}))"
        params += names
    sql = (
        f"SELECT {_COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
        f"{where} ORDER BY next_attempt_at, id LIMIT ?"
    )
    return sql, [*params, limit]


class SqlOutboxStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        # PostgreSQL: rows another process is claiming right now are passed over.
        self._skip_locked = " FOR UPDATE SKIP LOCKED" if db.dialect == "postgresql" else ""

    async def enqueue(self, messages: Sequence[OutboxMessage], *, at: datetime) -> int:
        added: Counter[str] = Counter()
        async with self._db.transaction() as conn:
            for message in messages:
                inserted = await conn.execute(
                    "INSERT INTO outbox (recipient, kind, period, text, next_attempt_at,"
                    " created_at, channel, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (recipient, kind, period) DO NOTHING",
                    (
                        message.recipient,
                        message.kind,
                        message.period,
                        message.text,
                        _utc(at),
                        _utc(at),
                        message.to.channel if message.to else None,
                        message.to.address if message.to else None,
                    ),
                )
                if inserted == 1:
                    added[f"{message.kind}@{message.period}"] += 1
            if added:
                # One event per planning run: the rows themselves hold the details.
                await record_event(
                    conn,
                    entity="outbox",
                    entity_id=",".join(sorted(added)),
                    action="planned",
                    actor_id=None,
                    at=at,
                    after=dict(added),
                )
        return sum(added.values())

    async def keys(self, periods: Iterable[str]) -> set[tuple[int, str, str]]:
        wanted = set(periods)
        found: set[tuple[int, str, str]] = set()
        for period in sorted(wanted):
            rows = await self._db.fetchall(
                "SELECT recipient, kind, period FROM outbox WHERE period = ?", (period,)
            )
            found |= {(r["recipient"], r["kind"], r["period"]) for r in rows}
        return found

    async def due(
        self, now: datetime, limit: int, channels: Collection[str] | None = None
    ) -> list[OutboxItem]:
        rows = await self._db.fetchall(*_due_query(now, limit, channels))
        return [_item(r) for r in rows]

    async def claim(
        self, now: datetime, limit: int, channels: Collection[str], *, lease: timedelta
    ) -> list[OutboxItem]:
        if self._db.dialect == "sqlite":
            # One process per SQLite file: nobody to hold rows against, and a restart after
            # a crash sends what is left at once.
            return await self.due(now, limit, channels)
        sql, params = _due_query(now, limit, channels)
        async with self._db.transaction() as conn:
            rows = await conn.fetchall(sql + self._skip_locked, params)
            if rows:
                ids = [r["id"] for r in rows]
                # Not due for anyone else until the lease ends (or the row is marked).
                await conn.execute(
                    "UPDATE outbox SET next_attempt_at = ?"
                    f" WHERE id IN ({', '.join('?' * len(ids))})",
                    (_utc(now + lease), *ids),
                )
        return [_item(r) for r in rows]

    async def release(self, item_ids: Collection[int], *, at: datetime) -> None:
        ids = sorted(item_ids)
        if not ids:
            return
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending'"
                f" AND id IN ({', '.join('?' * len(ids))})",
                (_utc(at), *ids),
            )

    async def address(self, targets: Mapping[int, Address]) -> None:
        if not targets:
            return
        async with self._db.transaction() as conn:
            await conn.executemany(
                "UPDATE outbox SET channel = ?, address = ?"
                " WHERE id = ? AND status = 'pending' AND channel IS NULL",
                [(to.channel, to.address, item_id) for item_id, to in targets.items()],
            )

    async def mark_sent(self, item_id: int, *, at: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?,"
                " last_error = NULL WHERE id = ? AND status = 'pending'",
                (_utc(at), item_id),
            )

    async def mark_retry(
        self, item_id: int, *, attempts: int, next_attempt_at: datetime, error: str
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?"
                " WHERE id = ? AND status = 'pending'",
                (attempts, _utc(next_attempt_at), error, item_id),
            )

    async def mark_given_up(
        self, item_id: int, *, blocked: bool, attempts: int, error: str, at: datetime
    ) -> None:
        status = OutboxStatus.BLOCKED if blocked else OutboxStatus.FAILED
        async with self._db.transaction() as conn:
            row = await conn.fetchone(
                "SELECT recipient, kind, period FROM outbox WHERE id = ? AND status = 'pending'",
                (item_id,),
            )
            if row is None:
                return
            if not await conn.execute(
                "UPDATE outbox SET status = ?, attempts = ?, last_error = ?"
                " WHERE id = ? AND status = 'pending'",
                (status.value, attempts, error, item_id),
            ):
                return  # another process finished it meanwhile
            await record_event(
                conn,
                entity="outbox",
                entity_id=item_id,
                action=status.value,
                actor_id=None,
                at=at,
                after={
                    "recipient": row["recipient"],
                    "kind": row["kind"],
                    "period": row["period"],
                    "attempts": attempts,
                    "error": error,
                },
            )

    async def all(self) -> list[OutboxItem]:
        rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM outbox ORDER BY id")
        return [_item(r) for r in rows]
