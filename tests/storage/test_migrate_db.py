"""`python -m bot migrate-db --to postgresql://…`: a SQLite deployment moved whole into an
empty PostgreSQL database, or not at all."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.cli import main
from core.models import InboxEntry
from core.outbox import OutboxMessage
from core.parsing import ReportItem
from storage import open_store
from storage.postgres import open_postgres
from tests.postgres import postgres_url, schema_database_url

AT = datetime(2026, 11, 26, 3, tzinfo=UTC)


async def _activity(path: Path) -> None:
    """Reports, a cancel (history), an inbox backlog, an outbox row, in the SQLite file."""
    store = await open_store(path)
    try:
        cadre = await store.people.by_phone("84912000003")
        assert cadre is not None
        for i, village in enumerate(["v:sa-lung", "v:xa-phin", "v:sa-lung"]):
            item = ReportItem("housing", i + 2, village, None, date(2026, 11, 25))
            await store.reports.add([item], reporter_id=cadre.id, received_at=AT, source=f"m:{i}")
        await store.reports.cancel(1, actor_id=cadre.id, at=AT)
        await store.inbox.record("telegram", [InboxEntry(7, '{"update_id": 7}')], at=AT, offset=8)
        await store.outbox.enqueue([OutboxMessage(cadre.id, "nudge", "2026-W48", "Chào")], at=AT)
    finally:
        await store.close()


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: sorted(map(tuple, conn.execute(f"SELECT * FROM {n}")), key=repr) for n in names}


async def _pg_tables(url: str, names: list[str]) -> dict[str, list[tuple[object, ...]]]:
    conn = await asyncpg.connect(url)
    try:
        return {
            n: sorted((tuple(r) for r in await conn.fetch(f"SELECT * FROM {n}")), key=repr)
            for n in names
        }
    finally:
        await conn.close()


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    postgres_url()  # skipped without PostgreSQL
    db = tmp_path / "bot.sqlite3"
    assert main(["seed-demo", "--db", str(db)]) == 0
    asyncio.run(_activity(db))
    return db


def test_every_table_arrives_whole_and_the_bot_goes_on_there(
    source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _tables(source)
    with schema_database_url() as url:
        capsys.readouterr()
        assert main(["migrate-db", "--db", str(source), "--to", url]) == 0
        said = capsys.readouterr().out
        assert "3 reports" in said
        assert "1 inbox updates" in said
        assert "row counts and totals checked" in said
        assert asyncio.run(_pg_tables(url, list(before))) == before

        async def go_on() -> tuple[int, list[int], int | None]:
            store = await open_postgres(url)
            try:
                item = ReportItem("housing", 1, "v:sa-lung", None, date(2026, 11, 26))
                added = await store.reports.add([item], reporter_id=3, received_at=AT, source="n")
                pending = [e.update_id for e in await store.inbox.pending("telegram")]
                return added.reports[0].id, pending, await store.inbox.offset("telegram")
            finally:
                await store.close()

        new_id, pending, offset = asyncio.run(go_on())
        assert new_id == 4  # numbering goes on after the copied reports
        assert (pending, offset) == ([7], 8)


def test_a_target_that_is_not_empty_is_refused_and_left_alone(
    source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with schema_database_url() as url:
        assert main(["migrate-db", "--db", str(source), "--to", url]) == 0
        names = list(_tables(source))
        copied = asyncio.run(_pg_tables(url, names))
        capsys.readouterr()
        assert main(["migrate-db", "--db", str(source), "--to", url]) == 2
        err = capsys.readouterr().err
        assert "not empty" in err
        assert "Traceback" not in err
        assert asyncio.run(_pg_tables(url, names)) == copied


def test_a_copy_that_fails_half_way_leaves_the_target_empty(
    source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A report whose reporter is not in the roster (SQLite let it in with its checks off):
    # PostgreSQL refuses it, after the tables before it were copied.
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(
            "INSERT INTO reports (indicator, count, village, done_on, received_at, reporter_id)"
            " VALUES ('housing', 1, 'v:sa-lung', '2026-11-25', '2026-11-26', 999)"
        )
    conn.close()
    with schema_database_url() as url:
        capsys.readouterr()
        assert main(["migrate-db", "--db", str(source), "--to", url]) == 2
        err = capsys.readouterr().err
        assert "Copying table reports failed" in err
        assert "nothing was copied" in err

        async def tables() -> int:
            conn = await asyncpg.connect(url)
            try:
                return int(
                    await conn.fetchval(
                        "SELECT COUNT(*) FROM information_schema.tables"
                        " WHERE table_schema = current_schema()"
                    )
                )
            finally:
                await conn.close()

        assert asyncio.run(tables()) == 0
