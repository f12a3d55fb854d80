"""The aggregates /tiendo reads: kept in step on write, migrated, and never a scan of reports."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path

import asyncpg
import pytest

from core.models import Target
from core.parsing import ReportItem
from storage import SqliteStore, open_store
from tests.conftest import Chat
from tests.storage.conftest import sqlite_only

TODAY = date(2026, 11, 26)
AT = datetime(2026, 11, 26, 3, tzinfo=UTC)


async def _report(store: SqliteStore, village: str, indicator: str, count: int, day: date) -> None:
    item = ReportItem(indicator=indicator, count=count, village=village, household=None, date=day)
    await store.reports.add([item], reporter_id=1, received_at=AT, source=None)


async def test_daily_totals_of_the_whole_district_and_of_a_commune_agree_with_the_reports(
    store: SqliteStore,
) -> None:
    await _report(store, "v:sa-lung", "housing", 2, TODAY)
    await _report(store, "v:sa-lung", "housing", 3, TODAY - timedelta(days=1))
    await _report(store, "v:xa-phin", "housing", 5, TODAY)
    await _report(store, "v:xa-phin", "training", 7, TODAY - timedelta(days=30))
    units = await store.units.load()
    everything = [v.code for v in units.villages]
    since = TODAY - timedelta(days=27)
    district = await store.reports.daily_totals(everything, since, TODAY)
    assert district == {("housing", TODAY): 7, ("housing", TODAY - timedelta(days=1)): 3}
    son_vi = [v.code for v in units.villages_in("n:son-vi")]
    assert await store.reports.daily_totals(son_vi, since, TODAY) == {("housing", TODAY): 5}
    assert await store.reports.daily_totals(["v:kho-tau"], since, TODAY) == {}
    long_ago = TODAY - timedelta(days=40)
    assert await store.reports.daily_totals(son_vi, long_ago, TODAY) == {
        ("housing", TODAY): 5,
        ("training", TODAY - timedelta(days=30)): 7,
    }


async def test_reports_of_some_villages_only(store: SqliteStore) -> None:
    await _report(store, "v:sa-lung", "housing", 2, TODAY)
    await _report(store, "v:xa-phin", "housing", 5, TODAY)
    found = [r async for page in store.reports.pages(["v:xa-phin", "v:me-lau"]) for r in page]
    assert [(r.village, r.count) for r in found] == [("v:xa-phin", 5)]
    assert [page async for page in store.reports.pages([])] == []


async def test_setting_many_targets_is_all_or_nothing(store: SqliteStore) -> None:
    before = await store.targets.all()
    good = Target("housing", "n:son-vi", 100, date(2026, 12, 31))
    bad = Target("housing", "v:xa-phin", -1, date(2026, 12, 31))  # refused by the schema
    with pytest.raises((sqlite3.IntegrityError, asyncpg.CheckViolationError)):
        await store.targets.set_many([good, bad], actor_id=None, at=AT)
    assert await store.targets.all() == before
    await store.targets.set_many([good], actor_id=None, at=AT)
    assert replace(good, period="2026-2030") in await store.targets.all()


async def test_migration_4_fills_the_district_days_from_the_village_days(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    first = (resources.files("storage") / "migrations" / "0001_init.sql").read_text("utf-8")
    with sqlite3.connect(path) as conn:
        conn.executescript(first)
        conn.executemany(
            "INSERT INTO village_daily VALUES (?, ?, ?, ?)",
            [
                ("v:a", "housing", "2026-11-25", 2),
                ("v:b", "housing", "2026-11-25", 3),
                ("v:b", "training", "2026-11-20", 4),
            ],
        )
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    store = await open_store(path)
    try:
        rows = await store.db.fetchall("SELECT indicator, day, total FROM indicator_daily")
        assert sorted(tuple(r) for r in rows) == [
            ("housing", "2026-11-25", 5),
            ("training", "2026-11-20", 4),
        ]
    finally:
        await store.close()


async def test_progress_reads_aggregates_and_never_the_reports(
    store: SqliteStore, leader: Chat, cadre: Chat
) -> None:
    sqlite_only(store)
    await cadre.say("xong 2 nhà")
    statements: list[str] = []
    await store.db.connection.set_trace_callback(statements.append)
    try:
        for command in ("/tiendo", "/tiendo cu", "/tiendo xã Mèo Vạc", "/tiendo thôn Sà Lủng"):
            assert "Nhà ở hoàn thành: 2" in await leader.say(command)
    finally:
        await store.db.connection.set_trace_callback(None)
    assert any("village_totals" in s for s in statements)
    scans = [s for s in statements if re.search(r"\b(FROM|JOIN)\s+reports\b", s, re.IGNORECASE)]
    assert scans == []


async def test_migration_8_puts_each_existing_target_in_the_period_of_its_deadline(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    folder = resources.files("storage") / "migrations"
    with sqlite3.connect(path) as conn:
        # Every schema before the periods came.
        scripts = sorted(f.name for f in folder.iterdir() if f.name.endswith(".sql"))
        for name in scripts[: scripts.index("0008_periods_indicators.sql")]:
            conn.executescript((folder / name).read_text("utf-8"))
        conn.executemany(
            "INSERT INTO targets (indicator, unit, value, deadline, baseline) VALUES (?,?,?,?,?)",
            [
                ("housing", "d:meo-vac", 1733, "2025-12-31", 0),
                ("housing", "n:son-vi", 9, "2027-06-30", 2),
            ],
        )
        conn.execute("PRAGMA user_version = 7")
    conn.close()
    store = await open_store(path)
    try:
        found = {(t.unit, t.period, t.baseline) for t in await store.targets.all()}
        assert found == {("d:meo-vac", "2021-2025", 0), ("n:son-vi", "2026-2030", 2)}
        assert [p.code for p in await store.periods.load()] == ["2021-2025", "2026-2030"]
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2020, 1, 1), date(2030, 12, 31)),  # every reported day: the running totals
        (date(2026, 1, 1), TODAY),  # most days inside: running totals minus the rest
        (TODAY - timedelta(days=6), TODAY),  # a week: the days inside, summed
        (date(2025, 12, 31), date(2026, 1, 1)),  # across a year's end
        (date(2031, 1, 1), date(2031, 12, 31)),  # no report at all
    ],
)
async def test_period_totals_are_the_work_done_in_the_period_however_they_are_read(
    store: SqliteStore, first: date, last: date
) -> None:
    days = [TODAY - timedelta(days=n) for n in (0, 1, 6, 7, 40, 300, 340, 400)]
    for number, day in enumerate(days):
        await _report(store, "v:sa-lung", "housing", number + 1, day)
        await _report(store, "v:xa-phin", "training", 10 * (number + 1), day)
    (cancelled,) = (
        await store.reports.add(
            [ReportItem("housing", 100, "v:sa-lung", None, TODAY)],
            reporter_id=1,
            received_at=AT,
            source=None,
        )
    ).reports
    await store.reports.cancel(cancelled.id, actor_id=1, at=AT)
    expected: dict[tuple[str, str], int] = {}
    async for page in store.reports.pages():
        for r in page:
            if r.status.value == "active" and first <= r.done_on <= last:
                expected[(r.village, r.indicator)] = expected.get((r.village, r.indicator), 0) + (
                    r.count
                )
    villages = ["v:sa-lung", "v:xa-phin", "v:kho-tau"]
    assert await store.reports.period_totals(villages, first, last) == expected
    assert await store.reports.period_totals(["v:xa-phin"], first, last) == {
        k: v for k, v in expected.items() if k[0] == "v:xa-phin"
    }
