"""The reminder jobs, run by APScheduler whatever channels are configured.

Three jobs with fixed ids:
- ``reminders-weekly``: REMINDER_CRON in TIMEZONE; plans the week into the outbox and drains it;
- ``outbox-drain``: every minute; retries, and releases what waited for the end of quiet hours;
- ``reminders-catch-up``: once at start; plans the week if its scheduled time passed while the
  bot was down (planning twice in a period adds nothing, so this is always safe).

The composition root hands over a ready ReminderService and the senders by channel; nothing
here knows a messenger. Stopping lets a running broadcast end after the message in flight:
what is left stays pending for the next start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.outbox import Sender
from core.tasks import iso_period
from scheduler.service import ReminderService

__all__ = [
    "CATCH_UP_DELAY",
    "CATCH_UP_JOB",
    "DRAIN_INTERVAL",
    "DRAIN_JOB",
    "WEEKLY_JOB",
    "ReminderJobs",
    "previous_fire_time",
]

logger = logging.getLogger(__name__)

WEEKLY_JOB = "reminders-weekly"
DRAIN_JOB = "outbox-drain"
CATCH_UP_JOB = "reminders-catch-up"
DRAIN_INTERVAL = timedelta(minutes=1)
CATCH_UP_DELAY = timedelta(seconds=10)


def previous_fire_time(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The last time ``trigger`` fired at or before ``now``, looking back up to eight days."""
    previous = None
    fire = trigger.get_next_fire_time(None, now - timedelta(days=8))
    # A weekly cron fires once or twice in eight days; the bound only guards odd expressions.
    for _ in range(20_000):
        if fire is None or fire > now:
            break
        previous = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return previous


class ReminderJobs:
    """The job callbacks and their schedule; one per process (one drain lock)."""

    def __init__(
        self,
        service: ReminderService,
        senders: Mapping[str, Sender],
        *,
        cron: str,
        tz: ZoneInfo,
    ) -> None:
        self.service = service
        self.senders = senders
        self.trigger = CronTrigger.from_crontab(cron, timezone=tz)
        self.scheduler = AsyncIOScheduler(timezone=tz)
        self._stopping = False
        self._running: set[asyncio.Task[None]] = set()

    async def drain(self) -> None:
        await self.service.drain(self.senders, stopping=lambda: self._stopping)

    async def weekly(self) -> None:
        queued = await self.service.enqueue()
        logger.info("weekly reminders: %d messages queued", queued)
        await self.drain()

    async def catch_up(self) -> None:
        service = self.service
        now = service.clock()
        fired = previous_fire_time(self.trigger, now)
        if fired is None:
            return
        tz = service.tz
        if iso_period(fired.astimezone(tz).date()) != iso_period(now.astimezone(tz).date()):
            return
        await self.weekly()

    def _job(self, work: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        """A job that is tracked while it runs (so stop can wait for it) and never raises."""

        async def run() -> None:
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)
            try:
                await work()
            except Exception as error:
                logger.error("job failed: %s", type(error).__name__, exc_info=error)
            finally:
                self._running.discard(task)

        return run

    def start(self) -> None:
        """Schedule the three jobs on the running event loop."""
        once = {"max_instances": 1, "coalesce": True, "replace_existing": True}
        self.scheduler.add_job(
            self._job(self.weekly),
            self.trigger,
            id=WEEKLY_JOB,
            name=WEEKLY_JOB,
            # A firing missed by up to an hour (busy or restarting) still runs; the catch-up
            # job covers longer outages.
            misfire_grace_time=3600,
            **once,
        )
        self.scheduler.add_job(
            self._job(self.drain),
            IntervalTrigger(seconds=DRAIN_INTERVAL.total_seconds()),
            id=DRAIN_JOB,
            name=DRAIN_JOB,
            **once,
        )
        self.scheduler.add_job(
            self._job(self.catch_up),
            DateTrigger(self.service.clock() + CATCH_UP_DELAY),
            id=CATCH_UP_JOB,
            name=CATCH_UP_JOB,
            replace_existing=True,
        )
        self.scheduler.start()

    async def stop(self, grace: float) -> None:
        """Stop scheduling; let a running job end after its message in flight."""
        self._stopping = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the loop's next turn
        if self._running:
            await asyncio.wait(set(self._running), timeout=grace)
