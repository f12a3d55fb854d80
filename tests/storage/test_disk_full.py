"""A full disk fails the writes of the moment, never hangs the bot; it works again once
there is space. SQLite rolls a transaction back on its own when the disk is full, so the
group commit must release its waiting batch whatever ROLLBACK then says."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from storage.database import SqliteDatabase, open_database
from storage.sql import Connection

# A guard only: with the fault, the writers below wait forever; without it, milliseconds.
HANG = 30


async def _table(tmp_path: Path) -> SqliteDatabase:
    db = await open_database(tmp_path / "full.sqlite3")
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE t (x TEXT)")
    return db


async def _write(db: SqliteDatabase, size: int, style: str = "block") -> None:
    """One unit of work, as a block (``transaction()``) or a function (``run``)."""

    async def unit(conn: Connection) -> None:
        await conn.execute("INSERT INTO t VALUES (?)", ("x" * size,))

    if style == "function":
        await db.run(unit)
        return
    async with db.transaction() as conn:
        await unit(conn)


async def _rows(db: SqliteDatabase) -> int:
    row = await db.fetchone("SELECT count(*) FROM t")
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("style", ["block", "function"])
async def test_a_write_that_fills_the_disk_fails_its_batch_and_writing_resumes(
    tmp_path: Path, style: str
) -> None:
    db = await _table(tmp_path)
    errors: list[BaseException] = []
    db.on_write_error = errors.append
    row = await db.fetchone("PRAGMA page_count")
    assert row is not None
    await db.connection.execute(f"PRAGMA max_page_count = {int(row[0]) + 1}")
    # A small report and a large one in the same batch: the large one fills the "disk",
    # SQLite rolls the whole transaction back, so neither may claim to be stored.
    results = await asyncio.wait_for(
        asyncio.gather(_write(db, 100), _write(db, 50_000, style), return_exceptions=True),
        HANG,
    )
    assert all(isinstance(r, sqlite3.OperationalError) for r in results), results
    assert errors
    assert await _rows(db) == 0
    # Space is back: the next write goes through without a restart.
    await db.connection.execute("PRAGMA max_page_count = 1073741823")
    await asyncio.wait_for(_write(db, 100, style), HANG)
    assert await _rows(db) == 1
    await db.close()


class _FullAtCommit:
    """The connection as the disk fills at COMMIT: SQLite rolls back, then reports it."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self.full = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    async def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT" and self.full:
            await self._connection.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        return await self._connection.execute(sql, *args)


@pytest.mark.parametrize("style", ["block", "function"])
async def test_a_commit_failing_on_a_full_disk_releases_every_waiting_writer(
    tmp_path: Path, style: str
) -> None:
    db = await _table(tmp_path)
    errors: list[BaseException] = []
    db.on_write_error = errors.append
    full = _FullAtCommit(db.connection)
    db.connection = full  # type: ignore[assignment]
    results = await asyncio.wait_for(
        asyncio.gather(*(_write(db, 10, style) for _ in range(5)), return_exceptions=True), HANG
    )
    assert all(isinstance(r, sqlite3.OperationalError) for r in results), results
    assert len(errors) == 1  # one batch, one alert
    full.full = False
    await asyncio.wait_for(_write(db, 10), HANG)
    assert await _rows(db) == 1
    # Still stoppable.
    await asyncio.wait_for(db.close(), HANG)


@pytest.mark.parametrize("size", [10])
async def test_a_unit_that_fails_alone_is_rolled_back_alone(tmp_path: Path, size: int) -> None:
    db = await _table(tmp_path)

    async def failing() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t VALUES ('lost')")
            raise ValueError("the handler failed")

    results = await asyncio.gather(_write(db, size), failing(), return_exceptions=True)
    assert results[0] is None
    assert isinstance(results[1], ValueError)
    assert await _rows(db) == 1
    await db.close()
