"""Photos sent to a Zalo bot, downloaded at once: Zalo's photo links expire."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx

from bot.channels.zalo.updates import ZaloUpdate

__all__ = ["MAX_PHOTO", "PhotoKeeper"]

logger = logging.getLogger(__name__)

MAX_PHOTO = 20 * 1024 * 1024  # Zalo's photos are a few megabytes at most


class PhotoKeeper:
    """Keeps each photo as ``folder/<bot id>/<inbox key>.jpg`` (the message it came with)."""

    def __init__(self, folder: Path, *, client: httpx.AsyncClient | None = None) -> None:
        self.folder = folder
        self._client = client or httpx.AsyncClient(timeout=30.0, follow_redirects=True)

    def path(self, update: ZaloUpdate) -> Path:
        return self.folder / update.bot_id / f"{update.key}.jpg"

    async def keep(self, update: ZaloUpdate) -> Path | None:
        """Download the update's photo (once); None when it cannot be had. Never logs the
        link (it is the sender's photo)."""
        path = self.path(update)
        if path.exists() or not update.photo_url:
            return path if path.exists() else None
        try:
            async with self._client.stream("GET", update.photo_url) as response:
                if response.status_code != 200:
                    logger.warning(
                        "a Zalo photo could not be downloaded (HTTP %d)", response.status_code
                    )
                    return None
                content = bytearray()
                async for chunk in response.aiter_bytes():
                    content += chunk
                    if len(content) > MAX_PHOTO:
                        logger.warning("a Zalo photo was over %d bytes; not kept", MAX_PHOTO)
                        return None
        except httpx.HTTPError as error:
            logger.warning("a Zalo photo could not be downloaded (%s)", type(error).__name__)
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(bytes(content))
        partial.replace(path)
        return path

    async def close(self) -> None:
        await self._client.aclose()
