"""The durable inbox's storage interface (re-exported by core.ports)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from core.models import FailedUpdate, InboxEntry

__all__ = ["Inbox"]


class Inbox(Protocol):
    """Updates recorded before they are acknowledged to the messenger, until processed."""

    async def record(
        self,
        channel: str,
        entries: Sequence[InboxEntry],
        *,
        at: datetime,
        offset: int | None = None,
    ) -> set[int]:
        """Record updates (and the channel's next offset) in one commit; returns the new ids."""
        ...

    async def pending(self, channel: str) -> list[InboxEntry]:
        """Updates recorded but not yet processed, oldest first."""
        ...

    async def claim(
        self, channel: str, *, worker: str, at: datetime, lease: timedelta, limit: int
    ) -> list[InboxEntry]:
        """Take up to ``limit`` pending updates for ``worker`` until ``at + lease``: only the
        oldest pending update of each lane, and none of a lane whose oldest is held by anyone
        (one person's updates are handled in order, whichever process received them). Updates
        held by a worker whose lease ran out are taken over."""
        ...

    async def release(self, channel: str, update_ids: Collection[int]) -> None:
        """Give claimed updates back unprocessed (a process stopping): claimable at once."""
        ...

    async def finish(
        self, channel: str, update_id: int, *, at: datetime, failed: bool, reason: str | None = None
    ) -> None:
        """Mark an update processed; a failed one keeps a short ``reason`` (never content).
        May return before the mark is durable: lost in a crash, the update is processed again
        at the next start (stored once, answered again), as after a crash just before it."""
        ...

    async def offset(self, channel: str) -> int | None:
        """The next update id to ask the channel for; None before the first update."""
        ...

    async def keep(self, channel: str, key: str, value: str | None) -> None:
        """Keep a small, durable piece of a channel's state (None: forget it); ``kept`` reads
        it. E.g. the numbered options a Zalo chat was last offered."""

    async def kept(self, channel: str, key: str) -> str | None: ...

    async def failed(self, channel: str | None = None) -> list[FailedUpdate]:
        """Updates that failed and are still kept, oldest first (every channel's by default)."""
        ...

    async def prune(
        self, channel: str, before: datetime, *, failed_before: datetime | None = None
    ) -> int:
        """Forget processed updates received before ``before`` (failed ones before
        ``failed_before``, when given, so that an admin can still look at them); returns how
        many."""
        ...
