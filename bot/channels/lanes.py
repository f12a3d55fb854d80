"""Ordered-per-key, bounded-concurrent processing: one person's messages in order, people in
parallel."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

__all__ = ["Lanes", "done_event", "unless_stopped", "wait_any"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


async def wait_any(*events: asyncio.Event, at_most: float | None = None) -> None:
    """Until one of the events is set, or ``at_most`` seconds passed."""
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=at_most, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


def done_event(task: asyncio.Future[Any]) -> asyncio.Event:
    """An event set when ``task`` is done (to wait for it or a stop, whichever comes first)."""
    event = asyncio.Event()
    task.add_done_callback(lambda _: event.set())
    return event


async def unless_stopped(work: Awaitable[T], stop: asyncio.Event) -> asyncio.Future[T] | None:
    """Run ``work`` until it is done (returned, to read its result) or ``stop`` is set
    (then it is cancelled: None)."""
    task = asyncio.ensure_future(work)
    await wait_any(stop, done_event(task))
    if not task.done():
        task.cancel()
        await asyncio.wait({task})
        return None
    return task


class Lanes(Generic[T]):
    """Items with the same key are handled one at a time, in the order they were put;
    at most ``concurrency`` lanes are being handled at once overall.

    A person's messages depend on each other (register, then report; set a target, then
    change it), so each person gets a lane; different people do not wait for each other.
    ``handle`` gets the items of a lane that are waiting when it starts, in order, at most
    ``batch`` of them: a person who sent several messages can be answered in one.
    """

    def __init__(
        self,
        handle: Callable[[list[T]], Awaitable[None]],
        *,
        concurrency: int,
        batch: int = 1,
    ) -> None:
        self._handle = handle
        self._batch = max(batch, 1)
        self._queues: dict[Hashable, deque[T]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(concurrency)
        self._backlog = 0
        self._progress = asyncio.Event()
        self.closing = asyncio.Event()

    @property
    def backlog(self) -> int:
        """Items put and not yet handled."""
        return self._backlog

    def put(self, key: Hashable, item: T) -> None:
        if self.closing.is_set():
            return  # the caller keeps it durably; the next start handles it
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = deque()
            task = asyncio.create_task(self._run(key, queue), name=f"lane:{key}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        queue.append(item)
        self._backlog += 1

    async def _run(self, key: Hashable, queue: deque[T]) -> None:
        try:
            while queue and not self.closing.is_set():
                async with self._slots:
                    if self.closing.is_set():
                        break
                    items = list(itertools.islice(queue, self._batch))
                    try:
                        await self._handle(items)
                    except Exception:
                        # The items stay recorded as unprocessed; retried at the next start.
                        logger.exception("processing an update failed")
                for _ in items:
                    queue.popleft()
                self._backlog -= len(items)
                self._progress.set()
        finally:
            # No await between the last emptiness check and this: a concurrent put() either
            # landed in the queue before the check or finds no lane and starts a new one.
            if self._queues.get(key) is queue:
                del self._queues[key]

    async def wait_below(self, limit: int, stop: asyncio.Event) -> None:
        """Until fewer than ``limit`` items wait, or ``stop`` is set."""
        while self._backlog >= limit and not stop.is_set():
            self._progress.clear()
            await wait_any(self._progress, stop)

    async def close(self, grace: float) -> None:
        """Take no new item; let the items being handled finish within ``grace`` seconds."""
        self.closing.set()
        tasks = set(self._tasks)
        if not tasks:
            return
        _done, late = await asyncio.wait(tasks, timeout=grace)
        for task in late:
            task.cancel()
        if late:
            logger.warning("%d updates did not finish in time; kept for the next start", len(late))
            await asyncio.wait(late)
