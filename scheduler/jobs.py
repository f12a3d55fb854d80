"""The reminder jobs on python-telegram-bot's JobQueue (APScheduler underneath).

Three jobs with fixed ids and names:
- ``reminders-weekly``: REMINDER_CRON in TIMEZONE; plans the week into the outbox and drains it;
- ``outbox-drain``: every minute; retries, and releases what waited for the end of quiet hours;
- ``reminders-catch-up``: once at start; plans the week if its scheduled time passed while the
  bot was down (planning twice in a period adds nothing, so this is always safe).

Each job takes the engine (store, translators, clock) from the running application when it
fires, so it sees the roster and tasks of that moment.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from telegram.ext import Application

from bot.channels.telegram import Context, TelegramSender
from bot.settings import Settings
from core.tasks import iso_period
from scheduler.delivery import DrainPolicy, Sleep
from scheduler.service import ReminderService

__all__ = [
    "CATCH_UP_JOB",
    "DRAIN_INTERVAL",
    "DRAIN_JOB",
    "WEEKLY_JOB",
    "ReminderJobs",
    "previous_fire_time",
    "schedule_reminders",
]

logger = logging.getLogger(__name__)

WEEKLY_JOB = "reminders-weekly"
DRAIN_JOB = "outbox-drain"
CATCH_UP_JOB = "reminders-catch-up"
DRAIN_INTERVAL = timedelta(minutes=1)


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
    """The job callbacks; one ReminderService (and so one drain lock) per running engine."""

    def __init__(self, settings: Settings, *, sleep: Sleep | None = None) -> None:
        self.settings = settings
        self.trigger = CronTrigger.from_crontab(settings.reminder_cron, timezone=settings.tz)
        self.sleep = sleep
        self._service: ReminderService | None = None

    def service(self, context: Context) -> ReminderService:
        engine = context.bot_data.engine
        if self._service is None or self._service.store is not engine.store:
            self._service = ReminderService(
                engine.store,
                translators=engine.translators,
                default_locale=engine.default_locale,
                tz=engine.tz,
                clock=engine.clock,
                policy=DrainPolicy(rate=self.settings.reminder_rate),
                indicators=engine.indicators,
                sleep=self.sleep or asyncio.sleep,
            )
        return self._service

    async def drain(self, context: Context) -> None:
        application = context.application
        # PTB waits for running jobs when it stops: a long broadcast yields after the message
        # in flight, and what is left stays pending for the next start.
        was_running = application.running
        await self.service(context).drain(
            TelegramSender(context.bot, context.bot_data.engine.store.people),
            stopping=lambda: was_running and not application.running,
        )

    async def weekly(self, context: Context) -> None:
        queued = await self.service(context).enqueue()
        logger.info("weekly reminders: %d messages queued", queued)
        await self.drain(context)

    async def catch_up(self, context: Context) -> None:
        service = self.service(context)
        now = service.clock()
        fired = previous_fire_time(self.trigger, now)
        if fired is None:
            return
        tz = service.tz
        if iso_period(fired.astimezone(tz).date()) != iso_period(now.astimezone(tz).date()):
            return
        await self.weekly(context)


def schedule_reminders(
    application: Application,  # type: ignore[type-arg]
    settings: Settings,
    *,
    sleep: Sleep | None = None,
) -> ReminderJobs:
    """Put the reminder jobs on the application's JobQueue (started with the application)."""
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    jobs = ReminderJobs(settings, sleep=sleep)
    once = {"max_instances": 1, "coalesce": True, "replace_existing": True}
    queue.run_custom(
        jobs.weekly,
        job_kwargs={
            "trigger": jobs.trigger,
            "id": WEEKLY_JOB,
            # A firing missed by up to an hour (busy or restarting) still runs; the catch-up
            # job covers longer outages.
            "misfire_grace_time": 3600,
            **once,
        },
        name=WEEKLY_JOB,
    )
    queue.run_repeating(
        jobs.drain,
        interval=DRAIN_INTERVAL,
        first=DRAIN_INTERVAL,
        name=DRAIN_JOB,
        job_kwargs={"id": DRAIN_JOB, **once},
    )
    queue.run_once(
        jobs.catch_up,
        when=timedelta(seconds=10),
        name=CATCH_UP_JOB,
        job_kwargs={"id": CATCH_UP_JOB},
    )
    return jobs
