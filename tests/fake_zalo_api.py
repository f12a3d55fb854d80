"""A stand-in Zalo Bot API on 127.0.0.1, behaving as the reference describes.

- ``getUpdates`` hands out ONE update per call and forgets it at once (no offset, no
  acknowledgement: at-most-once); with nothing to hand out it waits ``timeout`` seconds and
  answers ``{"ok": false, "error_code": 408}`` with HTTP 200. A caller that hung up (a
  process that died or stopped) is handed nothing.
- ``sendMessage`` refuses texts over 2,000 characters (400); sends are recorded.
- ``fail(code)`` makes every call fail so (until ``recover()``); ``quota()`` makes every
  send answer 429 (the monthly quota) until ``recover()``.
- Several bots (tokens) are served at once; a wrong token gets 401.
- ``/photos/<name>`` serves ``photos[name]`` (404 when unknown), for ``photo_url``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tornado.httpserver
import tornado.web

from tests.fake_bot_api import LocalApi

__all__ = ["FakeZaloApi", "ZSent", "zalo_update"]


@dataclass(frozen=True)
class ZSent:
    bot_id: str
    method: str
    chat_id: str
    text: str
    photo: str = ""


def zalo_update(
    user: str,
    text: str | None = None,
    *,
    event: str = "message.text.received",
    chat: str | None = None,
    chat_type: str = "PRIVATE",
    message_id: str | None = None,
    is_bot: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """An update shaped like Zalo's: string ids, a 20-hex message id, the date in ms."""
    message: dict[str, Any] = {
        "message_id": message_id or secrets.token_hex(10),
        "date": int(time.time() * 1000),
        "from": {"id": user, "display_name": "Cán bộ", "is_bot": is_bot},
        "chat": {"id": chat or user, "chat_type": chat_type},
        **extra,
    }
    if text is not None:
        message["text"] = text
    return {"event_name": event, "message": message}


class FakeZaloApi(LocalApi):
    def __init__(self, tokens: list[str]) -> None:
        super().__init__()
        self.tokens = {token.split(":", 1)[0]: token for token in tokens}
        self.queues: dict[str, list[dict[str, Any]]] = {bot: [] for bot in self.tokens}
        self.handed_out: list[tuple[str, dict[str, Any]]] = []  # (bot id, update)
        self.sent: list[ZSent] = []
        self.calls: list[tuple[str, str, dict[str, Any]]] = []  # (bot id, method, params)
        self.fail_with: int | None = None
        self.quota_spent = False
        self.on_get_updates: Callable[[str], None] | None = None
        self.photos: dict[str, bytes] = {}
        self.send_delay = 0.0  # seconds each send takes (so that answers lag behind updates)
        self._message_ids = itertools.count(1)

    # --- test side ---

    def routes(self) -> list[Any]:
        return [
            (r"/photos/([\w.-]+)", _PhotoHandler, {"api": self}),
            (r"/bot([^/]+)/(\w+)", _Handler, {"api": self}),
        ]

    def photo_url(self, name: str = "p.jpg") -> str:
        return f"http://127.0.0.1:{self.port}/photos/{name}"

    def push(self, update: dict[str, Any], bot_id: str | None = None) -> dict[str, Any]:
        bot = bot_id or next(iter(self.tokens))
        self.queues[bot].append(update)
        self._notify()
        return update

    def fail(self, code: int) -> None:
        self.fail_with = code
        self._notify()

    def quota(self) -> None:
        self.quota_spent = True

    def recover(self) -> None:
        self.fail_with = None
        self.quota_spent = False
        self._notify()

    def texts(self, chat_id: str | None = None) -> list[str]:
        return [s.text for s in self.sent if chat_id is None or s.chat_id == chat_id]

    def method_calls(self, method: str) -> list[dict[str, Any]]:
        return [params for _bot, name, params in self.calls if name == method]

    # --- bot side ---

    async def answer(
        self,
        token: str,
        method: str,
        params: dict[str, Any],
        gone: Callable[[], bool] = lambda: False,
    ) -> tuple[int, Any]:
        bot_id = token.split(":", 1)[0]
        self.calls.append((bot_id, method, params))
        self._notify()
        if self.tokens.get(bot_id) != token:
            return 401, _error(401, "Unauthorized")
        if self.fail_with is not None:
            code = self.fail_with
            return (code if code >= 500 else 200), _error(code, "Internal server error")
        if method == "getMe":
            return 200, _ok({"id": bot_id, "account_name": "bot.Test", "account_type": "BASIC"})
        if method == "getUpdates":
            return 200, await self._get_updates(bot_id, params, gone)
        if method in ("sendMessage", "sendPhoto", "sendSticker"):
            if self.send_delay:
                await asyncio.sleep(self.send_delay)
            return self._send(bot_id, method, params)
        if method in ("setWebhook", "deleteWebhook", "getWebhookInfo"):
            url = params.get("url", "") if method == "setWebhook" else ""
            return 200, _ok({"url": url, "updated_at": int(time.time() * 1000)})
        if method == "sendChatAction":
            return 200, {"ok": True}
        return 404, _error(404, "Not found")

    def _send(self, bot_id: str, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        if self.quota_spent:
            return 200, _error(429, "Quota exceeded")
        text = str(params.get("text") or params.get("caption") or "")
        if method == "sendMessage" and not 1 <= len(text) <= 2000:
            return 200, _error(400, "text must be 1-2000 characters")
        self.sent.append(
            ZSent(bot_id, method, str(params.get("chat_id")), text, str(params.get("photo", "")))
        )
        self._notify()
        message_id = f"{next(self._message_ids):020x}"
        return 200, _ok({"message_id": message_id, "date": int(time.time() * 1000)})

    async def _get_updates(
        self, bot_id: str, params: dict[str, Any], gone: Callable[[], bool]
    ) -> Any:
        if self.on_get_updates is not None:
            self.on_get_updates(bot_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(params.get("timeout") or 30)
        queue = self.queues[bot_id]
        while not queue and not self._closing and self.fail_with is None and not gone():
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        if not queue or self.fail_with is not None or gone():
            return _error(408, "Request timeout")
        update = queue.pop(0)  # consumed on response: Zalo never hands it out again
        self.handed_out.append((bot_id, update))
        self._notify()
        return _ok(update)


def _ok(result: Any) -> dict[str, Any]:
    return {"ok": True, "result": result}


def _error(code: int, description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": code, "description": description}


class _Handler(tornado.web.RequestHandler):
    def initialize(self, api: FakeZaloApi) -> None:
        self.api = api
        self.gone = False

    def on_connection_close(self) -> None:
        self.gone = True
        self.api._notify()

    async def post(self, token: str, method: str) -> None:
        params: dict[str, Any] = {}
        if self.request.body:
            params = json.loads(self.request.body)
        code, body = await self.api.answer(token, method, params, lambda: self.gone)
        self.set_status(code)
        self.set_header("Content-Type", "application/json")
        self.write(json.dumps(body))

    get = post


class _PhotoHandler(tornado.web.RequestHandler):
    def initialize(self, api: FakeZaloApi) -> None:
        self.api = api

    def get(self, name: str) -> None:
        content = self.api.photos.get(name)
        if content is None:
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", "image/jpeg")
        self.write(content)
