"""Telegram updates as the engine's plain messages."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType

from handlers import Inbound

__all__ = ["CHANNEL", "QuickText", "inbound_from_update", "is_service", "lane_key", "quick_text"]

CHANNEL = "telegram"

# What a message holds when a person wrote or sent something (a service message has none).
_CONTENT = (
    "text",
    "caption",
    "photo",
    "sticker",
    "animation",
    "audio",
    "document",
    "video",
    "video_note",
    "voice",
    "contact",
    "location",
    "venue",
    "poll",
    "dice",
    "game",
    "story",
    "invoice",
    "paid_media",
    "checklist",
)
# What Telegram itself says in a chat (a timer changed, a message pinned, a member joined).
_SERVICE = (
    "pinned_message",
    "message_auto_delete_timer_changed",
    "new_chat_members",
    "left_chat_member",
    "new_chat_title",
    "new_chat_photo",
    "delete_chat_photo",
    "group_chat_created",
    "supergroup_chat_created",
    "channel_chat_created",
    "migrate_to_chat_id",
    "migrate_from_chat_id",
    "successful_payment",
    "refunded_payment",
    "connected_website",
    "write_access_allowed",
    "proximity_alert_triggered",
    "video_chat_scheduled",
    "video_chat_started",
    "video_chat_ended",
    "video_chat_participants_invited",
    "forum_topic_created",
    "forum_topic_closed",
    "forum_topic_reopened",
    "forum_topic_edited",
    "general_forum_topic_hidden",
    "general_forum_topic_unhidden",
    "giveaway_created",
    "giveaway_completed",
    "giveaway_winners",
    "boost_added",
    "chat_background_set",
    "users_shared",
    "chat_shared",
    "gift",
    "unique_gift",
    "paid_message_price_changed",
    "direct_message_price_changed",
    "checklist_tasks_done",
    "checklist_tasks_added",
    "chat_owner_changed",
    "chat_owner_left",
)


def _has(message: Message, name: str) -> bool:
    # Not truthiness: some of these objects compute properties (and warn) when asked for it.
    value = getattr(message, name, None)
    if isinstance(value, tuple | list | str):
        return bool(value)
    return value is not None and value is not False


def is_service(message: Message) -> bool:
    """A message Telegram wrote (a timer changed, a message pinned), not the person."""
    if any(_has(message, name) for name in _CONTENT):
        return False
    return any(_has(message, name) for name in _SERVICE)


def _command_for_us(message: Message) -> bool:
    """A command in a group that is meant for this bot ("/start" or "/start@this_bot")."""
    text = message.text or ""
    if not text.startswith("/"):
        return False
    words = text[1:].split(maxsplit=1)
    name, at, target = (words[0] if words else "").partition("@")
    if not name:
        return False  # "/", "/ ": not a command
    if not at:
        return True
    try:
        username = message.get_bot().username
    except RuntimeError:  # no bot attached: nobody to compare with
        return False
    return bool(username) and target.lower() == username.lower()


def inbound_from_update(update: Update) -> Inbound | None:
    """The engine's view of an update; None for updates the bot does not answer."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None  # channel posts and other bots
    if chat.type != ChatType.PRIVATE:
        # The bot works in private chats; a command meant for it in a group gets a pointer
        # there, anything else silence.
        group_message = update.message
        if group_message is None or not _command_for_us(group_message):
            return None
        return Inbound(
            channel=CHANNEL,
            sender_id=str(user.id),
            received_at=group_message.date.astimezone(UTC),
            text=group_message.text,
            message_id=f"{chat.id}:{group_message.message_id}",
            group=True,
        )
    if update.callback_query is not None:
        query = update.callback_query
        if not isinstance(query.data, str):
            return None  # game buttons and dropped callback data: nothing to act on
        return Inbound(
            channel=CHANNEL,
            sender_id=str(user.id),
            received_at=datetime.now(UTC),
            choice=query.data,
        )
    message = update.message or update.edited_message
    if message is None or is_service(message):
        return None  # a timer changed, a message pinned: nothing to answer
    reply_to = message.reply_to_message
    contact = message.contact
    return Inbound(
        channel=CHANNEL,
        sender_id=str(user.id),
        received_at=message.date.astimezone(UTC),
        text=message.text if message.text is not None else message.caption,
        message_id=f"{chat.id}:{message.message_id}",
        contact_phone=contact.phone_number if contact else None,
        contact_is_own=bool(contact and contact.user_id == user.id),
        reply_to_text=reply_to.text if reply_to is not None else None,
        edited=update.edited_message is not None,
        forwarded=message.forward_origin is not None,
        album=message.media_group_id,
    )


# What a private text message may hold to be read without python-telegram-bot.
_QUICK_KEYS = frozenset({"message_id", "date", "chat", "from", "text", "entities"})


@dataclass(frozen=True, slots=True)
class QuickText:
    """A private text message read straight from its JSON.

    Most updates are just that, a cadre's report; building python-telegram-bot's ``Update``
    for one is about a third of the CPU the whole report costs (bench/, README). Anything
    else (buttons, photos, replies, edits, groups, any field not read here) is left to the
    library, so both readings give the same ``Inbound`` (tests/channels/test_quick_text.py).
    """

    chat_id: int
    user_id: int
    inbound: Inbound


def _int(value: object) -> int | None:
    return value if type(value) is int else None


def quick_text(payload: Mapping[str, Any]) -> QuickText | None:
    """The update as a plain private text message, or None to read it with the library."""
    if payload.keys() != {"update_id", "message"}:
        return None
    message = payload["message"]
    if not isinstance(message, dict) or not message.keys() <= _QUICK_KEYS:
        return None
    chat, user, text = message.get("chat"), message.get("from"), message.get("text")
    if not (isinstance(chat, dict) and isinstance(user, dict) and isinstance(text, str) and text):
        return None
    chat_id, user_id = _int(chat.get("id")), _int(user.get("id"))
    number, sent = _int(message.get("message_id")), _int(message.get("date"))
    if (
        chat_id is None
        or user_id is None
        or number is None
        or sent is None
        or chat.get("type") != ChatType.PRIVATE
        or user.get("is_bot") is not False
        or not isinstance(user.get("first_name"), str)
    ):
        return None
    try:
        received_at = datetime.fromtimestamp(sent, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    inbound = Inbound(
        channel=CHANNEL,
        sender_id=str(user_id),
        received_at=received_at,
        text=text,
        message_id=f"{chat_id}:{number}",
    )
    return QuickText(chat_id, user_id, inbound)


def lane_key(update: Update | QuickText) -> Hashable:
    """Updates of one person are processed in order; anything else on its own."""
    if isinstance(update, QuickText):
        return ("user", update.user_id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    return ("update", update.update_id)
