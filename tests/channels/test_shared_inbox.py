"""Two bot processes on one PostgreSQL database, each receiving some of the updates (as
behind a reverse proxy): every update answered once, one person's in the order sent, and the
poller's role held by one process at a time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import pytest
from telegram import Update
from telegram.ext import ExtBot

from bot.channels.telegram.inbox import TelegramInbox
from bot.settings import Settings
from locales.translator import Translator
from storage import SqlStore
from tests.fakes import FakeClock, OfflineRequest, offline_bot
from tests.postgres import demo_processes, fresh_schema, postgres_url, schema_url

ANN, BAO = 7001, 7002


class WatchedRequest(OfflineRequest):
    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        answer = await super().do_request(url, method, *args, **kwargs)
        self.changed.set()
        return answer

    async def until_sent(self, count: int, within: float = 20.0) -> None:
        async def wait() -> None:
            while len(self.sent) < count:
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(wait(), within)


class Process:
    def __init__(self, store: SqlStore, inbox: TelegramInbox) -> None:
        self.store, self.inbox = store, inbox


@pytest.fixture
async def processes(
    settings: Settings, translators: dict[str, Translator], clock: FakeClock
) -> AsyncIterator[tuple[list[Process], WatchedRequest, ExtBot[None]]]:
    request = WatchedRequest()
    bot = offline_bot(request, "1:T")
    await bot.initialize()
    async with fresh_schema() as schema, AsyncExitStack() as stack:
        url = schema_url(postgres_url(), schema)
        made = []
        for store, engine, sharing in await demo_processes(
            stack, url, settings=settings, translators=translators, clock=clock
        ):
            inbox = TelegramInbox(bot, engine, store.inbox, clock=clock, sharing=sharing)
            stack.push_async_callback(inbox.close, 5.0)
            await inbox.resume()
            made.append(Process(store, inbox))
        yield made, request, bot
    await bot.shutdown()


def update(bot: ExtBot[None], update_id: int, user: int, **message: Any) -> Update:
    body = {
        "message_id": update_id,
        "date": 1_790_000_000,
        "chat": {"id": user, "type": "private"},
        "from": {"id": user, "is_bot": False, "first_name": "A"},
        **message,
    }
    return Update.de_json({"update_id": update_id, "message": body}, bot)


async def test_updates_reaching_either_process_are_answered_once_in_each_persons_order(
    processes: tuple[list[Process], WatchedRequest, ExtBot[None]],
) -> None:
    (a, b), request, bot = processes
    ann = {"phone_number": "0912000003", "first_name": "A", "user_id": ANN}
    bao = {"phone_number": "0912000004", "first_name": "B", "user_id": BAO}
    # Alternating processes: each person's later messages reach the other process.
    await a.inbox.accept([update(bot, 1, ANN, contact=ann)])
    await b.inbox.accept([update(bot, 2, BAO, contact=bao), update(bot, 3, ANN, text="xong 2 nhà")])
    await a.inbox.accept(
        [update(bot, 4, BAO, text="xong 1 nhà"), update(bot, 5, ANN, text="xong 3 nhà")]
    )
    await b.inbox.accept([update(bot, 5, ANN, text="xong 3 nhà")])  # a redelivery to the other
    await request.until_sent(5)
    to_ann = [c.text for c in request.sent if c.params["chat_id"] == ANN]
    assert len(to_ann) == 3
    assert "Bạn đã đăng ký" in to_ann[0]  # registered before the reports were read
    assert "2 nhà" in to_ann[1]
    assert "Tổng thôn Sà Lủng: nhà ở hoàn thành 5 nhà" in to_ann[2]
    to_bao = [c.text for c in request.sent if c.params["chat_id"] == BAO]
    assert len(to_bao) == 2
    for process in (a, b):
        await process.inbox.close(5.0)  # lets what runs finish
    rows = await a.store.db.fetchall("SELECT update_id, status FROM inbox ORDER BY update_id")
    assert [(r["update_id"], r["status"]) for r in rows] == [(i, "done") for i in range(1, 6)]
    assert sorted(r.count for r in await b.store.reports.all()) == [1, 2, 3]  # each once


async def test_only_one_process_polls_a_token_and_another_takes_over_when_it_dies(
    processes: tuple[list[Process], WatchedRequest, ExtBot[None]],
) -> None:
    (a, b), request, _ = processes
    stop = asyncio.Event()
    polls = {p: asyncio.create_task(p.inbox.poll(stop)) for p in (a, b)}

    async def until(method: str, count: int) -> None:
        while sum(c.method == method for c in request.calls) < count:
            request.changed.clear()
            await asyncio.wait_for(request.changed.wait(), 10)

    await until("getUpdates", 20)
    # One process polls (it alone cleared the webhook first); the other waits for the role.
    assert sum(c.method == "deleteWebhook" for c in request.calls) == 1
    (poller,) = [p for p in (a, b) if p.store.db.held]  # type: ignore[attr-defined]
    polls.pop(poller).cancel()
    poller.store.db.pool.terminate()  # type: ignore[attr-defined]  # it dies: its session ends
    await until("deleteWebhook", 2)  # the other one took over
    stop.set()
    await asyncio.wait_for(asyncio.gather(*polls.values()), 10)
