"""The one place that opens, tunes and migrates the SQLite connection."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import TypeVar, cast

import aiosqlite

from core.ports import NotStored
from storage.sql import Row, SchemaTooNew, Unit, record_event, run_at_once

T = TypeVar("T")

__all__ = [
    "SCHEMA_VERSION",
    "Database",
    "SqliteConnection",
    "SqliteDatabase",
    "open_database",
    "record_event",
]

_MIGRATIONS = resources.files("storage") / "migrations"


def _migrations() -> list[tuple[int, str]]:
    """The numbered migrations in order. Their numbers run 1, 2, 3… with no gap and no number
    twice: a database records only the last number it ran, so two files of one number (two
    branches merged) would leave one of them unrun on a database that had the other."""
    found = []
    for entry in _MIGRATIONS.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"storage/migrations must be numbered 1..N once each, not {numbers}")
    return found


SCHEMA_VERSION = _migrations()[-1][0]


class SqliteConnection:
    """A transaction's connection as the stores see it (storage.sql.Connection)."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        cursor = await self.connection.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        await self.connection.executemany(sql, rows)

    # One trip to aiosqlite's thread per query: each trip costs more than a simple query.
    async def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return list(await self.connection.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        rows = await self.connection.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def lock(self, *keys: str) -> None:
        """Nothing to do: a unit holds SQLite's only write lock (BEGIN IMMEDIATE) throughout."""


class _InThread:
    """The connection of a unit run on aiosqlite's thread (``SqliteDatabase.run``): each
    statement is a plain call, so the unit's coroutine never waits and runs in one go."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        return self._connection.execute(sql, params).rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self._connection.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self._connection.execute(sql, params).fetchall()

    async def fetchone(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        return next(iter(self._connection.execute(sql, params).fetchall()), None)

    async def lock(self, *keys: str) -> None:
        """Nothing to do: the unit holds SQLite's only write lock."""


class _BatchLost(Exception):
    """SQLite rolled back the whole transaction on its own while a unit ran (disk full)."""


def _read_in_thread(connection: sqlite3.Connection, unit: Unit[T]) -> T:
    """On aiosqlite's thread: a unit of reads, outside any SAVEPOINT (it writes nothing)."""
    return run_at_once(unit(_InThread(connection)))


def _unit_in_thread(connection: sqlite3.Connection, unit: Unit[T]) -> T:
    """On aiosqlite's thread: the unit inside its SAVEPOINT, rolled back alone if it fails."""
    connection.execute("SAVEPOINT unit")
    try:
        result = run_at_once(unit(_InThread(connection)))
    except BaseException as error:
        try:
            connection.execute("ROLLBACK TO unit")
            connection.execute("RELEASE unit")
        except Exception:
            if connection.in_transaction:
                raise
            raise _BatchLost from error
        raise
    connection.execute("RELEASE unit")
    return result


class _Alone:
    """SQLite serves one process: it holds every role."""

    async def release(self) -> None:
        return None


class BatchNotStored(sqlite3.OperationalError, NotStored):
    """Every unit of a batch that SQLite could not commit (disk full, I/O error) fails so."""


class SqliteDatabase:
    """One aiosqlite connection with group commit.

    Each ``transaction()`` is one unit of work inside a SAVEPOINT; units that queue up while
    another is running share one COMMIT (one fsync), so many concurrent messages cost about
    as much disk time as one. A unit returns only after its batch is durably committed, and a
    unit that fails is rolled back alone. Units must not nest.
    """

    dialect = "sqlite"

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        self._unit = SqliteConnection(connection)
        self._lock = asyncio.Lock()
        self._batch: asyncio.Future[None] | None = None
        self._commit_pending = False
        self._tasks: set[asyncio.Task[None]] = set()
        # Told of every failed commit (the disk full …): the app logs it and alerts admins.
        self.on_write_error: Callable[[BaseException], None] | None = None

    async def _begin(self) -> asyncio.Future[None]:
        """The batch the next unit joins (under the lock): a new one starts a transaction."""
        if self._batch is None:
            await self.connection.execute("BEGIN IMMEDIATE")
            self._batch = asyncio.get_running_loop().create_future()
        return self._batch

    async def run(self, unit: Unit[T], *, durable: bool = True) -> T:
        """``unit`` as one unit of work in ONE trip to aiosqlite's thread: its statements run
        there back to back, with no event-loop wake-up between them (each trip costs more
        than the simple statements it carries). Committed with its batch, like
        ``transaction()``; returns once durable (``durable=False``: once done, before its
        batch's commit)."""
        async with self._lock:
            batch = await self._begin()
            try:
                result = await self._on_thread(_unit_in_thread, unit)
            except _BatchLost as lost:
                self._lose_batch(lost.__cause__ or lost)
                self._schedule_commit()
                raise (lost.__cause__ or lost) from None
            except BaseException:
                self._schedule_commit()
                raise
            self._schedule_commit()
        if durable:
            await asyncio.shield(batch)
        return result

    async def read(self, unit: Unit[T]) -> T:
        """``unit``'s reads in one trip to aiosqlite's thread. Like ``fetchall``, it does not
        wait for the write lock, and sees what the batch being committed wrote."""
        return await self._on_thread(_read_in_thread, unit)

    async def _on_thread(
        self, call: Callable[[sqlite3.Connection, Unit[T]], T], unit: Unit[T]
    ) -> T:
        """``call(connection, unit)`` in one trip to aiosqlite's thread. aiosqlite has no
        public call for "run this function on your thread"; _execute is that call in every
        version the pinned range allows."""
        on_thread = cast(Callable[..., Awaitable[T]], self.connection._execute)
        return await on_thread(call, self.connection._conn, unit)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteConnection]:
        async with self._lock:
            batch = await self._begin()
            # Not awaited alone: the unit's first statement travels with it to the thread.
            savepoint = asyncio.ensure_future(self.connection.execute("SAVEPOINT unit"))
            try:
                await asyncio.sleep(0)  # let the SAVEPOINT reach the queue first
                yield self._unit
                await savepoint
            except BaseException as error:
                await self._undo_unit(error)
                self._schedule_commit()
                raise
            await self.connection.execute("RELEASE unit")
            self._schedule_commit()
        # Shielded: a caller that gives up waiting does not cancel the others' commit.
        await asyncio.shield(batch)

    def _schedule_commit(self) -> None:
        if not self._commit_pending:
            self._commit_pending = True
            # Queues on the lock behind every unit already waiting, so they join this batch.
            task = asyncio.get_running_loop().create_task(self._commit())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _commit(self) -> None:
        async with self._lock:
            batch, self._batch = self._batch, None
            self._commit_pending = False
            if batch is None:
                return
            try:
                await self.connection.execute("COMMIT")
            except Exception as error:  # e.g. disk full: every unit of the batch fails
                # SQLite may have rolled back on its own already; then ROLLBACK fails too,
                # and the batch must be released all the same.
                with contextlib.suppress(Exception):
                    if self.connection.in_transaction:
                        await self.connection.execute("ROLLBACK")
                self._failed(batch, error)
            else:
                batch.set_result(None)

    async def _undo_unit(self, error: BaseException) -> None:
        """Roll back one unit; when SQLite rolled back the whole transaction on its own (disk
        full, I/O error), the batch is lost and every unit in it fails."""
        try:
            await self.connection.execute("ROLLBACK TO unit")
            await self.connection.execute("RELEASE unit")
        except Exception:
            if self.connection.in_transaction:
                raise
            self._lose_batch(error)

    def _lose_batch(self, error: BaseException) -> None:
        batch, self._batch = self._batch, None
        if batch is not None:
            self._failed(batch, error)

    def _failed(self, batch: asyncio.Future[None], error: BaseException) -> None:
        if not batch.done():
            failure = BatchNotStored(str(error) or type(error).__name__)
            failure.__cause__ = error
            batch.set_exception(failure)
            batch.add_done_callback(lambda done: done.exception())  # retrieved, not "lost"
        if self.on_write_error is not None:
            self.on_write_error(error)

    async def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return await self._unit.fetchall(sql, params)

    async def fetchone(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        return await self._unit.fetchone(sql, params)

    async def try_hold(self, name: str) -> _Alone:
        return _Alone()

    async def close(self) -> None:
        while self._tasks:  # let a scheduled group commit finish first
            await asyncio.gather(*self._tasks)
        await self.connection.close()


async def open_database(path: Path | str) -> Database:
    """Open (creating folders and file as needed), tune for durability, and migrate."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = await aiosqlite.connect(str(path), isolation_level=None)
    connection.row_factory = aiosqlite.Row
    # WAL lets readers (and online backups) run beside the writer; FULL makes every
    # acknowledged commit survive a power cut, not just a process crash.
    await connection.execute("PRAGMA journal_mode=WAL")
    await connection.execute("PRAGMA synchronous=FULL")
    await connection.execute("PRAGMA foreign_keys=ON")
    await connection.execute("PRAGMA busy_timeout=10000")
    database = SqliteDatabase(connection)
    try:
        await _migrate(database)
    except BaseException:
        await database.close()
        raise
    return database


Database = SqliteDatabase


async def _migrate(database: SqliteDatabase) -> None:
    row = await database.fetchone("PRAGMA user_version")
    current = int(row[0]) if row else 0
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(current, SCHEMA_VERSION)
    for version, sql in _migrations():
        if version <= current:
            continue
        async with database.transaction() as conn:
            for statement in _split_statements(sql):
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {version:d}")


def _split_statements(sql: str) -> list[str]:
    """Statements of a migration; a trigger's body (BEGIN … END) keeps its own semicolons."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    statements: list[str] = []
    pending = ""
    for part in "\n".join(lines).split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending.strip())
    return statements
