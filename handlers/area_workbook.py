"""The workbook of an area: progress by commune and every report of the period, written to a
file; an ended period's opens with its closing report.

The reports are streamed: read from the store and turned into rows a page at a time on the
event loop, and written by another process (the streamed workbook renderer), so neither the
event loop (other chats) waits for the writer nor does memory grow with the area.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from core.indicators import IndicatorSet
from core.models import StoredReport
from core.periods import Period
from core.ports import Store
from core.progress import CHANGE_DAYS, PACE_DAYS, AreaProgress, Status
from core.render import EXCEL_MAX_ROWS, ColumnKind, Renderers, Sheet
from core.units import Unit, UnitDirectory
from handlers.area import load_progress
from handlers.closing import closing_sheet, closing_title
from handlers.poverty import load_poverty
from handlers.poverty_sheet import poverty_sheet
from handlers.report_rows import (
    EXPORT_COLUMNS,
    PAGE_SIZE,
    Evidence,
    RowMaker,
    evidence_pages,
    row_maker,
)
from handlers.views.labels import unit_label
from locales.translator import Translator

__all__ = ["write_area_workbook"]


def _status(t: Translator, status: Status) -> str:
    return {
        Status.NO_TARGET: t.gettext("chưa có chỉ tiêu"),
        Status.ACHIEVED: t.gettext("đã đạt"),
        Status.ON_TRACK: t.gettext("đúng tiến độ"),
        Status.BEHIND: t.gettext("chậm"),
        Status.MISSED: t.gettext("không đạt"),
    }[status]


def _summary(
    t: Translator, units: UnitDirectory, indicators: IndicatorSet, data: AreaProgress
) -> tuple[list[str], list[list[object]], set[int]]:
    headers = [
        t.gettext("Nội dung"),
        t.gettext("Đơn vị"),
        t.gettext("Đã đạt"),
        t.gettext("Chỉ tiêu"),
        t.gettext("Tỷ lệ"),
        t.gettext("{days} ngày qua").format(days=CHANGE_DAYS),
        t.gettext("{days} ngày qua").format(days=PACE_DAYS),
        t.gettext("Hạn"),
        t.gettext("Dự kiến đạt"),
        t.gettext("Đánh giá"),
    ]
    rows: list[list[object]] = []
    totals: set[int] = set()
    for line in data.indicators:
        name = indicators[line.indicator].name(t.locale)
        target = line.target
        totals.add(len(rows))
        rows.append(
            [
                name,
                unit_label(t, units[data.unit]),
                line.achieved,
                target.value if target else None,
                line.ratio,
                line.change,
                line.recent,
                target.deadline if target else None,
                line.projected,
                _status(t, line.status),
            ]
        )
        for group in line.groups:
            rows.append(
                [
                    name,
                    unit_label(t, units[group.code]),
                    group.achieved,
                    group.target.value if group.target else None,
                    group.ratio,
                    None,
                    None,
                    group.target.deadline if group.target else None,
                    None,
                    None,
                ]
            )
    return headers, rows, totals


def _report_headers(t: Translator) -> list[str]:
    headers = {
        "report_id": t.gettext("Số báo cáo"),
        "indicator": t.gettext("Nội dung"),
        "count": t.gettext("Số lượng"),
        "village": t.gettext("Thôn"),
        "commune": t.gettext("Xã (từ 7/2025)"),
        "commune_before_2025": t.gettext("Xã (trước 7/2025)"),
        "household": t.gettext("Hộ"),
        "date": t.gettext("Ngày thực hiện"),
        "reported_by": t.gettext("Người báo cáo"),
        "received_at": t.gettext("Thời điểm nhận"),
        "status": t.gettext("Trạng thái"),
        "review": t.gettext("Tình trạng duyệt"),
        "reviewed_by": t.gettext("Người duyệt"),
        "reviewed_at": t.gettext("Thời điểm duyệt"),
        "review_reason": t.gettext("Lý do từ chối"),
        "photos": t.gettext("Số ảnh"),
    }
    return [headers[c] for c in EXPORT_COLUMNS]


class _ReportValues:
    """A report's row of the workbook: names in the leader's language, Excel dates."""

    def __init__(
        self, t: Translator, indicators: IndicatorSet, make: RowMaker, period: Period
    ) -> None:
        self.make = make
        self.period = period
        self.status = {"active": t.gettext("còn hiệu lực"), "cancelled": t.gettext("đã hủy")}
        self.review = {
            "": t.gettext("không cần duyệt"),
            "awaiting": t.gettext("chờ duyệt"),
            "approved": t.gettext("đã duyệt"),
            "rejected": t.gettext("bị từ chối"),
        }
        self.names: Mapping[str, str] = {i.code: i.name(t.locale) for i in indicators}

    async def pages(
        self, pages: AsyncIterator[list[tuple[StoredReport, Evidence]]]
    ) -> AsyncIterator[list[tuple[object, ...]]]:
        """The rows of each page of reports (on the event loop: a few ms a page)."""
        async for page in pages:
            yield [self.row(report, evidence) for report, evidence in page if self.holds(report)]

    def holds(self, report: StoredReport) -> bool:
        return self.period.holds(report.done_on)  # else another period's: not counted here

    def row(self, report: StoredReport, evidence: Evidence) -> tuple[object, ...]:
        values = self.make(report, evidence)
        values["review"] = self.review.get(str(values["review"]), values["review"])
        reviewed = str(values["reviewed_at"])
        values["reviewed_at"] = (
            datetime.fromisoformat(reviewed).replace(tzinfo=None) if reviewed else None
        )
        values["indicator"] = self.names.get(str(values["indicator"]), values["indicator"])
        values["status"] = self.status.get(str(values["status"]), values["status"])
        values["date"] = date.fromisoformat(str(values["date"]))
        # Excel has no time zones: the local time, as the export's other columns show it.
        values["received_at"] = datetime.fromisoformat(str(values["received_at"])).replace(
            tzinfo=None
        )
        # A tuple of plain values: the garbage collector stops tracking it.
        return tuple([values[c] for c in EXPORT_COLUMNS])


async def write_area_workbook(
    store: Store,
    units: UnitDirectory,
    indicators: IndicatorSet,
    t: Translator,
    tz: ZoneInfo,
    unit: Unit,
    out: Path,
    *,
    merged: bool,
    today: date,
    renderers: Renderers,
    period: Period,
    max_rows: int = EXCEL_MAX_ROWS,
) -> int:
    """Write the .xlsx of an area to ``out``; returns how many reports it lists
    (``/xuat`` and ``python -m bot export``)."""
    data = await load_progress(
        store, units, indicators, unit, merged=merged, today=today, period=period
    )
    villages = [v.code for v in units.villages_in(unit.code)]
    values = _ReportValues(t, indicators, await row_maker(store, units, tz), period)
    summary_headers, summary, totals = _summary(t, units, indicators, data)
    report_kinds: list[ColumnKind | None] = [None] * len(EXPORT_COLUMNS)
    report_kinds[EXPORT_COLUMNS.index("date")] = ColumnKind.DATE
    report_kinds[EXPORT_COLUMNS.index("received_at")] = ColumnKind.DATETIME
    report_kinds[EXPORT_COLUMNS.index("reviewed_at")] = ColumnKind.DATETIME
    report_kinds[EXPORT_COLUMNS.index("photos")] = ColumnKind.COUNT
    count, percent, day = ColumnKind.COUNT, ColumnKind.PERCENT, ColumnKind.DATE
    title = t.gettext("Tiến độ {unit} đến {date}").format(
        unit=unit_label(t, unit), date=t.short_date(today)
    )
    first: list[Sheet] = []
    section = await load_poverty(store, units, unit, merged=merged, today=today, period=period)
    rate = [poverty_sheet(t, units, section)] if section and section.rows else []
    if data.closed:  # an ended period opens with its closing report (báo cáo tổng kết)
        first.append(await closing_sheet(store, units, indicators, t, unit, data, period))
        title = closing_title(t, unit, period)
    sheets = [
        *first,
        Sheet(
            title=t.gettext("Tổng hợp"),
            headers=summary_headers,
            rows=summary,
            kinds=(None, None, count, count, percent, count, count, day, day, None),
            bold_rows=frozenset(totals),
        ),
        *rate,
        Sheet(title=t.gettext("Báo cáo"), headers=_report_headers(t), rows=(), kinds=report_kinds),
    ]
    pages = values.pages(evidence_pages(store, store.reports.pages(villages, size=PAGE_SIZE)))
    written = await renderers.streamed_workbook(sheets, pages, out, title=title, max_rows=max_rows)
    return written[-1]
