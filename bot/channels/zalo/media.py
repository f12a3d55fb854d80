"""Photos sent to a Zalo bot, downloaded at once (Zalo's photo links expire) and handed to
the engine as bytes, which keeps them as evidence of the report they belong to."""

from __future__ import annotations

import logging

import httpx

from core.evidence import MAX_PHOTO_BYTES, PhotoProblem
from handlers import Photo

__all__ = ["PhotoFetcher"]

logger = logging.getLogger(__name__)


class PhotoFetcher:
    def __init__(
        self, *, client: httpx.AsyncClient | None = None, max_bytes: int = MAX_PHOTO_BYTES
    ) -> None:
        self._client = client or httpx.AsyncClient(timeout=30.0, follow_redirects=True)
        self.max_bytes = max_bytes

    async def fetch(self, url: str) -> Photo:
        """The photo behind ``url``, or why it could not be had. Never logs the link (it is
        the sender's photo)."""
        try:
            async with self._client.stream("GET", url) as response:
                if response.status_code != 200:
                    logger.warning("a Zalo photo: HTTP %d", response.status_code)
                    return Photo(problem=PhotoProblem.DOWNLOAD_FAILED)
                content = bytearray()
                async for chunk in response.aiter_bytes():
                    content += chunk
                    if len(content) > self.max_bytes:
                        return Photo(problem=PhotoProblem.TOO_LARGE)
                mime = response.headers.get("content-type", "image/jpeg").split(";")[0]
        except httpx.HTTPError as error:
            logger.warning("a Zalo photo could not be downloaded (%s)", type(error).__name__)
            return Photo(problem=PhotoProblem.DOWNLOAD_FAILED)
        return Photo(content=bytes(content), mime=mime)

    async def close(self) -> None:
        await self._client.aclose()
