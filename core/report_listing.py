"""The part of the report store that lists reports (exports, tests): a page at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from typing import Protocol

from core.models import StoredReport

__all__ = ["ReportListing"]


class ReportListing(Protocol):
    async def all(self) -> list[StoredReport]: ...
    def pages(
        self, villages: Collection[str] | None = None, *, size: int = 2000
    ) -> AsyncIterator[list[StoredReport]]:
        """Every report (active or cancelled) of ``villages`` (None: all), oldest first,
        ``size`` at a time, so that an export never holds them all. Keyset paging
        (``id > last ORDER BY id LIMIT size``): each page costs the same however far in;
        the same SQL serves SQLite and PostgreSQL."""
        ...

    async def count(self, villages: Collection[str] | None = None) -> int:
        """How many reports ``pages`` would give."""
        ...
