"""Channel adapters: translate between a messenger and the engine's plain messages."""

from __future__ import annotations

import asyncio
from typing import Protocol

from core.outbox import Sender

__all__ = ["Channel"]


class Channel(Protocol):
    """A messenger the runner serves: started, served until stopped, closed."""

    @property
    def name(self) -> str: ...
    @property
    def sender(self) -> Sender: ...

    async def start(self) -> None:
        """Connect (check the token) and resume what was received but not answered."""

    async def serve(self, stop: asyncio.Event) -> None:
        """Receive and answer updates until ``stop`` is set."""

    async def close(self, grace: float) -> None:
        """Stop receiving; let what is being answered finish within ``grace`` seconds."""
