"""The Zalo channel's life-cycle: one or several bots on one inbox, by polling or webhook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.channels.files import PublishedFiles
from bot.channels.http import HttpServer
from bot.channels.lanes import wait_any
from bot.channels.zalo.api import ZaloApi, ZaloError
from bot.channels.zalo.inbox import ZaloInbox, default_backoff
from bot.channels.zalo.media import PhotoFetcher
from bot.channels.zalo.sender import ZaloSender
from bot.channels.zalo.updates import CHANNEL
from bot.channels.zalo.webhook import bot_webhook_url, route_webhook
from core.ports import Inbox
from handlers import Engine

__all__ = ["ZaloChannel", "ZaloTokenRefused", "ZaloWebhook"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ZaloWebhook:
    url: str  # each bot gets /<bot id> appended
    secret: str


class ZaloTokenRefused(Exception):
    """Zalo answered 401 to getMe: the token is wrong or was reset."""

    def __init__(self, bot_id: str) -> None:
        super().__init__(f"Zalo refused the token of bot {bot_id} (401): check ZALO_BOT_TOKEN")
        self.bot_id = bot_id


class ZaloChannel:
    """Every configured Zalo bot: one poller (or webhook route) per token, one inbox."""

    name = CHANNEL
    sender: ZaloSender

    def __init__(
        self,
        tokens: list[str],
        *,
        engine: Engine,
        inbox: Inbox,
        clock: Callable[[], datetime],
        base_url: str = "https://bot-api.zaloplatforms.com/bot",
        webhook: ZaloWebhook | None = None,
        http: HttpServer | None = None,
        files: PublishedFiles | None = None,
        backoff: Callable[[float], float] | None = None,
    ) -> None:
        self.apis = {api.bot_id: api for api in (ZaloApi(t, base_url=base_url) for t in tokens)}
        self.sender = ZaloSender(self.apis, clock=clock)
        self.names: dict[str, list[str]] = {}
        self.photos = PhotoFetcher()
        self.inbox = ZaloInbox(
            self.sender,
            engine,
            inbox,
            clock=clock,
            names=self.names,
            photos=self.photos,
            files=files,
            backoff=backoff or default_backoff,
        )
        if webhook is not None and http is None:
            raise ValueError("Zalo's webhook mode needs the HTTP server")
        self.webhook = webhook
        self.http = http if (webhook is not None or files is not None) else None

    async def start(self) -> None:
        """Check each token (getMe) and queue what was recorded but not answered."""
        for bot_id, api in self.apis.items():
            try:
                me = await api.call("getMe")
            except ZaloError as error:
                if error.code == 401:
                    raise ZaloTokenRefused(bot_id) from None
                # Zalo may be down for hours: the bot starts anyway and polling backs off.
                logger.warning("Zalo bot %s: getMe failed (%s)", bot_id, error.code)
                continue
            if isinstance(me, dict):
                self.names[bot_id] = [
                    str(me[key]) for key in ("display_name", "name", "account_name") if me.get(key)
                ]
        await self.inbox.resume()

    async def serve(self, stop: asyncio.Event) -> None:
        mode = "webhook" if self.webhook else "polling"
        logger.info("the Zalo channel is running: %d bot(s), %s", len(self.apis), mode)
        if self.http is not None:
            self.http.hold()
        try:
            if self.webhook is None:
                await asyncio.gather(*(self.inbox.poll(api, stop) for api in self.apis.values()))
                return
            await self._set_webhooks(self.webhook)
            await wait_any(stop)
        finally:
            if self.http is not None:
                await self.http.release()

    async def _set_webhooks(self, hook: ZaloWebhook) -> None:
        assert self.http is not None
        for bot_id in self.apis:
            route_webhook(self.http, self.inbox, url=hook.url, bot_id=bot_id, secret=hook.secret)
        for bot_id, api in self.apis.items():
            # The server listens already: Zalo may probe the URL when it is saved.
            try:
                await api.call(
                    "setWebhook",
                    {"url": bot_webhook_url(hook.url, bot_id), "secret_token": hook.secret},
                )
            except ZaloError as error:
                logger.error("Zalo bot %s: setWebhook failed (%s)", bot_id, error.code)

    async def close(self, grace: float) -> None:
        await self.inbox.close(grace)
        for api in self.apis.values():
            await api.close()
        await self.photos.close()
