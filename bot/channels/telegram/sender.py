"""Sending to Telegram: the engine's replies, and what the bot sends on its own."""

from __future__ import annotations

import logging
import warnings
from datetime import timedelta

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

from bot.channels.text import split_text as split_lines
from core.outbox import Delivery, DeliveryStatus
from handlers import Attachment, Reply

__all__ = ["TelegramSender", "send_replies", "send_text", "split_text", "too_large"]

logger = logging.getLogger(__name__)

# send_text asks for sendMessage's raw answer on purpose; the library suggests send_message.
# Filtered once here: catching warnings around each call costs more than the call's JSON.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.sendMessage'", category=PTBUserWarning)


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split at line breaks so that no part exceeds Telegram's limit."""
    return split_lines(text, limit)


async def send_replies(bot: Bot, chat_id: int, replies: list[Reply]) -> None:
    for reply in replies:
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None
        if reply.choices:
            markup = InlineKeyboardMarkup(
                [[InlineKeyboardButton(c.label, callback_data=c.data)] for c in reply.choices]
            )
        elif reply.contact_button:
            markup = ReplyKeyboardMarkup(
                [[KeyboardButton(reply.contact_button, request_contact=True)]],
                one_time_keyboard=True,
                resize_keyboard=True,
            )
        if reply.attachment is not None:
            await _send_file(bot, chat_id, reply.text, reply.attachment)
            continue
        parts = split_text(reply.text)
        for index, part in enumerate(parts):
            if index == len(parts) - 1 and markup is not None:
                await bot.send_message(chat_id, part, reply_markup=markup)
            else:
                await send_text(bot, chat_id, part)


async def send_text(bot: Bot, chat_id: int, text: str) -> None:
    """A plain text message. Telegram's answer is not made into a ``Message`` (nobody reads
    it, and building one costs about a tenth of a reply); errors raise as for send_message."""
    await bot.do_api_request("sendMessage", api_kwargs={"chat_id": chat_id, "text": text})


def too_large(error: TelegramError) -> bool:
    """Telegram refused a request for its size (HTTP 413): sending it again cannot help."""
    message = error.message.lower()
    return "(413)" in message or "too large" in message


async def _send_file(bot: Bot, chat_id: int, text: str, attachment: Attachment) -> None:
    send = bot.send_photo if attachment.is_image else bot.send_document
    try:
        await send(
            chat_id,
            attachment.content,
            caption=text[:1024] or None,
            filename=attachment.filename,
        )
    except TelegramError as error:
        if not too_large(error):
            raise
        # Not a passing error: the same file would be refused again. Say so instead.
        logger.warning("Telegram refused a %d-byte file as too large", len(attachment.content))
        if attachment.refused:
            await bot.send_message(chat_id, attachment.refused)


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that retry_after will become a timedelta; both forms are handled.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """Delivers outbox messages to a private chat (``core.outbox.Sender``).

    Pacing of the whole bot is the AIORateLimiter's; the outbox drain paces itself as well.
    """

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def deliver(self, address: str, text: str) -> Delivery:
        try:
            chat_id = int(address)
        except ValueError:
            return Delivery(DeliveryStatus.UNREACHABLE, error="not a Telegram chat id")
        try:
            for part in split_text(text):
                await send_text(self.bot, chat_id, part)
        except Forbidden as error:
            return Delivery(DeliveryStatus.BLOCKED, error=f"Forbidden: {error.message}"[:200])
        except RetryAfter as error:
            return Delivery(DeliveryStatus.RETRY, retry_after=_seconds(error), error="RetryAfter")
        except BadRequest as error:
            # "chat not found" and the like: the same request will never succeed.
            return Delivery(DeliveryStatus.UNREACHABLE, error=f"BadRequest: {error.message}"[:200])
        except TelegramError as error:  # NetworkError, TimedOut and other passing failures
            return Delivery(DeliveryStatus.RETRY, error=type(error).__name__)
        return Delivery.ok()
