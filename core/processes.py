"""Ports for processes that share one database (PostgreSQL): a role only one process may
have at a time (polling a messenger's token) is a lease. (Claiming inbox updates is part of
core.inbox_port.Inbox.)"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Held", "Leases"]


class Held(Protocol):
    async def release(self) -> None: ...


class Leases(Protocol):
    async def try_hold(self, name: str) -> Held | None:
        """Hold the role ``name`` if no other process does; None when one does. A process
        that dies lets go of it (its database session ends)."""
        ...
