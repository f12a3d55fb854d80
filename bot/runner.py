"""Running the bot: every configured channel on one engine and database, the reminder jobs,
and a graceful stop on SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

from telegram.error import InvalidToken

from bot.app import build_channels, open_app, reminder_jobs, storage_alarm
from bot.channels import Channel
from bot.channels.zalo.channel import ZaloBotBusy, ZaloTokenRefused
from bot.reference import missing_villages_hint
from bot.settings import Settings
from storage import StoreError

__all__ = ["STOP_GRACE", "freeze_startup", "run", "serve"]

logger = logging.getLogger(__name__)

# After SIGTERM, updates being processed get this long to finish (systemd waits 90 s,
# docker 10 s by default: set its stop timeout above this).
STOP_GRACE = 25.0


def freeze_startup() -> None:
    """Leave what startup built (the engine, units, catalogs: about 60,000 objects) out of
    the cycle collector's full passes (gc.freeze). A long export makes garbage enough for a
    full pass now and then, and walking those objects took 50–60 ms of CPU on this project's
    2-core server, all of it a stall for every other chat; the objects live as long as the
    bot, so there is nothing for the passes to find among them."""
    gc.collect()
    gc.freeze()


def run(settings: Settings) -> int:
    try:
        asyncio.run(serve(settings))
    except (ZaloTokenRefused, ZaloBotBusy) as error:
        logger.error("%s", error)
        return 1
    except InvalidToken:
        # Its message would quote the token: say what to do instead.
        logger.error("Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather")
        return 1
    except StoreError as error:
        logger.error("%s", error)  # one sentence: what is wrong with the database
        return 1
    except Exception as error:
        # Logged through the redacting handler, never printed raw: it may quote the token.
        logger.error("the bot stopped: %s: %s", type(error).__name__, error)
        return 1
    logger.info("the bot stopped")
    return 0


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Run until ``stop`` is set (by default: until SIGINT or SIGTERM)."""
    own_process = stop is None  # not a test's, which would freeze the test session
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    async with open_app(settings) as app:
        if hint := missing_villages_hint(app.engine.units):
            logger.warning("%s", hint)
        channels = build_channels(app)
        if own_process:
            freeze_startup()
        alarm = storage_alarm(app, channels)
        started: list[Channel] = []
        jobs = reminder_jobs(app, channels)
        try:
            for channel in channels:
                started.append(channel)  # closed even if its start fails half-way
                await channel.start()
            jobs.start()
            await asyncio.gather(*(channel.serve(stop) for channel in channels))
        finally:
            logger.info("stopping: finishing the updates being processed")
            await jobs.stop(STOP_GRACE)
            await alarm.idle()  # an alert under way, while the senders still work
            for channel in started:
                await channel.close(STOP_GRACE)
