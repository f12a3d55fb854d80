"""Sending to Zalo: the engine's replies (choices as numbered options), and what the bot
sends on its own, split at 2,000 characters; the monthly quota pauses a bot, not the rest."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial

from bot.channels.files import FileLinks
from bot.channels.text import split_text, utf16_length
from bot.channels.zalo.api import ZaloApi, ZaloError
from bot.channels.zalo.updates import split_address
from core.outbox import Delivery, DeliveryStatus
from handlers import Reply
from locales.translator import Translator

__all__ = ["MAX_TEXT", "QuotaSpent", "ZaloSender", "choices_text", "split_message"]

logger = logging.getLogger(__name__)

MAX_TEXT = 2000  # Zalo's limit per message (counted in UTF-16 units, to be safe)
QUOTA_CHECK = timedelta(hours=1)  # a bot out of quota is tried again this often


def split_message(text: str) -> list[str]:
    return [part for part in split_text(text, MAX_TEXT, utf16_length) if part.strip()] or ["…"]


def choices_text(t: Translator, reply: Reply) -> str:
    """A reply whose buttons become numbered options and a line saying how to answer."""
    numbers = [str(n) for n in range(1, len(reply.choices) + 1)]
    lines = [reply.text, ""]
    lines += [f"{n}. {choice.label}" for n, choice in zip(numbers, reply.choices, strict=True)]
    if len(numbers) == 1:
        how = t.gettext("Trả lời 1 để chọn.")
    else:
        how = t.gettext("Trả lời {numbers} hoặc {last}.").format(
            numbers=", ".join(numbers[:-1]), last=numbers[-1]
        )
    return "\n".join([*lines, how])


class QuotaSpent(Exception):
    """The bot's monthly quota is spent; it sends nothing until the quota returns."""


class ZaloSender:
    """Sends through the bot an address belongs to (``core.outbox.Sender``).

    An address is ``<bot id>:<chat id>``. A 429 (the monthly quota is spent) pauses that bot:
    it is tried again once an hour, and the admin is told in the log.
    """

    def __init__(self, apis: Mapping[str, ZaloApi], *, clock: Callable[[], datetime]) -> None:
        self.apis = apis
        self.clock = clock
        self.paused_until: dict[str, datetime] = {}
        # Called once when a bot's quota runs out (the channel tells the admins).
        self.on_quota: Callable[[str], Awaitable[None]] | None = None

    def paused(self, bot_id: str) -> float | None:
        """Seconds until the bot may try again, if it is paused."""
        until = self.paused_until.get(bot_id)
        if until is None:
            return None
        left = (until - self.clock()).total_seconds()
        return left if left > 0 else None

    async def send_text(self, bot_id: str, chat_id: str, text: str) -> None:
        """Send one text (in parts if long). Raises ZaloError, or QuotaSpent while paused."""
        api = self.apis[bot_id]
        for part in split_message(text):
            await self._call(bot_id, partial(api.send_message, chat_id, part))

    async def send_photo(self, bot_id: str, chat_id: str, url: str, caption: str) -> None:
        api = self.apis[bot_id]
        await self._call(bot_id, partial(api.send_photo, chat_id, url, caption[:MAX_TEXT]))

    async def _call(self, bot_id: str, call: Callable[[], Awaitable[None]]) -> None:
        if self.paused(bot_id) is not None:
            raise QuotaSpent(bot_id)
        try:
            await call()
        except ZaloError as error:
            if error.quota and self._pause(bot_id) and self.on_quota is not None:
                try:
                    await self.on_quota(bot_id)
                except Exception as failure:  # telling the admins must not hide the 429
                    logger.error("telling the admins failed: %s", type(failure).__name__)
            raise
        if bot_id in self.paused_until:
            del self.paused_until[bot_id]
            logger.warning("Zalo bot %s sends again: its message quota is back", bot_id)

    def _pause(self, bot_id: str) -> bool:
        """Pause the bot for an hour; True the first time (since it last sent)."""
        first = bot_id not in self.paused_until
        self.paused_until[bot_id] = self.clock() + QUOTA_CHECK
        if first:
            logger.error(
                "Zalo bot %s: the monthly message quota is spent (error 429). It sends nothing"
                " until the quota returns (tried again every hour); reminders wait in the"
                " outbox. Spread people over more bots (ZALO_BOT_TOKEN) or change the plan.",
                bot_id,
            )
        return first

    async def send_replies(
        self,
        bot_id: str,
        chat_id: str,
        replies: Sequence[Reply],
        *,
        t: Translator,
        files: FileLinks | None = None,
    ) -> None:
        for reply in replies:
            text = choices_text(t, reply) if reply.choices else reply.text
            attachment = reply.attachment
            if attachment is None:
                await self.send_text(bot_id, chat_id, text)
                continue
            url = files.publish(attachment.filename, attachment.content) if files else None
            if url is None:
                note = t.gettext(
                    "Zalo không gửi được tệp «{name}». Hãy lấy tệp qua Telegram, hoặc nhờ"
                    " cán bộ quản trị xuất trên máy chủ (python -m bot export)."
                ).format(name=attachment.filename)
                await self.send_text(bot_id, chat_id, f"{text}\n\n{note}" if text else note)
            elif attachment.is_image:
                await self.send_photo(bot_id, chat_id, url, text)
            else:
                link = t.gettext("Tải tệp «{name}» (liên kết dùng được 24 giờ): {url}").format(
                    name=attachment.filename, url=url
                )
                await self.send_text(bot_id, chat_id, f"{text}\n\n{link}" if text else link)

    async def deliver(self, address: str, text: str) -> Delivery:
        parts = split_address(address)
        if parts is None or parts[0] not in self.apis:
            return Delivery(DeliveryStatus.UNREACHABLE, error="not an address of a Zalo bot here")
        bot_id, chat_id = parts
        try:
            await self.send_text(bot_id, chat_id, text)
        except QuotaSpent:
            return Delivery(
                DeliveryStatus.PAUSED, retry_after=self.paused(bot_id), error="quota spent"
            )
        except ZaloError as error:
            if error.quota:
                return Delivery(
                    DeliveryStatus.PAUSED, retry_after=self.paused(bot_id), error="quota spent"
                )
            if error.retryable or error.code == 401:
                return Delivery(DeliveryStatus.RETRY, error=f"Zalo {error.code}")
            # 400, 404: the same request will never succeed.
            return Delivery(DeliveryStatus.UNREACHABLE, error=f"Zalo {error.code}")
        return Delivery.ok()
