"""Running the Telegram channel: polling or webhook into the durable inbox, graceful stop.

The Application's life-cycle is PTB's (initialize, post_init, start, stop, post_stop,
shutdown, post_shutdown; the database opens in post_init and closes in post_shutdown), and
its JobQueue runs while the bot runs. Only fetching updates is our own (see telegram_inbox).
"""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import Application

from bot.app import build_engine, open_app_store, utc_now
from bot.channels.telegram import build_application
from bot.channels.telegram_inbox import TelegramInbox
from bot.channels.telegram_webhook import WebhookServer, webhook_path
from bot.settings import Settings, sqlite_path
from handlers import Engine
from scheduler.jobs import schedule_reminders
from storage import SqliteStore

__all__ = ["STOP_GRACE", "run_telegram"]

logger = logging.getLogger(__name__)

# After SIGTERM, updates being processed get this long to finish (systemd waits 90 s,
# docker 10 s by default: set its stop timeout above this).
STOP_GRACE = 25.0


def run_telegram(settings: Settings, *, webhook: bool = False) -> int:
    assert settings.telegram_bot_token is not None
    if webhook and (not settings.webhook_url or settings.webhook_secret is None):
        logger.error("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET in .env")
        return 2
    try:
        asyncio.run(_serve(settings, webhook=webhook))
    except InvalidToken:
        # Its message would quote the token: say what to do instead.
        logger.error("Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather")
        return 1
    except Exception as error:
        # Logged through the redacting handler, never printed raw: it may quote the token.
        logger.error("the Telegram bot stopped: %s: %s", type(error).__name__, error)
        return 1
    logger.info("the Telegram bot stopped")
    return 0


async def _serve(settings: Settings, *, webhook: bool, stop: asyncio.Event | None = None) -> None:
    """Run until ``stop`` is set (by default: until SIGINT or SIGTERM)."""
    assert settings.telegram_bot_token is not None
    stores: list[SqliteStore] = []

    async def open_engine() -> Engine:
        store = await open_app_store(sqlite_path(settings.database_url))
        stores.append(store)
        return await build_engine(store, settings)

    async def close_engine(engine: Engine) -> None:
        for store in stores:
            await store.close()
        stores.clear()

    application = build_application(
        settings.telegram_bot_token.get_secret_value(),
        open_engine=open_engine,
        close_engine=close_engine,
        base_url=settings.telegram_api_base_url,
    )
    schedule_reminders(application, settings)
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    try:
        await application.initialize()
        if application.post_init:
            await application.post_init(application)
        inbox = TelegramInbox(application, stores[0].inbox, clock=utc_now)
        await application.start()
        try:
            await inbox.resume()
            logger.info(
                "the Telegram bot is running (%s)", "webhook" if webhook else "long polling"
            )
            if webhook:
                await _receive_webhooks(application, inbox, settings, stop)
            else:
                await inbox.poll(stop)
        finally:
            logger.info("stopping: finishing the updates being processed")
            await inbox.close(STOP_GRACE)
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


async def _receive_webhooks(
    application: Application,  # type: ignore[type-arg]
    inbox: TelegramInbox,
    settings: Settings,
    stop: asyncio.Event,
) -> None:
    assert settings.webhook_url
    assert settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    server = WebhookServer(inbox, path=webhook_path(settings.webhook_url), secret=secret)
    # Listen first: Telegram may call as soon as the webhook is set.
    server.start(settings.webhook_listen, settings.webhook_port)
    try:
        await application.bot.set_webhook(
            settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        logger.info(
            "webhook set; listening on %s:%d", settings.webhook_listen, settings.webhook_port
        )
        await stop.wait()
    finally:
        await server.stop()
