"""Reminders end to end: load the facts, plan, write to the outbox, drain it through a sender."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from core.indicators import DEFAULT_INDICATORS, IndicatorSet
from core.outbox import OutboxMessage, Sender
from core.ports import Store
from core.tasks import iso_period
from locales.translator import Translator
from scheduler.delivery import Clock, DrainPolicy, DrainReport, Sleep, drain, in_quiet_hours
from scheduler.planning import WeekFacts, digest_window, plan_week

__all__ = ["Preview", "ReminderService"]


@dataclass(frozen=True)
class Preview:
    """What a drain at ``at`` would send, without sending or storing anything."""

    at: datetime
    period: str
    quiet: bool  # in quiet hours nothing is sent: ``waiting`` waits for the morning
    to_send: list[OutboxMessage] = field(default_factory=list)
    waiting: list[OutboxMessage] = field(default_factory=list)


class ReminderService:
    """One per process: its lock keeps two drains (weekly job, minute job) from overlapping."""

    def __init__(
        self,
        store: Store,
        *,
        translators: Mapping[str, Translator],
        default_locale: str,
        tz: ZoneInfo,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        policy: DrainPolicy | None = None,
        indicators: IndicatorSet = DEFAULT_INDICATORS,
    ) -> None:
        self.store = store
        self.translators = translators
        self.default_locale = default_locale
        self.tz = tz
        self.clock = clock
        self.sleep = sleep
        self.policy = policy or DrainPolicy()
        self.indicators = indicators
        self._draining = asyncio.Lock()

    async def facts(self, now: datetime) -> WeekFacts:
        """Reload everything planning reads, so a long-running bot sees today's roster and tasks."""
        units = await self.store.units.load()
        today = now.astimezone(self.tz).date()
        first, last = digest_window(today)
        since = datetime.combine(first, time(0), self.tz)
        until = datetime.combine(today, time(0), self.tz)
        return WeekFacts(
            now=now,
            tz=self.tz,
            people=await self.store.people.all(),
            units=units,
            indicators=self.indicators,
            tasks=await self.store.tasks.progress(await self.store.tasks.open()),
            last_report_at=await self.store.activity.last_report_at(),
            done_in_window=await self.store.activity.done_between(first, last),
            reporting_villages=frozenset(
                await self.store.activity.reporting_villages(since, until)
            ),
            awaiting=await self.store.reviews.waiting_by_village(),
        )

    async def plan(self, now: datetime | None = None) -> list[OutboxMessage]:
        facts = await self.facts(now or self.clock())
        return plan_week(facts, self.translators, self.default_locale)

    async def enqueue(self, now: datetime | None = None) -> int:
        """Plan this period and queue what is not queued yet, each message addressed to the
        channel its person last wrote from; a second run adds nothing."""
        moment = (now or self.clock()).astimezone(UTC)
        planned = await self.plan(moment)
        addresses = await self.store.people.addresses({m.recipient for m in planned})
        addressed = [replace(m, to=addresses.get(m.recipient)) for m in planned]
        return await self.store.outbox.enqueue(addressed, at=moment)

    async def drain(
        self, senders: Mapping[str, Sender], *, stopping: Callable[[], bool] = lambda: False
    ) -> DrainReport | None:
        """Send what is due; None if another drain of this process is still running."""
        if self._draining.locked():
            return None
        async with self._draining:
            return await drain(
                self.store.outbox,
                self.store.people,
                senders,
                clock=self.clock,
                sleep=self.sleep,
                tz=self.tz,
                policy=self.policy,
                stopping=stopping,
            )

    async def preview(self, at: datetime) -> Preview:
        """What planning and draining at ``at`` would send; changes nothing."""
        planned = await self.plan(at)
        queued = await self.store.outbox.keys({m.period for m in planned})
        new = [m for m in planned if (m.recipient, m.kind, m.period) not in queued]
        due = [
            OutboxMessage(item.recipient, item.kind, item.period, item.text)
            for item in await self.store.outbox.due(at, limit=1_000_000)
        ]
        period = iso_period(at.astimezone(self.tz).date())
        messages = due + new
        if in_quiet_hours(at, self.tz, self.policy):
            return Preview(at=at, period=period, quiet=True, waiting=messages)
        return Preview(at=at, period=period, quiet=False, to_send=messages)
