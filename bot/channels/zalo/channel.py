"""The Zalo channel's life-cycle: one or several bots on one inbox, by polling or webhook."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.channels.files import PublishedFiles
from bot.channels.http import HttpServer
from bot.channels.lanes import wait_any
from bot.channels.shared import Sharing
from bot.channels.zalo.api import ZaloApi, ZaloError
from bot.channels.zalo.inbox import ZaloInbox, default_backoff
from bot.channels.zalo.media import PhotoFetcher
from bot.channels.zalo.sender import ZaloSender
from bot.channels.zalo.updates import CHANNEL, address_of
from bot.channels.zalo.webhook import bot_webhook_url, route_webhook
from core.models import Role
from core.outbox import OutboxMessage
from core.ports import Inbox
from handlers import Engine

__all__ = ["QUOTA_NOTICE", "ZaloBotBusy", "ZaloChannel", "ZaloTokenRefused", "ZaloWebhook"]

logger = logging.getLogger(__name__)

QUOTA_NOTICE = "zalo-quota"  # the outbox kind of the admins' notice
USERS_NOTICE = "zalo-users"  # ... and of the notice that a bot nears its user cap
USERS_WARN_SHARE = 0.9  # tell the admins from this share of the cap on
USERS_CHECK_EVERY = 3600.0  # seconds between two counts of a bot's users


@dataclass(frozen=True)
class ZaloWebhook:
    url: str  # each bot gets /<bot id> appended
    secret: str


class ZaloBotBusy(Exception):
    """Another process already serves this bot (Zalo hands each update to one poller only)."""

    def __init__(self, bot_id: str) -> None:
        super().__init__(f"another process already serves Zalo bot {bot_id}: stop it first")
        self.bot_id = bot_id


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
        lock_dir: Path | None = None,
        users_per_bot: int = 50,
        sharing: Sharing | None = None,
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
            sharing=sharing,
        )
        self.engine = engine
        self.clock = clock
        # One lock file per bot: one process serves a token. Sharing a database, the processes
        # share the bots instead (one polls each, all process; see ZaloInbox).
        self.lock_dir = lock_dir if sharing is None else None
        self.users_per_bot = users_per_bot
        self._locks: list[int] = []
        self.sender.on_quota = self.tell_admins
        if webhook is not None and http is None:
            raise ValueError("Zalo's webhook mode needs the HTTP server")
        self.webhook = webhook
        self.http = http if (webhook is not None or files is not None) else None

    def _lock(self) -> None:
        if self.lock_dir is None:
            return
        self.lock_dir.mkdir(parents=True, exist_ok=True)
        for bot_id in self.apis:
            fd = os.open(self.lock_dir / f"zalo-{bot_id}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise ZaloBotBusy(bot_id) from None
            self._locks.append(fd)

    async def start(self) -> None:
        """Take each bot's lock, check each token (getMe), and queue what was recorded but not
        answered."""
        self._lock()
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
        await self.check_users()
        await self.inbox.resume()

    async def serve(self, stop: asyncio.Event) -> None:
        mode = "webhook" if self.webhook else "polling"
        logger.info("the Zalo channel is running: %d bot(s), %s", len(self.apis), mode)
        if self.http is not None:
            self.http.hold()
        counting = asyncio.ensure_future(self._count_users(stop))
        try:
            if self.webhook is None:
                await asyncio.gather(*(self.inbox.poll(api, stop) for api in self.apis.values()))
                return
            await self._set_webhooks(self.webhook)
            await wait_any(stop)
        finally:
            counting.cancel()
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

    async def _count_users(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await wait_any(stop, at_most=USERS_CHECK_EVERY)
            if not stop.is_set():
                await self.check_users()

    async def check_users(self) -> None:
        """Zalo's free plan serves about ``users_per_bot`` people per bot and does not say how
        it refuses the next one: count the people linked to each bot and tell the admins (a
        log line and, once a month per bot, a message) when a bot nears the cap."""
        store = self.engine.store
        now = self.clock()
        admins = [p for p in await store.people.all() if p.role == Role.ADMIN]
        for bot_id in self.apis:
            users = await store.people.linked_count(CHANNEL, address_of(bot_id, ""))
            if users < USERS_WARN_SHARE * self.users_per_bot:
                continue
            logger.warning(
                "Zalo bot %s serves %d people, near the free plan's %d: add a bot",
                bot_id,
                users,
                self.users_per_bot,
            )
            messages = []
            for admin in admins:
                t = self.engine.translator(admin)
                text = t.gettext(
                    "Bot Zalo {bot} đã có {users}/{cap} người dùng. Gói miễn phí của Zalo chỉ"
                    " phục vụ khoảng {cap} người mỗi bot; người tiếp theo có thể không nhắn được"
                    " cho bot. Hãy tạo thêm một bot và thêm mã của nó vào ZALO_BOT_TOKEN."
                ).format(bot=bot_id, users=t.number(users), cap=t.number(self.users_per_bot))
                period = f"{now:%Y-%m}:{bot_id}"
                messages.append(OutboxMessage(admin.id, USERS_NOTICE, period, text))
            if messages:
                await store.outbox.enqueue(messages, at=now)

    async def tell_admins(self, bot_id: str) -> None:
        """A message to every admin, once a month per bot, through the outbox: it reaches them
        on the channel they last wrote from (Telegram, another Zalo bot) or waits there."""
        store = self.engine.store
        now = self.clock()
        admins = [p for p in await store.people.all() if p.role == Role.ADMIN]
        messages = []
        for admin in admins:
            t = self.engine.translator(admin)
            text = t.gettext(
                "Bot Zalo {bot} đã dùng hết hạn mức tin nhắn của tháng. Bot tạm ngừng gửi và"
                " thử lại mỗi giờ; tin nhắc việc chờ trong hàng đợi. Hãy chia người dùng sang"
                " thêm bot (ZALO_BOT_TOKEN) hoặc đổi gói."
            ).format(bot=bot_id)
            period = f"{now:%Y-%m}:{bot_id}"
            messages.append(OutboxMessage(admin.id, QUOTA_NOTICE, period, text))
        if messages:
            await store.outbox.enqueue(messages, at=now)

    async def close(self, grace: float) -> None:
        await self.inbox.close(grace)
        for api in self.apis.values():
            await api.close()
        await self.photos.close()
        for fd in self._locks:  # closing the file releases the lock
            os.close(fd)
        self._locks.clear()
