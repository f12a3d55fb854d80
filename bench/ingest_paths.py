"""Ingest side by side, in one process and interleaved rounds (medians of ``rounds``), so the
ratios hold on a busy machine:

- raw: a plain aiosqlite loop, one INSERT and one synchronous=FULL commit per report;
- toy: the bot a user would write: python-telegram-bot's Application, one regex, one INSERT
  (committed), one reply;
- bench: this bot's path, Update → engine → parse → durable store → reply (answer_update);
- inbox: the real polling path: updates recorded in the durable inbox in getUpdates batches of
  100, then answered by the lanes, each marked processed.
"""

from __future__ import annotations

import asyncio
import re
import resource
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.scenarios import (
    START,
    TEXTS,
    Sizes,
    SteppingClock,
    make_store,
    raw_insert,
    settings,
)
from bot.app import build_engine
from core.models import Role
from tests.fakes import OfflineRequest, offline_bot

_TOY_PATTERN = re.compile(r"xong (\d+) nhà|(\d+) hộ thoát nghèo|đào tạo nghề (\d+) người")


def _cpu_s() -> float:
    """CPU seconds of this process so far, every thread (the loop's and SQLite's)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# A path's reports per second (wall) and CPU milliseconds per report.
Measure = tuple[float, float]


def _payloads(users: list[int], count: int) -> list[dict[str, Any]]:
    payloads = []
    for i in range(count):
        user = users[i % len(users)]
        k = i // len(users)
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
    return payloads


async def _bot_path(sizes: Sizes, *, inbox: bool) -> Measure:
    from bot.channels.telegram.answer import answer_update, read_update
    from bot.channels.telegram.inbox import TelegramInbox

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = await make_store(folder, sizes["cadres"])
        engine = await build_engine(store, settings(folder), clock=SteppingClock())
        people = [p for p in await store.people.all() if p.role == Role.CADRE]
        for person in people:
            await store.people.link(person.id, "telegram", str(10_000 + person.id), START)
        bot = offline_bot(OfflineRequest(), "1:bench")
        await bot.initialize()
        payloads = _payloads([10_000 + p.id for p in people], sizes["messages"])
        started, cpu = time.perf_counter(), _cpu_s()
        if inbox:
            durable = TelegramInbox(bot, engine, store.inbox, clock=SteppingClock())
            for first in range(0, len(payloads), 100):  # as getUpdates hands them over: JSON
                batch = payloads[first : first + 100]
                await durable.accept(batch, offset=batch[-1]["update_id"] + 1)
                await durable.lanes.wait_below(1000, asyncio.Event())
            await durable.lanes.wait_below(1, asyncio.Event())
        else:
            limit = asyncio.Semaphore(64)

            async def one(payload: dict[str, Any]) -> None:
                async with limit:
                    update, _ = read_update(payload, bot)  # as the inbox reads it
                    assert update is not None
                    await answer_update(bot, engine, update)

            await asyncio.gather(*(one(p) for p in payloads))
        elapsed, cpu = time.perf_counter() - started, _cpu_s() - cpu
        stored = await store.db.fetchone("SELECT COUNT(*) FROM reports")
        if stored is None or stored[0] != sizes["messages"]:
            raise RuntimeError(f"stored {stored and stored[0]} of {sizes['messages']} reports")
        await bot.shutdown()
        await store.close()
    return sizes["messages"] / elapsed, cpu * 1000 / sizes["messages"]


async def _toy(sizes: Sizes) -> Measure:
    import aiosqlite
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    with tempfile.TemporaryDirectory() as tmp:
        conn = await aiosqlite.connect(Path(tmp) / "toy.sqlite3")
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=FULL")
        await conn.execute(
            "CREATE TABLE reports (id INTEGER PRIMARY KEY, user INTEGER, count INTEGER, text TEXT)"
        )
        bot = offline_bot(OfflineRequest(), "1:toy")
        app = Application.builder().bot(bot).updater(None).build()

        async def on_text(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
            message = update.message
            if message is None or message.text is None:
                return
            found = _TOY_PATTERN.search(message.text)
            count = int(next(g for g in found.groups() if g)) if found else 0
            await conn.execute(
                "INSERT INTO reports (user, count, text) VALUES (?, ?, ?)",
                (message.chat_id, count, message.text),
            )
            await conn.commit()
            await message.reply_text(f"Đã ghi: {count}")

        app.add_handler(MessageHandler(filters.TEXT, on_text))
        await app.initialize()
        payloads = _payloads([10_000 + i for i in range(sizes["cadres"])], sizes["messages"])
        limit = asyncio.Semaphore(64)

        async def one(payload: dict[str, Any]) -> None:
            async with limit:
                await app.process_update(Update.de_json(payload, bot))

        started, cpu = time.perf_counter(), _cpu_s()
        await asyncio.gather(*(one(p) for p in payloads))
        elapsed, cpu = time.perf_counter() - started, _cpu_s() - cpu
        await app.shutdown()
        await conn.close()
    return sizes["messages"] / elapsed, cpu * 1000 / sizes["messages"]


async def suite(sizes: Sizes) -> dict[str, float]:
    async def raw() -> Measure:
        return (await raw_insert(sizes))["raw_insert_per_s"], 0.0

    runs: dict[str, Callable[[], Awaitable[Measure]]] = {
        "raw_insert": raw,
        "toy_reports": lambda: _toy(sizes),
        "ingest_reports": lambda: _bot_path(sizes, inbox=False),
        "inbox_reports": lambda: _bot_path(sizes, inbox=True),
    }
    rates: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(sizes.get("rounds", 3)):
        for name, run in runs.items():
            rate, cpu_ms = await run()
            rates[name].append(rate)
            cpu[name].append(cpu_ms)
    medians = {f"{name}_per_s": statistics.median(values) for name, values in rates.items()}
    # CPU per report does not depend on how busy the disk is (the raw loop and the toy wait
    # for an fsync per report): the bot's own cost beside the toy's.
    cpu_ms = {
        f"{name}_cpu_ms": statistics.median(cpu[name])
        for name in ("toy_reports", "ingest_reports", "inbox_reports")
    }
    return {
        **medians,
        **cpu_ms,
        "ingest_ratio": medians["ingest_reports_per_s"] / medians["raw_insert_per_s"],
        "ingest_toy_ratio": medians["ingest_reports_per_s"] / medians["toy_reports_per_s"],
        "inbox_path_ratio": medians["inbox_reports_per_s"] / medians["ingest_reports_per_s"],
        "ingest_toy_cpu_ratio": cpu_ms["toy_reports_cpu_ms"] / cpu_ms["ingest_reports_cpu_ms"],
    }
