"""Moving a deployment: a SQLite database copied into an empty PostgreSQL database.

Everything happens in one PostgreSQL transaction (the schema, every row, the checks): a copy
that fails at any point leaves the target as empty as it was.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from storage.database import SCHEMA_VERSION
from storage.postgres import connect_error
from storage.postgres.database import migrate_connection
from storage.sql import StoreError

__all__ = ["CopySummary", "copy_sqlite_to_postgres"]

BATCH = 10_000  # rows read from SQLite and sent to PostgreSQL at a time


@dataclass(frozen=True)
class CopySummary:
    rows: dict[str, int]  # per table, as counted in the target after the copy
    report_total: int  # the sum of all active reports' counts
    village_total: int  # the sum of the running totals


class CopyRefused(StoreError):
    pass


def _tables(source: sqlite3.Connection) -> list[str]:
    """The tables, each after the tables its foreign keys point to."""
    names = [
        r[0]
        for r in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    needs = {
        name: {r[2] for r in source.execute(f"PRAGMA foreign_key_list({name})")} - {name}
        for name in names
    }
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and needs[n] <= set(ordered)]
        if not ready:
            raise CopyRefused("The SQLite tables' references form a cycle; nothing was copied.")
        ordered += ready
    return ordered


def _columns(source: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in source.execute(f"PRAGMA table_info({table})")]


def _batches(source: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[list[Any]]:
    cursor = source.execute(f"SELECT {', '.join(columns)} FROM {table}")
    while rows := cursor.fetchmany(BATCH):
        yield rows


def _totals(conn: sqlite3.Connection) -> tuple[int, int]:
    (reports,) = conn.execute(
        "SELECT COALESCE(SUM(count), 0) FROM reports WHERE status = 'active'"
    ).fetchone()
    (villages,) = conn.execute("SELECT COALESCE(SUM(total), 0) FROM village_totals").fetchone()
    return int(reports), int(villages)


async def _refuse_unless_empty(target: Any, tables: list[str]) -> None:
    for table in tables:
        if not await target.fetchval("SELECT to_regclass($1) IS NOT NULL", table):
            continue
        if await target.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
            raise CopyRefused(
                f"The PostgreSQL database is not empty (table {table} has rows): migrate-db"
                " copies only into an empty database; nothing was copied."
            )


async def copy_sqlite_to_postgres(source_path: Path, url: str, *, where: str) -> CopySummary:
    """Copy every table of the SQLite database (at the current schema) into the empty
    PostgreSQL database at ``url``; ``where`` names it in messages (no password)."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    with contextlib.closing(source):
        (version,) = source.execute("PRAGMA user_version").fetchone()
        if version != SCHEMA_VERSION:
            raise CopyRefused(
                f"{source_path} has schema version {version}, not {SCHEMA_VERSION}: open it with"
                " this bot once (e.g. python -m bot audit) so that it is migrated, then copy."
            )
        tables = _tables(source)
        try:
            target = await asyncpg.connect(url, timeout=10)
        except Exception as error:
            raise connect_error(url, error) from None
        try:
            async with target.transaction():
                await _refuse_unless_empty(target, tables)
                await migrate_connection(target)
                for table in tables:
                    await _copy_table(source, target, table)
                    if "id" in _columns(
                        source, table
                    ):  # identity columns continue after the copied ids
                        await target.execute(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                            f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                        )
                summary = await _check(source, target, tables, where)
        finally:
            await target.close()
    return summary


async def _copy_table(source: sqlite3.Connection, target: Any, table: str) -> None:
    columns = _columns(source, table)
    # Rows a migration itself wrote (e.g. the shipped programme periods): the source has its
    # own, perhaps changed since. The target had none of its own (it was checked empty).
    if await target.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
        await target.execute(f"DELETE FROM {table}")
    try:
        for rows in _batches(source, table, columns):
            await target.copy_records_to_table(table, records=rows, columns=columns)
    except (asyncpg.PostgresError, asyncpg.InterfaceError, TypeError, ValueError) as error:
        # The table and the rule broken, never the row: it may hold personal data.
        reason = type(error).__name__
        if isinstance(error, asyncpg.PostgresError) and str(error):
            reason = str(error).splitlines()[0]
        raise CopyRefused(f"Copying table {table} failed ({reason}); nothing was copied.") from None


async def _check(
    source: sqlite3.Connection, target: Any, tables: list[str], where: str
) -> CopySummary:
    """Every table has as many rows in the target as in the source, and the totals agree;
    raising here rolls the whole copy back."""
    rows: dict[str, int] = {}
    for table in tables:
        (expected,) = source.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
        rows[table] = int(await target.fetchval(f"SELECT COUNT(*) FROM {table}"))
        if rows[table] != expected:
            raise CopyRefused(
                f"Table {table} has {rows[table]} rows in {where} but {expected} in SQLite;"
                " the copy was rolled back."
            )
    reports, villages = _totals(source)
    got_reports = int(
        await target.fetchval("SELECT COALESCE(SUM(count), 0) FROM reports WHERE status = 'active'")
    )
    got_villages = int(await target.fetchval("SELECT COALESCE(SUM(total), 0) FROM village_totals"))
    if (got_reports, got_villages) != (reports, villages):
        raise CopyRefused("The copied totals differ from SQLite's; the copy was rolled back.")
    return CopySummary(rows, reports, villages)
