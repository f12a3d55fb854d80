"""A fake Telegram Bot API on 127.0.0.1 for tests that run the real bot process.

getUpdates follows Telegram: an offset confirms (forgets) every update below it, and a
request with nothing to return waits up to its ``timeout`` for new updates. sendMessage and
friends are recorded; any other method answers ok. ``fail_with`` makes every call fail;
``garbage`` holds raw bodies for the next getUpdates answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tornado.httpserver
import tornado.web

from tests.fakes import BOT_ID, BOT_USERNAME

__all__ = ["FakeBotApi", "LocalApi", "Sent", "free_port"]

_TEXT_FIELDS = {"text", "caption", "url", "secret_token", "callback_query_id"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Sent:
    method: str
    chat_id: int
    text: str


class LocalApi:
    """A stand-in HTTP API on 127.0.0.1: started, stopped, and waited on by tests."""

    def __init__(self) -> None:
        self.port = 0
        self._changed = asyncio.Event()
        self._closing = False
        self._server: tornado.httpserver.HTTPServer | None = None

    def routes(self) -> list[Any]:
        raise NotImplementedError

    async def start(self) -> None:
        self.port = free_port()
        self._server = tornado.httpserver.HTTPServer(tornado.web.Application(self.routes()))
        self._server.listen(self.port, address="127.0.0.1")

    async def stop(self) -> None:
        self._closing = True
        self._notify()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def wait_for(self, condition: Callable[[], bool], within: float, what: str) -> None:
        """Wait until ``condition()`` holds after some request; fail after ``within`` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"timed out after {within} s waiting for {what}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue

    def _notify(self) -> None:
        self._changed.set()


class FakeBotApi(LocalApi):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.queue: list[dict[str, Any]] = []  # updates not confirmed yet
        self.delivered: list[int] = []  # update ids, each time getUpdates returned them
        self.sent: list[Sent] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail_with: tuple[int, str] | None = None
        # Raw bodies the next getUpdates calls answer with, one each (malformed JSON …).
        self.garbage: list[bytes] = []
        self._ids = itertools.count(1000)
        self._message_ids = itertools.count(1)

    # --- test side ---

    def routes(self) -> list[Any]:
        return [(r"/bot([^/]+)/(\w+)", _Handler, {"api": self})]

    def push(self, payload: dict[str, Any]) -> int:
        """Queue one update for the bot (update_id is added); returns its update_id."""
        update_id = next(self._ids)
        self.queue.append({"update_id": update_id, **payload})
        self._notify()
        return update_id

    def method_calls(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    # --- bot side ---

    def fail(self, code: int, description: str) -> None:
        """From now on every call fails so; a waiting getUpdates too."""
        self.fail_with = (code, description)
        self._notify()

    async def answer(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        self.calls.append((method, params))
        self._notify()
        if self.fail_with is None and token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "getUpdates" and self.garbage:
            return 200, self.garbage.pop(0)
        updates = await self._get_updates(params) if method == "getUpdates" else []
        if self.fail_with is not None:
            code, description = self.fail_with
            return code, {"ok": False, "error_code": code, "description": description}
        if method == "getMe":
            bot = {"id": BOT_ID, "is_bot": True, "first_name": "Mèo Vạc"}
            return 200, {"ok": True, "result": {**bot, "username": BOT_USERNAME}}
        if method == "getUpdates":
            return 200, {"ok": True, "result": updates}
        if method.startswith("send"):
            chat_id = int(params.get("chat_id", 0))
            text = str(params.get("text") or params.get("caption") or "")
            self.sent.append(Sent(method, chat_id, text))
            self._notify()
            message = {
                "message_id": next(self._message_ids),
                "date": 1_790_000_000,
                "chat": {"id": chat_id, "type": "private"},
                "text": text,
            }
            return 200, {"ok": True, "result": message}
        return 200, {"ok": True, "result": True}

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        if offset is not None:
            self.queue = [u for u in self.queue if u["update_id"] >= int(offset)]
        limit = int(params.get("limit") or 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(params.get("timeout") or 0)
        while True:
            batch = self.queue[:limit]
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing or self.fail_with is not None:
                break
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        if self.fail_with is not None:
            return []
        self.delivered.extend(u["update_id"] for u in batch)
        return batch


class _Handler(tornado.web.RequestHandler):
    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    async def post(self, token: str, method: str) -> None:
        code, body = await self.api.answer(token, method, self._params())
        self.set_status(code)
        self.set_header("Content-Type", "application/json")
        self.write(body if isinstance(body, bytes) else json.dumps(body))

    get = post

    def _params(self) -> dict[str, Any]:
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            params: dict[str, Any] = json.loads(self.request.body)
            return params
        params = {}
        for key, values in self.request.body_arguments.items():
            value = values[-1].decode()
            if key not in _TEXT_FIELDS:
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            params[key] = value
        return params
