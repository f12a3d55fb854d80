"""The bot's life-cycle in one process: channels and reminder jobs start and stop together
around the durable inbox."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import bot.runner
from bot.settings import Settings
from scheduler.jobs import ReminderJobs
from tests.botprocess import TOKEN, contact
from tests.fake_bot_api import FakeBotApi


async def test_jobs_and_the_channel_run_around_polling(
    api: FakeBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[ReminderJobs] = []
    build = bot.runner.reminder_jobs

    def capture(*args: Any, **kwargs: Any) -> ReminderJobs:
        jobs = build(*args, **kwargs)
        built.append(jobs)
        return jobs

    monkeypatch.setattr(bot.runner, "reminder_jobs", capture)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=api.base_url,
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    stop = asyncio.Event()
    running = asyncio.create_task(bot.runner.serve(settings, stop=stop))
    try:
        await api.wait_for(lambda: bool(api.method_calls("getUpdates")), 30, "polling")
        api.push(contact(7001, 1, "0912000003"))
        await api.wait_for(lambda: bool(api.sent), 30, "an answer")
        (jobs,) = built
        assert jobs.scheduler.running
        assert set(jobs.senders) == {"telegram"}  # reminders go out through the channel
        assert "chưa có trong danh sách" in api.sent[0].text  # a fresh database: nobody yet
    finally:
        stop.set()
        await asyncio.wait_for(running, 60)
    assert not jobs.scheduler.running
    assert api.method_calls("deleteWebhook")  # polling needs no webhook in the way
