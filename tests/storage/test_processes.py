"""Several bot processes on one PostgreSQL database: each inbox update handled once and one
person's in order, each outbox message sent once, one process per role (polling a token).

Two stores on one database stand for two processes (each has its own connection pool)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.demo import seed_demo
from bot.reference import shipped_units
from core.models import InboxEntry
from core.outbox import Address, Delivery, OutboxMessage, OutboxStatus
from scheduler.delivery import DrainPolicy, drain
from storage import SqlStore, open_store
from storage.postgres import open_postgres
from tests.postgres import fresh_schema, postgres_url

AT = datetime(2026, 11, 26, 3, tzinfo=UTC)  # 10:00 in Hà Nội: not quiet hours
LEASE = timedelta(minutes=1)
TG = "telegram"


@asynccontextmanager
async def two_processes() -> AsyncIterator[tuple[SqlStore, SqlStore]]:
    async with fresh_schema() as schema:
        first = await open_postgres(postgres_url(), schema=schema, pool_size=4)
        second = await open_postgres(postgres_url(), schema=schema, pool_size=4)
        try:
            yield first, second
        finally:
            await first.close()
            await second.close()


def entry(update_id: int, lane: str) -> InboxEntry:
    return InboxEntry(update_id, f'{{"update_id": {update_id}}}', lane)


async def test_one_persons_updates_are_handed_out_one_at_a_time_in_order() -> None:
    async with two_processes() as (a, b):
        # Ann's three messages reached different processes; Bao's one too.
        await a.inbox.record(TG, [entry(1, "ann"), entry(3, "ann")], at=AT)
        await b.inbox.record(TG, [entry(2, "bao"), entry(4, "ann")], at=AT)
        took_a = await a.inbox.claim(TG, worker="a", at=AT, lease=LEASE, limit=10)
        took_b = await b.inbox.claim(TG, worker="b", at=AT, lease=LEASE, limit=10)
        # Only the head of each lane, and nothing twice.
        assert [e.update_id for e in took_a] == [1, 2]
        assert took_b == []
        await a.inbox.finish(TG, 1, at=AT, failed=False)
        assert [
            e.update_id for e in await b.inbox.claim(TG, worker="b", at=AT, lease=LEASE, limit=10)
        ] == [3]
        # Ann's next waits for 3 to be done, whoever asks.
        assert await a.inbox.claim(TG, worker="a", at=AT, lease=LEASE, limit=10) == []
        await b.inbox.finish(TG, 3, at=AT, failed=False)
        assert [
            e.update_id for e in await a.inbox.claim(TG, worker="a", at=AT, lease=LEASE, limit=10)
        ] == [4]


async def test_claims_at_the_same_moment_never_share_an_update() -> None:
    async with two_processes() as (a, b):
        await a.inbox.record(TG, [entry(i, f"person-{i}") for i in range(1, 201)], at=AT)
        taken: list[int] = []

        async def worker(store: SqlStore, name: str) -> None:
            while batch := await store.inbox.claim(TG, worker=name, at=AT, lease=LEASE, limit=7):
                taken.extend(e.update_id for e in batch)

        await asyncio.gather(
            *(worker(s, n) for s, n in [(a, "a1"), (a, "a2"), (b, "b1"), (b, "b2")])
        )
        assert sorted(taken) == list(range(1, 201))


async def test_a_dead_processes_updates_are_taken_over_when_its_lease_ends() -> None:
    async with two_processes() as (a, b):
        await a.inbox.record(TG, [entry(1, "ann"), entry(2, "ann")], at=AT)
        assert [
            e.update_id for e in await a.inbox.claim(TG, worker="a", at=AT, lease=LEASE, limit=5)
        ] == [1]
        # Process a dies here, holding update 1.
        assert await b.inbox.claim(TG, worker="b", at=AT + LEASE / 2, lease=LEASE, limit=5) == []
        later = AT + LEASE + timedelta(seconds=1)
        assert [
            e.update_id for e in await b.inbox.claim(TG, worker="b", at=later, lease=LEASE, limit=5)
        ] == [1]


async def test_a_stopping_process_gives_its_updates_back_at_once() -> None:
    async with two_processes() as (a, b):
        await a.inbox.record(TG, [entry(1, "ann")], at=AT)
        await a.inbox.claim(TG, worker="a", at=AT, lease=LEASE, limit=5)
        await a.inbox.release(TG, [1])
        assert [
            e.update_id for e in await b.inbox.claim(TG, worker="b", at=AT, lease=LEASE, limit=5)
        ] == [1]


class CountingSender:
    def __init__(self, sent: Counter[str]) -> None:
        self.sent = sent

    async def deliver(self, address: str, text: str) -> Delivery:
        await asyncio.sleep(0)  # let the other process run meanwhile
        self.sent[address] += 1
        return Delivery.ok()


async def test_two_processes_draining_one_outbox_send_each_message_once() -> None:
    async with two_processes() as (a, b):
        await a.units.replace(shipped_units(), actor_id=None, at=AT)
        await seed_demo(a, now=AT)
        people = await a.people.all()
        messages = [
            OutboxMessage(p.id, f"kind-{k}", "2026-W48", "Chào", Address(TG, f"{p.id}-{k}"))
            for p in people
            for k in range(60)
        ]
        # Both plan the week: the second planning adds nothing.
        assert await a.outbox.enqueue(messages, at=AT) == len(messages)
        assert await b.outbox.enqueue(messages, at=AT) == 0
        sent: Counter[str] = Counter()
        policy = DrainPolicy(rate=None, per_chat_interval=0, batch=25)

        async def run(store: SqlStore) -> None:
            await drain(
                store.outbox,
                store.people,
                {TG: CountingSender(sent)},
                clock=lambda: AT,
                sleep=asyncio.sleep,
                tz=ZoneInfo("Asia/Ho_Chi_Minh"),
                policy=policy,
            )

        await asyncio.gather(run(a), run(b), run(a), run(b))
        assert len(sent) == len(messages)
        assert set(sent.values()) == {1}
        assert {i.status for i in await b.outbox.all()} == {OutboxStatus.SENT}


async def test_one_process_holds_a_role_and_another_takes_it_when_it_goes() -> None:
    async with two_processes() as (a, b):
        held = await a.leases.try_hold("poller:telegram")
        assert held is not None
        assert await b.leases.try_hold("poller:telegram") is None
        assert await b.leases.try_hold("poller:zalo") is not None  # another role is free
        a.db.pool.terminate()  # type: ignore[attr-defined]  # the process dies: sessions end
        taken = await b.leases.try_hold("poller:telegram")
        assert taken is not None
        await taken.release()


async def test_on_sqlite_the_one_process_holds_every_role(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "one.sqlite3")
    try:
        assert not store.shared
        assert await store.leases.try_hold("poller:telegram") is not None
    finally:
        await store.close()
