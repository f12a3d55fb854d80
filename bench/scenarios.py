"""One benchmark scenario per child process: `python -m bench.scenarios METRIC SIZES_JSON`.

Each prints one JSON line of results. Data is synthetic: 200 villages in 10 communes.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import build_engine
from bot.settings import Settings
from core.models import Role, Target
from core.units import parse_units_csv
from handlers import Inbound
from storage import SqliteStore, open_store

ROOT = Path(__file__).resolve().parent.parent
VILLAGES = 200
COMMUNES = 10
START = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
TEXTS = ("xong {n} nhà", "{n} hộ thoát nghèo", "đào tạo nghề {n} người")
INDICATORS = ("housing", "graduated", "training")

Sizes = dict[str, int]


def synthetic_units_csv() -> str:
    lines = ["level,name,parent,current_commune,aliases,note", "district,Mèo Vạc,Hà Giang,,,"]
    for c in range(COMMUNES):
        lines.append(f"commune,Xã Thử {c:02d},Mèo Vạc,Xã Mới {c // 2:02d},,")
    for v in range(VILLAGES):
        c = v % COMMUNES
        lines.append(f"village,Thôn Thử {v:03d},Xã Thử {c:02d},Xã Mới {c // 2:02d},,")
    return "\n".join(lines) + "\n"


class SteppingClock:
    """Moves ``step`` seconds per reading, so the senders look like people typing, not a
    flood that the per-person rate limit would (rightly) slow down."""

    def __init__(self, step: float = 0.2) -> None:
        self._ticks = itertools.count()
        self.step = step

    def __call__(self) -> datetime:
        return START + timedelta(seconds=self.step * next(self._ticks))


async def make_store(folder: Path, cadres: int) -> SqliteStore:
    store = await open_store(folder / "bench.sqlite3")
    await seed(store, cadres)
    return store


async def seed(store: SqliteStore, cadres: int) -> None:
    """The synthetic units, the district's housing target, a leader and ``cadres`` cadres."""
    units = parse_units_csv(synthetic_units_csv())
    await store.units.replace(units, actor_id=None, at=START)
    await store.targets.set(
        Target("housing", "d:meo-vac", 1733, date(2026, 12, 31)), actor_id=None, at=START
    )
    villages = units.villages
    roster = [("Lãnh đạo", "84912000002", Role.LEADER, "d:meo-vac")]
    roster += [
        (f"Cán bộ {i}", f"8491300{i:04d}", Role.CADRE, villages[i % len(villages)].code)
        for i in range(cadres)
    ]
    await store.people.upsert_roster(roster, actor_id=None, at=START)


def settings(folder: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite:///{folder / 'bench.sqlite3'}")  # type: ignore[call-arg]


async def ingest(sizes: Sizes) -> dict[str, float]:
    """The full Telegram path: JSON update → engine → parse → store (durable) → reply."""
    from bot.channels.telegram.answer import answer_update, read_update
    from tests.fakes import OfflineRequest, offline_bot

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = await make_store(folder, sizes["cadres"])
        engine = await build_engine(store, settings(folder), clock=SteppingClock())
        people = [p for p in await store.people.all() if p.role == Role.CADRE]
        for person in people:
            await store.people.link(person.id, "telegram", str(10_000 + person.id), START)

        request = OfflineRequest()
        bot = offline_bot(request, "1:bench")
        await bot.initialize()
        payloads = []
        for i in range(sizes["messages"]):
            person = people[i % len(people)]
            k = i // len(people)
            user = 10_000 + person.id
            text = TEXTS[k % 3].format(n=1 + (k // 3) % 9)
            payloads.append(
                {
                    "update_id": i + 1,
                    "message": {
                        "message_id": i + 1,
                        "date": 1_790_000_000,
                        "text": text,
                        "chat": {"id": user, "type": "private"},
                        "from": {"id": user, "is_bot": False, "first_name": "C"},
                    },
                }
            )
        limit = asyncio.Semaphore(64)

        async def one(payload: dict[str, Any]) -> None:
            async with limit:
                update, _ = read_update(payload, bot)  # as the inbox reads it
                assert update is not None
                await answer_update(bot, engine, update)

        started = time.perf_counter()
        await asyncio.gather(*(one(p) for p in payloads))
        elapsed = time.perf_counter() - started
        stored = await store.db.fetchone("SELECT COUNT(*) FROM reports")
        if stored is None or stored[0] != sizes["messages"]:
            raise RuntimeError(f"stored {stored and stored[0]} of {sizes['messages']} reports")
        await bot.shutdown()
        await store.close()
    return {"ingest_reports_per_s": sizes["messages"] / elapsed}


async def raw_insert(sizes: Sizes) -> dict[str, float]:
    """The yardstick: a plain aiosqlite loop, one commit per row, same durability settings."""
    import aiosqlite

    with tempfile.TemporaryDirectory() as tmp:
        conn = await aiosqlite.connect(Path(tmp) / "raw.sqlite3", isolation_level=None)
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=FULL")
        await conn.execute(
            "CREATE TABLE reports (id INTEGER PRIMARY KEY, indicator TEXT, count INTEGER,"
            " village TEXT, household TEXT, done_on TEXT, received_at TEXT, reporter_id INTEGER)"
        )
        started = time.perf_counter()
        for i in range(sizes["raw_rows"]):
            await conn.execute("BEGIN")
            await conn.execute(
                "INSERT INTO reports (indicator, count, village, household, done_on,"
                " received_at, reporter_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    INDICATORS[i % 3],
                    1 + i % 9,
                    f"v:thon-thu-{i % VILLAGES:03d}",
                    None,
                    "2026-11-26",
                    START.isoformat(),
                    1 + i % 500,
                ),
            )
            await conn.execute("COMMIT")
        elapsed = time.perf_counter() - started
        await conn.close()
    return {"raw_insert_per_s": sizes["raw_rows"] / elapsed}


async def _fill(store: SqliteStore, count: int) -> None:
    """Bulk-load reports as the bot would have stored them, aggregates included."""
    conn = store.db.connection
    await conn.execute("BEGIN")
    batch = []
    for i in range(count):
        day = (date(2026, 11, 26) - timedelta(days=i % 700)).isoformat()
        batch.append(
            (
                INDICATORS[i % 3],
                1 + i % 9,
                f"v:thon-thu-{i % VILLAGES:03d}",
                day,
                START.isoformat(),
                1 + i % 500,
            )
        )
        if len(batch) == 50_000:
            await _insert(conn, batch)
            batch = []
    await _insert(conn, batch)
    await conn.execute(
        "INSERT INTO village_totals (village, indicator, total)"
        " SELECT village, indicator, SUM(count) FROM reports GROUP BY village, indicator"
    )
    await conn.execute(
        "INSERT INTO village_daily (village, indicator, day, total) SELECT village, indicator,"
        " done_on, SUM(count) FROM reports GROUP BY village, indicator, done_on"
    )
    await conn.execute("COMMIT")


async def _insert(conn: Any, rows: list[tuple[object, ...]]) -> None:
    await conn.executemany(
        "INSERT INTO reports (indicator, count, village, done_on, received_at, reporter_id)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


async def _tiendo(sizes: Sizes, reports: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = await make_store(folder, 500)
        await _fill(store, reports)
        # A leader asking again every 5 s stays under the per-person limit.
        engine = await build_engine(store, settings(folder), clock=SteppingClock(5.0))
        await store.people.link(1, "bench", "leader", START)
        timings = []
        for i in range(sizes["repeat"]):
            message = Inbound(
                channel="bench",
                sender_id="leader",
                received_at=START,
                text="/tiendo",
                message_id=str(i),
            )
            started = time.perf_counter()
            replies = await engine.handle(message)
            timings.append((time.perf_counter() - started) * 1000)
            if not replies or "1.733" not in replies[0].text:
                raise RuntimeError("unexpected /tiendo answer")
        await store.close()
    return statistics.median(timings)


async def tiendo_small(sizes: Sizes) -> dict[str, float]:
    return {"tiendo_ms_10k": await _tiendo(sizes, sizes["small"])}


async def tiendo_large(sizes: Sizes) -> dict[str, float]:
    median = await _tiendo(sizes, sizes["large"])
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {"tiendo_ms_1m": median, "peak_rss_mb": peak_kb / 1024}


async def parse(sizes: Sizes) -> dict[str, float]:
    from bot.app import shipped_units
    from core.parser import ReportParser

    lines = (ROOT / "tests" / "data" / "corpus_dev.jsonl").read_text(encoding="utf-8")
    corpus = [json.loads(line) for line in lines.splitlines() if line.strip()]
    units = shipped_units()
    home = {v.name: v.code for v in units.villages}
    parser = ReportParser(units)
    cases = [(c["text"], home[c["village"]], date.fromisoformat(c["today"])) for c in corpus]
    total = sizes["parse"]
    started = time.perf_counter()
    for i in range(total):
        text, village, today = cases[i % len(cases)]
        parser.parse(text, home_village=village, today=today)
    return {"parse_per_s": total / (time.perf_counter() - started)}


async def fanout(sizes: Sizes) -> dict[str, float]:
    """Weekly reminders to many cadres through the Telegram sender, paced at a set limit.

    The limit is scaled up from Telegram's 30/s so the run is short; what is measured is
    whether the outbox drain keeps up with it (real clock, real sleeps, offline Bot API).
    """
    from telegram import Bot

    from bot.channels.telegram.sender import TelegramSender
    from locales.translator import load_translators
    from scheduler.delivery import DrainPolicy
    from scheduler.service import ReminderService
    from tests.fakes import OfflineRequest

    cadres = sizes["fanout"]
    rate = float(sizes.get("fanout_rate", 500))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = await make_store(folder, cadres)
        await store.db.connection.execute(
            "INSERT INTO identities (channel, external_id, person_id, linked_at)"
            " SELECT 'telegram', CAST(20000 + id AS TEXT), id, ? FROM people",
            (START.isoformat(),),
        )
        monday = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)  # 07:30 in Hà Nội
        origin = time.perf_counter()

        def clock() -> datetime:  # real seconds, counted from Monday 07:30
            return monday + timedelta(seconds=time.perf_counter() - origin)

        service = ReminderService(
            store,
            translators=load_translators(),
            default_locale="vi",
            tz=settings(folder).tz,
            clock=clock,
            policy=DrainPolicy(rate=rate),
        )
        queued = await service.enqueue(monday)
        bot = Bot("1:bench", request=OfflineRequest())
        await bot.initialize()
        sender = TelegramSender(bot)
        started = time.perf_counter()
        report = await service.drain({"telegram": sender})
        elapsed = time.perf_counter() - started
        await bot.shutdown()
        await store.close()
    if report is None or report.sent != queued or queued < cadres:
        raise RuntimeError(f"queued {queued}, sent {report and report.sent}")
    return {"reminder_fanout_rate": report.sent / elapsed / rate, "reminder_limit_per_s": rate}


async def ingest_suite(sizes: Sizes) -> dict[str, float]:
    from bench.ingest_paths import suite

    return await suite(sizes)


async def province_build(sizes: Sizes) -> dict[str, float]:
    from bench.province import build

    return await build(sizes)


async def tiendo_province(sizes: Sizes) -> dict[str, float]:
    from bench.province import tiendo_province as run

    return await run(sizes)


async def xuat(sizes: Sizes) -> dict[str, float]:
    from bench.province import xuat as run

    return await run(sizes)


async def csv_export(sizes: Sizes) -> dict[str, float]:
    from bench.province import csv_export as run

    return await run(sizes)


async def fanout_rtt(sizes: Sizes) -> dict[str, float]:
    from bench.network import fanout_rtt as run

    return await run(sizes)


METRICS: dict[str, Callable[[Sizes], Any]] = {
    "parse": parse,
    "raw_insert": raw_insert,
    "ingest": ingest,
    "ingest_suite": ingest_suite,
    "tiendo_small": tiendo_small,
    "tiendo_large": tiendo_large,
    "fanout": fanout,
    "fanout_rtt": fanout_rtt,
    "province_build": province_build,
    "tiendo_province": tiendo_province,
    "xuat": xuat,
    "csv_export": csv_export,
}


if __name__ == "__main__":
    metric, sizes_json = sys.argv[1], sys.argv[2]
    try:
        result = asyncio.run(METRICS[metric](json.loads(sizes_json)))
    except Exception:
        import os
        import traceback

        traceback.print_exc()
        # A failed scenario may leave a database thread running: do not wait for it.
        os._exit(1)
    print(json.dumps(result))
