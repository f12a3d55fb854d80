"""Shared by the reminder tests: a scripted sender, a crash, times in Vietnam, a crowd of cadres."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from core.models import Role
from core.outbox import Delivery, DeliveryStatus, Sender
from core.units import UnitDirectory
from locales.translator import Translator
from scheduler.delivery import DrainPolicy, DrainReport
from scheduler.service import ReminderService
from storage import SqliteStore
from tests.fakes import FakeClock

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CROWD = 40  # cadres added to the demo roster for broadcasts


def vn(year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A moment given in Vietnam's local time, as the UTC the code works in."""
    return datetime(year, month, day, hour, minute, second, tzinfo=TZ).astimezone(UTC)


MONDAY = vn(2026, 11, 30, 7, 30)  # the default REMINDER_CRON of week 2026-W49

RETRY = Delivery(DeliveryStatus.RETRY, error="NetworkError")
BLOCKED = Delivery(DeliveryStatus.BLOCKED, error="Forbidden: bot was blocked by the user")


class Crash(BaseException):
    """The process dies here: nothing after it runs, no handler catches it."""


@dataclass
class ScriptedSender:
    """Succeeds unless told otherwise per person; can die after k accepted messages."""

    clock: FakeClock
    script: dict[int, list[Delivery]] = field(default_factory=dict)
    crash_after: int | None = None  # die when asked to send the (k+1)-th message
    crash_after_accepting: int | None = None  # die right after the k-th was accepted
    sent: list[tuple[int, str, datetime]] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)

    async def deliver(self, address: str, text: str) -> Delivery:
        person_id = int(address)
        self.calls.append(person_id)
        if self.crash_after is not None and len(self.sent) >= self.crash_after:
            raise Crash
        planned = self.script.get(person_id)
        if planned:
            result = planned.pop(0)
            if result.status != DeliveryStatus.OK:
                return result
        self.sent.append((person_id, text, self.clock()))
        if self.crash_after_accepting is not None and len(self.sent) >= self.crash_after_accepting:
            raise Crash
        return Delivery.ok()

    def to(self, person_id: int) -> list[str]:
        return [text for who, text, _ in self.sent if who == person_id]


@dataclass
class HoldingSender:
    """Holds its first send until released: a drain that is still running."""

    started: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def deliver(self, address: str, text: str) -> Delivery:
        self.started.set()
        await self.release.wait()
        return Delivery.ok()


def service_for(
    store: SqliteStore,
    clock: FakeClock,
    translators: Mapping[str, Translator],
    **policy: object,
) -> ReminderService:
    """A service on the test's clock: pacing advances the clock instead of waiting."""

    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)

    return ReminderService(
        store,
        translators=translators,
        default_locale="vi",
        tz=TZ,
        clock=clock,
        sleep=sleep,
        policy=DrainPolicy(**{"rate": None, **policy}),  # type: ignore[arg-type]
    )


async def add_crowd(store: SqliteStore, units: UnitDirectory, clock: FakeClock) -> None:
    villages = units.villages
    entries = [
        (f"Cán bộ {i}", f"849130{i:05d}", Role.CADRE, villages[i % len(villages)].code)
        for i in range(CROWD)
    ]
    await store.people.upsert_roster(entries, actor_id=None, at=clock())


async def person_id(store: SqliteStore, phone: str) -> int:
    person = await store.people.by_phone(phone)
    assert person is not None
    return person.id


TEST_CHANNEL = "test"  # a channel whose address is the person's id: senders above read it


async def link_all(store: SqliteStore) -> None:
    """Link everyone on the test channel (linking twice changes nothing)."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    for person in await store.people.all():
        await store.people.link(person.id, TEST_CHANNEL, str(person.id), at)


async def drain_via(service: ReminderService, sender: Sender) -> DrainReport | None:
    """Drain through ``sender`` as the only channel, everyone linked on it."""
    await link_all(service.store)  # type: ignore[arg-type]
    return await service.drain({TEST_CHANNEL: sender})
