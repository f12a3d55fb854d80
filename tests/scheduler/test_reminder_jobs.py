"""The reminder jobs on the JobQueue of python-telegram-bot, and delivery through the Bot API."""

from __future__ import annotations

import json
import warnings
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from apscheduler.triggers.cron import CronTrigger
from pydantic import ValidationError
from telegram.error import NetworkError, TimedOut
from telegram.ext import Application, Job
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram import TelegramSender, build_application
from bot.settings import Settings
from core.models import Role
from core.outbox import Delivery, DeliveryStatus, OutboxStatus
from handlers import Engine
from scheduler.jobs import (
    CATCH_UP_JOB,
    DRAIN_JOB,
    WEEKLY_JOB,
    previous_fire_time,
    schedule_reminders,
)
from storage import SqliteStore
from tests.fakes import FakeClock, OfflineRequest
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


@pytest.fixture
async def app(engine: Engine, settings: Settings, clock: FakeClock) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    request = FailingRequest()

    async def open_engine() -> Engine:
        return engine

    async def close_engine(_: Engine) -> None:
        pass

    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)

    application = build_application(
        TOKEN, open_engine=open_engine, close_engine=close_engine, request=request, rate_limit=False
    )
    schedule_reminders(application, settings, sleep=sleep)
    await application.initialize()
    application.bot_data.engine = engine
    yield application
    await application.shutdown()


def job(application: Application, name: str) -> Job[Any]:  # type: ignore[type-arg]
    assert application.job_queue is not None
    (found,) = application.job_queue.get_jobs_by_name(name)
    return found


def sent_texts(application: Application, chat: int) -> list[str]:  # type: ignore[type-arg]
    request: OfflineRequest = application.bot.request  # type: ignore[assignment]
    return [c.text for c in request.sent if int(c.params["chat_id"]) == chat]


def test_jobs_have_ids_names_and_the_weekly_cron(app: Application) -> None:  # type: ignore[type-arg]
    assert app.job_queue is not None
    names = {j.name for j in app.job_queue.jobs()}
    assert names == {WEEKLY_JOB, DRAIN_JOB, CATCH_UP_JOB}
    for name in names:
        assert job(app, name).job.id == name
    trigger = job(app, WEEKLY_JOB).job.trigger
    assert trigger.get_next_fire_time(None, vn(2026, 11, 26, 10)) == datetime(
        2026, 11, 30, 7, 30, tzinfo=TZ
    )
    assert job(app, DRAIN_JOB).job.trigger.interval == timedelta(minutes=1)


def test_the_reminder_time_is_configurable(settings: Settings) -> None:
    friday = settings.model_copy(update={"reminder_cron": "0 18 * * fri"})
    application = build_application(
        TOKEN,
        open_engine=lambda: None,  # type: ignore[arg-type,return-value]
        close_engine=lambda _: None,  # type: ignore[arg-type,return-value]
        request=OfflineRequest(),
        rate_limit=False,
    )
    jobs = schedule_reminders(application, friday)
    assert jobs.trigger.get_next_fire_time(None, vn(2026, 11, 26, 10)) == datetime(
        2026, 11, 27, 18, 0, tzinfo=TZ
    )
    with pytest.raises(ValidationError, match="REMINDER_CRON"):
        Settings(_env_file=None, reminder_cron="every monday")  # type: ignore[call-arg]


async def test_the_weekly_job_sends_through_telegram_once(
    app: Application,  # type: ignore[type-arg]
    store: SqliteStore,
    clock: FakeClock,
) -> None:
    cadre = await person_id(store, "84912000003")
    await store.people.link(cadre, "telegram", str(CADRE_CHAT), clock())
    clock.now = MONDAY
    await job(app, WEEKLY_JOB).run(app)
    assert sent_texts(app, CADRE_CHAT) == [SA_LUNG_REMINDER]
    statuses = {i.recipient: (i.status, i.last_error) for i in await store.outbox.all()}
    assert statuses[cadre] == (OutboxStatus.SENT, None)
    # The leader and the other cadre never opened the bot on Telegram.
    assert sorted(s for s, _ in statuses.values()) == ["failed", "failed", "sent"]
    assert {e for _, e in statuses.values()} == {None, "no Telegram chat linked"}
    clock.advance(minutes=5)
    await job(app, WEEKLY_JOB).run(app)
    await job(app, DRAIN_JOB).run(app)
    assert sent_texts(app, CADRE_CHAT) == [SA_LUNG_REMINDER]


async def test_the_minute_job_releases_the_night_queue_in_the_morning(
    app: Application,  # type: ignore[type-arg]
    store: SqliteStore,
    clock: FakeClock,
) -> None:
    cadre = await person_id(store, "84912000003")
    await store.people.link(cadre, "telegram", str(CADRE_CHAT), clock())
    clock.now = vn(2026, 11, 30, 23, 0)
    await job(app, WEEKLY_JOB).run(app)
    await job(app, DRAIN_JOB).run(app)
    assert sent_texts(app, CADRE_CHAT) == []
    clock.now = vn(2026, 12, 1, 7, 0)
    await job(app, DRAIN_JOB).run(app)
    assert len(sent_texts(app, CADRE_CHAT)) == 1


async def test_catch_up_after_missing_the_weekly_time(
    app: Application,  # type: ignore[type-arg]
    store: SqliteStore,
    clock: FakeClock,
) -> None:
    cadre = await person_id(store, "84912000003")
    await store.people.link(cadre, "telegram", str(CADRE_CHAT), clock())
    clock.now = vn(2026, 11, 30, 7, 0)  # started before this week's time: nothing to catch up
    await job(app, CATCH_UP_JOB).run(app)
    assert await store.outbox.all() == []
    clock.now = vn(2026, 12, 2, 10, 0)  # started on Wednesday: Monday's run was missed
    await job(app, CATCH_UP_JOB).run(app)
    assert len(sent_texts(app, CADRE_CHAT)) == 1
    assert {i.period for i in await store.outbox.all()} == {"2026-W49"}


def test_previous_fire_time() -> None:
    trigger = CronTrigger.from_crontab("30 7 * * mon", timezone=TZ)
    assert previous_fire_time(trigger, vn(2026, 12, 2, 10)) == vn(2026, 11, 30, 7, 30)
    assert previous_fire_time(trigger, vn(2026, 11, 30, 7, 30)) == vn(2026, 11, 30, 7, 30)
    assert previous_fire_time(trigger, vn(2026, 11, 30, 7, 29)) == vn(2026, 11, 23, 7, 30)


async def delivery_outcomes(
    application: Application,  # type: ignore[type-arg]
    store: SqliteStore,
    clock: FakeClock,
) -> dict[int, Delivery]:
    chats = [7001, 7002, 7003, 7004, 7005, 7006]
    await store.people.upsert_roster(
        [(f"C{c}", f"8491300{c}", Role.CADRE, "v:sa-lung") for c in chats],
        actor_id=None,
        at=clock(),
    )
    sender = TelegramSender(application.bot, store.people)
    outcomes = {}
    for chat in chats:
        pid = await person_id(store, f"8491300{chat}")
        await store.people.link(pid, "telegram", str(chat), clock())
        outcomes[chat] = await sender.deliver(pid, "Nhắc việc")
    admin = await person_id(store, "84912000001")
    outcomes[0] = await sender.deliver(admin, "x")  # never opened the bot
    return outcomes


@pytest.mark.parametrize("timedelta_mode", [True, False])
async def test_telegram_errors_map_to_what_the_outbox_does_next(
    timedelta_mode: bool,
    app: Application,  # type: ignore[type-arg]
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


async def test_a_long_message_goes_in_parts_to_the_latest_linked_chat(
    app: Application,  # type: ignore[type-arg]
    store: SqliteStore,
    clock: FakeClock,
) -> None:
    cadre = await person_id(store, "84912000003")
    await store.people.link(cadre, "telegram", "8001", clock())
    clock.advance(days=1)
    await store.people.link(cadre, "telegram", str(CADRE_CHAT), clock())
    text = "\n".join(f"• dòng {i} " + "x" * 60 for i in range(100))
    result = await TelegramSender(app.bot, store.people).deliver(cadre, text)
    assert result.status == DeliveryStatus.OK
    parts = sent_texts(app, CADRE_CHAT)
    assert len(parts) == 2
    assert "\n".join(parts) == text
    assert sent_texts(app, 8001) == []


async def test_stopping_the_application_ends_a_running_broadcast(
    app: Application,  # type: ignore[type-arg]
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
    running = [True]
    monkeypatch.setattr(Application, "running", property(lambda self: running[0]))
    request: OfflineRequest = app.bot.request  # type: ignore[assignment]
    original = request.do_request

    async def stop_after_first_send(url: str, method: str, *args: Any, **kw: Any) -> Any:
        answer = await original(url, method, *args, **kw)
        if url.endswith("/sendMessage"):
            running[0] = False  # Application.stop() has begun
        return answer

    monkeypatch.setattr(request, "do_request", stop_after_first_send)
    clock.now = MONDAY
    await job(app, WEEKLY_JOB).run(app)
    assert len(request.sent) == 1
    pending = [i for i in await store.outbox.all() if i.status == OutboxStatus.PENDING]
    assert len(pending) >= 2


async def test_the_jobs_start_and_stop_with_the_application(
    app: Application,  # type: ignore[type-arg]
) -> None:
    await app.start()
    try:
        assert app.job_queue is not None
        assert app.job_queue.scheduler.running
        assert {j.name for j in app.job_queue.jobs()} == {WEEKLY_JOB, DRAIN_JOB, CATCH_UP_JOB}
        assert job(app, WEEKLY_JOB).next_t is not None
    finally:
        await app.stop()
    assert not app.job_queue.scheduler.running
