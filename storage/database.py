"""The one place that opens, tunes and migrates the SQLite connection."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

__all__ = ["SCHEMA_VERSION", "Database", "open_database"]

_MIGRATIONS = resources.files("storage") / "migrations"


def _migrations() -> list[tuple[int, str]]:
    found = []
    for entry in _MIGRATIONS.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


SCHEMA_VERSION = _migrations()[-1][0]


class Database:
    """One aiosqlite connection; writes are serialised and each is one transaction."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                await self.connection.rollback()
                raise
            await self.connection.commit()

    async def fetchall(self, sql: str, params: Any = ()) -> list[aiosqlite.Row]:
        async with self.connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Any = ()) -> aiosqlite.Row | None:
        async with self.connection.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def close(self) -> None:
        await self.connection.close()


async def record_event(
    conn: aiosqlite.Connection,
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
    database = Database(connection)
    await _migrate(database)
    return database


async def _migrate(database: Database) -> None:
    row = await database.fetchone("PRAGMA user_version")
    current = int(row[0]) if row else 0
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
