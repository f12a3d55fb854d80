"""What the stores need of a database, whichever engine runs it.

The stores (storage/reports.py, people.py, …) are written once, in SQL that SQLite and
PostgreSQL both read, with ``?`` placeholders; each backend supplies a ``Database`` and the
``Connection`` of a transaction (storage/database.py for SQLite, storage/postgres/ for
PostgreSQL). Where the engines differ (locking between processes) the connection says so
through ``lock``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol, TypeVar

from core.processes import Held

__all__ = [
    "Connection",
    "Database",
    "DatabaseUnavailable",
    "Row",
    "SchemaTooNew",
    "StoreError",
    "Unit",
    "record_event",
    "run_at_once",
]

T = TypeVar("T")

# A result row, read by column name or position: aiosqlite.Row or asyncpg.Record.
Row = Any


class Connection(Protocol):
    """The connection of one transaction."""

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run a statement; returns how many rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None: ...
    async def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[Row]: ...
    async def fetchone(self, sql: str, params: Sequence[object] = ()) -> Row | None: ...
    async def lock(self, *keys: str) -> None:
        """Hold these keys until the transaction ends, so that writers of the same thing
        (one message, one household) in other processes wait for each other. SQLite has a
        single writer already and does nothing."""
        ...


# A unit of work: a coroutine function of the transaction's connection that awaits nothing but
# that connection (and coroutines that do the same), so that a backend may run it in one go.
Unit = Callable[[Connection], Coroutine[Any, Any, T]]


class Database(Protocol):
    dialect: str

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """One atomic unit of work; committed when the block returns."""
        ...

    async def run(self, unit: Unit[T], *, durable: bool = True) -> T:
        """``unit`` as one atomic unit of work, committed (durably) when this returns; what it
        raises rolls it back. SQLite runs it in one trip to its database thread (the hot
        writes: a report, the inbox); PostgreSQL as a ``transaction()``. ``durable=False``:
        may return before the commit, for a write whose loss in a crash only repeats work
        (SQLite then does not wait for its group commit)."""
        ...

    async def read(self, unit: Unit[T]) -> T:
        """``unit``'s reads (it writes nothing) in ONE trip: SQLite runs its statements back to
        back on its database thread, with no event-loop wake-up between them; PostgreSQL on
        one connection of the pool."""
        ...

    async def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[Row]: ...
    async def fetchone(self, sql: str, params: Sequence[object] = ()) -> Row | None: ...
    async def try_hold(self, name: str) -> Held | None:
        """A role for one process at a time (core.processes.Leases)."""
        ...

    async def close(self) -> None: ...


def run_at_once(work: Coroutine[Any, Any, T]) -> T:
    """The result of a coroutine that never waits (a ``Unit`` on a connection whose calls
    return at once), without an event loop: on SQLite's database thread."""
    try:
        work.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    work.close()
    raise RuntimeError("a unit of work waited on something other than its connection")


class StoreError(RuntimeError):
    """The database cannot be used; the message is one sentence for the operator."""


class SchemaTooNew(StoreError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"The database has schema version {found}, newer than this bot's {supported}:"
            " upgrade the bot (or use a backup made for this version)."
        )
        self.found = found
        self.supported = supported


class DatabaseUnavailable(StoreError):
    pass


async def record_event(
    conn: Connection,
    *,
    entity: str,
    entity_id: object,
    action: str,
    actor_id: int | None,
    at: datetime,
    before: object = None,
    after: object = None,
) -> None:
    """Append to the audit history inside the caller's transaction."""

    def dump(value: object) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, default=str)

    await conn.execute(
        "INSERT INTO events (entity, entity_id, action, actor_id, at, before, after)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (entity, str(entity_id), action, actor_id, at.isoformat(), dump(before), dump(after)),
    )
