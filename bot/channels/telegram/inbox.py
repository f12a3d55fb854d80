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
import json
import logging
import warnings
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

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
from telegram.warnings import PTBUserWarning

from bot.channels.lanes import Lanes, unless_stopped, wait_any
from bot.channels.shared import Claimer, Sharing, poll_alone
from bot.channels.telegram.answer import (
    Received,
    merge_replies,
    read_update,
    replies_to,
)
from bot.channels.telegram.sender import send_replies
from bot.channels.telegram.updates import CHANNEL, lane_key
from core.models import InboxEntry
from core.ports import Inbox
from handlers import Engine, Reply

__all__ = ["TelegramInbox"]

logger = logging.getLogger(__name__)

# _get_updates asks for the raw answer on purpose (see there); the library suggests get_updates.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning)

POLL_TIMEOUT = 30  # seconds Telegram holds a getUpdates open when there is nothing new
MAX_BACKLOG = 1000  # updates waiting in memory; above it polling pauses (Telegram keeps them)
CONCURRENCY = 64  # people whose updates are processed at once
# A person's updates waiting together are answered together: one message for the plain
# replies of up to this many (Telegram's ~30 messages/s is the bottleneck of a burst).
BURST = 10
# An update whose replies could not be sent for a passing reason (Telegram down, the network)
# is tried again with a capped backoff for this long: outages last minutes, and a cadre who
# never got a confirmation tends to send the report again.
RETRY_FOR = timedelta(hours=6)
KEEP_PROCESSED = timedelta(days=7)  # then processed updates (message texts) are deleted
KEEP_FAILED = timedelta(days=30)  # failed ones stay longer, for an admin to look at
READ_TIMEOUT = 30  # seconds to wait for Telegram's answer beyond a long poll's own wait
PRUNE_EVERY = timedelta(hours=1)

# An update_id, the update (None: it could not be read) and why it could not be read.
Item = tuple[int, Received | None, str | None]
Payload = dict[str, Any]


class _Closing(Exception):
    """The bot is stopping while an update waits to be tried again."""


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
        retry_delay: Callable[[int], float] = lambda attempt: min(2.0**attempt, 60.0),
        sharing: Sharing | None = None,
    ) -> None:
        self.bot = bot
        self.engine = engine
        self.inbox = inbox
        self.clock = clock
        self.retry_delay = retry_delay
        self.lanes: Lanes[Item] = Lanes(self._process, concurrency=concurrency, batch=BURST)
        self._pruned_at: datetime | None = None
        self.sharing = sharing
        # Other processes on the database: updates are claimed from the inbox, not queued
        # straight from what this process received.
        room = lambda: 2 * concurrency - self.lanes.backlog  # noqa: E731
        self._claimer: Claimer | None = None
        if sharing is not None:
            self._claimer = Claimer(
                inbox, CHANNEL, sharing, clock=clock, queue=self._queue_entry, room=room
            )

    def _queue_entry(self, entry: InboxEntry) -> None:
        try:
            payload: object = json.loads(entry.payload)
        except ValueError:  # one unreadable row must not keep the bot from starting
            payload = None
        self._queue(entry.update_id, payload)

    async def resume(self) -> int:
        """Queue what was recorded but not processed before the last stop; returns how many
        (sharing the database: starts claiming instead, returns 0)."""
        await self._prune()
        if self._claimer is not None:
            self._claimer.start()
            return 0
        entries = await self.inbox.pending(CHANNEL)
        for entry in entries:
            self._queue_entry(entry)
        if entries:
            logger.info("resuming %d recorded updates", len(entries))
        return len(entries)

    async def accept(
        self, updates: Sequence[Payload | Update], *, offset: int | None = None
    ) -> None:
        """Record updates as received (with the next offset, when polling), then queue them.

        Returns only after the commit: the caller may then acknowledge them to Telegram. An
        update the library cannot read is recorded too, and fails on its own.
        """
        payloads = [u.to_dict() if isinstance(u, Update) else u for u in updates]
        # ASCII JSON: even a lone surrogate in a text is stored, not a poison pill.
        if self._claimer is not None:
            entries = [InboxEntry(p["update_id"], json.dumps(p), self._lane(p)) for p in payloads]
            if await self.inbox.record(CHANNEL, entries, at=self.clock(), offset=offset):
                self._claimer.wake.set()
        else:
            entries = [InboxEntry(p["update_id"], json.dumps(p)) for p in payloads]
            new = await self.inbox.record(CHANNEL, entries, at=self.clock(), offset=offset)
            for payload in payloads:
                if payload["update_id"] in new:  # a redelivery is already queued or done
                    self._queue(payload["update_id"], payload)
        if self._pruned_at is None or self.clock() - self._pruned_at >= PRUNE_EVERY:
            await self._prune()

    def _lane(self, payload: Payload) -> str | None:
        """The person an update is from, as stored ("('user', 42)"); None: unreadable, alone."""
        update, _ = read_update(payload, self.bot)
        return repr(lane_key(update)) if update is not None else None

    def _queue(self, update_id: int, payload: object) -> None:
        update, why = read_update(payload, self.bot)
        key = lane_key(update) if update is not None else ("update", update_id)
        self.lanes.put(key, (update_id, update, why))

    async def _prune(self) -> None:
        self._pruned_at = self.clock()
        await self.inbox.prune(
            CHANNEL, self._pruned_at - KEEP_PROCESSED, failed_before=self._pruned_at - KEEP_FAILED
        )

    async def _process(self, items: list[Item]) -> None:
        """Answer a person's waiting updates, in order; their plain replies go as one message."""
        answers: list[tuple[int, list[Reply]]] = []
        done: list[int] = []
        failed: dict[int, str | None] = {}  # update id: why (never content)
        for update_id, update, why in items:
            if update is None:
                # Never its content: the payload may hold names and texts.
                logger.warning("update %d cannot be read (%s); marked failed", update_id, why)
                failed[update_id] = why
                continue
            try:
                # Decided once: a failed send is tried again, the work behind it is not.
                answer = await self._decide(update_id, update)
            except _Closing:
                return  # stays pending: the next start tries again
            except Exception as exc:
                # Never shown to the user; never the update itself (it may hold personal data).
                logger.error("update %d failed for good (%s)", update_id, type(exc).__name__)
                failed[update_id] = f"not answered: {type(exc).__name__}"
                continue
            done.append(update_id)
            if answer is not None:
                answers.append(answer)
        sent = await self._send(merge_replies(answers), [i for i, _, _ in items])
        if sent is None:
            return  # closing: stays pending, the next start tries again
        if sent is not True:
            failed.update(dict.fromkeys(done, f"not sent: {sent}"))
            done = []
        for update_id in sorted([*done, *failed]):
            reason = failed.get(update_id)
            await self.inbox.finish(
                CHANNEL, update_id, at=self.clock(), failed=update_id in failed, reason=reason
            )
            if self._claimer is not None:
                self._claimer.done(update_id)

    async def _decide(self, update_id: int, update: Received) -> tuple[int, list[Reply]] | None:
        attempt, started = 0, self.clock()
        while True:
            try:
                return await replies_to(self.bot, self.engine, update)
            except Exception as exc:
                attempt += 1
                if not _transient(exc) or self.clock() - started >= RETRY_FOR:
                    raise
                logger.error("update %d failed: %s", update_id, type(exc).__name__)
            await wait_any(self.lanes.closing, at_most=self.retry_delay(attempt))
            if self.lanes.closing.is_set():
                raise _Closing

    async def _send(
        self, answers: list[tuple[int, list[Reply]]], ids: list[int]
    ) -> bool | str | None:
        """Send, trying again after passing failures: True once sent, the error's type when it
        failed for good, None when the bot is closing."""
        attempt, started = 0, self.clock()
        remaining = list(answers)
        while remaining:
            chat, replies = remaining[0]
            try:
                await send_replies(self.bot, chat, replies)
                remaining.pop(0)
                continue
            except Exception as exc:
                error = exc
                logger.error("updates %s failed: %s", ids, type(exc).__name__)
            attempt += 1
            if not _transient(error) or self.clock() - started >= RETRY_FOR:
                logger.error("updates %s failed for good (%s)", ids, type(error).__name__)
                return type(error).__name__
            await wait_any(self.lanes.closing, at_most=self.retry_delay(attempt))
            if self.lanes.closing.is_set():
                return None
        return True

    async def poll(self, stop: asyncio.Event) -> None:
        """Long-poll Telegram until ``stop`` is set; each batch is recorded before the next poll
        acknowledges it. Sharing the database: only one process polls (shared.poll_alone)."""
        await poll_alone(self.sharing, CHANNEL, self.bot.token, stop, lambda: self._poll(stop))

    async def _poll(self, stop: asyncio.Event) -> None:
        bot = self.bot
        await bot.delete_webhook()  # Telegram refuses getUpdates while a webhook is set
        offset = await self.inbox.offset(CHANNEL)
        delay = 1.0
        while not stop.is_set():
            await self.lanes.wait_below(MAX_BACKLOG, stop)
            if stop.is_set():
                break
            fetch = await unless_stopped(_get_updates(bot, offset), stop)
            if fetch is None:
                break  # nothing of this poll was recorded, so nothing of it is acknowledged
            try:
                updates = fetch.result()
            except InvalidToken:
                raise
            except TelegramError as error:
                # The API's description of the error, never the updates themselves.
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
                following = max(u["update_id"] for u in updates) + 1
                if not await self._record(updates, following, stop):
                    break  # not recorded, so not acknowledged: Telegram sends them again
                offset = following

    async def _record(self, updates: list[Payload], offset: int, stop: asyncio.Event) -> bool:
        """Record a batch, waiting out a locked or full database (a backup, a full disk) for
        as long as it takes; False when stopped first. The offset moves on only after this."""
        attempt = 0
        while True:
            try:
                await self.accept(updates, offset=offset)
                return True
            except Exception as error:  # the database, never the updates: they are not lost
                attempt += 1
                delay = self.retry_delay(attempt)
                logger.error(
                    "recording %d updates failed (%s: %s); trying again in %.0f s",
                    len(updates),
                    type(error).__name__,
                    error,
                    delay,
                )
            await wait_any(stop, at_most=delay)
            if stop.is_set():
                return False

    async def close(self, grace: float) -> None:
        """Stop taking updates; let those being processed finish (within ``grace`` seconds)."""
        await self.lanes.close(grace)
        if self._claimer is not None:
            await self._claimer.close()


async def _get_updates(bot: Bot, offset: int | None) -> list[Payload]:
    """One long poll, as raw JSON: one update the library cannot read must not make the whole
    batch unreadable (it is recorded and fails on its own)."""
    query: dict[str, Any] = {"timeout": POLL_TIMEOUT, "allowed_updates": list(Update.ALL_TYPES)}
    if offset is not None:
        query["offset"] = offset
    # Bot.do_api_request, not Bot.get_updates: the latter reads the whole batch at once (and
    # logs it whole when one update cannot be read).
    result = await bot.do_api_request(
        "getUpdates", api_kwargs=query, read_timeout=POLL_TIMEOUT + READ_TIMEOUT
    )
    if not isinstance(result, list):
        raise TelegramError("getUpdates did not return a list")
    updates: list[Payload] = []
    for raw in result:
        if isinstance(raw, dict) and isinstance(raw.get("update_id"), int):
            updates.append(raw)
        else:  # nothing to record it by, nor to acknowledge it with
            logger.error("getUpdates returned an entry without an update id; skipped")
    return updates
