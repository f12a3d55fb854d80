"""Test doubles: a controllable clock and an offline Telegram Bot API."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.ext import ExtBot
from telegram.request import BaseRequest, RequestData

BOT_ID = 5000
BOT_USERNAME = "meovac_test_bot"


@dataclass
class FakeClock:
    """Time that moves only when a test moves it."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 26, 3, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class SentCall:
    method: str
    params: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")


class OfflineRequest(BaseRequest):
    """Answers every Bot API call locally and records what the bot sent."""

    def __init__(self) -> None:
        self.calls: list[SentCall] = []
        self._message_ids = 100
        self.files: dict[str, bytes] = {}  # file_id → content, for getFile and downloads

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def sent(self) -> list[SentCall]:
        return [c for c in self.calls if c.method.startswith("send")]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a download of a file getFile described
            name = url.rsplit("/", 1)[-1]
            return (200, self.files[name]) if name in self.files else (404, b"")
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls.append(SentCall(api_method, params))
        result: Any = True
        if api_method == "getMe":
            result = {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Mèo Vạc",
                "username": BOT_USERNAME,
            }
        elif api_method.startswith("send"):
            self._message_ids += 1
            chat_id = int(params.get("chat_id", 0))
            result = {
                "message_id": self._message_ids,
                "date": 0,
                "chat": {"id": chat_id, "type": "private"},
                "text": params.get("text", ""),
            }
        elif api_method == "getFile":
            file_id = str(params.get("file_id"))
            if file_id not in self.files:
                body = {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: file not found",
                }
                return 400, json.dumps(body).encode()
            result = {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_size": len(self.files[file_id]),
                "file_path": f"photos/{file_id}",
            }
        elif api_method == "getUpdates":
            result = []
        return 200, json.dumps({"ok": True, "result": result}).encode()


def offline_bot(request: BaseRequest, token: str = "123456:TEST-token") -> ExtBot[None]:
    """A Bot whose every call ``request`` answers (no network, no rate limiter)."""
    return ExtBot(token, request=request, get_updates_request=request)
