"""Running the Telegram channel: the database opens in post_init and closes in post_shutdown."""

from __future__ import annotations

import logging

from telegram import Update

from bot.app import build_engine, open_app_store
from bot.channels.telegram import build_application
from bot.settings import Settings, sqlite_path
from handlers import Engine
from scheduler.jobs import schedule_reminders
from storage import SqliteStore

__all__ = ["run_telegram"]

logger = logging.getLogger(__name__)


def run_telegram(settings: Settings, *, webhook: bool = False) -> int:
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
    logger.info("starting the Telegram bot (%s)", "webhook" if webhook else "long polling")
    if webhook:
        if not settings.webhook_url or settings.webhook_secret is None:
            logger.error("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET in .env")
            return 2
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
