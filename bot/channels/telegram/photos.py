"""Photos, images sent as files and locations of Telegram messages, for the engine.

The bytes are downloaded here, so the engine gets them as from any other channel
(``handlers.Photo``); a file Telegram says is too large is not downloaded at all.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import Bot, Message
from telegram.error import TelegramError

from core.evidence import MAX_PHOTO_BYTES, Location, PhotoProblem
from handlers import Inbound, Photo

__all__ = ["IMAGE_EXTENSIONS", "with_media"]

logger = logging.getLogger(__name__)

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".gif", ".bmp", ".tif")


def _is_image_file(message: Message) -> bool:
    document = message.document
    if document is None:
        return False
    if (document.mime_type or "").startswith("image/"):
        return True
    return (document.file_name or "").lower().endswith(IMAGE_EXTENSIONS)


async def _download(bot: Bot, file_id: str, size: int | None, max_bytes: int) -> Photo:
    if size is not None and size > max_bytes:
        return Photo(problem=PhotoProblem.TOO_LARGE)
    try:
        file = await bot.get_file(file_id)
        if file.file_size is not None and file.file_size > max_bytes:
            return Photo(problem=PhotoProblem.TOO_LARGE)
        content = bytes(await file.download_as_bytearray())
    except TelegramError as error:
        # "file is too big" (over the Bot API's 20 MB) is a BadRequest like any other.
        too_big = "too big" in str(error).lower()
        logger.warning("downloading a photo failed: %s", type(error).__name__)
        return Photo(problem=PhotoProblem.TOO_LARGE if too_big else PhotoProblem.DOWNLOAD_FAILED)
    if len(content) > max_bytes:
        return Photo(problem=PhotoProblem.TOO_LARGE)
    return Photo(content=content)


async def with_media(
    bot: Bot, message: Message, inbound: Inbound, *, max_bytes: int = MAX_PHOTO_BYTES
) -> Inbound:
    """The inbound message with its photo (downloaded), album and location, if it has any."""
    photo: Photo | None = None
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        photo = await _download(bot, largest.file_id, largest.file_size, max_bytes)
        photo = replace(photo, mime="image/jpeg")
    elif _is_image_file(message):
        document = message.document
        assert document is not None
        photo = await _download(bot, document.file_id, document.file_size, max_bytes)
        photo = replace(photo, mime=document.mime_type)
    location = None
    if message.location is not None:
        location = Location(message.location.latitude, message.location.longitude)
    if photo is None and location is None:
        return inbound
    return replace(
        inbound,
        photos=(photo,) if photo is not None else (),
        album=message.media_group_id,
        location=location,
    )
