"""Weekly reminders: what people are told, and that the outbox neither loses nor repeats any.

Every test runs on a FakeClock: pacing advances it, nothing waits on the wall clock.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import storage.outbox
from bot.app import open_app_store
from core.indicators import DEFAULT_INDICATORS
from core.models import Person, Role
from core.outbox import Delivery, DeliveryStatus, OutboxMessage, OutboxStatus
from core.units import parse_units_csv
from handlers import Engine
from locales.translator import Translator
from scheduler.planning import WeekFacts, plan_week
from storage import SqliteStore
from tests.conftest import CADRE_XA_PHIN, Chat, as_person
from tests.fakes import FakeClock
from tests.reminder_helpers import (
    BLOCKED,
    CROWD,
    MONDAY,
    RETRY,
    TEST_CHANNEL,
    TZ,
    Crash,
    HoldingSender,
    ScriptedSender,
    add_crowd,
    drain_via,
    link_all,
    person_id,
    service_for,
    vn,
)

Translators = dict[str, Translator]

SA_LUNG_REMINDER = (
    "Nhắc việc tuần này cho thôn Sà Lủng (thứ Hai, 30/11/2026):\n"
    "• Nhà ở hoàn thành: 0/5 nhà — hạn 31/12/2026, còn 31 ngày\n"
    "Đã 7 ngày nay bạn chưa gửi báo cáo nào. Có việc gì đã xong thì nhắn cho bot nhé,"
    " ví dụ: xong 2 nhà\n"
    "Gõ /nhiemvu để xem lại nhiệm vụ bất cứ lúc nào."
)


async def planned(store: SqliteStore, clock: FakeClock, translators: Translators) -> dict[str, str]:
    """This week's messages by recipient phone, planned at the clock's time."""
    people = {p.id: p.phone for p in await store.people.all()}
    messages = await service_for(store, clock, translators).plan()
    return {people[m.recipient]: m.text for m in messages}


# --- what is planned ---


async def test_the_demo_week(
    store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    clock.now = MONDAY
    texts = await planned(store, clock, translators)
    assert texts["84912000003"] == SA_LUNG_REMINDER
    assert texts["84912000004"] == (
        "Chào Cán bộ thôn Xà Phìn!\n"
        "Đã 7 ngày nay bạn chưa gửi báo cáo nào. Có việc gì đã xong thì nhắn cho bot nhé,"
        " ví dụ: xong 2 nhà"
    )
    assert texts["84912000002"] == (
        "Tổng hợp tuần 23/11/2026–29/11/2026 cho huyện Mèo Vạc\n"
        "Kết quả trong tuần:\n"
        "• Nhà ở hoàn thành: 0 nhà\n"
        "• Hộ thoát nghèo: 0 hộ\n"
        "• Đào tạo nghề: 0 người\n"
        "Thôn đã báo cáo (0/2): —\n"
        "Thôn chưa báo cáo (2): Sà Lủng, Xà Phìn\n"
        "Không có nhiệm vụ nào quá hạn."
    )
    assert "84912000001" not in texts  # admins get neither


async def test_reports_of_the_week_shape_every_message(
    engine: Engine, cadre: Chat, store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    await cadre.say("xong 2 nhà")  # Thursday 26/11
    xa_phin = await as_person(engine, CADRE_XA_PHIN)
    await xa_phin.say("đào tạo nghề 12 người")
    clock.now = MONDAY
    texts = await planned(store, clock, translators)
    assert texts["84912000003"] == (
        "Nhắc việc tuần này cho thôn Sà Lủng (thứ Hai, 30/11/2026):\n"
        "• Nhà ở hoàn thành: 2/5 nhà — hạn 31/12/2026, còn 31 ngày\n"
        "Gõ /nhiemvu để xem lại nhiệm vụ bất cứ lúc nào."
    )
    assert "84912000004" not in texts  # no task, not silent: nothing to say
    digest = texts["84912000002"]
    assert "• Nhà ở hoàn thành: 2 nhà" in digest
    assert "• Đào tạo nghề: 12 người" in digest
    assert "Thôn đã báo cáo (2/2): Sà Lủng, Xà Phìn" in digest
    assert "chưa báo cáo" not in digest


async def test_silence_is_counted_from_the_last_report(
    cadre: Chat, store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    await cadre.say("xong 1 nhà")
    clock.advance(days=7, seconds=-1)
    assert "Đã 7 ngày" not in (await planned(store, clock, translators))["84912000003"]
    clock.advance(seconds=1)
    assert "Đã 7 ngày" in (await planned(store, clock, translators))["84912000003"]


async def test_overdue_tasks_are_flagged_for_the_cadre_and_in_the_digest(
    leader: Chat, store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    await leader.say("/giao Sà Lủng thoát nghèo 3 27/11")
    clock.now = MONDAY
    texts = await planned(store, clock, translators)
    assert "• Hộ thoát nghèo: 0/3 hộ — hạn 27/11/2026, ⚠️ quá hạn 3 ngày" in texts["84912000003"]
    digest = texts["84912000002"]
    assert "Nhiệm vụ quá hạn (1):\n• thôn Sà Lủng — Hộ thoát nghèo: 0/3 hộ — hạn 27/11/2026" in (
        digest
    )


async def test_a_finished_task_is_no_longer_a_reminder(
    cadre: Chat, store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    await cadre.say("xong 5 nhà")
    clock.now = MONDAY
    assert "84912000003" not in await planned(store, clock, translators)


async def test_each_person_in_their_language(
    cadre: Chat, store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    await cadre.say("/ngonngu en")
    clock.now = MONDAY + timedelta(days=7)
    assert (await planned(store, clock, translators))["84912000003"] == (
        "This week's reminder for Sà Lủng village (Monday, 07/12/2026):\n"
        "• Houses completed: 0/5 houses — due 31/12/2026, 24 days left\n"
        "You have not sent a report for 7 days. If anything is done, just tell the bot,"
        " e.g.: xong 2 nhà\n"
        "Send /nhiemvu to see your tasks at any time."
    )


def test_long_digest_lists_are_cut_short(translators: Translators) -> None:
    rows = ["level,name,parent,current_commune,aliases,note", "district,H,T,,,", "commune,X,H,X,,"]
    rows += [f"village,Thôn {i:02d},X,X,," for i in range(35)]
    units = parse_units_csv("\n".join(rows) + "\n")
    people = [Person(1, "Lãnh đạo", "84900000000", Role.LEADER, "d:h")] + [
        Person(10 + i, f"C{i}", f"8490000{i:04d}", Role.CADRE, v.code)
        for i, v in enumerate(units.villages)
    ]
    facts = WeekFacts(
        now=MONDAY,
        tz=TZ,
        people=people,
        units=units,
        indicators=DEFAULT_INDICATORS,
        tasks=[],
        last_report_at={},
        done_in_window={},
        reporting_villages=frozenset(),
    )
    digest = next(m for m in plan_week(facts, translators, "vi") if m.recipient == 1).text
    assert "Thôn chưa báo cáo (35): Thôn 00, Thôn 01," in digest
    assert "Thôn 29 và 5 thôn khác" in digest


# --- the outbox: never twice ---


async def test_a_second_planning_run_in_the_same_week_adds_nothing(
    store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    clock.now = MONDAY
    service = service_for(store, clock, translators)
    assert await service.enqueue() == 3
    assert await service.enqueue() == 0
    sender = ScriptedSender(clock)
    await drain_via(service, sender)
    assert len(sender.sent) == 3
    clock.advance(days=2)  # later the same week, e.g. after a restart
    assert await service.enqueue() == 0
    await drain_via(service, sender)
    assert len(sender.sent) == 3
    clock.now = MONDAY + timedelta(days=7)  # a new week is a new period
    assert await service.enqueue() == 3


@pytest.mark.parametrize("survived", [0, 1, 17, CROWD + 2])
async def test_a_crash_mid_broadcast_then_a_restart_sends_each_reminder_exactly_once(
    survived: int,
    tmp_path: Path,
    store: SqliteStore,
    clock: FakeClock,
    translators: Translators,
) -> None:
    await add_crowd(store, await store.units.load(), clock)
    clock.now = MONDAY
    doomed = service_for(store, clock, translators)
    queued = await doomed.enqueue()
    assert queued == CROWD + 3
    dying = ScriptedSender(clock, crash_after=survived)
    with pytest.raises(Crash):
        await drain_via(doomed, dying)
    assert len(dying.sent) == survived
    # The process is gone; a new one opens the same database file and runs its jobs.
    restarted = await open_app_store(tmp_path / "bot.sqlite3")
    try:
        service = service_for(restarted, clock, translators)
        assert await service.enqueue() == 0
        fresh = ScriptedSender(clock)
        await drain_via(service, fresh)
        delivered = [who for who, _, _ in dying.sent + fresh.sent]
        assert len(delivered) == queued
        assert len(set(delivered)) == queued  # nobody twice, nobody skipped
        items = await restarted.outbox.all()
        assert {i.status for i in items} == {OutboxStatus.SENT}
        again = ScriptedSender(clock)
        await drain_via(service, again)
        assert again.sent == []
    finally:
        await restarted.close()


async def test_a_crash_while_planning_leaves_nothing_half_queued(
    store: SqliteStore, clock: FakeClock, translators: Translators, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.now = MONDAY
    service = service_for(store, clock, translators)

    async def die(*args: object, **kwargs: object) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        # The audit event is the last write of the planning transaction.
        patch.setattr(storage.outbox, "record_event", die)
        with pytest.raises(Crash):
            await service.enqueue()
    assert await store.outbox.all() == []
    assert await service.enqueue() == 3


async def test_a_crash_after_the_messenger_accepted_repeats_only_that_message(
    tmp_path: Path, store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    # The one window no outbox can close: sent, but not yet marked. The bot prefers a repeat
    # of that single message to losing it.
    clock.now = MONDAY
    service = service_for(store, clock, translators)
    await service.enqueue()
    dying = ScriptedSender(clock, crash_after_accepting=2)
    with pytest.raises(Crash):
        await drain_via(service, dying)
    restarted = await open_app_store(tmp_path / "bot.sqlite3")
    try:
        fresh = ScriptedSender(clock)
        await drain_via(service_for(restarted, clock, translators), fresh)
    finally:
        await restarted.close()
    delivered = [who for who, _, _ in dying.sent + fresh.sent]
    assert len(set(delivered)) == 3  # nobody lost
    assert len(delivered) == 4  # the message in flight at the crash, once more
    assert delivered.count(dying.sent[-1][0]) == 2


# --- retries, blocked users, quiet hours ---


async def test_passing_failures_are_retried_with_growing_delays(
    store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    clock.now = MONDAY
    service = service_for(store, clock, translators)
    await service.enqueue()
    cadre = await person_id(store, "84912000003")
    sender = ScriptedSender(clock, script={cadre: [RETRY, RETRY, RETRY]})
    await drain_via(service, sender)
    assert len(sender.sent) == 2
    assert sender.to(cadre) == []
    for delay in (60, 120, 240):
        item = next(i for i in await store.outbox.all() if i.recipient == cadre)
        assert item.status == OutboxStatus.PENDING
        assert item.next_attempt_at - clock() == timedelta(seconds=delay)
        assert item.last_error == "NetworkError"
        clock.advance(seconds=delay - 1)
        await drain_via(service, sender)  # not yet due
        clock.advance(seconds=1)
        await drain_via(service, sender)
    assert sender.calls.count(cadre) == 4
    assert sender.to(cadre) == [SA_LUNG_REMINDER]
    item = next(i for i in await store.outbox.all() if i.recipient == cadre)
    assert (item.status, item.attempts, item.last_error) == (OutboxStatus.SENT, 4, None)


async def test_retrying_stops_after_the_last_attempt(
    store: SqliteStore, clock: FakeClock, translators: Translators, tmp_path: Path
) -> None:
    clock.now = MONDAY
    service = service_for(store, clock, translators, max_attempts=3)
    await service.enqueue()
    cadre = await person_id(store, "84912000003")
    sender = ScriptedSender(clock, script={cadre: [RETRY] * 10})
    for _ in range(10):
        await drain_via(service, sender)
        clock.advance(hours=1)
    assert sender.calls.count(cadre) == 3
    item = next(i for i in await store.outbox.all() if i.recipient == cadre)
    assert (item.status, item.attempts) == (OutboxStatus.FAILED, 3)
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        actions = db.execute("SELECT action FROM events WHERE entity = 'outbox'").fetchall()
    assert ("failed",) in actions


async def test_the_channels_wait_request_is_honoured_and_errors_are_passing(
    store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    clock.now = MONDAY
    service = service_for(store, clock, translators)
    await service.enqueue()
    cadre = await person_id(store, "84912000003")
    leader = await person_id(store, "84912000002")

    class Flaky(ScriptedSender):
        async def deliver(self, address: str, text: str) -> Delivery:
            if int(address) == leader and leader not in self.calls:
                self.calls.append(leader)
                raise RuntimeError("unexpected")
            return await super().deliver(address, text)

    flood = Delivery(DeliveryStatus.RETRY, retry_after=900, error="RetryAfter")
    sender = Flaky(clock, script={cadre: [flood]})
    report = await drain_via(service, sender)
    assert report is not None
    assert report.retried == 2
    items = {i.recipient: i for i in await store.outbox.all()}
    assert items[cadre].next_attempt_at == MONDAY + timedelta(seconds=900)
    assert items[leader].next_attempt_at == MONDAY + timedelta(seconds=60)
    assert items[leader].last_error == "RuntimeError"


async def test_a_person_who_blocked_the_bot_is_recorded_and_never_retried(
    store: SqliteStore, clock: FakeClock, translators: Translators, tmp_path: Path
) -> None:
    clock.now = MONDAY
    service = service_for(store, clock, translators)
    await service.enqueue()
    cadre = await person_id(store, "84912000003")
    sender = ScriptedSender(clock, script={cadre: [BLOCKED]})
    report = await drain_via(service, sender)
    assert report is not None
    assert (report.sent, report.blocked) == (2, 1)
    for _ in range(5):
        clock.advance(hours=6)
        await drain_via(service, sender)
    assert sender.calls.count(cadre) == 1
    item = next(i for i in await store.outbox.all() if i.recipient == cadre)
    assert item.status == OutboxStatus.BLOCKED
    assert "blocked" in (item.last_error or "")
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        (event,) = db.execute(
            "SELECT after FROM events WHERE entity = 'outbox' AND action = 'blocked'"
        ).fetchall()
    assert f'"recipient": {cadre}' in event[0]


async def test_a_person_without_an_address_is_given_up_at_once(
    store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    clock.now = MONDAY
    service = service_for(store, clock, translators)
    await service.enqueue()
    cadre = await person_id(store, "84912000003")
    nowhere = Delivery(DeliveryStatus.UNREACHABLE, error="no Telegram chat linked")
    sender = ScriptedSender(clock, script={cadre: [nowhere]})
    await drain_via(service, sender)
    item = next(i for i in await store.outbox.all() if i.recipient == cadre)
    assert (item.status, item.attempts) == (OutboxStatus.FAILED, 1)


async def test_nothing_is_sent_in_quiet_hours_it_waits_for_the_morning(
    store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    clock.now = vn(2026, 11, 30, 21, 0)
    service = service_for(store, clock, translators)
    assert await service.enqueue() == 3
    sender = ScriptedSender(clock)
    for moment in (vn(2026, 11, 30, 21, 0), vn(2026, 12, 1, 3, 0), vn(2026, 12, 1, 6, 59, 59)):
        clock.now = moment
        report = await drain_via(service, sender)
        assert report is not None
        assert report.quiet
    assert sender.sent == []
    clock.now = vn(2026, 12, 1, 7, 0)
    await drain_via(service, sender)
    assert len(sender.sent) == 3


async def test_a_broadcast_running_into_the_evening_stops_at_nine(
    store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    await add_crowd(store, await store.units.load(), clock)
    clock.now = vn(2026, 11, 30, 20, 59, 40)
    service = service_for(store, clock, translators, rate=1.0)
    await service.enqueue()
    sender = ScriptedSender(clock)
    await drain_via(service, sender)
    assert len(sender.sent) == 20  # 20:59:40 … 20:59:59, one a second
    assert all(at.astimezone(TZ).hour == 20 for _, _, at in sender.sent)
    clock.now = vn(2026, 12, 1, 7, 0)
    await drain_via(service, sender)
    assert len(sender.sent) == CROWD + 3
    assert len({who for who, _, _ in sender.sent}) == CROWD + 3


# --- pacing ---


async def test_pacing_holds_the_configured_overall_rate(
    store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    await add_crowd(store, await store.units.load(), clock)
    clock.now = MONDAY
    service = service_for(store, clock, translators, rate=20.0)
    await service.enqueue()
    sender = ScriptedSender(clock)
    await drain_via(service, sender)
    times = [at for _, _, at in sender.sent]
    assert len(times) == CROWD + 3
    for start in times:
        assert sum(start <= t < start + timedelta(seconds=1) for t in times) <= 20
    elapsed = (times[-1] - times[0]).total_seconds()
    assert elapsed == pytest.approx((len(times) - 1) / 20)
    assert (len(times) - 1) / elapsed >= 0.95 * 20


async def test_one_person_gets_at_most_one_message_a_second(
    store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    clock.now = MONDAY
    cadre = await person_id(store, "84912000003")
    await store.outbox.enqueue(
        [OutboxMessage(cadre, kind, "2026-W49", kind) for kind in ("a", "b", "c")], at=clock()
    )
    sender = ScriptedSender(clock)
    await drain_via(service_for(store, clock, translators), sender)
    times = [at for _, _, at in sender.sent]
    assert [b - a for a, b in itertools.pairwise(times)] == [timedelta(seconds=1)] * 2


async def test_two_drains_never_overlap(
    store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    clock.now = MONDAY
    service = service_for(store, clock, translators)
    await service.enqueue()
    holding = HoldingSender()
    first = asyncio.create_task(drain_via(service, holding))
    await asyncio.wait_for(holding.started.wait(), timeout=10)
    other = ScriptedSender(clock)
    assert await drain_via(service, other) is None
    assert other.calls == []
    holding.release.set()
    report = await first
    assert report is not None
    assert report.sent == 3


async def test_times_are_stored_in_utc(
    store: SqliteStore, clock: FakeClock, translators: Translators, tmp_path: Path
) -> None:
    service = service_for(store, clock, translators)
    await service.enqueue(datetime(2026, 11, 30, 7, 30, tzinfo=TZ))
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        rows = db.execute("SELECT next_attempt_at, created_at FROM outbox").fetchall()
    assert {r for row in rows for r in row} == {"2026-11-30T00:30:00+00:00"}


async def test_a_shutdown_ends_the_broadcast_after_the_message_in_flight(
    store: SqliteStore, clock: FakeClock, translators: Translators
) -> None:
    await add_crowd(store, await store.units.load(), clock)
    clock.now = MONDAY
    service = service_for(store, clock, translators, rate=10.0)
    await service.enqueue()
    sender = ScriptedSender(clock)
    await link_all(store)
    report = await service.drain({TEST_CHANNEL: sender}, stopping=lambda: len(sender.sent) >= 5)
    assert report is not None
    assert (report.sent, report.stopped) == (5, True)
    pending = [i for i in await store.outbox.all() if i.status == OutboxStatus.PENDING]
    assert len(pending) == CROWD + 3 - 5
    await drain_via(service, sender)  # the next start
    assert len({who for who, _, _ in sender.sent}) == len(sender.sent) == CROWD + 3
