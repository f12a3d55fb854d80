"""The storage tests run on both backends: ``store`` is SQLite, then PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import open_app_store
from bot.demo import seed_demo
from storage import SqlStore
from tests.fakes import FakeClock
from tests.postgres import fresh_schema, postgres_url, schema_url


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[SqlStore]:
    if request.param == "sqlite":
        opened = await open_app_store(tmp_path / "bot.sqlite3", now=clock())
        await seed_demo(opened, now=clock())
        yield opened
        await opened.close()
        return
    async with fresh_schema() as schema:
        opened = await open_app_store(schema_url(postgres_url(), schema), now=clock())
        await seed_demo(opened, now=clock())
        yield opened
        await opened.close()


def sqlite_only(store: SqlStore) -> None:
    if store.db.dialect != "sqlite":
        pytest.skip("about SQLite only")
