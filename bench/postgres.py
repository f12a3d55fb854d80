"""PostgreSQL figures: ingest (1 and 2 processes), the raw yardstick, /tiendo at 1,000,000.

    BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test python bench/postgres.py

Each run works in a schema of its own, dropped afterwards. Results are merged into
bench/results.json under "postgresql". (TEST_POSTGRES_URL is used when BENCH_… is unset.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402

from bench.scenarios import INDICATORS, START, TEXTS, VILLAGES, SteppingClock, seed  # noqa: E402
from bot.app import build_engine  # noqa: E402
from bot.settings import Settings  # noqa: E402
from core.models import Role  # noqa: E402
from handlers import Inbound  # noqa: E402
from storage import SqlStore  # noqa: E402
from storage.postgres import open_postgres  # noqa: E402


def _url() -> str:
    url = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")
    if not url:
        raise SystemExit("set BENCH_POSTGRES_URL (or TEST_POSTGRES_URL)")
    return url


async def _open(schema: str, pool: int = 10) -> SqlStore:
    return await open_postgres(_url(), schema=schema, pool_size=pool)


def _settings() -> Settings:
    return Settings(_env_file=None, database_url=_url())  # type: ignore[call-arg]


async def ingest(schema: str, part: int, parts: int, messages: int) -> float:
    """This process's share of the messages through the engine; returns seconds taken."""
    from bot.channels.telegram.answer import answer_update, read_update
    from tests.fakes import OfflineRequest, offline_bot

    store = await _open(schema)
    engine = await build_engine(store, _settings(), clock=SteppingClock())
    people = [p for p in await store.people.all() if p.role == Role.CADRE]
    request = OfflineRequest()
    bot = offline_bot(request, "1:bench")
    await bot.initialize()
    payloads = []
    for i in range(part, messages, parts):
        person = people[i % len(people)]
        k = i // len(people)
        user = 10_000 + person.id
        text = TEXTS[k % 3].format(n=1 + (k // 3) % 9)
        message = {
            "message_id": i + 1,
            "date": 1_790_000_000,
            "text": text,
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "C"},
        }
        payloads.append({"update_id": i + 1, "message": message})
    limit = asyncio.Semaphore(64)

    async def one(payload: dict[str, Any]) -> None:
        async with limit:
            update, _ = read_update(payload, bot)  # as the inbox reads it
            assert update is not None
            await answer_update(bot, engine, update)

    print("ready", flush=True)  # set up: wait for the others, then start together
    await asyncio.to_thread(sys.stdin.readline)
    started = time.perf_counter()
    await asyncio.gather(*(one(p) for p in payloads))
    elapsed = time.perf_counter() - started
    await bot.shutdown()
    await store.close()
    return elapsed


async def _prepare(schema: str, cadres: int) -> None:
    store = await _open(schema)
    await seed(store, cadres)
    for person in await store.people.all():
        if person.role == Role.CADRE:
            await store.people.link(person.id, "telegram", str(10_000 + person.id), START)
    await store.close()


async def _count(schema: str) -> int:
    conn = await asyncpg.connect(_url(), server_settings={"search_path": schema})
    try:
        return int(await conn.fetchval("SELECT COUNT(*) FROM reports"))
    finally:
        await conn.close()


def _in_children(schema: str, parts: int, messages: int) -> float:
    """``parts`` processes ingesting at once; wall time until the last is done."""
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--child", schema, str(part), str(parts), str(messages)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for part in range(parts)
    ]
    for child in children:  # each has imported, connected and built its engine
        assert child.stdout is not None
        if child.stdout.readline().strip() != "ready":
            raise RuntimeError("an ingest process did not start")
    started = time.perf_counter()
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    if any(child.wait() for child in children):
        raise RuntimeError("an ingest process failed")
    return time.perf_counter() - started


async def raw_insert(schema: str, rows: int) -> float:
    """The yardstick: one INSERT per transaction, one connection, asyncpg."""
    conn = await asyncpg.connect(_url(), server_settings={"search_path": schema})
    try:
        started = time.perf_counter()
        for i in range(rows):
            await conn.execute(
                "INSERT INTO reports (indicator, count, village, done_on, received_at,"
                " reporter_id) VALUES ($1, $2, $3, $4, $5, $6)",
                INDICATORS[i % 3],
                1 + i % 9,
                f"v:thon-thu-{i % VILLAGES:03d}",
                "2026-11-26",
                START.isoformat(),
                2,
            )
        return rows / (time.perf_counter() - started)
    finally:
        await conn.close()


async def tiendo_1m(schema: str, reports: int, repeat: int) -> float:
    store = await _open(schema)
    await seed(store, 500)
    conn = await asyncpg.connect(_url(), server_settings={"search_path": schema})
    try:
        rows = (
            (
                INDICATORS[i % 3],
                1 + i % 9,
                f"v:thon-thu-{i % VILLAGES:03d}",
                (date(2026, 11, 26) - timedelta(days=i % 700)).isoformat(),
                START.isoformat(),
                2 + i % 500,
            )
            for i in range(reports)
        )
        columns = ["indicator", "count", "village", "done_on", "received_at", "reporter_id"]
        await conn.copy_records_to_table("reports", records=rows, columns=columns)
        await conn.execute(
            "INSERT INTO village_totals (village, indicator, total)"
            " SELECT village, indicator, SUM(count) FROM reports GROUP BY village, indicator;"
            "INSERT INTO village_daily (village, indicator, day, total) SELECT village,"
            " indicator, done_on, SUM(count) FROM reports GROUP BY village, indicator, done_on;"
            "INSERT INTO indicator_daily (indicator, day, total)"
            " SELECT indicator, done_on, SUM(count) FROM reports GROUP BY indicator, done_on;"
            "ANALYZE"
        )
    finally:
        await conn.close()
    engine = await build_engine(store, _settings(), clock=SteppingClock(5.0))
    await store.people.link(1, "bench", "leader", START)
    timings = []
    for i in range(repeat):
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


async def _schema(action: str, name: str) -> None:
    conn = await asyncpg.connect(_url())
    try:
        await conn.execute(f"{action} SCHEMA {name}{' CASCADE' if action == 'DROP' else ''}")
    finally:
        await conn.close()


def _fresh() -> str:
    name = f"bench_{uuid.uuid4().hex[:12]}"
    asyncio.run(_schema("CREATE", name))
    return name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--raw", type=int, default=5_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        schema, part, parts, messages = args.child
        asyncio.run(ingest(schema, int(part), int(parts), int(messages)))
        return 0
    results: dict[str, float] = {}
    for parts in (1, 2):
        schema = _fresh()
        try:
            asyncio.run(_prepare(schema, 500))
            elapsed = _in_children(schema, parts, args.messages)
            if asyncio.run(_count(schema)) != args.messages:
                raise RuntimeError("not every report was stored once")
            results[f"pg_ingest_reports_per_s_{parts}p"] = args.messages / elapsed
        finally:
            asyncio.run(_schema("DROP", schema))
    schema = _fresh()
    try:
        asyncio.run(_prepare(schema, 1))
        results["pg_raw_insert_per_s"] = asyncio.run(raw_insert(schema, args.raw))
    finally:
        asyncio.run(_schema("DROP", schema))
    results["pg_ingest_ratio"] = (
        results["pg_ingest_reports_per_s_1p"] / results["pg_raw_insert_per_s"]
    )
    schema = _fresh()
    try:
        results["pg_tiendo_ms_1m"] = asyncio.run(tiendo_1m(schema, args.reports, 21))
    finally:
        asyncio.run(_schema("DROP", schema))
    rounded = {k: round(v, 3) for k, v in results.items()}
    print(json.dumps(rounded, indent=2))
    saved = json.loads(args.out.read_text()) if args.out.exists() else {}
    saved["postgresql"] = {
        "sizes": {"messages": args.messages, "reports": args.reports, "raw_rows": args.raw},
        "server": "PostgreSQL 15 on the same 2-core machine, default settings",
        "results": rounded,
    }
    args.out.write_text(json.dumps(saved, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
