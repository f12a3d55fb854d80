"""The durable inbox: channel updates recorded before they are acknowledged."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta

from core.models import FailedUpdate, InboxEntry
from storage.sql import Connection, Database, Row

__all__ = ["SqlInbox"]


def _offset_key(channel: str) -> str:
    return f"{channel}.offset"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


# The first pending update of each lane that nobody holds (or whose holder's lease ran out).
_CLAIMABLE = (
    "SELECT update_id, payload, lane, position FROM inbox i"
    " WHERE channel = ? AND status = 'pending'"
    " AND (claimed_until IS NULL OR claimed_until < ?)"
    " AND NOT EXISTS (SELECT 1 FROM inbox e WHERE e.channel = i.channel AND e.lane = i.lane"
    " AND e.status = 'pending' AND (e.position, e.update_id) < (i.position, i.update_id))"
    " ORDER BY position, update_id LIMIT ?"
)


def _entry(row: Row) -> InboxEntry:
    return InboxEntry(row["update_id"], row["payload"], row["lane"], row["position"])


def _kept_key(channel: str, key: str) -> str:
    return f"{channel}.kept.{key}"


class SqlInbox:
    def __init__(self, db: Database) -> None:
        self._db = db
        # PostgreSQL: rows another process is claiming right now are passed over, not waited
        # for. (SQLite: the claim holds the only write lock.)
        self._skip_locked = " FOR UPDATE SKIP LOCKED" if db.dialect == "postgresql" else ""

    async def record(
        self,
        channel: str,
        entries: Sequence[InboxEntry],
        *,
        at: datetime,
        offset: int | None = None,
    ) -> set[int]:
        # One commit for the batch and the offset: either both survive a crash or neither,
        # and the messenger learns of the offset only from the next poll, after this commit.
        async def unit(conn: Connection) -> set[int]:
            recorded: set[int] = set()
            for entry in entries:
                inserted = await conn.execute(
                    "INSERT INTO inbox (channel, update_id, payload, received_at, lane, position)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, update_id) DO NOTHING",
                    (
                        channel,
                        entry.update_id,
                        entry.payload,
                        at.isoformat(),
                        entry.lane,
                        entry.update_id if entry.position is None else entry.position,
                    ),
                )
                if inserted == 1:
                    recorded.add(entry.update_id)
            if offset is not None:
                await conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (_offset_key(channel), str(offset)),
                )
            return recorded

        return await self._db.run(unit)

    async def pending(self, channel: str) -> list[InboxEntry]:
        rows = await self._db.fetchall(
            "SELECT update_id, payload, lane, position FROM inbox"
            " WHERE channel = ? AND status = 'pending' ORDER BY update_id",
            (channel,),
        )
        return [_entry(r) for r in rows]

    async def claim(
        self, channel: str, *, worker: str, at: datetime, lease: timedelta, limit: int
    ) -> list[InboxEntry]:
        async with self._db.transaction() as conn:
            rows = await conn.fetchall(_CLAIMABLE + self._skip_locked, (channel, _utc(at), limit))
            if rows:
                ids = [r["update_id"] for r in rows]
                await conn.execute(
                    "UPDATE inbox SET claimed_by = ?, claimed_until = ? WHERE channel = ?"
                    f" AND update_id IN ({', '.join('?' * len(ids))})",
                    (worker, _utc(at + lease), channel, *ids),
                )
        return [_entry(r) for r in rows]

    async def release(self, channel: str, update_ids: Collection[int]) -> None:
        ids = sorted(update_ids)
        if not ids:
            return
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE inbox SET claimed_by = NULL, claimed_until = NULL WHERE channel = ?"
                f" AND status = 'pending' AND update_id IN ({', '.join('?' * len(ids))})",
                (channel, *ids),
            )

    async def finish(
        self, channel: str, update_id: int, *, at: datetime, failed: bool, reason: str | None = None
    ) -> None:
        async def unit(conn: Connection) -> None:
            await conn.execute(
                "UPDATE inbox SET status = ?, processed_at = ?, reason = ?"
                " WHERE channel = ? AND update_id = ?",
                (
                    "failed" if failed else "done",
                    at.isoformat(),
                    reason if failed else None,
                    channel,
                    update_id,
                ),
            )

        # Not waited for: lost in a crash, the update is only processed (and answered) again,
        # as after a crash just before this; meanwhile its lane goes on without a commit.
        await self._db.run(unit, durable=False)

    async def failed(self, channel: str | None = None) -> list[FailedUpdate]:
        where, params = ("", ()) if channel is None else (" AND channel = ?", (channel,))
        rows = await self._db.fetchall(
            "SELECT channel, update_id, payload, received_at, processed_at, reason FROM inbox"
            f" WHERE status = 'failed'{where} ORDER BY received_at, channel, update_id",
            params,
        )
        return [
            FailedUpdate(
                channel=r["channel"],
                update_id=r["update_id"],
                payload=r["payload"],
                received_at=datetime.fromisoformat(r["received_at"]),
                failed_at=datetime.fromisoformat(r["processed_at"]) if r["processed_at"] else None,
                reason=r["reason"],
            )
            for r in rows
        ]

    async def offset(self, channel: str) -> int | None:
        row = await self._db.fetchone(
            "SELECT value FROM meta WHERE key = ?", (_offset_key(channel),)
        )
        return int(row["value"]) if row else None

    async def keep(self, channel: str, key: str, value: str | None) -> None:
        async with self._db.transaction() as conn:
            if value is None:
                await conn.execute("DELETE FROM meta WHERE key = ?", (_kept_key(channel, key),))
            else:
                await conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (_kept_key(channel, key), value),
                )

    async def kept(self, channel: str, key: str) -> str | None:
        row = await self._db.fetchone(
            "SELECT value FROM meta WHERE key = ?", (_kept_key(channel, key),)
        )
        return str(row["value"]) if row else None

    async def prune(
        self, channel: str, before: datetime, *, failed_before: datetime | None = None
    ) -> int:
        # Payloads hold message texts (personal data): keep them only as long as useful.
        failed = (failed_before or before).isoformat()
        async with self._db.transaction() as conn:
            return await conn.execute(
                "DELETE FROM inbox WHERE channel = ? AND ("
                "(status = 'done' AND received_at < ?) OR (status = 'failed' AND received_at < ?))",
                (channel, before.isoformat(), failed),
            )
