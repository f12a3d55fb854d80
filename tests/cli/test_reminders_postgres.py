"""`python -m bot reminders` on PostgreSQL checks the schema as it does on SQLite: a preview
changes nothing, so a database of an older schema (which opening would migrate) or without
the bot's tables is refused in one sentence, and a newer one too."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from bot.app import open_app_store
from bot.cli import main
from bot.demo import seed_demo
from storage.database import SCHEMA_VERSION
from tests.fakes import FakeClock
from tests.postgres import schema_database_url

AT = ["--at", "2026-11-30T09:00+07:00"]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no developer .env
    for key in ("TELEGRAM_BOT_TOKEN", "DEFAULT_LOCALE", "TIMEZONE"):
        monkeypatch.delenv(key, raising=False)


async def _demo(url: str, clock: FakeClock, version: int | None) -> None:
    store = await open_app_store(url, now=clock())
    await seed_demo(store, now=clock())
    await store.close()
    if version is not None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("UPDATE schema_version SET version = $1", version)
        finally:
            await conn.close()


async def _version(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT version FROM schema_version"))
    finally:
        await conn.close()


@pytest.mark.parametrize(
    ("version", "said"),
    [
        (SCHEMA_VERSION - 1, "has an older schema; opening it would migrate it"),
        (SCHEMA_VERSION + 1, f"newer than this bot's {SCHEMA_VERSION}"),
    ],
)
def test_a_dry_run_refuses_a_database_of_another_schema(
    version: int,
    said: str,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with schema_database_url() as url:
        asyncio.run(_demo(url, clock, version))
        monkeypatch.setenv("DATABASE_URL", url)
        assert main(["reminders", "--dry-run", *AT]) == 2
        error = capsys.readouterr().err.strip()
        assert said in error
        assert len(error.splitlines()) == 1  # one sentence, no traceback
        assert asyncio.run(_version(url)) == version  # nothing migrated


def test_a_dry_run_on_the_current_schema_previews_and_one_without_tables_is_refused(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with schema_database_url() as url:
        monkeypatch.setenv("DATABASE_URL", url)
        assert main(["reminders", "--dry-run", *AT]) == 2
        assert "No bot database at" in capsys.readouterr().err
        assert main(["reminders", *AT]) == 2  # nor is one created by planning
        capsys.readouterr()
        asyncio.run(_demo(url, clock, None))
        assert main(["reminders", "--dry-run", *AT]) == 0
        assert "3 message(s) would be sent" in capsys.readouterr().out
