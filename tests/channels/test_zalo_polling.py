"""Zalo polling and sending against the stand-in API: nothing received is lost, idle polls
are quiet, failures back off without stopping the bot, the quota pauses sending."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.zalo.inbox import ZaloInbox
from core.outbox import DeliveryStatus
from handlers import Engine
from tests.channels.test_zalo import CADRE
from tests.channels.zalo_harness import ZBOT, ZaloHarness
from tests.conftest import CADRE_SA_LUNG
from tests.fake_zalo_api import zalo_update
from tests.fakes import FakeClock


def inbox_rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM inbox WHERE channel = 'zalo'").fetchone()[0])


@pytest.fixture
async def polling(zalo: ZaloHarness) -> AsyncIterator[asyncio.Event]:
    """The channel polls (1 s idle polls, failures retried at once) until the test ends."""
    await zalo.restart(backoff=lambda delay: 0.01)
    zalo.channel.inbox.poll_timeout = 1
    await zalo.channel.start()
    stop = asyncio.Event()
    task = asyncio.create_task(zalo.channel.serve(stop))
    yield stop
    stop.set()
    await task


async def test_each_update_is_committed_before_the_next_getupdates(
    zalo: ZaloHarness, tmp_path: Path, polling: asyncio.Event
) -> None:
    db = tmp_path / "bot.sqlite3"
    seen: list[tuple[int, int]] = []  # (handed out so far, recorded so far) at each call
    zalo.api.on_get_updates = lambda _bot: seen.append((len(zalo.api.handed_out), inbox_rows(db)))
    code = await zalo.invite(CADRE_SA_LUNG)
    zalo.api.push(zalo_update(CADRE, code))
    for houses in range(1, 6):
        zalo.api.push(zalo_update(CADRE, f"xong {houses} nhà"))
    await zalo.api.wait_for(lambda: len(zalo.api.texts(CADRE)) == 6, 30, "six answers")
    assert len(seen) >= 6
    assert all(recorded >= handed for handed, recorded in seen)
    assert [int(t.split("Nhà ở hoàn thành ")[1].split()[0]) for t in zalo.api.texts()[1:]] == [
        1,
        2,
        3,
        4,
        5,
    ]


async def test_an_idle_poll_is_not_an_error(
    zalo: ZaloHarness, polling: asyncio.Event, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await zalo.api.wait_for(
        lambda: len(zalo.api.method_calls("getUpdates")) >= 3, 10, "three idle polls"
    )
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.mark.parametrize("code", [502, 403, 429, 500])
async def test_failing_polls_back_off_and_never_stop_the_bot(
    zalo: ZaloHarness, polling: asyncio.Event, code: int
) -> None:
    zalo.api.fail(code)
    await zalo.api.wait_for(
        lambda: len(zalo.api.method_calls("getUpdates")) >= 5, 10, "polls while failing"
    )
    zalo.api.recover()
    zalo.api.push(zalo_update(CADRE, "xong 2 nhà"))
    await zalo.api.wait_for(lambda: len(zalo.api.texts(CADRE)) == 1, 10, "an answer")
    assert "chưa đăng ký" in zalo.api.texts(CADRE)[0]


async def test_recorded_but_unanswered_updates_are_answered_first_after_a_restart(
    zalo: ZaloHarness, engine: Engine
) -> None:
    await zalo.register(CADRE, CADRE_SA_LUNG)
    # Recorded by a process that died before answering: the updates are only in the inbox.
    dead = ZaloInbox(zalo.channel.sender, engine, engine.store.inbox, clock=engine.clock)  # type: ignore[attr-defined]
    await dead.lanes.close(0)
    earlier = zalo_update(CADRE, "xong 1 nhà")
    later = zalo_update(CADRE, "xong 2 nhà")
    later["message"]["date"] = earlier["message"]["date"] + 1000
    await dead.accept(ZBOT, [later, earlier])
    assert len(zalo.api.texts(CADRE)) == 1  # the welcome only
    await zalo.restart()
    await zalo.channel.start()
    await zalo.settle()
    answers = zalo.api.texts(CADRE)[1:]
    assert ["1 nhà" in answers[0], "2 nhà" in answers[1]] == [True, True]
    assert len(await engine.store.reports.all()) == 2


async def test_outbox_delivery_maps_zalo_errors(
    zalo: ZaloHarness, caplog: pytest.LogCaptureFixture
) -> None:
    sender = zalo.channel.sender
    address = f"{ZBOT}:{CADRE}"
    assert (await sender.deliver(address, "Nhắc việc")).status == DeliveryStatus.OK
    for code in (500, 403, 408):
        zalo.api.fail(code)
        assert (await sender.deliver(address, "Nhắc việc")).status == DeliveryStatus.RETRY
    zalo.api.recover()
    assert (await sender.deliver("999:abc", "x")).status == DeliveryStatus.UNREACHABLE
    assert (await sender.deliver("not-an-address", "x")).status == DeliveryStatus.UNREACHABLE


async def test_a_spent_quota_pauses_the_bot_until_it_returns_and_admins_are_told(
    zalo: ZaloHarness, engine: Engine, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    from core.phones import normalize_phone

    admin = await engine.store.people.by_phone(normalize_phone("0912000001"))
    assert admin is not None
    await engine.store.people.link(admin.id, "telegram", "7001", clock())
    sender = zalo.channel.sender
    address = f"{ZBOT}:{CADRE}"
    zalo.api.quota()
    first = await sender.deliver(address, "Nhắc việc")
    assert first.status == DeliveryStatus.PAUSED
    assert first.retry_after == pytest.approx(3600)
    assert any("quota" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    calls = len(zalo.api.calls)
    # Paused: nothing is sent (nor counted against the quota) while the hour lasts.
    assert (await sender.deliver(address, "Nhắc việc")).status == DeliveryStatus.PAUSED
    assert len(zalo.api.calls) == calls
    clock.advance(minutes=61)
    assert (await sender.deliver(address, "Nhắc việc")).status == DeliveryStatus.PAUSED
    # The admin is told once (on the channel they use), not at every hourly try.
    notices = [item for item in await engine.store.outbox.all() if item.kind == "zalo-quota"]
    assert [(n.recipient, n.to) for n in notices] == [(admin.id, None)]
    assert "hết hạn mức" in notices[0].text
    addresses = await engine.store.people.addresses([admin.id])
    assert addresses[admin.id].channel == "telegram"
    zalo.api.recover()
    clock.advance(minutes=61)
    assert (await sender.deliver(address, "Nhắc việc")).status == DeliveryStatus.OK
    assert zalo.api.texts(CADRE) == ["Nhắc việc"]


async def test_the_token_never_appears_in_logs(
    zalo: ZaloHarness, polling: asyncio.Event, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.channels.zalo_harness import ZTOKEN

    caplog.set_level(logging.DEBUG)
    zalo.api.fail(502)
    await zalo.api.wait_for(lambda: len(zalo.api.method_calls("getUpdates")) >= 3, 10, "polls")
    zalo.api.recover()
    await zalo.channel.sender.deliver(f"{ZBOT}:{CADRE}", "x" * 2500)
    secret = ZTOKEN.split(":", 1)[1]
    ours = [r for r in caplog.records if r.name.startswith("bot.")]
    assert ours
    assert all(secret not in r.getMessage() for r in ours)


async def test_reminders_reach_a_zalo_cadre_through_the_outbox(
    zalo: ZaloHarness, engine: Engine, clock: FakeClock
) -> None:
    from core.outbox import OutboxMessage
    from core.phones import normalize_phone
    from scheduler.delivery import DrainPolicy, DrainReport, drain

    await zalo.register(CADRE, CADRE_SA_LUNG)
    person = await engine.store.people.by_phone(normalize_phone(CADRE_SA_LUNG))
    assert person is not None
    store = engine.store
    text = "Nhắc việc tuần này\n" + "\n".join(f"việc {n}: " + "x" * 100 for n in range(30))
    await store.outbox.enqueue([OutboxMessage(person.id, "reminder", "2026-W48", text)], at=clock())

    async def no_wait(_seconds: float) -> None:
        return None

    async def send() -> DrainReport:
        return await drain(
            store.outbox,
            store.people,
            {"zalo": zalo.channel.sender},
            clock=clock,
            sleep=no_wait,
            tz=engine.tz,
            policy=DrainPolicy(rate=None),
        )

    zalo.api.quota()
    report = await send()
    assert report.sent == 0
    (item,) = [item for item in await store.outbox.all() if item.kind == "reminder"]
    assert (item.status.value, item.attempts) == ("pending", 0)  # paused, not given up
    zalo.api.recover()
    clock.advance(hours=2)
    report = await send()
    assert report.sent == 1
    parts = zalo.api.texts(CADRE)[1:]
    assert len(parts) == 2
    assert "\n".join(parts) == text


async def test_one_process_serves_a_bot(zalo: ZaloHarness, tmp_path: Path) -> None:
    from bot.channels.zalo.channel import ZaloBotBusy

    first = await zalo.restart(lock_dir=tmp_path / "locks")
    await first.start()
    second = zalo.new_channel(lock_dir=tmp_path / "locks")
    with pytest.raises(ZaloBotBusy):
        await second.start()
    await second.close(1)
    await first.close(1)
    third = zalo.new_channel(lock_dir=tmp_path / "locks")
    await third.start()  # the lock went with the first process
    await third.close(1)


async def test_a_locked_database_is_waited_out_while_polling(
    zalo: ZaloHarness, polling: asyncio.Event, engine: Engine
) -> None:
    store_inbox = engine.store.inbox  # type: ignore[attr-defined]
    record = store_inbox.record
    locked = {"times": 3}

    async def busy(*args: object, **kwargs: object) -> set[int]:
        if locked["times"]:
            locked["times"] -= 1
            raise sqlite3.OperationalError("database is locked")
        result: set[int] = await record(*args, **kwargs)
        return result

    zalo.channel.inbox.retry_delay = lambda _attempt: 0
    store_inbox.record = busy
    zalo.api.push(zalo_update(CADRE, "xong 2 nhà"))
    await zalo.api.wait_for(lambda: len(zalo.api.texts(CADRE)) == 1, 10, "an answer")
    assert locked["times"] == 0
    assert "chưa đăng ký" in zalo.api.texts(CADRE)[0]


async def test_an_unreadable_recorded_update_is_kept_with_its_reason(
    zalo: ZaloHarness, engine: Engine
) -> None:
    from core.models import InboxEntry

    store = engine.store
    await store.inbox.record("zalo", [InboxEntry(77, "not json")], at=engine.clock())
    await zalo.restart()
    await zalo.channel.start()
    await zalo.settle()
    (failed,) = await store.inbox.failed("zalo")
    assert (failed.update_id, failed.reason) == (77, "unreadable")


async def test_an_answer_zalo_refuses_is_kept_as_failed_with_its_reason(
    zalo: ZaloHarness, engine: Engine
) -> None:
    await zalo.register(CADRE, CADRE_SA_LUNG)
    zalo.api.fail(400)
    assert await zalo.say(CADRE, "xong 1 nhà") == []
    (failed,) = await engine.store.inbox.failed("zalo")  # type: ignore[attr-defined]
    assert failed.reason == "Zalo 400"
    assert "xong" not in failed.reason


async def test_admins_are_told_when_a_bot_nears_its_user_cap(
    zalo: ZaloHarness, engine: Engine, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    # Zalo does not say how it refuses the 51st user of a free bot: the bot counts the people
    # linked to each of its Zalo bots and warns the admins before the cap is reached.
    from core.models import Role

    channel = zalo.new_channel()
    channel.users_per_bot = 10
    await channel.check_users()
    assert [i for i in await engine.store.outbox.all() if i.kind == "zalo-users"] == []
    people = [(f"Người {i}", f"8491400{i:04d}", Role.CADRE, "v:sa-lung") for i in range(9)]
    await engine.store.people.upsert_roster(people, actor_id=None, at=clock())
    for i in range(9):
        person = await engine.store.people.by_phone(f"8491400{i:04d}")
        assert person is not None
        await engine.store.people.link(person.id, "zalo", f"{ZBOT}:u{i}", clock())
    await engine.store.people.link(person.id, "zalo", f"another-bot:u{i}", clock())
    await channel.check_users()
    await channel.check_users()  # once a month, not at every hourly count
    notices = [i for i in await engine.store.outbox.all() if i.kind == "zalo-users"]
    assert len(notices) == 1  # the one admin of the demo roster
    assert "9/10 người dùng" in notices[0].text
    assert "ZALO_BOT_TOKEN" in notices[0].text
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("serves 9 people" in w for w in warnings)
