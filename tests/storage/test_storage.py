"""Storage behaviour a user depends on: nothing acknowledged is lost, failures stay contained."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable
from pathlib import Path

import pytest

from storage.database import SqliteDatabase, open_database
from storage.sql import Connection

# A unit of work runs as a block (``transaction()``) or, in one trip to the database thread,
# as a function (``run``): both keep the same promises.
STYLES = ["block", "function"]


async def unit_of_work(db: SqliteDatabase, style: str, *statements: str) -> None:
    """The statements as one unit; a statement "FAIL" makes the unit fail half-way."""

    async def unit(conn: Connection) -> None:
        for statement in statements:
            if statement == "FAIL":
                raise RuntimeError("handler failed half-way")
            await conn.execute(statement)

    if style == "function":
        await db.run(unit)
        return
    async with db.transaction() as conn:
        await unit(conn)


@pytest.mark.parametrize("style", STYLES)
async def test_concurrent_units_are_all_durable_when_they_return(
    tmp_path: Path, style: str
) -> None:
    db = await open_database(tmp_path / "g.sqlite3")

    async def write(i: int) -> None:
        await unit_of_work(db, style, f"INSERT INTO meta (key, value) VALUES ('k{i}', '{i}')")
        # Returned: another connection (another process, after a crash) must see it.
        other = sqlite3.connect(tmp_path / "g.sqlite3")
        try:
            assert other.execute("SELECT value FROM meta WHERE key = ?", (f"k{i}",)).fetchone()
        finally:
            other.close()

    await asyncio.gather(*(write(i) for i in range(50)))
    await db.close()


@pytest.mark.parametrize("style", STYLES)
async def test_a_failing_unit_is_rolled_back_alone(tmp_path: Path, style: str) -> None:
    db = await open_database(tmp_path / "g.sqlite3")

    def good(i: int) -> Awaitable[None]:
        return unit_of_work(db, style, f"INSERT INTO meta (key, value) VALUES ('ok{i}', '1')")

    bad = unit_of_work(db, style, "INSERT INTO meta (key, value) VALUES ('bad', '1')", "FAIL")
    results = await asyncio.gather(good(1), bad, good(2), return_exceptions=True)
    assert isinstance(results[1], RuntimeError)
    rows = await db.fetchall("SELECT key FROM meta ORDER BY key")
    assert [r["key"] for r in rows] == ["ok1", "ok2"]
    await db.close()


async def test_migrations_run_once_and_set_the_schema_version(tmp_path: Path) -> None:
    from storage.database import SCHEMA_VERSION

    db = await open_database(tmp_path / "m.sqlite3")
    await db.close()
    db = await open_database(tmp_path / "m.sqlite3")  # a second open must not re-run them
    row = await db.fetchone("PRAGMA user_version")
    assert row is not None
    assert row[0] == SCHEMA_VERSION
    mode = await db.fetchone("PRAGMA journal_mode")
    assert mode is not None
    assert mode[0] == "wal"
    await db.close()


@pytest.mark.parametrize("pragma", ["synchronous"])
async def test_acknowledged_writes_wait_for_the_disk(tmp_path: Path, pragma: str) -> None:
    db = await open_database(tmp_path / "s.sqlite3")
    row = await db.fetchone(f"PRAGMA {pragma}")
    assert row is not None
    assert row[0] == 2  # FULL
    await db.close()


async def test_a_unit_that_waits_on_anything_but_its_connection_is_refused(
    tmp_path: Path,
) -> None:
    db = await open_database(tmp_path / "w.sqlite3")

    async def waits(conn: Connection) -> None:
        await conn.execute("INSERT INTO meta (key, value) VALUES ('half', '1')")
        await asyncio.sleep(0)  # on the database thread there is no event loop to wait on

    with pytest.raises(RuntimeError, match="waited"):
        await db.run(waits)
    assert await db.fetchall("SELECT key FROM meta WHERE key = 'half'") == []
    await db.close()


@pytest.mark.parametrize("names", [("0001_a", "0002_b", "0002_c"), ("0001_a", "0003_c")])
def test_migrations_numbered_twice_or_with_a_gap_stop_the_bot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]
) -> None:
    """Two branches that both add migration 2 would leave one unrun on a database that had the
    other: such a tree does not start (nor pass CI)."""
    import storage.database

    for name in names:
        (tmp_path / f"{name}.sql").write_text("SELECT 1;", encoding="utf-8")
    monkeypatch.setattr(storage.database, "_MIGRATIONS", tmp_path)
    with pytest.raises(RuntimeError, match=r"numbered 1\.\.N once each"):
        storage.database._migrations()


async def test_a_unit_not_waited_for_is_committed_with_its_batch(tmp_path: Path) -> None:
    """An inbox mark need not wait for the disk, but it must reach it: with the next group
    commit, at the latest when the database closes."""
    db = await open_database(tmp_path / "n.sqlite3")

    async def mark(conn: Connection) -> None:
        await conn.execute("INSERT INTO meta (key, value) VALUES ('mark', '1')")

    await db.run(mark, durable=False)
    await db.close()
    other = sqlite3.connect(tmp_path / "n.sqlite3")
    try:
        assert other.execute("SELECT value FROM meta WHERE key = 'mark'").fetchone() == ("1",)
    finally:
        other.close()
