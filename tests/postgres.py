"""PostgreSQL for tests: TEST_POSTGRES_URL, one fresh schema per test, dropped afterwards.

Without TEST_POSTGRES_URL the PostgreSQL tests are skipped (and say why); with it set, a
server that cannot be reached fails them. Each test gets a schema of its own, so that runs
of the suite side by side do not collide.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import asyncpg
import pytest

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
