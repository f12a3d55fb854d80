"""Sending what waits in the outbox: paced, never in quiet hours, retried, resumable.

A row becomes 'sent' only after its send succeeded, so a crash at any moment leaves the rest
pending for the next drain. The one gap no outbox can close: a crash after the messenger
accepted a message and before the row was marked sends that message again on restart — the
bot prefers a rare repeat to a lost reminder. Over a real network a send waits a round trip
for its answer, so several sends (``DrainPolicy.in_flight``) are under way at once, each
starting in its own slot of the pace; their marks share commits (the database's group commit).
A crash can therefore repeat the few messages in flight at that moment, never more. A drain
also pauses, leaving the rest pending, when quiet hours begin or the process is shutting down
(the sends under way finish first).

Each row is sent through the sender of the channel it names ({channel: Sender}, built by the
composition root); rows of a channel this process does not serve wait for one that does. A row
planned before its person linked any chat gets its address when it is due, one query a batch.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.outbox import Delivery, DeliveryStatus, OutboxItem, Sender
from core.ports import OutboxStore, PeopleStore

__all__ = ["DrainPolicy", "DrainReport", "drain", "in_quiet_hours", "retry_delay"]

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class DrainPolicy:
    # Telegram allows about 30 messages/s overall; the rest of the budget answers people.
    rate: float | None = 25.0  # messages per second overall; None: unpaced
    per_chat_interval: float = 1.0  # seconds between two messages to the same person
    quiet_start: time = time(21, 0)  # local time: from here ...
    quiet_end: time = time(7, 0)  # ... to here nothing is sent
    max_attempts: int = 5
    first_retry: timedelta = timedelta(minutes=1)
    max_retry: timedelta = timedelta(hours=1)
    batch: int = 200
    # Sends waiting for the messenger's answer at once: 25/s with a 150 ms round trip needs 4.
    in_flight: int = 16
    # Slots a late pacer may make up at once: at most rate + catch_up starts in any second
    # (25 + 5 = Telegram's 30).
    catch_up: int = 5
    # A batch is held by its process this long (several processes drain one outbox; one that
    # dies lets its batch go after this).
    claim_lease: timedelta = timedelta(minutes=5)


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    quiet: bool = False  # stopped because quiet hours began (or had begun)
    stopped: bool = False  # stopped because the process is shutting down


def in_quiet_hours(moment: datetime, tz: ZoneInfo, policy: DrainPolicy) -> bool:
    local = moment.astimezone(tz).time()
    if policy.quiet_start <= policy.quiet_end:
        return policy.quiet_start <= local < policy.quiet_end
    return local >= policy.quiet_start or local < policy.quiet_end


def retry_delay(attempts: int, policy: DrainPolicy, retry_after: float | None = None) -> timedelta:
    """Exponential backoff after ``attempts`` failed attempts; at least what the channel asked."""
    delay = min(policy.first_retry * (1 << max(attempts - 1, 0)), policy.max_retry)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


class _Pacer:
    """Spaces the starts of sends by 1/rate overall and by ``per_chat_interval`` per person.

    Slots are kept on a schedule rather than counted from the last actual start, so slots
    missed while the drain was busy (reading the next batch, a slow disk) are made up by
    starting the next sends at once — up to ``catch_up`` of them, so that no second holds
    more than rate + catch_up starts.
    Measured on the injected clock, so tests and benchmarks can pace without real waiting.
    """

    def __init__(self, policy: DrainPolicy, clock: Clock, sleep: Sleep) -> None:
        self.interval = timedelta(seconds=1 / policy.rate) if policy.rate else timedelta(0)
        self.catch_up = max(policy.catch_up, 1)
        self.per_chat = timedelta(seconds=policy.per_chat_interval)
        self.clock = clock
        self.sleep = sleep
        self.last_slot: datetime | None = None
        self.last_to: dict[int, datetime] = {}

    async def wait(self, recipient: int) -> None:
        """Return when a send to ``recipient`` may start, and count it as started."""
        now = self.clock()
        slot = now
        if self.last_slot is not None:
            slot = max(self.last_slot + self.interval, now - self.catch_up * self.interval)
        ready = slot
        if recipient in self.last_to:
            ready = max(ready, self.last_to[recipient] + self.per_chat)
        if ready > now:
            await self.sleep((ready - now).total_seconds())
        self.last_slot = max(slot, ready)
        self.last_to[recipient] = max(self.clock(), ready)


class _InFlight:
    """Sends under way: at most ``limit`` at once, one person's in order. A send that dies
    (a BaseException: the process is going down) stops the drain once the others settled."""

    def __init__(self, limit: int) -> None:
        self.slots = asyncio.Semaphore(max(limit, 1))
        self.tasks: set[asyncio.Task[None]] = set()
        self.last: dict[int, asyncio.Task[None]] = {}
        self.failure: BaseException | None = None

    async def start(self, recipient: int, send: Callable[[], Awaitable[None]]) -> None:
        previous = self.last.get(recipient)
        if previous is not None and not previous.done():
            await asyncio.wait({previous})
        task = asyncio.create_task(self._run(send))
        self.tasks.add(task)
        self.last[recipient] = task
        await asyncio.sleep(0)  # the send starts in its own slot, not when the batch ends

    async def _run(self, send: Callable[[], Awaitable[None]]) -> None:
        try:
            await send()
        except BaseException as error:  # kept, and raised by settle()
            if self.failure is None:
                self.failure = error
        finally:
            self.slots.release()

    async def settle(self) -> None:
        """Wait for every send under way (and its mark); raise what killed one."""
        if self.tasks:
            await asyncio.wait(self.tasks)
        self.tasks.clear()
        self.last.clear()
        if self.failure is not None:
            raise self.failure

    async def cancel(self) -> None:
        for task in self.tasks:
            task.cancel()
        if self.tasks:
            await asyncio.wait(self.tasks)


async def _outcome(senders: Mapping[str, Sender], item: OutboxItem) -> Delivery:
    if item.to is None:
        return Delivery(DeliveryStatus.UNREACHABLE, error="no chat linked")
    sender = senders[item.to.channel]
    try:
        return await sender.deliver(item.to.address, item.text)
    except Exception as error:
        # A sender bug or an unexpected channel error: treat as passing, the cap ends it.
        logger.warning("sending outbox item %d failed: %s", item.id, type(error).__name__)
        return Delivery(DeliveryStatus.RETRY, error=type(error).__name__)


async def _addressed(
    items: list[OutboxItem], outbox: OutboxStore, people: PeopleStore
) -> list[OutboxItem]:
    """The batch with an address for every item whose person has one now (one query)."""
    missing = {item.recipient for item in items if item.to is None}
    if not missing:
        return items
    found = await people.addresses(missing)
    targets = {
        item.id: found[item.recipient]
        for item in items
        if item.to is None and item.recipient in found
    }
    await outbox.address(targets)
    return [replace(item, to=targets[item.id]) if item.id in targets else item for item in items]


async def _record(
    outbox: OutboxStore,
    item: OutboxItem,
    result: Delivery,
    now: datetime,
    policy: DrainPolicy,
    report: DrainReport,
) -> None:
    attempts = item.attempts + 1
    if result.status == DeliveryStatus.OK:
        await outbox.mark_sent(item.id, at=now)
        report.sent += 1
    elif result.status == DeliveryStatus.BLOCKED:
        await outbox.mark_given_up(
            item.id, blocked=True, attempts=attempts, error=result.error or "blocked", at=now
        )
        report.blocked += 1
    elif result.status == DeliveryStatus.PAUSED:
        # Not an attempt: the channel cannot send for now (a spent quota); nothing is given up.
        await outbox.mark_retry(
            item.id,
            attempts=item.attempts,
            next_attempt_at=now + timedelta(seconds=result.retry_after or 3600),
            error=result.error or "paused",
        )
        report.retried += 1
    elif result.status == DeliveryStatus.UNREACHABLE or attempts >= policy.max_attempts:
        await outbox.mark_given_up(
            item.id,
            blocked=False,
            attempts=attempts,
            error=result.error or result.status.value,
            at=now,
        )
        report.failed += 1
    else:
        await outbox.mark_retry(
            item.id,
            attempts=attempts,
            next_attempt_at=now + retry_delay(attempts, policy, result.retry_after),
            error=result.error or "retry",
        )
        report.retried += 1


async def drain(
    outbox: OutboxStore,
    people: PeopleStore,
    senders: Mapping[str, Sender],
    *,
    clock: Clock,
    sleep: Sleep,
    tz: ZoneInfo,
    policy: DrainPolicy | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> DrainReport:
    """Send every pending message that is due, until none is left, quiet hours begin or
    ``stopping()`` says the process is shutting down (the rest stays pending)."""
    policy = policy or DrainPolicy()
    report = DrainReport()
    pacer = _Pacer(policy, clock, sleep)
    sends = _InFlight(policy.in_flight)

    def must_pause() -> bool:
        report.stopped = stopping()
        report.quiet = not report.stopped and in_quiet_hours(clock(), tz, policy)
        return report.stopped or report.quiet

    claimed: set[int] = set()  # of the batch at hand, not marked yet

    async def send(item: OutboxItem) -> None:
        result = await _outcome(senders, item)
        await _record(outbox, item, result, clock(), policy, report)
        claimed.discard(item.id)

    try:
        while not must_pause():
            # Claimed: due for no other process until marked, released or the lease ends.
            items = await outbox.claim(
                clock(), policy.batch, sorted(senders), lease=policy.claim_lease
            )
            if not items:
                break
            unhandled = {item.id for item in items}
            claimed.update(unhandled)
            # Rows just addressed to a channel this process does not serve wait for one that
            # does (the next query leaves them out).
            items = [
                item
                for item in await _addressed(items, outbox, people)
                if item.to is None or item.to.channel in senders
            ]
            for item in items:
                await sends.slots.acquire()
                await pacer.wait(item.recipient)
                if must_pause() or sends.failure is not None:
                    sends.slots.release()
                    break
                unhandled.discard(item.id)
                await sends.start(item.recipient, lambda item=item: send(item))  # type: ignore[misc]
            # Marked before the next query, which would otherwise return them again.
            await sends.settle()
            # Claimed but not sent (quiet hours, stopping, another channel's): due again now.
            await outbox.release(unhandled, at=clock())
            claimed.clear()
            if report.quiet or report.stopped:
                break
    except BaseException:
        await sends.cancel()
        # A process that goes down by an error gives its unsent claims back at once.
        await outbox.release(claimed, at=clock())
        raise
    if report.sent or report.retried or report.failed or report.blocked:
        logger.info(
            "outbox: %d sent, %d to retry, %d failed, %d blocked%s",
            report.sent,
            report.retried,
            report.failed,
            report.blocked,
            " (quiet hours)" if report.quiet else " (stopping)" if report.stopped else "",
        )
    return report
