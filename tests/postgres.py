"""PostgreSQL for tests: TEST_POSTGRES_URL, one fresh schema per test, dropped afterwards.

Without TEST_POSTGRES_URL the PostgreSQL tests are skipped (and say why); with it set, a
server that cannot be reached fails them. Each test gets a schema of its own, so that runs
of the suite side by side do not collide.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from datetime import datetime, timedelta

import asyncpg
import pytest

from bot.app import build_engine, open_app_store
from bot.channels.shared import Sharing
from bot.demo import seed_demo
from bot.settings import Settings
from handlers import Engine
from locales.translator import Translator
from storage import SqlStore
from storage.postgres import open_postgres

SKIP_REASON = "TEST_POSTGRES_URL is not set: PostgreSQL tests skipped"


def postgres_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL", "").strip()
    if not url:
        pytest.skip(SKIP_REASON)
    return url


@asynccontextmanager
async def fresh_schema() -> AsyncIterator[str]:
    url = postgres_url()
    name = f"test_{uuid.uuid4().hex[:16]}"
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"CREATE SCHEMA {name}")
    finally:
        await conn.close()
    try:
        yield name
    finally:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(f"DROP SCHEMA {name} CASCADE")
        finally:
            await conn.close()


def schema_url(url: str, schema: str) -> str:
    """The URL with the schema as search_path (asyncpg passes unknown query options on)."""
    return f"{url}{'&' if '?' in url else '?'}search_path={schema}"


@asynccontextmanager
async def postgres_store() -> AsyncIterator[SqlStore]:
    async with fresh_schema() as schema:
        store = await open_postgres(postgres_url(), schema=schema, pool_size=4)
        try:
            yield store
        finally:
            await store.close()


@contextmanager
def schema_database_url() -> Iterator[str]:
    """A DATABASE_URL of a fresh schema, for commands that run their own event loop."""
    url = postgres_url()
    name = f"test_{uuid.uuid4().hex[:16]}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f"CREATE SCHEMA {name}"))
    try:
        yield schema_url(url, name)
    finally:
        asyncio.run(run(f"DROP SCHEMA {name} CASCADE"))


async def demo_processes(
    stack: AsyncExitStack,
    url: str,
    *,
    settings: Settings,
    translators: dict[str, Translator],
    clock: Callable[[], datetime],
) -> list[tuple[SqlStore, Engine, Sharing]]:
    """Two bot processes, "a" and "b", on the demo database at ``url`` (a fresh schema's):
    each with its own pool and engine, sharing the database; closed by ``stack``."""
    made = []
    for name in ("a", "b"):
        store = await open_app_store(url, now=clock(), pool_size=4)
        stack.push_async_callback(store.close)
        if name == "a":
            await seed_demo(store, now=clock())
        engine = await build_engine(store, settings, translators=translators, clock=clock)
        sharing = Sharing(
            store.leases, worker=name, lease=timedelta(minutes=1), every=0.05, role_retry=0.05
        )
        made.append((store, engine, sharing))
    return made
