"""Two bot processes with the same Zalo bot on one PostgreSQL database: one polls the bot
(a lock in the database), both answer from the shared inbox; when the poller dies the other
polls; in webhook mode either takes any update. Every update is answered once, and one
person's answers come in the order the person wrote."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from bot.channels.http import HttpServer
from bot.channels.zalo.channel import ZaloChannel, ZaloWebhook
from bot.channels.zalo.webhook import SECRET_HEADER
from bot.settings import Settings
from core.models import Invite
from core.phones import normalize_phone
from handlers.registration import new_invite_code
from locales.translator import Translator
from storage import SqlStore
from tests.channels.zalo_harness import ZBOT, ZTOKEN
from tests.conftest import CADRE_SA_LUNG, CADRE_XA_PHIN
from tests.fake_bot_api import free_port
from tests.fake_zalo_api import FakeZaloApi, zalo_update
from tests.fakes import FakeClock
from tests.postgres import demo_processes, fresh_schema, postgres_url, schema_url

ANN, BAO = "zalo-user-ann", "zalo-user-bao"
SECRET = "zalo-webhook-secret-pg"
ANSWER = re.compile(r"Nhà ở hoàn thành (\d+)")


@dataclass
class Process:
    store: SqlStore
    channel: ZaloChannel
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    serving: asyncio.Task[None] | None = None

    @property
    def polls(self) -> bool:
        return bool(self.store.db.held)  # type: ignore[attr-defined]

    def die(self) -> None:
        """As SIGKILL would: its database sessions end (its lock with them), it polls no more."""
        self.store.db.pool.terminate()  # type: ignore[attr-defined]
        self.stop.set()


class Processes:
    def __init__(self, api: FakeZaloApi, clock: FakeClock) -> None:
        self.api, self.clock = api, clock
        self.all: list[Process] = []
        self._written = 0

    def write(self, user: str, text: str) -> dict[str, Any]:
        """A message as Zalo delivers it, one second after the previous one."""
        self._written += 1
        update = zalo_update(user, text)
        update["message"]["date"] = 1_790_000_000_000 + 1000 * self._written
        return update

    async def invite(self, phone: str) -> str:
        store = self.all[0].store
        person = await store.people.by_phone(normalize_phone(phone))
        assert person is not None
        code = new_invite_code()
        invite = Invite(code, person.phone, person.id, self.clock() + timedelta(days=7))
        await store.people.add_invite(invite, self.clock())
        return code

    def answers(self, user: str) -> list[int]:
        return [int(m[1]) for t in self.api.texts(user) for m in ANSWER.finditer(t)]


@pytest.fixture
async def processes(
    settings: Settings, translators: dict[str, Translator], clock: FakeClock
) -> AsyncIterator[Processes]:
    url = postgres_url()  # first: skipped without it
    api = FakeZaloApi([ZTOKEN])
    await api.start()
    made = Processes(api, clock)
    async with fresh_schema() as schema, AsyncExitStack() as stack:
        stack.push_async_callback(api.stop)
        url = schema_url(url, schema)
        for store, engine, sharing in await demo_processes(
            stack, url, settings=settings, translators=translators, clock=clock
        ):
            http = HttpServer("127.0.0.1", free_port())
            channel = ZaloChannel(
                [ZTOKEN],
                engine=engine,
                inbox=store.inbox,
                clock=clock,
                base_url=api.base_url,
                webhook=ZaloWebhook(f"http://127.0.0.1:{http.port}/zalo", SECRET),
                http=http,
                sharing=sharing,
            )
            channel.inbox.poll_timeout = 1
            made.all.append(Process(store, channel))
        yield made
        for process in made.all:
            process.stop.set()
            if process.serving is not None:
                await process.serving
            # A dead one's database is gone: what it would give back, the lease returns.
            with contextlib.suppress(asyncpg.InterfaceError):
                await process.channel.close(5)


async def all_done(store: SqlStore, within: float = 30) -> None:
    """Until no recorded update waits (polled: the database tells no one)."""

    async def poll() -> None:
        # The database signals nothing to wait for: asked again every 50 ms.
        while await store.db.fetchone(  # noqa: ASYNC110
            "SELECT 1 FROM inbox WHERE status = 'pending'"
        ):
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), within)


async def serve(processes: Processes, *, webhook: bool) -> None:
    for process in processes.all:
        if not webhook:
            process.channel.webhook = None
        await process.channel.start()
        process.serving = asyncio.create_task(process.channel.serve(process.stop))


async def test_one_process_polls_the_zalo_bot_and_the_other_takes_over_when_it_dies(
    processes: Processes,
) -> None:
    api = processes.api
    await serve(processes, webhook=False)
    await api.wait_for(lambda: len(api.method_calls("getUpdates")) >= 3, 10, "polling")
    # One process polls (it alone cleared the webhook first); the other only processes.
    assert len(api.method_calls("deleteWebhook")) == 1
    (poller,) = [p for p in processes.all if p.polls]
    api.push(processes.write(ANN, await processes.invite(CADRE_SA_LUNG)))
    api.push(processes.write(BAO, await processes.invite(CADRE_XA_PHIN)))
    for houses in (1, 2, 3):
        api.push(processes.write(ANN, f"xong {houses} nhà"))
        api.push(processes.write(BAO, f"xong {houses} nhà"))
    await api.wait_for(
        lambda: len(processes.answers(ANN)) == len(processes.answers(BAO)) == 3, 30, "answers"
    )
    await all_done(poller.store)  # marked too: a message being answered at death may go twice
    poller.die()
    await api.wait_for(lambda: len(api.method_calls("deleteWebhook")) == 2, 10, "the takeover")
    (survivor,) = [p for p in processes.all if p is not poller]
    assert survivor.polls
    for houses in (4, 5):
        api.push(processes.write(ANN, f"xong {houses} nhà"))
        api.push(processes.write(BAO, f"xong {houses} nhà"))
    await api.wait_for(
        lambda: len(processes.answers(ANN)) == len(processes.answers(BAO)) == 5, 30, "answers"
    )
    for user in (ANN, BAO):
        assert processes.answers(user) == [1, 2, 3, 4, 5]  # once each, in the order written
        assert len(api.texts(user)) == 6  # and the welcome, once
    reports = await survivor.store.reports.all()
    assert sorted(r.count for r in reports) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    await all_done(survivor.store)
    rows = await survivor.store.db.fetchall("SELECT status FROM inbox")
    assert [r["status"] for r in rows] == ["done"] * 12  # none failed, none lost


async def test_zalo_webhooks_reaching_either_process_are_answered_once_in_order(
    processes: Processes,
) -> None:
    api = processes.api
    await serve(processes, webhook=True)
    hooks = [p.channel.webhook for p in processes.all]
    urls = [f"{hook.url}/{ZBOT}" for hook in hooks if hook is not None]
    async with httpx.AsyncClient(trust_env=False, timeout=30) as client:

        async def post(process: int, update: dict[str, Any]) -> None:
            answer = await client.post(urls[process], json=update, headers={SECRET_HEADER: SECRET})
            assert answer.status_code == 200

        await post(0, processes.write(ANN, await processes.invite(CADRE_SA_LUNG)))
        await post(1, processes.write(BAO, await processes.invite(CADRE_XA_PHIN)))
        for houses in range(1, 7):
            # Each person's messages alternate between the processes.
            await post(houses % 2, processes.write(ANN, f"xong {houses} nhà"))
            again = processes.write(BAO, f"xong {houses} nhà")
            await post((houses + 1) % 2, again)
            if houses == 3:
                await post(houses % 2, again)  # Zalo delivers one twice, to the other process
        await api.wait_for(
            lambda: len(processes.answers(ANN)) == len(processes.answers(BAO)) == 6, 30, "answers"
        )
    for user in (ANN, BAO):
        assert processes.answers(user) == [1, 2, 3, 4, 5, 6]
    assert len(await processes.all[1].store.reports.all()) == 12
    assert not any(p.polls for p in processes.all)  # webhooks: nobody polls
