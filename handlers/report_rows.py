"""Reports as rows for the CSV export and the workbook: one row per report, names not codes.

Exports stream: reports come from the store a page at a time and each page is turned into
rows and written before the next is read, so a province's million reports never sit in
memory together. The workbook renderer writes its rows off the event loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.evidence import ReviewInfo
from core.models import StoredReport
from core.ports import Store
from core.units import UnitDirectory

__all__ = [
    "EXPORT_COLUMNS",
    "PAGE_SIZE",
    "Evidence",
    "RowMaker",
    "evidence_pages",
    "export_pages",
]


PAGE_SIZE = 500  # reports read at a time: converted on the event loop, so kept short

EXPORT_COLUMNS = (
    "report_id",
    "indicator",
    "count",
    "village",
    "commune",
    "commune_before_2025",
    "household",
    "date",
    "reported_by",
    "received_at",
    "status",
    "review",  # awaiting, approved, rejected; empty: the indicator needs no approval
    "reviewed_by",
    "reviewed_at",
    "review_reason",
    "photos",
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a report's row shows beside the report: its review and its number of photos."""

    review: ReviewInfo | None = None
    photos: int = 0


async def evidence_pages(
    store: Store, pages: AsyncIterator[list[StoredReport]]
) -> AsyncIterator[list[tuple[StoredReport, Evidence]]]:
    """Each page of reports with their reviews and photo counts (two queries a page)."""
    async for page in pages:
        ids = [r.id for r in page]
        infos = await store.reviews.infos(ids)
        counts = await store.evidence.counts(ids)
        yield [(r, Evidence(infos.get(r.id), counts.get(r.id, 0))) for r in page]


class RowMaker:
    """Turns a report into its export row (a dict keyed by EXPORT_COLUMNS)."""

    def __init__(self, units: UnitDirectory, tz: ZoneInfo, people: Mapping[int, str]) -> None:
        self.units = units
        self.tz = tz
        self.people = people
        self._places: dict[str, tuple[str, str, str]] = {}

    def _place(self, code: str) -> tuple[str, str, str]:
        place = self._places.get(code)
        if place is None:
            village = self.units.get(code)
            current = self.units.commune_of(village) if village else None
            before = self.units.commune_of(village, merged=False) if village else None
            place = (
                village.name if village else code,
                current.name if current else "",
                before.name if before else "",
            )
            self._places[code] = place
        return place

    def __call__(self, report: StoredReport, evidence: Evidence = Evidence()) -> dict[str, object]:
        village, commune, before = self._place(report.village)
        review = evidence.review
        reviewed_at = review.reviewed_at if review else None
        return {
            "report_id": report.id,
            "indicator": report.indicator,
            "count": report.count,
            "village": village,
            "commune": commune,
            "commune_before_2025": before,
            "household": report.household or "",
            "date": report.done_on.isoformat(),
            "reported_by": self.people.get(report.reporter_id, report.reporter_id),
            "received_at": report.received_at.astimezone(self.tz).isoformat(timespec="seconds"),
            "status": report.status.value,
            "review": review.review.value if review else "",
            "reviewed_by": (
                self.people.get(review.reviewer_id, review.reviewer_id)
                if review and review.reviewer_id is not None
                else ""
            ),
            "reviewed_at": (
                reviewed_at.astimezone(self.tz).isoformat(timespec="seconds") if reviewed_at else ""
            ),
            "review_reason": (review.reason or "") if review else "",
            "photos": evidence.photos,
        }


async def row_maker(store: Store, units: UnitDirectory, tz: ZoneInfo) -> RowMaker:
    return RowMaker(units, tz, {p.id: p.name for p in await store.people.all()})


async def export_pages(
    store: Store,
    units: UnitDirectory,
    tz: ZoneInfo,
    *,
    villages: Collection[str] | None = None,
    size: int = PAGE_SIZE,
) -> AsyncIterator[list[dict[str, object]]]:
    """Every report, or those of ``villages`` (an area's export), as rows, a page at a time."""
    make = await row_maker(store, units, tz)
    async for page in evidence_pages(store, store.reports.pages(villages, size=size)):
        yield [make(report, evidence) for report, evidence in page]
