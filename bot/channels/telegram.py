"""The Telegram channel (python-telegram-bot): Updates in, engine replies out."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType, MessageLimit
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackContext,
    ContextTypes,
    ExtBot,
    TypeHandler,
)
from telegram.request import BaseRequest
from telegram.warnings import PTBDeprecationWarning

from core.outbox import Delivery, DeliveryStatus
from core.ports import PeopleStore
from handlers import Engine, Inbound, Reply

__all__ = [
    "CHANNEL",
    "BotData",
    "TelegramSender",
    "build_application",
    "inbound_from_update",
    "send_replies",
    "split_text",
]

logger = logging.getLogger(__name__)

CHANNEL = "telegram"


class BotData:
    """What handlers find in ``context.bot_data``: typed, not a dict of casts.

    The engine is set in ``post_init`` (the database opens there) and gone after shutdown.
    """

    def __init__(self) -> None:
        self._engine: Engine | None = None
        # Updates whose handling failed, by update_id: the durable inbox reads and clears
        # this to decide between "done", "retry" and "failed".
        self.failures: dict[int, BaseException] = {}

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the engine is not started")
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        self._engine = engine


Context = CallbackContext[ExtBot[None], dict[object, object], dict[object, object], BotData]


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


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split at line breaks so that no part exceeds Telegram's limit."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


async def send_replies(bot: ExtBot[None], chat_id: int, replies: list[Reply]) -> None:
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
            attachment = reply.attachment
            if attachment.is_image:
                await bot.send_photo(
                    chat_id,
                    attachment.content,
                    caption=reply.text[:1024] or None,
                    filename=attachment.filename,
                )
            else:
                await bot.send_document(
                    chat_id,
                    attachment.content,
                    caption=reply.text[:1024] or None,
                    filename=attachment.filename,
                )
            continue
        parts = split_text(reply.text)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await bot.send_message(chat_id, part, reply_markup=markup if last else None)


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that retry_after will become a timedelta; both forms are handled.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """Delivers outbox messages to a person's private chat (``core.outbox.Sender``).

    Pacing of the whole bot is the AIORateLimiter's; the outbox drain paces itself as well.
    """

    def __init__(self, bot: ExtBot[None], people: PeopleStore) -> None:
        self.bot = bot
        self.people = people

    async def deliver(self, person_id: int, text: str) -> Delivery:
        chats = await self.people.identities(person_id, CHANNEL)
        if not chats:
            return Delivery(DeliveryStatus.UNREACHABLE, error="no Telegram chat linked")
        chat_id = int(chats[-1])  # the most recently linked account
        try:
            for part in split_text(text):
                await self.bot.send_message(chat_id, part)
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


async def _on_update(update: object, context: Context) -> None:
    if not isinstance(update, Update):
        return
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except BadRequest:
            # A button of an old message: Telegram no longer takes the answer; act anyway.
            logger.debug("callback query too old to answer")
    inbound = inbound_from_update(update)
    chat = update.effective_chat
    if inbound is None or chat is None:
        return
    replies = await context.bot_data.engine.handle(inbound)
    await send_replies(context.bot, chat.id, replies)


async def _on_error(update: object, context: Context) -> None:
    # Never show the error to the user; never log the update (it may hold personal data).
    logger.error("update failed: %s", type(context.error).__name__, exc_info=context.error)
    if isinstance(update, Update) and context.error is not None:
        context.bot_data.failures[update.update_id] = context.error


def build_application(
    token: str,
    *,
    open_engine: Callable[[], Awaitable[Engine]],
    close_engine: Callable[[Engine], Awaitable[None]],
    base_url: str = "https://api.telegram.org/bot",
    request: BaseRequest | None = None,
    rate_limit: bool = True,
) -> Application:  # type: ignore[type-arg]
    """One place builds the Application; the handler list below is the whole routing."""

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        application.bot_data.engine = await open_engine()

    async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
        data: BotData = application.bot_data
        if data._engine is not None:
            await close_engine(data._engine)
            data._engine = None

    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .context_types(ContextTypes(bot_data=BotData))
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if rate_limit:
        # PTB types the limiter by its argument type; AIORateLimiter takes an int.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    application = builder.build()
    # Every update goes to the engine; it decides. Errors are handled last.
    application.add_handler(TypeHandler(Update, _on_update))
    application.add_error_handler(_on_error)
    return application
