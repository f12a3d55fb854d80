"""Zalo updates as the engine's plain messages.

An update is ``{"event_name": ..., "message": {...}}``; ids are strings, ``date`` is in
milliseconds, there is no ``update_id``. People are known per bot: several bots (one per
commune) may run in one process, and Zalo's user ids may be scoped per bot, so a person's
id on the channel is ``<bot id>:<user id>`` and so is the address messages go to.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from handlers import Inbound, Photo

__all__ = [
    "CHANNEL",
    "ZaloUpdate",
    "address_of",
    "inbound_from_update",
    "parse_update",
    "split_address",
    "unwrap",
]

CHANNEL = "zalo"
TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"
# Events that get a short answer ("send text") rather than silence.
NOT_TEXT = frozenset({STICKER, UNSUPPORTED, "message.voice.received"})
GROUP = "GROUP"


def unwrap(body: Any) -> dict[str, Any] | None:
    """A webhook body, flat ``{event_name, message}`` or wrapped in ``{ok, result}``."""
    if not isinstance(body, dict):
        return None
    result = body.get("result")
    if isinstance(result, dict):
        body = result
    return body if isinstance(body.get("event_name"), str) else None


def address_of(bot_id: str, chat_id: str) -> str:
    return f"{bot_id}:{chat_id}"


def split_address(address: str) -> tuple[str, str] | None:
    bot_id, sep, chat_id = address.partition(":")
    return (bot_id, chat_id) if sep and bot_id and chat_id else None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _id(value: Any) -> str | None:
    # Ids are strings; a number is accepted as its decimal form.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return _text(value)


def _date(value: Any, fallback: datetime) -> datetime:
    """``date`` is epoch milliseconds; a value in seconds is taken as such."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return fallback
    seconds = value / 1000 if value > 100_000_000_000 else float(value)
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return fallback


@dataclass(frozen=True, slots=True)
class ZaloUpdate:
    """What the bot needs of one update, read tolerantly."""

    bot_id: str
    event: str
    chat_id: str | None
    chat_type: str
    user_id: str | None
    from_bot: bool
    message_id: str | None
    date: datetime
    text: str | None
    photo_url: str | None

    @property
    def key(self) -> int:
        """The inbox key (dedupe): a 63-bit digest of bot, chat and message id."""
        if self.message_id is None:
            ident = f"{self.bot_id}:{self.event}:{self.chat_id}:{self.date.isoformat()}"
        else:
            ident = f"{self.bot_id}:{self.chat_id}:{self.message_id}"
        digest = hashlib.blake2b(ident.encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") & (2**63 - 1)

    @property
    def lane(self) -> Hashable:
        """One person's updates are handled in order."""
        return ("zalo", self.bot_id, self.user_id or self.chat_id or self.key)

    @property
    def is_group(self) -> bool:
        return self.chat_type.upper() == GROUP


def parse_update(bot_id: str, update: dict[str, Any], *, now: datetime) -> ZaloUpdate:
    message = update.get("message")
    if not isinstance(message, dict):
        message = {}
    sender = _object(message.get("from"))
    chat = _object(message.get("chat"))
    user_id = _id(sender.get("id"))
    event = str(update.get("event_name") or "")
    return ZaloUpdate(
        bot_id=bot_id,
        event=event,
        chat_id=_id(chat.get("id")) or user_id,
        chat_type=str(chat.get("chat_type") or "PRIVATE"),
        user_id=user_id,
        from_bot=sender.get("is_bot") is True or user_id == bot_id,
        message_id=_id(message.get("message_id")),
        date=_date(message.get("date"), now),
        text=_text(message.get("text")) or _text(message.get("caption")),
        photo_url=_text(message.get("photo_url")) or _text(message.get("photo")),
    )


def payload(bot_id: str, update: dict[str, Any]) -> str:
    """The update as stored in the inbox, with the bot it came to."""
    return json.dumps({"bot_id": bot_id, "update": update})


def from_payload(text: str) -> tuple[str, dict[str, Any]] | None:
    try:
        stored = json.loads(text)
    except ValueError:
        return None
    if not isinstance(stored, dict):
        return None
    bot_id, update = stored.get("bot_id"), stored.get("update")
    if not isinstance(bot_id, str) or not isinstance(update, dict):
        return None
    return bot_id, update


def numbered_choice(text: str | None, choices: Sequence[str]) -> str | None:
    """The data of the option a reply "1", "2"… picks, if it picks one."""
    number = (text or "").strip().rstrip(".)")
    # isdecimal, not isdigit: '²' is a digit that int() refuses.
    if number.isdecimal() and len(number) <= 3 and 0 < int(number) <= len(choices):
        return choices[int(number) - 1]
    return None


def inbound_from_update(
    update: ZaloUpdate,
    *,
    choices: Sequence[str] = (),
    text: str | None = None,
    photos: tuple[Photo, ...] = (),
) -> Inbound | None:
    """The engine's view of an update; None for what the bot does not answer.

    ``choices`` are the options the chat was last offered (a number picks one); ``text``
    overrides the update's (a group message without the mention); ``photos``: the image of
    an image event, downloaded (its caption is the text).
    """
    if update.from_bot or update.user_id is None or update.chat_id is None:
        return None
    if update.event not in NOT_TEXT and update.event not in (TEXT, IMAGE):
        return None  # unknown events (reactions, links…): silence
    body = text if text is not None else update.text
    if update.event in NOT_TEXT:
        body = None
    sender = address_of(update.bot_id, update.user_id)
    choice = None if update.is_group else numbered_choice(body, choices)
    if choice is not None:
        return Inbound(channel=CHANNEL, sender_id=sender, received_at=update.date, choice=choice)
    if update.event == IMAGE and body is None and not photos:
        return None  # a photo the bot could not fetch and nothing else: nothing to answer
    return Inbound(
        channel=CHANNEL,
        sender_id=sender,
        received_at=update.date,
        text=body,
        message_id=f"{update.chat_id}:{update.message_id}" if update.message_id else None,
        can_share_contact=False,
        photos=photos,
    )


def strip_mention(text: str, names: Sequence[str] = ()) -> str:
    """A group message without the mention of the bot (``@Bot Báo Cáo Xã xong 2 nhà``).

    The bot's names come from getMe where known; otherwise a leading ``@word`` is dropped.
    """
    stripped = text.strip()
    for name in sorted((n for n in names if n), key=len, reverse=True):
        mention = f"@{name}"
        index = stripped.casefold().find(mention.casefold())
        if index >= 0:
            return (stripped[:index] + stripped[index + len(mention) :]).strip(" ,:")
    if stripped.startswith("@"):
        return stripped.partition(" ")[2].strip(" ,:")
    return stripped
