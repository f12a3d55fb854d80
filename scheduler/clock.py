"""A clock that moves only when the drain waits: for dry runs, operations at a given moment
and benchmarks that measure pacing without real waiting."""

from __future__ import annotations

from datetime import datetime, timedelta

__all__ = ["SimulatedClock"]


class SimulatedClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=max(seconds, 0.0))
