"""Several bot processes on one database (PostgreSQL): claiming inbox updates, and holding a
role (polling a messenger's token) that only one process may have at a time.

Any process may receive an update (behind a reverse proxy, webhooks reach any of them); each
records it in the inbox, and every process claims from the inbox what it will handle: only
the oldest pending update of a person, so that a person's messages are handled in order even
when they reached different processes. A process that dies lets its claims go when their
lease ends, and its role when its database session ends.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.channels.lanes import wait_any
from core.inbox_port import Inbox
from core.models import InboxEntry
from core.processes import Leases

__all__ = ["Claimer", "Sharing", "poll_alone", "while_holding"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sharing:
    """How this process shares its database with other bot processes."""

    leases: Leases
    worker: str  # this process, e.g. "host:pid"
    lease: timedelta = timedelta(minutes=2)  # how long a claim lasts if the process dies
    every: float = 1.0  # seconds between claims when nothing new was heard of
    role_retry: float = 5.0  # seconds between tries to take a role another process holds


class Claimer:
    """Claims a channel's pending updates for this process, as room frees up."""

    def __init__(
        self,
        inbox: Inbox,
        channel: str,
        sharing: Sharing,
        *,
        clock: Callable[[], datetime],
        queue: Callable[[InboxEntry], None],
        room: Callable[[], int],
    ) -> None:
        self.inbox, self.channel, self.sharing = inbox, channel, sharing
        self.clock, self._queue, self._room = clock, queue, room
        self.wake = asyncio.Event()  # something new: claim now rather than at the next tick
        self.held: set[int] = set()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"claims:{self.channel}")

    async def _run(self) -> None:
        while True:
            self.wake.clear()
            room = self._room()
            if room > 0:
                try:
                    entries = await self.inbox.claim(
                        self.channel,
                        worker=self.sharing.worker,
                        at=self.clock(),
                        lease=self.sharing.lease,
                        limit=room,
                    )
                except Exception as error:  # the database is away: try again at the next tick
                    logger.error("claiming updates failed: %s", type(error).__name__)
                    entries = []
                for entry in entries:
                    self.held.add(entry.update_id)
                    self._queue(entry)
            await wait_any(self.wake, at_most=self.sharing.every)

    def done(self, update_id: int) -> None:
        """An update was handled: the next of its person may now be claimed."""
        self.held.discard(update_id)
        self.wake.set()

    async def close(self) -> None:
        """Stop claiming; give back what was claimed and not handled, for others at once."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self.held:
            await self.inbox.release(self.channel, self.held)
            self.held.clear()


async def while_holding(
    leases: Leases,
    role: str,
    stop: asyncio.Event,
    run: Callable[[], Awaitable[None]],
    *,
    retry: float,
) -> None:
    """Run ``run`` once this process holds ``role`` (waiting while another one does), until
    ``stop`` is set."""
    waiting_said = False
    while not stop.is_set():
        held = await leases.try_hold(role)
        if held is None:
            if not waiting_said:
                logger.info("another process holds %s; this one only processes", role)
                waiting_said = True
            await wait_any(stop, at_most=retry)
            continue
        try:
            if waiting_said:
                logger.info("this process took over %s", role)
            await run()
        finally:
            await held.release()
        return


async def poll_alone(
    sharing: Sharing | None,
    channel: str,
    token: str,
    stop: asyncio.Event,
    poll: Callable[[], Awaitable[None]],
) -> None:
    """Poll a messenger's token (or bot: Zalo's bot id): at once alone, else only while this
    process holds the token's role (the others process what it records, and one takes over
    if it goes)."""
    if sharing is None:
        await poll()
        return
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]  # never the token itself
    role = f"poller:{channel}:{digest}"
    await while_holding(sharing.leases, role, stop, poll, retry=sharing.role_retry)
