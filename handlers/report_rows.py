"""Reports as rows for the CSV export and the workbook: one row per report, names not codes."""

from __future__ import annotations

from collections.abc import Collection
from zoneinfo import ZoneInfo

from core.ports import Store
from core.units import UnitDirectory

__all__ = ["EXPORT_COLUMNS", "export_rows"]

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
)


async def export_rows(
    store: Store, units: UnitDirectory, tz: ZoneInfo, *, villages: Collection[str] | None = None
) -> list[dict[str, object]]:
    """Every report, or those of ``villages`` (an area's export)."""
    people = {p.id: p for p in await store.people.all()}
    rows: list[dict[str, object]] = []
    if villages is None:
        reports = await store.reports.all()
    else:
        reports = await store.reports.in_villages(villages)
    for report in reports:
        village = units.get(report.village)
        current = units.commune_of(village) if village else None
        before = units.commune_of(village, merged=False) if village else None
        reporter = people.get(report.reporter_id)
        rows.append(
            {
                "report_id": report.id,
                "indicator": report.indicator,
                "count": report.count,
                "village": village.name if village else report.village,
                "commune": current.name if current else "",
                "commune_before_2025": before.name if before else "",
                "household": report.household or "",
                "date": report.done_on.isoformat(),
                "reported_by": reporter.name if reporter else report.reporter_id,
                "received_at": report.received_at.astimezone(tz).isoformat(timespec="seconds"),
                "status": report.status.value,
            }
        )
    return rows
