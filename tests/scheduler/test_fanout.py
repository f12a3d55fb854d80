"""Reminders over a real network: while one send waits for the messenger's answer, the next
ones start in their slots; the pacer makes up slots it missed, within a bound."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from core.outbox import Delivery, OutboxMessage, OutboxStatus
from locales.translator import Translator
from scheduler.delivery import DrainPolicy, _Pacer
from storage import SqliteStore
from tests.fakes import FakeClock
from tests.reminder_helpers import CROWD, MONDAY, add_crowd, drain_via, person_id, service_for


@dataclass
class RoundTripSender:
    """Each send waits for its answer until ``answer`` opens: counts how many wait at once."""

    clock: FakeClock
    answer: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: int = 0
    most: int = 0
    started: list[tuple[int, object]] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)

    async def deliver(self, address: str, text: str) -> Delivery:
        self.started.append((int(address), self.clock()))
        self.waiting += 1
        self.most = max(self.most, self.waiting)
        if self.waiting >= 4:
            self.answer.set()  # the first answers arrive once four are under way
        await self.answer.wait()
        self.waiting -= 1
        self.answered.append(int(address))
        return Delivery.ok()


async def test_several_sends_wait_for_their_answers_at_once(
    store: SqliteStore, clock: FakeClock, translators: dict[str, Translator]
) -> None:
    await add_crowd(store, await store.units.load(), clock)
    clock.now = MONDAY
    service = service_for(store, clock, translators, rate=25.0, in_flight=6)
    queued = await service.enqueue()
    sender = RoundTripSender(clock)
    report = await drain_via(service, sender)
    assert report is not None
    assert report.sent == queued == CROWD + 3
    assert 4 <= sender.most <= 6  # several under way, never more than allowed
    assert {i.status for i in await store.outbox.all()} == {OutboxStatus.SENT}
    # Still paced: the starts are 1/25 s apart.
    times = [at for _, at in sender.started]
    assert all(b - a >= timedelta(seconds=1 / 25) for a, b in itertools.pairwise(times))


async def test_one_persons_messages_are_still_sent_in_order(
    store: SqliteStore, clock: FakeClock, translators: dict[str, Translator]
) -> None:
    clock.now = MONDAY
    cadre = await person_id(store, "84912000003")
    await store.outbox.enqueue(
        [OutboxMessage(cadre, kind, "2026-W49", kind) for kind in ("a", "b", "c")], at=clock()
    )
    sender = RoundTripSender(clock)
    sender.answer.set()
    await drain_via(service_for(store, clock, translators, in_flight=8), sender)
    assert sender.most == 1  # the next to the same person waits for the answer before it
    assert sender.answered == [cadre] * 3


def test_the_pacer_makes_up_missed_slots_within_a_bound() -> None:
    clock = FakeClock()
    starts = []

    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)

    async def run() -> None:
        pacer = _Pacer(DrainPolicy(rate=10.0, catch_up=5), clock, sleep)
        await pacer.wait(1)
        starts.append(clock())
        clock.advance(seconds=2)  # the drain was busy: 20 slots went by
        for person in range(2, 12):
            await pacer.wait(person)
            starts.append(clock())

    asyncio.run(run())
    after_pause = starts[1:]
    # The due slot and five missed ones start at once, then the pace is 1/10 s again.
    assert after_pause[:6] == [after_pause[0]] * 6
    gaps = [b - a for a, b in itertools.pairwise(after_pause[5:])]
    assert gaps == [timedelta(seconds=0.1)] * 4
    for start in starts:
        window = [t for t in starts if start <= t < start + timedelta(seconds=1)]
        assert len(window) <= 10 + 5
