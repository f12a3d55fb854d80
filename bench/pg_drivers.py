"""asyncpg or psycopg 3? The same ingest path (engine, stores, SQL) on each driver.

    BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test python bench/pg_drivers.py

psycopg is not a dependency of the bot: install it for this comparison only
(`pip install "psycopg[binary]>=3.2,<3.4" "psycopg-pool>=3.2,<3.4"`). Both drivers get a pool
of 10 connections and the same 64 messages in flight; results go to bench/results.json under
"postgresql_drivers".
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.postgres import _fresh, _prepare, _schema, _settings, _url  # noqa: E402
from bench.scenarios import TEXTS, SteppingClock  # noqa: E402
from bot.app import build_engine  # noqa: E402
from core.models import Role  # noqa: E402
from storage import SqlStore  # noqa: E402
from storage.postgres import open_postgres  # noqa: E402

_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || %s, 0))"


class Row(tuple):  # type: ignore[type-arg]
    """Read by position and by column name, as the stores do."""

    _index: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def both_row(cursor: Any) -> Any:
    names = [c.name for c in cursor.description or []]
    index = {n: i for i, n in enumerate(names)}

    def make(values: Sequence[Any]) -> Row:
        row = Row(values)
        row._index = index
        return row

    return make


def _ps(sql: str) -> str:
    return sql.replace("?", "%s")


class PsycopgConnection:
    def __init__(self, conn: Any) -> None:
        self._c = conn
        self._turn = asyncio.Lock()

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        async with self._turn:
            cursor = await self._c.execute(_ps(sql), params)
            return int(cursor.rowcount)

    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        async with self._turn, self._c.cursor() as cursor:
            await cursor.executemany(_ps(sql), list(rows))

    async def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        async with self._turn:
            cursor = await self._c.execute(_ps(sql), params)
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Sequence[object] = ()) -> Any:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def lock(self, *keys: str) -> None:
        async with self._turn:
            for key in sorted(set(keys)):
                await self._c.execute(_LOCK, (key,))


class PsycopgDatabase:
    dialect = "postgresql"

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PsycopgConnection]:
        async with self.pool.connection() as conn, conn.transaction():
            yield PsycopgConnection(conn)

    async def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        async with self.pool.connection() as conn:
            return await PsycopgConnection(conn).fetchall(sql, params)

    async def fetchone(self, sql: str, params: Sequence[object] = ()) -> Any:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def try_hold(self, name: str) -> None:
        return None

    async def close(self) -> None:
        await self.pool.close()


async def psycopg_store(schema: str) -> SqlStore:
    from psycopg_pool import AsyncConnectionPool

    pool = AsyncConnectionPool(
        _url(),
        min_size=10,
        max_size=10,
        kwargs={"options": f"-c search_path={schema}", "row_factory": both_row, "autocommit": True},
        open=False,
    )
    await pool.open(wait=True)
    return SqlStore(PsycopgDatabase(pool))  # type: ignore[arg-type]


async def ingest(store: SqlStore, messages: int) -> float:
    from bot.channels.telegram.answer import answer_update, read_update
    from tests.fakes import OfflineRequest, offline_bot

    engine = await build_engine(store, _settings(), clock=SteppingClock())
    people = [p for p in await store.people.all() if p.role == Role.CADRE]
    bot = offline_bot(OfflineRequest(), "1:bench")
    await bot.initialize()
    payloads = []
    for i in range(messages):
        person = people[i % len(people)]
        k = i // len(people)
        user = 10_000 + person.id
        body = {
            "message_id": i + 1,
            "date": 1_790_000_000,
            "text": TEXTS[k % 3].format(n=1 + (k // 3) % 9),
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "C"},
        }
        payloads.append({"update_id": i + 1, "message": body})
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
    if stored is None or stored[0] != messages:
        raise RuntimeError("not every report was stored once")
    await bot.shutdown()
    return messages / elapsed


async def run(driver: str, messages: int, schema: str) -> float:
    try:
        await _prepare(schema, 500)
        if driver == "asyncpg":
            store = await open_postgres(_url(), schema=schema, pool_size=10)
        else:
            store = await psycopg_store(schema)
        try:
            return await ingest(store, messages)
        finally:
            await store.close()
    finally:
        await _schema("DROP", schema)


def main() -> int:
    messages = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    out = ROOT / "bench" / "results.json"
    results = {}
    for driver in ("asyncpg", "psycopg", "asyncpg", "psycopg"):  # twice each, interleaved
        rate = asyncio.run(run(driver, messages, _fresh()))
        results[driver] = max(results.get(driver, 0.0), rate)
        print(f"{driver}: {rate:.0f} reports/s", flush=True)
    saved = json.loads(out.read_text()) if out.exists() else {}
    saved["postgresql_drivers"] = {
        "messages": messages,
        "ingest_reports_per_s": {k: round(v, 1) for k, v in results.items()},
    }
    out.write_text(json.dumps(saved, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
