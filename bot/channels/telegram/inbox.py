"""Durable Telegram updates: recorded before they are acknowledged, processed after.

Telegram considers an update delivered once getUpdates is called with a higher offset (or
once the webhook answered 200). python-telegram-bot's Updater does that before the update
is processed, so a crash loses it. Here every update is committed to the inbox first, the
offset is advanced only by the next poll, and an update is marked processed only after its
replies were sent. A crash at any moment therefore leaves each update either unacknowledged
(Telegram sends it again) or recorded and pending (processed at the next start). Processing
an update twice stores nothing twice: reports are keyed by their message, invites by the
message that asked for them, and the other changes set a value rather than add one.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from telegram import Bot, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.channels.lanes import Lanes, unless_stopped, wait_any
from bot.channels.shared import Claimer, Sharing, while_holding
from bot.channels.telegram.photos import with_media
from bot.channels.telegram.sender import send_replies
from bot.channels.telegram.updates import CHANNEL, inbound_from_update, lane_key
from core.evidence import MAX_PHOTO_BYTES
from core.models import InboxEntry
from core.ports import Inbox
from handlers import Engine, Reply

__all__ = ["TelegramInbox", "answer_update", "replies_to"]

logger = logging.getLogger(__name__)

POLL_TIMEOUT = 30  # seconds Telegram holds a getUpdates open when there is nothing new
MAX_BACKLOG = 1000  # updates waiting in memory; above it polling pauses (Telegram keeps them)
CONCURRENCY = 32  # updates processed at once, across people
ATTEMPTS = 5  # tries for an update whose replies could not be sent for a passing reason
KEEP_PROCESSED = timedelta(days=7)  # then processed updates (message texts) are deleted
PRUNE_EVERY = timedelta(hours=1)

Item = tuple[int, Update | None]  # update_id, and the update (None: it could not be read)


async def replies_to(bot: Bot, engine: Engine, update: Update) -> tuple[int, list[Reply]] | None:
    """What the engine answers to an update, and the chat it goes to (None: nothing to say)."""
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except BadRequest:
            # A button of an old message: Telegram no longer takes the answer; act anyway.
            logger.debug("callback query too old to answer")
    inbound = inbound_from_update(update)
    chat = update.effective_chat
    if inbound is None or chat is None:
        return None
    message = update.message or update.edited_message
    if message is not None and update.edited_message is None:
        limit = engine.photos.max_bytes if engine.photos else MAX_PHOTO_BYTES
        inbound = await with_media(bot, message, inbound, max_bytes=limit)
    return chat.id, await engine.handle(inbound)


async def answer_update(bot: Bot, engine: Engine, update: Update) -> None:
    """Answer one update: the engine decides, the replies go back to its chat.

    Raises when the replies could not be sent, so the caller can try again or give up.
    """
    answer = await replies_to(bot, engine, update)
    if answer is not None:
        await send_replies(bot, *answer)


def _transient(error: BaseException) -> bool:
    """Worth trying again later: the network or Telegram hiccuped, the update is fine."""
    if isinstance(error, BadRequest | Forbidden | ChatMigrated | InvalidToken):
        return False
    return isinstance(error, NetworkError | TimedOut | RetryAfter)


class TelegramInbox:
    def __init__(
        self,
        bot: Bot,
        engine: Engine,
        inbox: Inbox,
        *,
        clock: Callable[[], datetime],
        concurrency: int = CONCURRENCY,
        retry_delay: Callable[[int], float] = lambda attempt: min(2.0**attempt, 30.0),
        sharing: Sharing | None = None,
    ) -> None:
        self.bot = bot
        self.engine = engine
        self.inbox = inbox
        self.clock = clock
        self.retry_delay = retry_delay
        self.lanes: Lanes[Item] = Lanes(self._process, concurrency=concurrency)
        self._pruned_at: datetime | None = None
        self.sharing = sharing
        # With other processes on the database, updates are claimed from the inbox, not
        # queued straight from what this process received.
        self._claimer = (
            Claimer(
                inbox,
                CHANNEL,
                sharing,
                clock=clock,
                queue=self._put,
                room=lambda: 2 * concurrency - self.lanes.backlog,
            )
            if sharing is not None
            else None
        )

    def _put(self, entry: InboxEntry) -> None:
        try:
            update: Update | None = Update.de_json(json.loads(entry.payload), self.bot)
        except Exception:  # one unreadable row must not keep the bot from starting
            logger.error("recorded update %d cannot be read; marked failed", entry.update_id)
            update = None
        key = lane_key(update) if update is not None else ("update", entry.update_id)
        self.lanes.put(key, (entry.update_id, update))

    async def resume(self) -> int:
        """Queue what was recorded but not processed before the last stop; returns how many.
        (Sharing the database: start claiming instead; returns 0.)"""
        await self._prune()
        if self._claimer is not None:
            self._claimer.start()
            return 0
        entries = await self.inbox.pending(CHANNEL)
        for entry in entries:
            self._put(entry)
        if entries:
            logger.info("resuming %d recorded updates", len(entries))
        return len(entries)

    async def accept(self, updates: Sequence[Update], *, offset: int | None = None) -> None:
        """Record updates durably (with the next offset, when polling), then queue them.

        Returns only after the commit: the caller may then acknowledge them to Telegram.
        """
        # ASCII JSON: even a lone surrogate in a text is stored, not a poison pill.
        entries = [
            InboxEntry(u.update_id, json.dumps(u.to_dict()), _lane(lane_key(u))) for u in updates
        ]
        new = await self.inbox.record(CHANNEL, entries, at=self.clock(), offset=offset)
        if self._claimer is not None:
            if new:
                self._claimer.wake.set()
        else:
            for update in updates:
                if update.update_id in new:  # a redelivery is already queued or done
                    self.lanes.put(lane_key(update), (update.update_id, update))
        if self._pruned_at is None or self.clock() - self._pruned_at >= PRUNE_EVERY:
            await self._prune()

    async def _prune(self) -> None:
        self._pruned_at = self.clock()
        await self.inbox.prune(CHANNEL, self._pruned_at - KEEP_PROCESSED)

    async def _process(self, item: Item) -> None:
        update_id, update = item
        failed = True
        attempt = 0
        # Decided once: a failed send is tried again, the work behind it (a workbook) is not.
        decided = False
        answer: tuple[int, list[Reply]] | None = None
        while update is not None:
            try:
                if not decided:
                    answer, decided = await replies_to(self.bot, self.engine, update), True
                if answer is not None:
                    await send_replies(self.bot, *answer)
                failed = False
                break
            except Exception as exc:
                # Never shown to the user; never the update itself (it may hold personal data).
                logger.error("update %d failed: %s", update_id, type(exc).__name__)
                error = exc
            attempt += 1
            if not _transient(error) or attempt >= ATTEMPTS:
                logger.error("update %d failed for good (%s)", update_id, type(error).__name__)
                break
            await wait_any(self.lanes.closing, at_most=self.retry_delay(attempt))
            if self.lanes.closing.is_set():
                return  # stays pending: the next start tries again
        await self.inbox.finish(CHANNEL, update_id, at=self.clock(), failed=failed)
        if self._claimer is not None:
            self._claimer.done(update_id)

    async def poll(self, stop: asyncio.Event) -> None:
        """Long-poll Telegram until ``stop`` is set; each batch is recorded before the next poll
        acknowledges it. With other processes on the database, only the one that holds the
        token's role polls; the others process (and take over if it goes)."""
        if self.sharing is None:
            await self._poll(stop)
            return
        digest = hashlib.sha256(self.bot.token.encode()).hexdigest()[:16]
        await while_holding(
            self.sharing.leases,
            f"poller:{CHANNEL}:{digest}",
            stop,
            lambda: self._poll(stop),
            retry=self.sharing.role_retry,
        )

    async def _poll(self, stop: asyncio.Event) -> None:
        bot = self.bot
        await bot.delete_webhook()  # Telegram refuses getUpdates while a webhook is set
        offset = await self.inbox.offset(CHANNEL)
        delay = 1.0
        while not stop.is_set():
            await self.lanes.wait_below(MAX_BACKLOG, stop)
            if stop.is_set():
                break
            fetch = await unless_stopped(
                bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES
                ),
                stop,
            )
            if fetch is None:
                break  # nothing of this poll was recorded, so nothing of it is acknowledged
            try:
                updates = fetch.result()
            except InvalidToken:
                raise
            except TelegramError as error:
                logger.warning(
                    "getUpdates failed (%s: %s); trying again in %.0f s",
                    type(error).__name__,
                    error,
                    delay,
                )
                await wait_any(stop, at_most=delay)
                delay = min(delay * 2, 60.0)
                continue
            delay = 1.0
            if updates:
                offset = max(u.update_id for u in updates) + 1
                await self.accept(updates, offset=offset)

    async def close(self, grace: float) -> None:
        """Stop taking updates; let those being processed finish (within ``grace`` seconds)."""
        await self.lanes.close(grace)
        if self._claimer is not None:
            await self._claimer.close()


def _lane(key: object) -> str:
    """A lane key as stored: ('user', 42) → 'user:42'."""
    return ":".join(map(str, key)) if isinstance(key, tuple) else str(key)
