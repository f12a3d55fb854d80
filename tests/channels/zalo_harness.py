"""The Zalo channel in-process against the stand-in Zalo Bot API (tests/fake_zalo_api.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.channels.files import PublishedFiles
from bot.channels.http import HttpServer
from bot.channels.zalo.channel import ZaloChannel, ZaloWebhook
from core.models import Invite
from core.phones import normalize_phone
from handlers import Engine
from handlers.registration import new_invite_code
from tests.fake_zalo_api import FakeZaloApi, zalo_update

ZTOKEN = "1459232241454765289:ZALO-secret-token-never-in-logs"
ZBOT = ZTOKEN.split(":", 1)[0]


class ZaloHarness:
    def __init__(self, api: FakeZaloApi, engine: Engine, folder: Path) -> None:
        self.api = api
        self.engine = engine
        self.folder = folder
        self.channel = self.new_channel()

    def new_channel(
        self,
        *,
        webhook: ZaloWebhook | None = None,
        http: HttpServer | None = None,
        files: PublishedFiles | None = None,
        tokens: list[str] | None = None,
        backoff: Callable[[float], float] | None = None,
        lock_dir: Path | None = None,
    ) -> ZaloChannel:
        return ZaloChannel(
            tokens or [ZTOKEN],
            engine=self.engine,
            inbox=self.engine.store.inbox,  # type: ignore[attr-defined]
            clock=self.engine.clock,
            base_url=self.api.base_url,
            webhook=webhook,
            http=http,
            files=files,
            backoff=backoff,
            lock_dir=lock_dir,
        )

    async def restart(self, **options: Any) -> ZaloChannel:
        """A new channel as a new process would make it (the old one is closed first)."""
        await self.channel.close(5)
        self.channel = self.new_channel(**options)
        return self.channel

    async def settle(self) -> None:
        """Until every accepted update was handled."""
        lanes = self.channel.inbox.lanes
        while lanes.backlog:
            await lanes.wait_below(1, asyncio.Event())

    async def feed(self, update: dict[str, Any], bot_id: str = ZBOT) -> list[str]:
        """Accept one update as the poller or webhook would; the texts sent in answer."""
        before = len(self.api.sent)
        await self.channel.inbox.accept(bot_id, [update])
        await self.settle()
        return [s.text for s in self.api.sent[before:]]

    async def say(self, user: str, text: str | None = None, **extra: Any) -> list[str]:
        return await self.feed(zalo_update(user, text, **extra))

    async def invite(self, phone: str, *, expired: bool = False) -> str:
        store = self.engine.store
        person = await store.people.by_phone(normalize_phone(phone))
        assert person is not None
        now: datetime = self.engine.clock()
        code = new_invite_code()
        expires = now + (timedelta(days=-1) if expired else timedelta(days=7))
        await store.people.add_invite(Invite(code, person.phone, person.id, expires), now)
        return code

    async def register(self, user: str, phone: str) -> list[str]:
        return await self.say(user, await self.invite(phone))
