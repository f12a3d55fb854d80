"""Durable Zalo updates: committed to the inbox before the next getUpdates, answered after.

Zalo has no acknowledgement: getUpdates hands out one update and forgets it. So each update
is committed before the next call (or before the webhook's 200), deduplicated by its message
id, and marked processed once its replies were sent. A crash after the commit leaves it
pending, answered at the next start; an update Zalo handed out just before a crash, before
the commit, is lost (nothing in Zalo's API can ask for it again).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.channels.files import FileLinks
from bot.channels.lanes import Lanes, unless_stopped, wait_any
from bot.channels.shared import Claimer, Sharing, poll_alone
from bot.channels.zalo.api import ZaloApi, ZaloError
from bot.channels.zalo.media import PhotoFetcher
from bot.channels.zalo.sender import QuotaSpent, ZaloSender
from bot.channels.zalo.updates import (
    CHANNEL,
    IMAGE,
    TEXT,
    ZaloUpdate,
    address_of,
    from_payload,
    inbound_from_update,
    parse_update,
    payload,
    strip_mention,
)
from core.models import InboxEntry
from core.ports import Inbox
from handlers import Engine, Photo, Reply
from locales.translator import Translator

__all__ = ["ZaloInbox"]

logger = logging.getLogger(__name__)

POLL_TIMEOUT = 30  # seconds Zalo holds a getUpdates open; it answers 408 when idle
MAX_BACKLOG = 1000
CONCURRENCY = 32
# Replies that could not be sent for a passing reason are tried again, with a capped
# backoff, for this long (outages last minutes; a missing confirmation makes people resend).
RETRY_FOR = timedelta(hours=6)
KEEP_PROCESSED = timedelta(days=7)
KEEP_FAILED = timedelta(days=30)  # failed updates stay longer, for `python -m bot inbox`
PRUNE_EVERY = timedelta(hours=1)
MAX_BACKOFF = 60.0

Item = tuple[int, str, dict[str, Any] | None]  # inbox key, bot id, the update (None: unreadable)


def default_backoff(delay: float) -> float:
    """The next wait after a failed getUpdates: doubled, at most a minute."""
    return min(delay * 2, MAX_BACKOFF)


class ZaloInbox:
    def __init__(
        self,
        sender: ZaloSender,
        engine: Engine,
        inbox: Inbox,
        *,
        clock: Callable[[], datetime],
        names: Mapping[str, Sequence[str]] | None = None,
        photos: PhotoFetcher | None = None,
        files: FileLinks | None = None,
        concurrency: int = CONCURRENCY,
        retry_delay: Callable[[int], float] = lambda attempt: min(2.0**attempt, 60.0),
        backoff: Callable[[float], float] | None = None,
        sharing: Sharing | None = None,
    ) -> None:
        self.sender = sender
        self.engine = engine
        self.inbox = inbox
        self.clock = clock
        self.names = names if names is not None else {}  # bot id → how a mention names it
        self.photos = photos
        self.files = files
        self.retry_delay = retry_delay
        self.backoff = backoff or default_backoff
        self.poll_timeout = POLL_TIMEOUT
        self.lanes: Lanes[Item] = Lanes(self._process_each, concurrency=concurrency)
        self._pruned_at: datetime | None = None
        self.sharing = sharing
        # Other processes on the database: updates are claimed from the inbox, a person's in
        # the order sent, not queued straight from what this process received.
        self._claimer: Claimer | None = None
        if sharing is not None:
            room = lambda: 2 * concurrency - self.lanes.backlog  # noqa: E731
            self._claimer = Claimer(
                inbox, CHANNEL, sharing, clock=clock, queue=self._queue_entry, room=room
            )

    def _recorded(self, entry: InboxEntry, now: datetime) -> tuple[datetime, Item, Hashable]:
        """A recorded update as queued: when it was sent, the item, its lane."""
        stored = from_payload(entry.payload)
        if stored is None:
            logger.error("recorded Zalo update %d cannot be read; marked failed", entry.update_id)
            return now, (entry.update_id, "", None), ("update", entry.update_id)
        bot_id, raw = stored
        update = parse_update(bot_id, raw, now=now)
        return update.date, (entry.update_id, bot_id, raw), update.lane

    def _queue_entry(self, entry: InboxEntry) -> None:
        _date, item, lane = self._recorded(entry, self.clock())
        self.lanes.put(lane, item)

    async def resume(self) -> int:
        """Queue what was recorded but not processed before the last stop, in the order the
        messages were sent; returns how many (sharing the database: starts claiming instead,
        returns 0)."""
        await self._prune()
        if self._claimer is not None:
            self._claimer.start()
            return 0
        entries = await self.inbox.pending(CHANNEL)
        now = self.clock()
        items = [self._recorded(entry, now) for entry in entries]
        for _date, item, lane in sorted(items, key=lambda x: (x[0], x[1][0])):
            self.lanes.put(lane, item)
        if entries:
            logger.info("resuming %d recorded Zalo updates", len(entries))
        return len(entries)

    async def accept(self, bot_id: str, updates: Sequence[dict[str, Any]]) -> None:
        """Record updates durably, then queue the new ones. Returns only after the commit."""
        now = self.clock()
        parsed = [(parse_update(bot_id, raw, now=now), raw) for raw in updates]
        entries = [
            InboxEntry(u.key, payload(bot_id, raw), repr(u.lane), int(u.date.timestamp() * 1000))
            for u, raw in parsed
        ]
        new = await self.inbox.record(CHANNEL, entries, at=now)
        if self._claimer is not None:
            if new:
                self._claimer.wake.set()
        else:
            for update, raw in parsed:
                if update.key in new:  # a duplicate delivery is already queued or done
                    self.lanes.put(update.lane, (update.key, bot_id, raw))
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            await self._prune()

    async def _prune(self) -> None:
        self._pruned_at = self.clock()
        await self.inbox.prune(
            CHANNEL, self._pruned_at - KEEP_PROCESSED, failed_before=self._pruned_at - KEEP_FAILED
        )

    async def _process_each(self, items: list[Item]) -> None:
        for item in items:  # one at a time (batch=1): replies are not merged on Zalo yet
            await self._process(item)

    async def _process(self, item: Item) -> None:
        key, bot_id, raw = item
        reason: str | None = "unreadable" if raw is None else "no such bot here"
        attempt, started = 0, self.clock()
        while raw is not None and bot_id in self.sender.apis:
            try:
                await self.answer(parse_update(bot_id, raw, now=self.clock()))
                reason = None
                break
            except Exception as exc:
                # Never the update itself: it may hold personal data.
                logger.error("Zalo update %d failed: %s", key, _reason(exc))
                error = exc
            attempt += 1
            transient = isinstance(error, ZaloError) and error.retryable and not error.quota
            if not transient or self.clock() - started >= RETRY_FOR:
                logger.error("Zalo update %d failed for good (%s)", key, _reason(error))
                reason = _reason(error)
                break
            await wait_any(self.lanes.closing, at_most=self.retry_delay(attempt))
            if self.lanes.closing.is_set():
                return  # stays pending: the next start tries again
        await self.inbox.finish(
            CHANNEL, key, at=self.clock(), failed=reason is not None, reason=reason
        )
        if self._claimer is not None:
            self._claimer.done(key)

    async def _translator(self, sender_id: str) -> Translator:
        person = await self.engine.store.people.by_identity(CHANNEL, sender_id)
        return self.engine.translator(person)

    async def answer(self, update: ZaloUpdate) -> None:
        """Answer one update: the engine decides, the replies go back to its chat."""
        if update.from_bot or update.user_id is None or update.chat_id is None:
            return
        if update.is_group:
            await self._answer_group(update)
            return
        kept = await self.inbox.kept(CHANNEL, f"choices:{update.bot_id}:{update.chat_id}")
        photos: tuple[Photo, ...] = ()
        if update.event == IMAGE and self.photos is not None and update.photo_url:
            photos = (await self.photos.fetch(update.photo_url),)  # at once: links expire
        inbound = inbound_from_update(update, choices=_choices(kept), photos=photos)
        if inbound is None:
            return
        sender_id = inbound.sender_id
        replies = await self.engine.handle(inbound)
        await self._reply(update.bot_id, update.chat_id, sender_id, replies, kept=kept)

    async def _reply(
        self,
        bot_id: str,
        chat_id: str,
        sender_id: str,
        replies: Sequence[Reply],
        *,
        kept: str | None,
    ) -> None:
        """Send the replies to a private chat; the options of the last question asked are
        kept (durably) for the chat's next "1", "2"…, and an older question's dropped."""
        offered = next((r for r in reversed(replies) if r.choices), None)
        choices_key = f"choices:{bot_id}:{chat_id}"
        if offered is not None:
            data = [c.data for c in offered.choices]
            await self.inbox.keep(CHANNEL, choices_key, json.dumps(data))
        elif kept is not None:
            await self.inbox.keep(CHANNEL, choices_key, None)
        if replies:
            t = await self._translator(sender_id)
            await self.sender.send_replies(bot_id, chat_id, replies, t=t, files=self.files)

    async def _answer_group(self, update: ZaloUpdate) -> None:
        """In a group the bot hears mentions and replies. A registered person's message is
        answered in private; the group gets at most a one-line acknowledgement of a stored
        report (no names, no figures: a group spans villages). Anything else: silence."""
        if update.event != TEXT or update.user_id is None or update.chat_id is None:
            return
        sender_id = address_of(update.bot_id, update.user_id)
        person = await self.engine.store.people.by_identity(CHANNEL, sender_id)
        if person is None:
            return
        text = strip_mention(update.text or "", self.names.get(update.bot_id, ()))
        inbound = inbound_from_update(update, text=text)
        if inbound is None or not text.strip():
            return
        replies = await self.engine.handle(inbound)
        private_key = f"choices:{update.bot_id}:{update.user_id}"
        kept = await self.inbox.kept(CHANNEL, private_key)
        await self._reply(update.bot_id, update.user_id, sender_id, replies, kept=kept)
        t = self.engine.translator(person)
        source = f"{CHANNEL}:{sender_id}:{inbound.message_id}"
        if inbound.message_id and await self.engine.store.reports.by_source(source):
            await self.sender.send_text(
                update.bot_id,
                update.chat_id,
                t.gettext("Đã nhận báo cáo. Bot đã trả lời chi tiết trong tin nhắn riêng."),
            )

    async def poll(self, api: ZaloApi, stop: asyncio.Event) -> None:
        """Long-poll one bot until ``stop`` is set; each update is committed before the next
        call. Failures back off (capped) and never end the loop. Sharing the database: only
        one process polls each bot (shared.poll_alone)."""
        await poll_alone(self.sharing, CHANNEL, api.bot_id, stop, lambda: self._poll(api, stop))

    async def _poll(self, api: ZaloApi, stop: asyncio.Event) -> None:
        try:
            await api.call("deleteWebhook")  # polling delivers nothing while a webhook is set
        except ZaloError as error:
            logger.debug("deleteWebhook: %s", error.code)  # 400 when none was set: harmless
        delay = 1.0
        while not stop.is_set():
            await self.lanes.wait_below(MAX_BACKLOG, stop)
            if stop.is_set():
                break
            fetch = await unless_stopped(api.get_updates(self.poll_timeout), stop)
            if fetch is None:
                break  # an update handed out in this instant is lost: Zalo cannot resend
            try:
                updates = fetch.result()
            except ZaloError as error:
                if error.code == 401:
                    logger.error("Zalo bot %s: the token was refused (401)", api.bot_id)
                else:
                    logger.warning(
                        "Zalo bot %s: getUpdates failed (%s); trying again in %.0f s",
                        api.bot_id,
                        error.code or error.description,
                        delay,
                    )
                await wait_any(stop, at_most=delay)
                delay = self.backoff(delay)
                continue
            delay = 1.0
            if updates:
                await self._record(api.bot_id, updates, stop)

    async def _record(
        self, bot_id: str, updates: Sequence[dict[str, Any]], stop: asyncio.Event
    ) -> None:
        """Record a batch, waiting out a locked or full database: Zalo cannot send it again,
        and the bot must not stop."""
        attempt = 0
        while not stop.is_set():
            try:
                await self.accept(bot_id, updates)
                return
            except Exception as error:  # the database, never the updates
                attempt += 1
                delay = self.retry_delay(attempt)
                logger.error(
                    "recording %d Zalo updates failed (%s); trying again in %.0f s",
                    len(updates),
                    type(error).__name__,
                    delay,
                )
            await wait_any(stop, at_most=delay)

    async def close(self, grace: float) -> None:
        await self.lanes.close(grace)
        if self._claimer is not None:
            await self._claimer.close()


def _reason(error: BaseException) -> str:
    if isinstance(error, ZaloError):
        return f"Zalo {error.code}"
    if isinstance(error, QuotaSpent):
        return "quota spent"
    return type(error).__name__


def _choices(kept: str | None) -> list[str]:
    if kept is None:
        return []
    try:
        data = json.loads(kept)
    except ValueError:
        return []
    return [item for item in data if isinstance(item, str)] if isinstance(data, list) else []
