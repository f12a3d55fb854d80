"""A generated province for the scale figures: 2,000 villages in 200 former (100 current)
communes, 500 cadres, targets on every village, and any number of reports bulk-loaded as
the bot would have stored them (aggregates included).

``build`` writes a province database once (in a child process of its own, so that its memory
is not counted); the scenarios open a copy: /tiendo of the whole area, /xuat of it (peak
memory, longest event-loop stall), the CSV export (peak memory). Each runs in its own child
process (bench/run.py), given the database in ``sizes["db"]``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import build_engine
from bot.runner import freeze_startup
from bot.settings import Settings
from core.models import Role, Target
from core.units import parse_units_csv
from handlers import Inbound
from storage import SqliteStore, open_store

VILLAGES = 2_000
COMMUNES = 200
START = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
INDICATORS = ("housing", "graduated", "training")
CADRES = 500
TELEGRAM_LIMIT = 50 * 1_048_576

Sizes = dict[str, Any]


def units_csv() -> str:
    lines = ["level,name,parent,current_commune,aliases,note", "district,Tỉnh Thử,Việt Nam,,,"]
    for c in range(COMMUNES):
        lines.append(f"commune,Xã Cũ {c:03d},Tỉnh Thử,Xã Mới {c // 2:03d},,")
    for v in range(VILLAGES):
        c = v % COMMUNES
        lines.append(f"village,Thôn Bản {v:04d},Xã Cũ {c:03d},Xã Mới {c // 2:03d},,")
    return "\n".join(lines) + "\n"


def settings(folder: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite:///{folder / 'province.sqlite3'}")  # type: ignore[call-arg]


async def _fill(store: SqliteStore, count: int, villages: list[str]) -> None:
    conn = store.db.connection
    await conn.execute("BEGIN")
    batch: list[tuple[object, ...]] = []
    for i in range(count):
        # The work of this programme period so far (it began on 1 January 2026).
        day = (date(2026, 11, 26) - timedelta(days=i % 330)).isoformat()
        household = f"Hộ Giàng Seo {i % 9973}" if i % 3 == 1 else None
        batch.append(
            (
                INDICATORS[i % 3],
                1 + i % 9,
                villages[(i * 7919) % len(villages)],
                household,
                day,
                (START - timedelta(minutes=i % 100_000)).isoformat(),
                2 + i % CADRES,
                "cancelled" if i % 50 == 0 else "active",
            )
        )
        if len(batch) == 50_000:
            await _insert(conn, batch)
            batch = []
    await _insert(conn, batch)
    active = "FROM reports WHERE status = 'active'"
    await conn.execute(
        "INSERT INTO village_totals (village, indicator, total)"
        f" SELECT village, indicator, SUM(count) {active} GROUP BY village, indicator"
    )
    await conn.execute(
        "INSERT INTO village_daily (village, indicator, day, total) SELECT village, indicator,"
        f" done_on, SUM(count) {active} GROUP BY village, indicator, done_on"
    )
    await conn.execute(
        "INSERT INTO indicator_daily (indicator, day, total)"
        f" SELECT indicator, done_on, SUM(count) {active} GROUP BY indicator, done_on"
    )
    await conn.execute("COMMIT")


async def _insert(conn: Any, rows: list[tuple[object, ...]]) -> None:
    await conn.executemany(
        "INSERT INTO reports (indicator, count, village, household, done_on, received_at,"
        " reporter_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


async def build(sizes: Sizes) -> dict[str, float]:
    """Write a province with ``sizes["reports"]`` reports to ``sizes["db"]``."""
    started = time.perf_counter()
    store = await open_store(Path(str(sizes["db"])))
    try:
        await _populate(store, int(sizes["reports"]))
    finally:
        await store.close()
    return {"province_build_s": time.perf_counter() - started}


async def _populate(store: SqliteStore, reports: int) -> None:
    units = parse_units_csv(units_csv())
    await store.units.replace(units, actor_id=None, at=START)
    villages = [v.code for v in units.villages]
    deadline = date(2027, 12, 31)
    targets = [Target("housing", v, 10 + i % 40, deadline) for i, v in enumerate(villages)]
    await store.targets.set_many(targets, actor_id=None, at=START)
    roster = [("Lãnh đạo", "84912000002", Role.LEADER, "d:tinh-thu")]
    roster += [
        (f"Cán bộ {i}", f"8491300{i:04d}", Role.CADRE, villages[i % len(villages)])
        for i in range(CADRES)
    ]
    await store.people.upsert_roster(roster, actor_id=None, at=START)
    await store.people.link(1, "bench", "leader", START)
    await _fill(store, reports, villages)


@contextlib.asynccontextmanager
async def province(sizes: Sizes) -> AsyncIterator[tuple[Path, SqliteStore]]:
    """A copy of the built province, open."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Closed after building, so the file holds everything (the WAL was checkpointed).
        shutil.copyfile(str(sizes["db"]), folder / "province.sqlite3")
        store = await open_store(folder / "province.sqlite3")
        try:
            yield folder, store
        finally:
            await store.close()


class _Clock:
    """5 s per reading: a leader asking again and again stays under the per-person limit."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=5)
        return self.now


def _ask(text: str, number: int) -> Inbound:
    return Inbound("bench", "leader", START, text=text, message_id=str(number))


def _cpu_s() -> float:
    """CPU time of this process, every thread (the database's too)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def tiendo(sizes: Sizes) -> dict[str, float]:
    """Median ms (wall and CPU) of the district /tiendo over 2,000 villages; beside it, in
    the same process and interleaved, the same answer from figures per village (the
    reference path, core.progress.area_progress), which must be the same text."""
    import handlers.area

    cells = handlers.area.plan_cells
    async with province(sizes) as (folder, store):
        engine = await build_engine(store, settings(folder), clock=_Clock())
        timings: dict[str, list[float]] = {"cells": [], "cpu": [], "reference": []}
        for i in range(sizes["repeat"]):
            answers = []
            for path in ("cells", "reference"):
                handlers.area.plan_cells = cells if path == "cells" else (lambda *a, **k: None)
                started, cpu = time.perf_counter(), _cpu_s()
                replies = await engine.handle(_ask("/tiendo", 2 * i + (path == "reference")))
                timings[path].append((time.perf_counter() - started) * 1000)
                if path == "cells":
                    timings["cpu"].append((_cpu_s() - cpu) * 1000)
                if not replies or "Nhà ở" not in replies[0].text:
                    raise RuntimeError(f"unexpected /tiendo answer: {replies}")
                answers.append(replies[0].text)
            if answers[0] != answers[1]:
                raise RuntimeError("the cells and the reference answer differently")
        handlers.area.plan_cells = cells
    return {
        "tiendo_ms": statistics.median(timings["cells"]),
        "tiendo_cpu_ms": statistics.median(timings["cpu"]),
        "tiendo_reference_ms": statistics.median(timings["reference"]),
    }


async def tiendo_province(sizes: Sizes) -> dict[str, float]:
    return await tiendo(sizes)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


async def _watch(stalls: list[float], stop: asyncio.Event, every: float = 0.01) -> None:
    """How late the event loop wakes a task that asked to sleep ``every`` seconds."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        asked = loop.time()
        await asyncio.sleep(every)
        stalls.append(loop.time() - asked - every)


def _children() -> list[int]:
    pid = os.getpid()
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _high_water_mb(pid: int) -> float:
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path(f"/proc/{pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if "VmHWM" in line)) / 1024
    return 0.0


async def _writers_peak(peaks: dict[int, float], stop: asyncio.Event) -> None:
    """The largest resident size of each child process (the workbook writers), read every
    50 ms from its own high-water mark (VmHWM). Not getrusage: a child's ru_maxrss counts the
    bot's memory it was forked from."""
    while not stop.is_set():
        for child in _children():
            peaks[child] = max(peaks.get(child, 0.0), _high_water_mb(child))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.05)


async def xuat(sizes: Sizes) -> dict[str, float]:
    """/xuat of the whole province through the engine, with Telegram's 50 MB limit."""
    async with province(sizes) as (folder, store):
        engine = await build_engine(store, settings(folder), clock=_Clock())
        engine.file_limits = {"bench": TELEGRAM_LIMIT}
        freeze_startup()  # as the bot's process does once it has started (bot.runner)
        before = _peak_mb()
        stalls: list[float] = []
        stop = asyncio.Event()
        writers: dict[int, float] = {}
        watcher = asyncio.create_task(_watch(stalls, stop))
        sampler = asyncio.create_task(_writers_peak(writers, stop))
        started = time.perf_counter()
        replies = await engine.handle(_ask("/xuat", 1))
        elapsed = time.perf_counter() - started
        stop.set()
        await watcher
        await sampler
        writer = max(writers.values(), default=0.0)
        files = [r.attachment for r in replies if r.attachment is not None]
        if not files:
            raise RuntimeError(f"no file in the /xuat answer: {[r.text for r in replies]}")
        return {
            "xuat_seconds": elapsed,
            "xuat_files": len(files),
            "xuat_mb": sum(len(f.content) for f in files) / 1_048_576,
            # The bot's process and the largest workbook writer (a child process) beside it.
            "xuat_peak_mb": _peak_mb() + writer,
            "xuat_peak_bot_mb": _peak_mb(),
            "xuat_peak_writer_mb": writer,
            "xuat_peak_before_mb": before,
            "xuat_max_stall_s": max(stalls),
        }


async def csv_export(sizes: Sizes) -> dict[str, float]:
    """`python -m bot export --format csv` of the whole province, in this process."""
    from bot.cli.data import _export_csv

    async with province(sizes) as (folder, _store):
        before = _peak_mb()
        with (folder / "out.csv").open("w", encoding="utf-8") as file:
            started = time.perf_counter()
            await _export_csv(settings(folder), file)
            elapsed = time.perf_counter() - started
        return {"csv_seconds": elapsed, "csv_peak_mb": _peak_mb(), "csv_peak_before_mb": before}
