"""Storage interfaces for evidence and approval (``core.ports.Store`` holds one of each)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from datetime import date, datetime
from typing import Protocol

from core.evidence import (
    AttachResult,
    Location,
    PreparedPhoto,
    Review,
    ReviewInfo,
    StoredPhoto,
)
from core.models import StoredReport

__all__ = ["EvidenceStore", "ReviewStore"]


class EvidenceStore(Protocol):
    """Photos of reports (each stored once, by content hash), albums, report locations."""

    async def attach(
        self,
        report_ids: Sequence[int],
        photos: Sequence[PreparedPhoto],
        *,
        actor_id: int | None,
        at: datetime,
        per_report: int,
        total_cap: int | None = None,
    ) -> AttachResult:
        """Link photos to reports in one transaction (at most ``per_report`` each, events
        recorded); nothing when the photos would take the total beyond ``total_cap`` bytes."""
        ...

    async def counts(self, report_ids: Collection[int]) -> dict[int, int]: ...
    async def photos(self, report_id: int) -> list[StoredPhoto]: ...
    def each(self) -> AsyncIterator[StoredPhoto]: ...  # all, by report, a page at a time

    async def latest_reports(self, reporter_id: int, since: datetime) -> list[int]:
        """The active reports of this person's latest report message received since."""
        ...

    async def set_location(
        self,
        report_ids: Collection[int],
        location: Location,
        *,
        source: str,
        actor_id: int | None,
        at: datetime,
        replace: bool,
    ) -> int: ...
    async def locations(self, report_ids: Collection[int]) -> dict[int, Location]: ...
    async def group(self, key: str, report_ids: Sequence[int], at: datetime) -> list[int]:
        """The reports of an album: the first call for a key sets them, later ones read them."""
        ...

    async def known_group(self, key: str) -> list[int] | None: ...


class ReviewStore(Protocol):
    """Approval of the reports whose indicator needs it."""

    async def awaiting(self, villages: Collection[str]) -> list[StoredReport]:
        """Active reports of these villages awaiting approval, the longest waiting first."""
        ...

    async def decide(
        self,
        report_id: int,
        review: Review,
        *,
        reviewer_id: int,
        at: datetime,
        reason: str | None = None,
    ) -> StoredReport | None:
        """Approve or reject a report awaiting approval: a rejected one leaves the totals, an
        event records who, when and why. Returns the report as it is now, or None when it
        does not await approval (any more)."""
        ...

    async def infos(self, report_ids: Collection[int]) -> dict[int, ReviewInfo]:
        """The review of each of these reports that needs one."""
        ...

    async def approved_totals(
        self, villages: Collection[str], first: date | None = None, last: date | None = None
    ) -> dict[str, int]:
        """Approved totals per indicator over the villages (active reports only), of the
        work done from ``first`` to ``last`` (both included) when given."""
        ...

    async def waiting_by_village(self) -> dict[str, tuple[int, datetime]]:
        """Per village with reports awaiting approval: how many, and since when the oldest."""
        ...

    async def summary(self, villages: Collection[str]) -> tuple[int, datetime | None]:
        """How many reports of the villages await approval, and since when the oldest."""
        ...

    async def area_approval(
        self, parents: Collection[str], currents: Collection[str], first: date, last: date
    ) -> tuple[dict[str, int], int, datetime | None]:
        """``approved_totals`` and ``summary`` in one read, over the villages whose former
        commune is one of ``parents`` or whose current commune is one of ``currents`` (the
        area of a ``core.area_cells.CellPlan``): no list of thousands of villages."""
        ...
