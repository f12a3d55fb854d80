"""A per-sender message rate limit over a sliding window, on an injected clock."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from datetime import datetime, timedelta
from enum import Enum

__all__ = ["RateLimiter", "Verdict"]


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first message over the limit: tell the sender once
    SILENT = "silent"  # later ones in the same window: say nothing


class RateLimiter:
    """At most ``limit`` accepted messages per sender in any ``window``."""

    # Forget quiet senders once this many are tracked, so memory stays bounded.
    PRUNE_AT = 10_000

    def __init__(self, limit: int, window: timedelta = timedelta(minutes=1)) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self._accepted: dict[Hashable, deque[datetime]] = {}
        self._warned: set[Hashable] = set()

    def check(self, sender: Hashable, now: datetime) -> Verdict:
        times = self._accepted.setdefault(sender, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            self._warned.discard(sender)
            if len(self._accepted) > self.PRUNE_AT:
                self._prune(now)
            return Verdict.ALLOW
        if sender in self._warned:
            return Verdict.SILENT
        self._warned.add(sender)
        return Verdict.WARN

    def _prune(self, now: datetime) -> None:
        quiet = [k for k, t in self._accepted.items() if not t or now - t[-1] >= self.window]
        for key in quiet:
            del self._accepted[key]
            self._warned.discard(key)
