"""Webhook mode: Zalo POSTs updates to ``<ZALO_WEBHOOK_URL>/<bot id>``; each is committed to
the inbox before the 200 goes back. Requests without the agreed ``X-Bot-Api-Secret-Token``
get 403 and change nothing. Bodies may be flat or wrapped in ``{ok, result}``."""

from __future__ import annotations

import hmac
import json
import logging
import re
from typing import Any
from urllib.parse import urlsplit

import tornado.web

from bot.channels.http import HttpServer
from bot.channels.zalo.inbox import ZaloInbox
from bot.channels.zalo.updates import unwrap

__all__ = ["SECRET_HEADER", "bot_webhook_url", "route_webhook"]

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


def bot_webhook_url(url: str, bot_id: str) -> str:
    """The URL one bot's updates are POSTed to: ZALO_WEBHOOK_URL with the bot id appended."""
    return f"{url.rstrip('/')}/{bot_id}"


class _UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, inbox: ZaloInbox, bot_id: str, secret: bytes) -> None:
        self.inbox = inbox
        self.bot_id = bot_id
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self.secret):
            raise tornado.web.HTTPError(403)
        try:
            body: Any = json.loads(self.request.body)
        except ValueError:
            body = None
        update = unwrap(body)
        if update is None:
            raise tornado.web.HTTPError(400)
        # Committed before this returns, hence before Zalo sees the 200.
        await self.inbox.accept(self.bot_id, [update])
        self.set_header("Content-Type", "application/json")
        self.write({"message": "Success"})

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        # Refusals are logged by tornado.access; anything else by type only (personal data).
        if not isinstance(value, tornado.web.HTTPError):
            logger.error("Zalo webhook request failed: %s", typ.__name__ if typ else "?")


def route_webhook(
    server: HttpServer, inbox: ZaloInbox, *, url: str, bot_id: str, secret: str
) -> None:
    path = urlsplit(bot_webhook_url(url, bot_id)).path
    server.route(
        re.escape(path), _UpdateHandler, inbox=inbox, bot_id=bot_id, secret=secret.encode()
    )
