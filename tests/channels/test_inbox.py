"""The durable inbox: what is recorded, in which order updates are processed, and what a
failed reply leads to."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from telegram import Update
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.channels.lanes import Lanes
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.inbox import RETRY_FOR, TelegramInbox
from bot.channels.telegram.updates import lane_key
from core.models import InboxEntry
from handlers import Engine
from storage import SqliteStore
from tests.fakes import FakeClock, OfflineRequest, offline_bot

T = TypeVar("T")

# --- storage ---


async def test_a_batch_and_its_offset_are_recorded_together_once(
    store: SqliteStore, clock: FakeClock
) -> None:
    inbox = store.inbox
    assert await inbox.offset("telegram") is None
    batch = [InboxEntry(1, '{"update_id": 1}'), InboxEntry(2, '{"update_id": 2}')]
    assert await inbox.record("telegram", batch, at=clock(), offset=3) == {1, 2}
    again = [*batch, InboxEntry(3, '{"update_id": 3}')]
    assert await inbox.record("telegram", again, at=clock(), offset=4) == {3}
    assert await inbox.offset("telegram") == 4
    assert [e.update_id for e in await inbox.pending("telegram")] == [1, 2, 3]
    assert await inbox.pending("zalo") == []

    await inbox.finish("telegram", 2, at=clock(), failed=False)
    await inbox.finish("telegram", 3, at=clock(), failed=True)
    assert [e.update_id for e in await inbox.pending("telegram")] == [1]
    clock.advance(days=8)
    assert await inbox.prune("telegram", clock() - timedelta(days=7)) == 2
    assert [e.update_id for e in await inbox.pending("telegram")] == [1]  # never unprocessed
    assert await inbox.record("telegram", [InboxEntry(2, "{}")], at=clock()) == {2}


async def test_nothing_is_recorded_when_the_commit_fails(
    store: SqliteStore, clock: FakeClock
) -> None:
    entries = [InboxEntry(1, "{}"), InboxEntry(2, None)]  # type: ignore[arg-type]
    with pytest.raises(Exception, match="NOT NULL"):
        await store.inbox.record("telegram", entries, at=clock(), offset=3)
    assert await store.inbox.pending("telegram") == []
    assert await store.inbox.offset("telegram") is None


async def test_acknowledged_writes_are_durable(store: SqliteStore) -> None:
    """WAL with synchronous=FULL: a commit survives a power cut, not only a process crash."""
    assert (await store.db.fetchone("PRAGMA journal_mode"))[0] == "wal"  # type: ignore[index]
    assert (await store.db.fetchone("PRAGMA synchronous"))[0] == 2  # type: ignore[index]


# --- lanes ---


def _one_at_a_time(handle: Callable[[T], Awaitable[None]]) -> Callable[[list[T]], Awaitable[None]]:
    async def each(items: list[T]) -> None:
        (item,) = items  # batch=1: one item at a time
        await handle(item)

    return each


async def test_lanes_keep_each_persons_order_and_bound_concurrency() -> None:
    running, most, done = 0, 0, []
    gate, busy = asyncio.Event(), asyncio.Event()

    async def handle(item: tuple[str, int]) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        if running == 2:
            busy.set()
        await gate.wait()
        done.append(item)
        running -= 1

    lanes: Lanes[tuple[str, int]] = Lanes(_one_at_a_time(handle), concurrency=2)
    for number in range(3):
        for person in "abc":
            lanes.put(person, (person, number))
    assert lanes.backlog == 9
    await asyncio.wait_for(busy.wait(), 10)
    for _ in range(10):
        await asyncio.sleep(0)  # give the third lane every chance to start (it must not)
    assert running == 2
    gate.set()
    await lanes.wait_below(1, asyncio.Event())
    assert most == 2
    assert lanes.backlog == 0
    for person in "abc":
        assert [n for p, n in done if p == person] == [0, 1, 2]


async def test_closing_lanes_finishes_what_runs_and_leaves_the_rest() -> None:
    started, release, done = asyncio.Event(), asyncio.Event(), []

    async def handle(item: int) -> None:
        started.set()
        await release.wait()
        done.append(item)

    lanes: Lanes[int] = Lanes(_one_at_a_time(handle), concurrency=4)
    for item in range(5):
        lanes.put("a", item)
    await started.wait()
    closing = asyncio.create_task(lanes.close(grace=30))
    await asyncio.sleep(0)  # let close() mark the lanes closing before the item finishes
    release.set()
    await closing
    assert done == [0]
    lanes.put("a", 9)  # refused once closing: it stays recorded for the next start
    assert lanes.backlog == 4


async def test_an_item_that_does_not_finish_in_the_grace_time_is_cancelled() -> None:
    cancelled = asyncio.Event()

    async def handle(item: int) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    lanes: Lanes[int] = Lanes(_one_at_a_time(handle), concurrency=1)
    lanes.put("a", 1)
    await asyncio.sleep(0)
    await lanes.close(grace=0)
    assert cancelled.is_set()


# --- processing through the engine ---


class FlakyRequest(OfflineRequest):
    """sendMessage fails ``failures`` times with the given status, then works."""

    def __init__(self, failures: int, status: int) -> None:
        super().__init__()
        self.failures = failures
        self.status = status

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if url.endswith("/sendMessage") and self.failures > 0:
            self.failures -= 1
            body = {"ok": False, "error_code": self.status, "description": "Nope"}
            return self.status, json.dumps(body).encode()
        return await super().do_request(url, method, *args, **kwargs)


@pytest.fixture
def request_double() -> FlakyRequest:
    return FlakyRequest(0, 500)


@pytest.fixture
async def bot(request_double: FlakyRequest) -> AsyncIterator[ExtBot[None]]:
    bot = offline_bot(request_double, "1:T")
    await bot.initialize()
    yield bot
    await bot.shutdown()


def _update(bot: ExtBot[None], update_id: int, user: int, **message: Any) -> Update:
    body = {
        "message_id": update_id,
        "date": 1_790_000_000,
        "chat": {"id": user, "type": "private"},
        "from": {"id": user, "is_bot": False, "first_name": "A"},
        **message,
    }
    return Update.de_json({"update_id": update_id, "message": body}, bot)


async def _statuses(store: SqliteStore) -> dict[int, str]:
    rows = await store.db.fetchall("SELECT update_id, status FROM inbox ORDER BY update_id")
    return {r["update_id"]: r["status"] for r in rows}


@pytest.mark.parametrize(
    ("failures", "status", "outcome", "answers"),
    [
        (0, 500, "done", 1),
        (2, 500, "done", 1),  # Telegram hiccuped twice, the third try went through
        (9, 500, "done", 1),  # an outage of nine tries: still answered in the end
        (40, 502, "done", 1),  # a long one too: never given up while it is worth trying
        (1, 400, "failed", 0),  # Telegram refuses the message itself: no point retrying
        (1, 403, "failed", 0),  # the person blocked the bot
    ],
)
async def test_an_update_is_done_only_once_its_answer_was_sent(
    bot: ExtBot[None],
    engine: Engine,
    store: SqliteStore,
    clock: FakeClock,
    request_double: FlakyRequest,
    failures: int,
    status: int,
    outcome: str,
    answers: int,
) -> None:
    request_double.failures, request_double.status = failures, status
    inbox = TelegramInbox(bot, engine, store.inbox, clock=clock, retry_delay=lambda _: 0)
    await inbox.accept([_update(bot, 1, 7001, text="xong 2 nhà")])
    await inbox.lanes.wait_below(1, asyncio.Event())
    assert await _statuses(store) == {1: outcome}
    assert len(request_double.sent) == answers


async def test_a_restart_processes_what_was_recorded_in_order(
    bot: ExtBot[None],
    engine: Engine,
    store: SqliteStore,
    clock: FakeClock,
    request_double: FlakyRequest,
) -> None:
    contact = {"phone_number": "0912000003", "first_name": "A", "user_id": 7001}
    updates = [
        _update(bot, 1, 7001, contact=contact),
        _update(bot, 2, 7001, text="xong 2 nhà"),
        _update(bot, 3, 7001, text="xong 3 nhà"),
    ]
    entries = [InboxEntry(u.update_id, json.dumps(u.to_dict())) for u in updates]
    entries.append(InboxEntry(4, "not json"))
    await store.inbox.record("telegram", entries, at=clock(), offset=5)

    inbox = TelegramInbox(bot, engine, store.inbox, clock=clock)
    assert await inbox.resume() == 4
    await inbox.lanes.wait_below(1, asyncio.Event())
    # The three waited together: answered together, in their order.
    text = "\n".join(c.text for c in request_double.sent)
    registered = text.index("Bạn đã đăng ký")  # registered before the reports were read
    assert registered < text.index("2 nhà") < text.index("nhà ở hoàn thành 5 nhà")
    assert await _statuses(store) == {1: "done", 2: "done", 3: "done", 4: "failed"}


def test_one_persons_updates_share_a_lane() -> None:
    def update(payload: dict[str, Any]) -> Update:
        return Update.de_json({"update_id": 9, **payload}, None)

    user = {"id": 5, "is_bot": False, "first_name": "A"}
    message = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "from": user}
    button = {"id": "c", "from": user, "chat_instance": "x", "data": "lang:en"}
    assert lane_key(update({"message": message})) == lane_key(update({"callback_query": button}))
    channel = {**message, "chat": {"id": -7, "type": "channel"}}
    del channel["from"]
    assert lane_key(update({"channel_post": channel})) == ("chat", -7)
    assert lane_key(update({})) == ("update", 9)


# --- bursts ---


async def test_several_waiting_messages_are_answered_in_one_reply(
    bot: ExtBot[None],
    engine: Engine,
    store: SqliteStore,
    clock: FakeClock,
    request_double: FlakyRequest,
) -> None:
    """Monday morning: a cadre sends three reports before the bot got to the first."""
    contact = {"phone_number": "0912000003", "first_name": "A", "user_id": 7001}
    inbox = TelegramInbox(bot, engine, store.inbox, clock=clock)
    await inbox.accept([_update(bot, 1, 7001, contact=contact)])
    await inbox.lanes.wait_below(1, asyncio.Event())
    request_double.calls.clear()

    burst = [
        _update(bot, 2, 7001, text="xong 2 nhà"),
        _update(bot, 3, 7001, text="đào tạo nghề 12 người"),
        _update(bot, 4, 7001, text="xong 1 nhà"),
        _update(bot, 5, 7002, text="/start"),  # someone else: answered apart
    ]
    await inbox.accept(burst)
    await inbox.lanes.wait_below(1, asyncio.Event())

    to_cadre = [c for c in request_double.sent if c.params["chat_id"] == 7001]
    assert len(to_cadre) == 1
    (answer,) = to_cadre
    first, second, third = (answer.text.index(s) for s in ("2 nhà", "12 người", "1 nhà"))
    assert first < second < third
    assert "nhà ở hoàn thành 3 nhà" in answer.text  # the running total after all three
    assert [c.params["chat_id"] for c in request_double.sent].count(7002) >= 1
    assert len(await store.reports.all()) == 3
    assert set((await _statuses(store)).values()) == {"done"}


async def test_a_question_with_buttons_in_a_burst_keeps_its_buttons(
    bot: ExtBot[None],
    engine: Engine,
    store: SqliteStore,
    clock: FakeClock,
    request_double: FlakyRequest,
) -> None:
    contact = {"phone_number": "0912000002", "first_name": "L", "user_id": 7002}
    inbox = TelegramInbox(bot, engine, store.inbox, clock=clock)
    await inbox.accept([_update(bot, 1, 7002, contact=contact)])
    await inbox.lanes.wait_below(1, asyncio.Event())
    request_double.calls.clear()
    await inbox.accept(
        [_update(bot, 2, 7002, text="/ngonngu"), _update(bot, 3, 7002, text="/tiendo")]
    )
    await inbox.lanes.wait_below(1, asyncio.Event())
    sent = request_double.sent
    with_buttons = [c for c in sent if c.params.get("reply_markup")]
    assert len(with_buttons) == 1  # the language question, not merged into the progress
    assert len(sent) == 2


async def test_an_outage_is_given_up_only_after_hours(
    bot: ExtBot[None],
    engine: Engine,
    store: SqliteStore,
    clock: FakeClock,
    request_double: FlakyRequest,
) -> None:
    request_double.failures, request_double.status = 10_000, 502

    def an_hour_later(_attempt: int) -> float:
        clock.advance(hours=1)
        return 0

    inbox = TelegramInbox(bot, engine, store.inbox, clock=clock, retry_delay=an_hour_later)
    start = clock()
    await inbox.accept([_update(bot, 1, 7001, text="xong 2 nhà")])
    await inbox.lanes.wait_below(1, asyncio.Event())
    assert await _statuses(store) == {1: "failed"}
    assert clock() - start >= RETRY_FOR


def test_telegram_is_given_tens_of_seconds_to_answer() -> None:
    # A send answered after 5 s must not be sent again: both requests wait long enough.
    channel = TelegramChannel(
        "1:T",
        engine=None,
        inbox=None,
        clock=FakeClock(),  # type: ignore[arg-type]
    )
    for request in channel._requests:
        assert isinstance(request, HTTPXRequest)
        assert request.read_timeout is not None
        assert request.read_timeout >= 20


class _LockedInbox:
    """The store's inbox while a backup holds the write lock for a while."""

    def __init__(self, inbox: Any, locked_for: int) -> None:
        self._inbox = inbox
        self.locked_for = locked_for

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inbox, name)

    async def record(self, *args: Any, **kwargs: Any) -> set[int]:
        if self.locked_for > 0:
            self.locked_for -= 1
            raise sqlite3.OperationalError("database is locked")
        result: set[int] = await self._inbox.record(*args, **kwargs)
        return result


class _PollingBot:
    """Hands one batch to the first getUpdates, then stops the poll at the next one."""

    def __init__(self, bot: ExtBot[None], batch: list[dict[str, Any]], stop: asyncio.Event) -> None:
        self.bot, self.batch, self.stop = bot, batch, stop
        self.offsets: list[object] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.bot, name)

    async def delete_webhook(self) -> bool:
        return True

    async def do_api_request(self, endpoint: str, api_kwargs: dict[str, Any], **_: Any) -> Any:
        assert endpoint == "getUpdates"
        self.offsets.append(api_kwargs.get("offset"))
        if len(self.offsets) == 1:
            return self.batch
        self.stop.set()
        return []


async def test_a_long_write_lock_is_waited_out_and_nothing_is_acknowledged_before(
    bot: ExtBot[None], engine: Engine, store: SqliteStore, clock: FakeClock
) -> None:
    stop = asyncio.Event()
    batch = [_update(bot, 5, 7001, text="xong 2 nhà").to_dict()]
    polling = _PollingBot(bot, batch, stop)
    locked = _LockedInbox(store.inbox, locked_for=3)
    inbox = TelegramInbox(
        polling,  # type: ignore[arg-type]
        engine,
        locked,  # type: ignore[arg-type]
        clock=clock,
        retry_delay=lambda _: 0,
    )
    await inbox.poll(stop)  # returns instead of raising "database is locked"
    assert locked.locked_for == 0
    assert polling.offsets == [None, 6]  # acknowledged only once recorded
    assert await store.inbox.offset("telegram") == 6
    await inbox.lanes.wait_below(1, asyncio.Event())
    assert await _statuses(store) == {5: "done"}
