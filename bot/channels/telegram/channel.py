"""The Telegram channel's life-cycle: start, serve (long polling or webhook), close."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import Update
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import BaseRequest, HTTPXRequest

from bot.channels.http import HttpServer
from bot.channels.lanes import wait_any
from bot.channels.shared import Sharing
from bot.channels.telegram.inbox import TelegramInbox
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.updates import CHANNEL
from bot.channels.telegram.webhook import route_webhook, webhook_path
from core.ports import Inbox
from handlers import Engine

__all__ = ["TelegramChannel", "Webhook"]

logger = logging.getLogger(__name__)

# Telegram answers a send in well under a second, but minutes-long slow spells happen. A read
# timed out is sent again (the API has no idempotency key), so wait long: a duplicate
# confirmation after a real timeout is acceptable, a missing one is not.
READ_TIMEOUT = 30.0
CONNECT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Webhook:
    url: str
    secret: str


class TelegramChannel:
    """One bot token: its Bot, its durable inbox, and its sender for the outbox."""

    name = CHANNEL
    sender: TelegramSender

    def __init__(
        self,
        token: str,
        *,
        engine: Engine,
        inbox: Inbox,
        clock: Callable[[], datetime],
        base_url: str = "https://api.telegram.org/bot",
        webhook: Webhook | None = None,
        http: HttpServer | None = None,
        request: BaseRequest | None = None,
        rate_limit: bool = True,
        sharing: Sharing | None = None,
    ) -> None:
        # Many chats are answered at once; getUpdates has a connection of its own.
        self._requests = (
            request
            or HTTPXRequest(
                connection_pool_size=64,
                read_timeout=READ_TIMEOUT,
                write_timeout=READ_TIMEOUT,
                connect_timeout=CONNECT_TIMEOUT,
            ),
            request or HTTPXRequest(read_timeout=READ_TIMEOUT, connect_timeout=CONNECT_TIMEOUT),
        )
        self.bot: ExtBot[None] = ExtBot(
            token,
            base_url=base_url,
            request=self._requests[0],
            get_updates_request=self._requests[1],
            # PTB types the limiter by its argument type; AIORateLimiter takes an int.
            rate_limiter=AIORateLimiter(max_retries=3) if rate_limit else None,  # type: ignore[arg-type]
        )
        self.sender = TelegramSender(self.bot)
        self.inbox = TelegramInbox(self.bot, engine, inbox, clock=clock, sharing=sharing)
        if webhook is not None and http is None:
            raise ValueError("Telegram's webhook mode needs the HTTP server")
        self.webhook = webhook
        self.http = http

    async def start(self) -> None:
        """Check the token (getMe) and queue what was recorded but not answered."""
        await self.bot.initialize()
        await self.inbox.resume()

    async def serve(self, stop: asyncio.Event) -> None:
        """Receive updates until ``stop`` is set."""
        logger.info("the Telegram bot is running (%s)", "webhook" if self.webhook else "polling")
        if self.webhook is None:
            await self.inbox.poll(stop)
            return
        hook = self.webhook
        assert self.http is not None
        route_webhook(self.http, self.inbox, path=webhook_path(hook.url), secret=hook.secret)
        # Listen first: Telegram may call as soon as the webhook is set.
        self.http.hold()
        try:
            await self.bot.set_webhook(
                hook.url, secret_token=hook.secret, allowed_updates=Update.ALL_TYPES
            )
            logger.info("webhook set; listening on %s:%d", self.http.listen, self.http.port)
            await wait_any(stop)
        finally:
            await self.http.release()

    async def close(self, grace: float) -> None:
        """Stop taking updates; let those being answered finish within ``grace`` seconds."""
        await self.inbox.close(grace)
        await self.bot.shutdown()
        for request in self._requests:  # also after a failed start (then the bot has not)
            await request.shutdown()
