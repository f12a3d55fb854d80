"""`python -m bot backup`: a consistent copy while the bot writes; the copy has the same data."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from core.parsing import ReportItem
from storage import SqliteStore, open_store
from storage.backup import backup_database
from tests.fakes import FakeClock
from tests.storage.conftest import sqlite_only

TABLES = ("units", "people", "identities", "reports", "village_totals", "targets", "events")


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}"), key=repr) for t in TABLES}


async def test_a_backup_taken_while_reports_arrive_is_one_consistent_moment(
    store: SqliteStore, tmp_path: Path, clock: FakeClock
) -> None:
    sqlite_only(store)
    cadre = await store.people.by_phone("84912000003")
    assert cadre is not None
    out = tmp_path / "copy.sqlite3"
    started, copied = asyncio.Event(), asyncio.Event()
    written = 0

    async def writer() -> None:
        nonlocal written
        after_copy = 0
        while after_copy < 20 and written < 2_000:
            item = ReportItem("housing", 1 + written % 5, "v:sa-lung", None, clock().date())
            await store.reports.add(
                [item], reporter_id=cadre.id, received_at=clock(), source=f"w{written}"
            )
            written += 1
            if written == 20:
                started.set()
            if copied.is_set():
                after_copy += 1

    async def backup() -> None:
        await started.wait()
        await asyncio.to_thread(backup_database, tmp_path / "bot.sqlite3", out)
        copied.set()

    await asyncio.gather(writer(), backup())

    copy = await open_store(out)
    try:
        reports = await copy.reports.all()
        assert 20 <= len(reports) < written  # taken while the writer was writing
        originals = {r.id: r for r in await store.reports.all()}
        assert all(originals[r.id] == r for r in reports)
        # Reports and their running totals are written together: the copy has both or neither.
        totals = await copy.reports.village_totals(["v:sa-lung"])
        assert totals[("v:sa-lung", "housing")] == sum(r.count for r in reports)
        events = await copy.audit.events(entity="report")
        assert len(events) == len(reports)
    finally:
        await copy.close()


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = tmp_path / "live.sqlite3"
    assert main(["seed-demo", "--db", str(db)]) == 0
    return db


def test_the_cli_writes_a_self_contained_copy_with_the_same_data(
    seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "backups" / "2026-11-26.sqlite3"
    capsys.readouterr()
    assert main(["backup", "--db", str(seeded), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "4 people" in said
    assert "integrity ok" in said
    assert _dump(out) == _dump(seeded)
    assert not out.with_name(out.name + "-wal").exists()
    with sqlite3.connect(out) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    with sqlite3.connect(seeded) as conn:
        assert version == conn.execute("PRAGMA user_version").fetchone()[0]


def test_the_cli_refuses_to_overwrite_the_database_or_copy_nothing(
    seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = seeded.read_bytes()
    assert main(["backup", "--db", str(seeded), "--out", str(seeded)]) == 2
    assert "must not overwrite" in capsys.readouterr().err
    assert seeded.read_bytes() == before
    missing = tmp_path / "missing.sqlite3"
    assert main(["backup", "--db", str(missing), "--out", str(tmp_path / "x")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not missing.exists()
