"""The bot's life-cycle in one process: PTB's Application hooks and JobQueue keep working
around the durable inbox."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application, ContextTypes

import bot.runner
from bot.settings import Settings
from tests.botprocess import TOKEN, contact
from tests.fake_bot_api import FakeBotApi


async def test_post_init_jobs_and_post_shutdown_run_around_polling(
    api: FakeBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[Application] = []  # type: ignore[type-arg]
    job_ran = asyncio.Event()
    build = bot.runner.build_application

    def capture(*args: Any, **kwargs: Any) -> Application:  # type: ignore[type-arg]
        application = build(*args, **kwargs)
        built.append(application)
        opened = application.post_init
        assert opened is not None

        async def post_init(app: Application) -> None:  # type: ignore[type-arg]
            await opened(app)

            async def job(context: ContextTypes.DEFAULT_TYPE) -> None:
                job_ran.set()

            # What the reminders do: a job on the Application's JobQueue.
            assert app.job_queue is not None
            app.job_queue.run_once(job, 0)

        application.post_init = post_init
        return application

    monkeypatch.setattr(bot.runner, "build_application", capture)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=api.base_url,
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    stop = asyncio.Event()
    running = asyncio.create_task(bot.runner._serve(settings, webhook=False, stop=stop))
    try:
        await asyncio.wait_for(job_ran.wait(), 30)
        api.push(contact(7001, 1, "0912000003"))
        await api.wait_for(lambda: bool(api.sent), 30, "an answer")
        (application,) = built
        assert application.running
        assert "chưa có trong danh sách" in api.sent[0].text  # a fresh database: nobody yet
    finally:
        stop.set()
        await asyncio.wait_for(running, 60)
    assert not application.running
    assert application.bot_data._engine is None  # post_shutdown closed the database
    assert api.method_calls("deleteWebhook")  # polling needs no webhook in the way
