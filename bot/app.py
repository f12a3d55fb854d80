"""The composition root: the one place that builds store, engine, senders, services and jobs.

The CLI commands and the runner call it; nothing below ``bot`` builds anything of its own.

    async with open_app(settings) as app:      # the store opens and, at the end, closes
        app.engine.handle(...)                 # the conversation
        app.reminders.enqueue()                # the reminder service
        channels = build_channels(app)         # the messengers that are configured
        jobs = reminder_jobs(app, channels)    # scheduled work, through their senders
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.alerts import StorageAlarm
from bot.channels import Channel
from bot.channels.files import PublishedFiles
from bot.channels.http import HttpServer
from bot.channels.shared import Sharing
from bot.exports import RENDERERS
from bot.photos import prepare_photo
from bot.reference import (
    default_targets,
    programme_goals,
    seed_shipped_baselines,
    shipped_units,
)
from bot.settings import Settings, is_postgres, sqlite_path
from core.evidence import PhotoIntake
from core.indicators import DEFAULT_INDICATORS
from core.ratelimit import RateLimiter
from handlers import Engine, build_router
from locales.translator import Translator, load_translators
from scheduler.delivery import DrainPolicy, Sleep
from scheduler.jobs import ReminderJobs
from scheduler.service import ReminderService
from storage import SqlStore, open_store

__all__ = [
    "App",
    "build_channels",
    "build_engine",
    "open_app",
    "open_app_store",
    "open_url",
    "reminder_jobs",
    "storage_alarm",
    "utc_now",
]

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


async def open_url(url: str, *, pool_size: int = 10) -> SqlStore:
    """The database a DATABASE_URL names: a SQLite file (the default) or a PostgreSQL server.

    Raises storage.StoreError (one sentence) when it cannot be used."""
    if is_postgres(url):
        from storage.postgres import open_postgres

        return await open_postgres(url, pool_size=pool_size)
    return await open_store(sqlite_path(url))


async def open_app_store(
    where: Path | str, *, now: datetime | None = None, pool_size: int = 10
) -> SqlStore:
    """Open the database (a path, or a DATABASE_URL); a new one gets the shipped units and
    the programme's targets."""
    if isinstance(where, str) and "://" in where:
        store = await open_url(where, pool_size=pool_size)
    else:
        store = await open_store(where)
    at = now or utc_now()
    if not len(await store.indicators.load()):
        await store.indicators.set_many(DEFAULT_INDICATORS.items, actor_id=None, at=at)
    if not len(await store.units.load()):
        units = shipped_units()
        await store.units.replace(units, actor_id=None, at=at)
        for target in default_targets(units):
            await store.targets.set(target, actor_id=None, at=at)
    await seed_shipped_baselines(store, at=at)
    return store


async def build_engine(
    store: SqlStore,
    settings: Settings,
    *,
    translators: dict[str, Translator] | None = None,
    clock: Clock = utc_now,
) -> Engine:
    return Engine(
        store=store,
        units=await store.units.load(),
        # A database opened without open_app_store (a bare store) may hold none: the shipped.
        indicators=await store.indicators.load() or DEFAULT_INDICATORS,
        translators=translators or load_translators(),
        default_locale=settings.default_locale,
        tz=settings.tz,
        clock=clock,
        router=build_router(),
        renderers=RENDERERS,
        programme=programme_goals(),
        file_limits={"telegram": int(settings.telegram_max_file_mb * 1_048_576)},
        periods=await store.periods.load(),
        rate_limiter=(
            RateLimiter(settings.rate_limit_per_minute) if settings.rate_limit_per_minute else None
        ),
        photos=PhotoIntake(
            prepare_photo,
            total_cap=settings.photo_storage_mb * 1024 * 1024
            if settings.photo_storage_mb
            else None,
        ),
    )


@dataclass
class App:
    """Everything a process serves with, built once."""

    settings: Settings
    store: SqlStore
    engine: Engine
    reminders: ReminderService
    clock: Clock


@asynccontextmanager
async def open_app(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    sleep: Sleep | None = None,
) -> AsyncIterator[App]:
    """Open the database of ``settings`` and build the engine and services on it."""
    store = await open_app_store(
        settings.database_url, now=clock(), pool_size=settings.database_pool_size
    )
    try:
        engine = await build_engine(store, settings, clock=clock)
        service = ReminderService(
            store,
            translators=engine.translators,
            default_locale=engine.default_locale,
            tz=engine.tz,
            clock=clock,
            policy=DrainPolicy(rate=settings.reminder_rate),
            indicators=engine.indicators,
            **({"sleep": sleep} if sleep is not None else {}),
        )
        yield App(settings, store, engine, service, clock)
    finally:
        await store.close()


def build_channels(app: App) -> list[Channel]:
    """Every messenger configured in the settings (none: the caller offers the console).

    All webhooks and the file links share one HTTP server on WEBHOOK_LISTEN:WEBHOOK_PORT.
    """
    settings = app.settings
    channels: list[Channel] = []
    # PostgreSQL: other bot processes may share the database, its inbox and its roles.
    sharing = (
        Sharing(
            leases=app.store.leases,
            worker=f"{socket.gethostname()}:{os.getpid()}",
            lease=timedelta(seconds=settings.inbox_lease_seconds),
        )
        if app.store.shared
        else None
    )
    http = HttpServer(settings.webhook_listen, settings.webhook_port)
    if settings.telegram_bot_token is not None:
        from bot.channels.telegram.channel import TelegramChannel, Webhook

        webhook = None
        if settings.webhook_url and settings.webhook_secret is not None:
            webhook = Webhook(
                url=settings.webhook_url, secret=settings.webhook_secret.get_secret_value()
            )
        channels.append(
            TelegramChannel(
                settings.telegram_bot_token.get_secret_value(),
                engine=app.engine,
                inbox=app.store.inbox,
                clock=app.clock,
                base_url=settings.telegram_api_base_url,
                webhook=webhook,
                sharing=sharing,
                http=http,
            )
        )
    if settings.zalo_tokens:
        from bot.channels.zalo.channel import ZaloChannel, ZaloWebhook

        files = None
        if settings.public_base_url:
            files = PublishedFiles(
                _data_dir(settings) / "public_files", settings.public_base_url, clock=app.clock
            )
            files.serve_on(http)
        zalo_hook = None
        if settings.zalo_webhook_url and settings.zalo_webhook_secret is not None:
            zalo_hook = ZaloWebhook(
                settings.zalo_webhook_url, settings.zalo_webhook_secret.get_secret_value()
            )
        channels.append(
            ZaloChannel(
                settings.zalo_tokens,
                engine=app.engine,
                inbox=app.store.inbox,
                clock=app.clock,
                base_url=settings.zalo_api_base_url,
                webhook=zalo_hook,
                http=http,
                files=files,
                lock_dir=_data_dir(settings),
                users_per_bot=settings.zalo_users_per_bot,
                sharing=sharing,
            )
        )
    return channels


def storage_alarm(app: App, channels: Sequence[Channel]) -> StorageAlarm:
    """Failed writes of the database (the disk full) logged at ERROR and told to the admins
    directly through the channels' senders (the outbox cannot take it)."""
    alarm = StorageAlarm(
        app.store,
        {channel.name: channel.sender for channel in channels},
        app.engine.translators[app.engine.default_locale],
        clock=app.clock,
    )
    db = getattr(app.store, "db", None)
    if db is not None and hasattr(db, "on_write_error"):
        db.on_write_error = alarm
    return alarm


def _data_dir(settings: Settings) -> Path:
    """Where files beside the database go (the working directory's data/ for PostgreSQL)."""
    if is_postgres(settings.database_url):
        return Path("data")
    return sqlite_path(settings.database_url).parent


def reminder_jobs(app: App, channels: Sequence[Channel]) -> ReminderJobs:
    """The weekly reminders and the outbox drain, sent through the channels' senders."""
    return ReminderJobs(
        app.reminders,
        {channel.name: channel.sender for channel in channels},
        cron=app.settings.reminder_cron,
        tz=app.settings.tz,
    )
