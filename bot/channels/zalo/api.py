"""A minimal Zalo Bot API client: POST + JSON, the ``{ok, result}`` envelope, Zalo's codes.

The token sits in every URL path, so no error, log line or trace made here contains the URL.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

__all__ = ["IDLE", "QUOTA", "ZaloApi", "ZaloError", "bot_id_of"]

logger = logging.getLogger(__name__)

IDLE = 408  # getUpdates had nothing to return: the normal idle answer, not an error
QUOTA = 429  # the bot's monthly message quota is spent
NETWORK = 0  # no answer from Zalo (connection failed or timed out)
_RETRYABLE = frozenset({NETWORK, 403, IDLE, QUOTA})  # 403 is Zalo's "internal server error"


def bot_id_of(token: str) -> str:
    """The bot's id: the token's part before the colon (not secret)."""
    return token.split(":", 1)[0]


class ZaloError(Exception):
    """A call that did not succeed: Zalo's error code (0: no answer) and a short reason."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"Zalo error {code}: {description}")
        self.code = code
        self.description = description

    @property
    def retryable(self) -> bool:
        """A passing failure: Zalo or the network hiccuped, the same request may succeed."""
        return self.code in _RETRYABLE or self.code >= 500

    @property
    def quota(self) -> bool:
        return self.code == QUOTA


class ZaloApi:
    """One bot's API: ``call(method, params)`` returns ``result`` or raises ZaloError."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = "https://bot-api.zaloplatforms.com/bot",
        client: httpx.AsyncClient | None = None,
        timeout: float = 30.0,
    ) -> None:
        self._url = f"{base_url}{token}/"
        self.bot_id = bot_id_of(token)
        self._own_client = client is None
        # trust_env=False: the token must not travel through a proxy picked from the environment.
        self._client = client or httpx.AsyncClient(
            timeout=timeout, trust_env=False, limits=httpx.Limits(max_connections=32)
        )

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, within: float | None = None
    ) -> Any:
        """``result`` of the method; ``within``: seconds to wait for the answer."""
        try:
            response = await self._client.post(
                self._url + method,
                json=params or {},
                timeout=within if within is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.TimeoutException:
            raise ZaloError(NETWORK, "timed out") from None
        except httpx.HTTPError as error:
            # The exception's text may quote the URL: keep only its type.
            raise ZaloError(NETWORK, type(error).__name__) from None
        return _result(response)

    async def get_updates(self, hold: int) -> list[dict[str, Any]]:
        """At most one update (Zalo hands out one per call); [] when idle. Read timeout:
        the poll's own plus a margin, as Zalo answers an idle poll only after ``hold`` s."""
        try:
            result = await self.call("getUpdates", {"timeout": hold}, within=hold + 15)
        except ZaloError as error:
            if error.code == IDLE:
                return []
            raise
        return updates_of(result)

    async def send_message(self, chat_id: str, text: str) -> None:
        await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, url: str, caption: str = "") -> None:
        params = {"chat_id": chat_id, "photo": url}
        if caption:
            params["caption"] = caption
        # Zalo fetches the photo itself: give it time.
        await self.call("sendPhoto", params, within=60)

    async def close(self) -> None:
        if self._own_client:
            await self._client.aclose()


def updates_of(result: Any) -> list[dict[str, Any]]:
    """getUpdates' result: one update object (as observed) or, defensively, a list of them."""
    if isinstance(result, dict):
        return [result]
    if isinstance(result, list):
        return [item for item in result if isinstance(item, dict)]
    return []


def _result(response: httpx.Response) -> Any:
    """The body's ``ok``/``error_code`` first (an idle 408 comes with HTTP 200), else the
    HTTP status."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "ok" in body:
        if body.get("ok") is True:
            return body.get("result")
        code = body.get("error_code")
        description = str(body.get("description") or "")[:200]
        if isinstance(code, int) and not isinstance(code, bool):
            raise ZaloError(code, description)
        raise ZaloError(response.status_code if response.status_code >= 400 else 500, description)
    if response.status_code >= 400:
        raise ZaloError(response.status_code, f"HTTP {response.status_code}")
    raise ZaloError(502, "not a Bot API answer")
