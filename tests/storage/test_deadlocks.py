"""Two processes storing messages that name the same households (or indicators) in opposite
orders, at the same moment, on one PostgreSQL database: each is stored or refused as one
process would do it, never aborted as a deadlock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime

from bot.demo import seed_demo
from bot.reference import shipped_units
from core.parsing import ReportItem
from core.ports import HouseholdTaken
from storage import SqlStore
from storage.postgres import open_postgres
from tests.postgres import fresh_schema, postgres_url

AT = datetime(2026, 11, 26, 3, tzinfo=UTC)
DAY = date(2026, 11, 25)
PAIRS = 12  # pairs of messages sent at once; without an order, a few of them deadlock
VILLAGE = "v:sa-lung"


@asynccontextmanager
async def two_processes() -> AsyncIterator[tuple[SqlStore, SqlStore, int]]:
    async with fresh_schema() as schema:
        first = await open_postgres(postgres_url(), schema=schema, pool_size=PAIRS)
        second = await open_postgres(postgres_url(), schema=schema, pool_size=PAIRS)
        try:
            await first.units.replace(shipped_units(), actor_id=None, at=AT)
            await seed_demo(first, now=AT)
            (cadre,) = [p for p in await first.people.all() if p.phone == "84912000003"]
            yield first, second, cadre.id
        finally:
            await first.close()
            await second.close()


def item(indicator: str, household: str | None = None, count: int = 1) -> ReportItem:
    return ReportItem(indicator, count, VILLAGE, household, DAY)


async def test_households_named_in_opposite_orders_never_deadlock() -> None:
    async with two_processes() as (a, b, cadre):

        async def send(store: SqlStore, source: str, names: list[str]) -> int:
            try:
                added = await store.reports.add(
                    [item("graduated", name) for name in names],
                    reporter_id=cadre,
                    received_at=AT,
                    source=source,
                    once_per_household={"graduated"},
                )
            except HouseholdTaken:
                return 0
            return len(added.reports)

        sends = []
        for pair in range(PAIRS):
            first, second = f"Giàng Seo Chứ {pair}", f"Sùng Mí Páo {pair}"
            sends.append(send(a, f"a:{pair}", [first, second]))
            sends.append(send(b, f"b:{pair}", [second, first]))
        stored = await asyncio.gather(*sends)
        # Each pair names the same two households: one message is stored, the other refused.
        assert [stored[i] + stored[i + 1] for i in range(0, 2 * PAIRS, 2)] == [2] * PAIRS
        assert len(await a.reports.all()) == 2 * PAIRS


async def test_indicators_in_opposite_orders_never_deadlock() -> None:
    async with two_processes() as (a, b, cadre):

        async def send(store: SqlStore, source: str, indicators: list[str]) -> None:
            await store.reports.add(
                [item(indicator) for indicator in indicators],
                reporter_id=cadre,
                received_at=AT,
                source=source,
            )

        sends = []
        for pair in range(PAIRS):
            sends.append(send(a, f"a:{pair}", ["housing", "training"]))
            sends.append(send(b, f"b:{pair}", ["training", "housing"]))
        await asyncio.gather(*sends)
        totals = await a.db.fetchall("SELECT indicator, total FROM village_totals ORDER BY 1")
        assert [(r["indicator"], r["total"]) for r in totals] == [
            ("housing", 2 * PAIRS),
            ("training", 2 * PAIRS),
        ]
