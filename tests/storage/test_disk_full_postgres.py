"""A full disk on PostgreSQL is said as on SQLite: the cadre learns the report was NOT stored
(and sends it again), the admins are alerted, and once there is space the same message is
stored. The server's refusal is asyncpg's DiskFullError (SQLSTATE 53100), raised here by
the connection where a real server raises it: at the write that needs the space."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from bot.app import build_engine, open_app_store
from bot.demo import seed_demo
from bot.settings import Settings
from locales.translator import Translator
from storage.postgres.database import PostgresConnection
from tests.conftest import CADRE_SA_LUNG, as_person
from tests.fakes import FakeClock
from tests.postgres import fresh_schema, postgres_url, schema_url


@pytest.mark.parametrize(
    "refusal",
    [
        asyncpg.exceptions.DiskFullError('could not extend file "base/16384/16500"'),
        asyncpg.exceptions.OutOfMemoryError("out of memory"),
    ],
)
async def test_a_report_postgresql_could_not_keep_is_said_to_be_not_stored(
    settings: Settings,
    translators: dict[str, Translator],
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    refusal: asyncpg.PostgresError,
) -> None:
    async with fresh_schema() as schema:
        store = await open_app_store(schema_url(postgres_url(), schema), now=clock())
        try:
            await seed_demo(store, now=clock())
            engine = await build_engine(store, settings, translators=translators, clock=clock)
            alerts: list[BaseException] = []
            store.db.on_write_error = alerts.append  # type: ignore[union-attr]
            cadre = await as_person(engine, CADRE_SA_LUNG)
            fetchone = PostgresConnection.fetchone
            full = [True]

            async def on_a_full_disk(self: PostgresConnection, sql: str, *args: Any) -> Any:
                if full[0] and sql.startswith("INSERT INTO reports"):
                    raise refusal
                return await fetchone(self, sql, *args)

            monkeypatch.setattr(PostgresConnection, "fetchone", on_a_full_disk)
            answer = await cadre.say("xong 2 nhà")
            assert "CHƯA được ghi" in answer
            assert alerts == [refusal]  # the admins are told (bot.alerts.StorageAlarm)
            assert await store.reports.all() == []
            full[0] = False  # space again: the same message is stored, no restart needed
            assert "Đã ghi nhận 1 báo cáo" in await cadre.say("xong 2 nhà")
            assert [r.count for r in await store.reports.all()] == [2]
        finally:
            await store.close()
