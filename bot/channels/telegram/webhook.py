"""Webhook mode: Telegram POSTs updates here; each is recorded before the 200 goes back.

python-telegram-bot's own webhook server answers 200 before the update is processed or
stored, so an update could be lost to a crash; this small server shares the polling mode's
durable inbox instead. A request without the agreed secret header is refused with 403.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from typing import Any
from urllib.parse import urlsplit

import tornado.web

from bot.channels.http import HttpServer
from bot.channels.telegram.inbox import TelegramInbox

__all__ = ["SECRET_HEADER", "route_webhook", "webhook_path"]

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


def webhook_path(url: str) -> str:
    """Where Telegram will POST: the path of WEBHOOK_URL."""
    return urlsplit(url).path or "/"


class _UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, inbox: TelegramInbox, secret: bytes) -> None:
        self.inbox = inbox
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self.secret):
            raise tornado.web.HTTPError(403)
        update = self._update()
        if update is None:
            raise tornado.web.HTTPError(400)
        # Committed before this returns, hence before Telegram sees the 200; an update the
        # library cannot read is recorded and acknowledged too, and fails on its own.
        await self.inbox.accept([update])
        self.set_status(200)

    def _update(self) -> dict[str, Any] | None:
        """The update as received; None for what is not an update at all."""
        try:
            payload: Any = json.loads(self.request.body)
        except (ValueError, RecursionError):
            return None
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return None
        return payload

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        # Expected refusals (403, 400) are logged by tornado.access; anything else is a bug,
        # logged by type only: the request may hold personal data.
        if not isinstance(value, tornado.web.HTTPError):
            logger.error("webhook request failed: %s", typ.__name__ if typ else "?")


def route_webhook(server: HttpServer, inbox: TelegramInbox, *, path: str, secret: str) -> None:
    """Telegram's updates arrive at ``path`` of the process's HTTP server."""
    server.route(re.escape(path), _UpdateHandler, inbox=inbox, secret=secret.encode())
