"""Telegram updates as the engine's plain messages."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, datetime

from telegram import Update
from telegram.constants import ChatType

from handlers import Inbound

__all__ = ["CHANNEL", "inbound_from_update", "lane_key"]

CHANNEL = "telegram"


def inbound_from_update(update: Update) -> Inbound | None:
    """The engine's view of an update; None for updates the bot does not answer."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or chat.type != ChatType.PRIVATE or user.is_bot:
        return None  # channel posts, groups and other bots: the bot works in private chats
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
    if message is None:
        return None
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
    )


def lane_key(update: Update) -> Hashable:
    """Updates of one person are processed in order; anything else on its own."""
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    return ("update", update.update_id)
