"""The reminder jobs on APScheduler, and delivery through the Telegram Bot API."""

from __future__ import annotations

import asyncio
import io
import json
import warnings
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from apscheduler.triggers.cron import CronTrigger
from pydantic import ValidationError
from telegram.error import NetworkError, TimedOut
from telegram.ext import ExtBot
from telegram.warnings import PTBDeprecationWarning

from bot.app import reminder_jobs
from bot.channels.telegram.sender import TelegramSender
from bot.settings import Settings
from core.models import Role
from core.outbox import Delivery, DeliveryStatus, OutboxStatus
from handlers import Engine
from scheduler.jobs import (
    CATCH_UP_JOB,
    DRAIN_JOB,
    WEEKLY_JOB,
    ReminderJobs,
    previous_fire_time,
)
from scheduler.service import ReminderService
from storage import SqliteStore
from tests.fakes import FakeClock, OfflineRequest, offline_bot
from tests.reminder_helpers import MONDAY, TZ, person_id, vn
from tests.scheduler.test_reminders import SA_LUNG_REMINDER

TOKEN = "123456:TEST-token-that-must-never-be-logged"
CADRE_CHAT = 7001

_ERRORS: dict[int, tuple[int, dict[str, Any]]] = {
    7002: (403, {"description": "Forbidden: bot was blocked by the user"}),
    7003: (429, {"description": "Too Many Requests", "parameters": {"retry_after": 30}}),
    7004: (400, {"description": "Bad Request: chat not found"}),
}


class FailingRequest(OfflineRequest):
    """The offline Bot API, with some chats that fail the way Telegram fails."""

    async def do_request(self, url: str, method: str, request_data: Any = None, **kw: Any) -> Any:
        params = dict(request_data.parameters) if request_data else {}
        chat = int(params.get("chat_id", 0))
        if url.endswith("/sendMessage"):
            if chat in _ERRORS:
                status, body = _ERRORS[chat]
                return status, json.dumps({"ok": False, "error_code": status, **body}).encode()
            if chat == 7005:
                raise NetworkError("connection reset")
            if chat == 7006:
                raise TimedOut("timed out")
        return await super().do_request(url, method, request_data, **kw)


class Jobs:
    """The reminder jobs of a process with one Telegram channel, answered offline."""

    def __init__(self, jobs: ReminderJobs, bot: ExtBot[None], request: OfflineRequest) -> None:
        self.jobs = jobs
        self.bot = bot
        self.request = request

    def sent_texts(self, chat: int) -> list[str]:
        return [c.text for c in self.request.sent if int(c.params["chat_id"]) == chat]


def service(engine: Engine, settings: Settings, clock: FakeClock) -> ReminderService:
    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)

    return ReminderService(
        engine.store,
        translators=engine.translators,
        default_locale=engine.default_locale,
        tz=engine.tz,
        clock=clock,
        sleep=sleep,
        indicators=engine.indicators,
    )


@pytest.fixture
async def app(engine: Engine, settings: Settings, clock: FakeClock) -> AsyncIterator[Jobs]:
    request = FailingRequest()
    bot = offline_bot(request, TOKEN)
    await bot.initialize()
    jobs = ReminderJobs(
        service(engine, settings, clock),
        {"telegram": TelegramSender(bot)},
        cron=settings.reminder_cron,
        tz=settings.tz,
    )
    yield Jobs(jobs, bot, request)
    await jobs.stop(1)
    await bot.shutdown()


def test_the_weekly_cron_is_the_settings(app: Jobs) -> None:
    trigger = app.jobs.trigger
    assert trigger.get_next_fire_time(None, vn(2026, 11, 26, 10)) == datetime(
        2026, 11, 30, 7, 30, tzinfo=TZ
    )


def test_the_reminder_time_is_configurable(
    engine: Engine, settings: Settings, clock: FakeClock
) -> None:
    friday = settings.model_copy(update={"reminder_cron": "0 18 * * fri"})
    jobs = ReminderJobs(service(engine, friday, clock), {}, cron=friday.reminder_cron, tz=friday.tz)
    assert jobs.trigger.get_next_fire_time(None, vn(2026, 11, 26, 10)) == datetime(
        2026, 11, 27, 18, 0, tzinfo=TZ
    )
    with pytest.raises(ValidationError, match="REMINDER_CRON"):
        Settings(_env_file=None, reminder_cron="every monday")  # type: ignore[call-arg]


async def test_the_weekly_job_sends_through_telegram_once(
    app: Jobs,
    store: SqliteStore,
    clock: FakeClock,
) -> None:
    cadre = await person_id(store, "84912000003")
    await store.people.link(cadre, "telegram", str(CADRE_CHAT), clock())
    clock.now = MONDAY
    await app.jobs.weekly()
    assert app.sent_texts(CADRE_CHAT) == [SA_LUNG_REMINDER]
    statuses = {i.recipient: (i.status, i.last_error) for i in await store.outbox.all()}
    assert statuses[cadre] == (OutboxStatus.SENT, None)
    # The leader and the other cadre never opened the bot on Telegram.
    assert sorted(s for s, _ in statuses.values()) == ["failed", "failed", "sent"]
    assert {e for _, e in statuses.values()} == {None, "no chat linked"}
    clock.advance(minutes=5)
    await app.jobs.weekly()
    await app.jobs.drain()
    assert app.sent_texts(CADRE_CHAT) == [SA_LUNG_REMINDER]


async def test_the_minute_job_releases_the_night_queue_in_the_morning(
    app: Jobs,
    store: SqliteStore,
    clock: FakeClock,
) -> None:
    cadre = await person_id(store, "84912000003")
    await store.people.link(cadre, "telegram", str(CADRE_CHAT), clock())
    clock.now = vn(2026, 11, 30, 23, 0)
    await app.jobs.weekly()
    await app.jobs.drain()
    assert app.sent_texts(CADRE_CHAT) == []
    clock.now = vn(2026, 12, 1, 7, 0)
    await app.jobs.drain()
    assert len(app.sent_texts(CADRE_CHAT)) == 1


async def test_catch_up_after_missing_the_weekly_time(
    app: Jobs,
    store: SqliteStore,
    clock: FakeClock,
) -> None:
    cadre = await person_id(store, "84912000003")
    await store.people.link(cadre, "telegram", str(CADRE_CHAT), clock())
    clock.now = vn(2026, 11, 30, 7, 0)  # started before this week's time: nothing to catch up
    await app.jobs.catch_up()
    assert await store.outbox.all() == []
    clock.now = vn(2026, 12, 2, 10, 0)  # started on Wednesday: Monday's run was missed
    await app.jobs.catch_up()
    assert len(app.sent_texts(CADRE_CHAT)) == 1
    assert {i.period for i in await store.outbox.all()} == {"2026-W49"}


def test_previous_fire_time() -> None:
    trigger = CronTrigger.from_crontab("30 7 * * mon", timezone=TZ)
    assert previous_fire_time(trigger, vn(2026, 12, 2, 10)) == vn(2026, 11, 30, 7, 30)
    assert previous_fire_time(trigger, vn(2026, 11, 30, 7, 30)) == vn(2026, 11, 30, 7, 30)
    assert previous_fire_time(trigger, vn(2026, 11, 30, 7, 29)) == vn(2026, 11, 23, 7, 30)


async def delivery_outcomes(
    app: Jobs,
    store: SqliteStore,
    clock: FakeClock,
) -> dict[int, Delivery]:
    chats = [7001, 7002, 7003, 7004, 7005, 7006]
    await store.people.upsert_roster(
        [(f"C{c}", f"8491300{c}", Role.CADRE, "v:sa-lung") for c in chats],
        actor_id=None,
        at=clock(),
    )
    sender = TelegramSender(app.bot)
    outcomes = {chat: await sender.deliver(str(chat), "Nhắc việc") for chat in chats}
    outcomes[0] = await sender.deliver("not-a-chat", "x")
    return outcomes


@pytest.mark.parametrize("timedelta_mode", [True, False])
async def test_telegram_errors_map_to_what_the_outbox_does_next(
    timedelta_mode: bool,
    app: Jobs,
    store: SqliteStore,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # PTB 22 gives RetryAfter.retry_after as int seconds (with a deprecation warning) or,
    # opted in, as a timedelta; the sender reads both.
    if timedelta_mode:
        monkeypatch.setenv("PTB_TIMEDELTA", "true")
        outcomes = await delivery_outcomes(app, store, clock)
    else:
        monkeypatch.delenv("PTB_TIMEDELTA", raising=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            outcomes = await delivery_outcomes(app, store, clock)
    assert {chat: o.status for chat, o in outcomes.items()} == {
        7001: DeliveryStatus.OK,
        7002: DeliveryStatus.BLOCKED,  # Forbidden: the person blocked the bot
        7003: DeliveryStatus.RETRY,  # flood control
        7004: DeliveryStatus.UNREACHABLE,  # chat not found
        7005: DeliveryStatus.RETRY,  # network error
        7006: DeliveryStatus.RETRY,  # timed out
        0: DeliveryStatus.UNREACHABLE,
    }
    assert outcomes[7003].retry_after == 30
    assert "blocked by the user" in (outcomes[7002].error or "")


async def test_a_long_message_goes_in_parts(app: Jobs) -> None:
    text = "\n".join(f"• dòng {i} " + "x" * 60 for i in range(100))
    result = await TelegramSender(app.bot).deliver(str(CADRE_CHAT), text)
    assert result.status == DeliveryStatus.OK
    parts = app.sent_texts(CADRE_CHAT)
    assert len(parts) == 2
    assert "\n".join(parts) == text


async def test_a_reminder_goes_to_the_latest_linked_chat(
    app: Jobs, store: SqliteStore, clock: FakeClock
) -> None:
    cadre = await person_id(store, "84912000003")
    await store.people.link(cadre, "telegram", "8001", clock())
    clock.advance(days=1)
    await store.people.link(cadre, "telegram", str(CADRE_CHAT), clock())
    clock.now = MONDAY
    await app.jobs.weekly()
    assert app.sent_texts(CADRE_CHAT) == [SA_LUNG_REMINDER]
    assert app.sent_texts(8001) == []


async def test_stopping_ends_a_running_broadcast(
    app: Jobs,
    store: SqliteStore,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chats = [7101, 7102, 7103]
    await store.people.upsert_roster(
        [(f"C{c}", f"8491300{c}", Role.CADRE, "v:sa-lung") for c in chats],
        actor_id=None,
        at=clock(),
    )
    for chat in chats:
        await store.people.link(
            await person_id(store, f"8491300{chat}"), "telegram", str(chat), clock()
        )
    request = app.request
    original = request.do_request
    stopping: list[asyncio.Task[None]] = []

    async def stop_after_first_send(url: str, method: str, *args: Any, **kw: Any) -> Any:
        answer = await original(url, method, *args, **kw)
        if url.endswith("/sendMessage") and not stopping:
            # SIGTERM arrives while the first message is in flight.
            stopping.append(asyncio.get_running_loop().create_task(app.jobs.stop(5)))
            await asyncio.sleep(0)
        return answer

    monkeypatch.setattr(request, "do_request", stop_after_first_send)
    # One send at a time, so that "the message in flight" is one message (with several in
    # flight, those finish: tests/scheduler/test_fanout.py).
    app.jobs.service.policy = replace(app.jobs.service.policy, in_flight=1)
    clock.now = MONDAY
    await app.jobs.weekly()
    await stopping[0]
    assert len(request.sent) == 1
    pending = [i for i in await store.outbox.all() if i.status == OutboxStatus.PENDING]
    assert len(pending) >= 2


async def test_the_jobs_start_and_stop(app: Jobs) -> None:
    app.jobs.start()
    try:
        scheduler = app.jobs.scheduler
        assert scheduler.running
        assert {j.id for j in scheduler.get_jobs()} == {WEEKLY_JOB, DRAIN_JOB, CATCH_UP_JOB}
        weekly = scheduler.get_job(WEEKLY_JOB)
        assert weekly is not None
        assert weekly.next_run_time is not None
        assert scheduler.get_job(DRAIN_JOB).trigger.interval == timedelta(minutes=1)
    finally:
        await app.jobs.stop(1)
    assert not app.jobs.scheduler.running


async def test_the_composition_root_sends_through_each_channels_sender(
    engine: Engine, settings: Settings, clock: FakeClock, store: SqliteStore
) -> None:
    """Reminders go out on the channel a person last wrote from, whichever it is."""
    from bot.app import App
    from bot.channels.console import ConsoleSender

    class Fake:
        def __init__(self, name: str) -> None:
            self.name = name
            self.sender = ConsoleSender(io.StringIO())

    zalo, telegram = Fake("zalo"), Fake("telegram")
    cadre = await person_id(store, "84912000003")
    await store.people.link(cadre, "telegram", str(CADRE_CHAT), clock())
    await store.people.link(cadre, "zalo", "z-1", clock())
    await store.people.note_channel(cadre, "telegram")
    app = App(settings, store, engine, service(engine, settings, clock), clock)
    jobs = reminder_jobs(app, [zalo, telegram])  # type: ignore[list-item]
    clock.now = MONDAY
    await jobs.weekly()
    assert telegram.sender.sent == [(str(CADRE_CHAT), SA_LUNG_REMINDER)]
    assert zalo.sender.sent == []
