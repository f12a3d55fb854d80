"""/xuat: an Excel workbook of the leader's area — progress by commune and every report."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.indicators import IndicatorSet
from core.periods import Period
from core.ports import Store
from core.progress import CHANGE_DAYS, PACE_DAYS, AreaProgress, Status
from core.render import ColumnKind, Renderers, Sheet
from core.units import Unit, UnitDirectory
from handlers.area import load_progress, parse_query, resolve_area, take_period
from handlers.context import Context
from handlers.messages import Attachment, Reply
from handlers.report_rows import EXPORT_COLUMNS, export_rows
from handlers.router import Router
from handlers.views.labels import area_file_name, unit_label
from locales.translator import Translator

__all__ = ["area_workbook", "router"]

router = Router()


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


def _reports(
    t: Translator, indicators: IndicatorSet, rows: Sequence[Mapping[str, object]]
) -> tuple[list[str], list[list[object]]]:
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
    }
    status = {"active": t.gettext("còn hiệu lực"), "cancelled": t.gettext("đã hủy")}
    names = {i.code: i.name(t.locale) for i in indicators}
    table = []
    for row in rows:
        values = dict(row)
        values["indicator"] = names.get(str(row["indicator"]), row["indicator"])
        values["status"] = status.get(str(row["status"]), row["status"])
        values["date"] = date.fromisoformat(str(row["date"]))
        # Excel has no time zones: the local time, as the export's other columns show it.
        values["received_at"] = datetime.fromisoformat(str(row["received_at"])).replace(tzinfo=None)
        table.append([values[c] for c in EXPORT_COLUMNS])
    return [headers[c] for c in EXPORT_COLUMNS], table


async def area_workbook(
    store: Store,
    units: UnitDirectory,
    indicators: IndicatorSet,
    t: Translator,
    tz: ZoneInfo,
    unit: Unit,
    *,
    merged: bool,
    today: date,
    renderers: Renderers,
    period: Period,
) -> tuple[bytes, int]:
    """The .xlsx of an area and how many reports it lists (also `python -m bot export`)."""
    data = await load_progress(
        store, units, indicators, unit, merged=merged, today=today, period=period
    )
    villages = [v.code for v in units.villages_in(unit.code)]
    rows = await export_rows(store, units, tz, villages=villages)
    summary_headers, summary, totals = _summary(t, units, indicators, data)
    report_headers, reports = _reports(t, indicators, rows)
    report_kinds: list[ColumnKind | None] = [None] * len(EXPORT_COLUMNS)
    report_kinds[EXPORT_COLUMNS.index("date")] = ColumnKind.DATE
    report_kinds[EXPORT_COLUMNS.index("received_at")] = ColumnKind.DATETIME
    count, percent, day = ColumnKind.COUNT, ColumnKind.PERCENT, ColumnKind.DATE
    sheets = [
        Sheet(
            title=t.gettext("Tổng hợp"),
            headers=summary_headers,
            rows=summary,
            kinds=(None, None, count, count, percent, count, count, day, day, None),
            bold_rows=frozenset(totals),
        ),
        Sheet(
            title=t.gettext("Báo cáo"),
            headers=report_headers,
            rows=reports,
            kinds=report_kinds,
        ),
    ]
    title = t.gettext("Tiến độ {unit} đến {date}").format(
        unit=unit_label(t, unit), date=t.short_date(today)
    )
    # Writing a large area's reports takes a while: off the event loop, so other chats go on.
    content = await asyncio.to_thread(renderers.workbook, sheets, title=title)
    return content, len(reports)


@router.command("xuat")
async def export(ctx: Context) -> list[Reply]:
    taken = take_period(ctx, ctx.args)
    if isinstance(taken, Reply):
        return [taken]
    period, args = taken
    query = parse_query(args)
    usage = ctx._("Ví dụ: /xuat; /xuat xã Sơn Vĩ; /xuat cu (tổng hợp theo xã cũ); /xuat 2021-2025")
    resolved = resolve_area(ctx, query, usage)
    if isinstance(resolved, Reply):
        return [resolved]
    unit, merged = resolved
    content, count = await area_workbook(
        ctx.store,
        ctx.units,
        ctx.indicators,
        ctx.t,
        ctx.tz,
        unit,
        merged=merged,
        today=ctx.today,
        renderers=ctx.renderers,
        period=period,
    )
    text = ctx.t.ngettext(
        "Tệp Excel tiến độ {unit} đến {date}: bảng tổng hợp và {n} báo cáo.",
        "Tệp Excel tiến độ {unit} đến {date}: bảng tổng hợp và {n} báo cáo.",
        count,
    ).format(unit=ctx.unit_label(unit), date=ctx.t.short_date(ctx.today), n=ctx.t.number(count))
    name = area_file_name(ctx.t, unit, merged=merged, today=ctx.today, extension="xlsx")
    return [Reply(text, attachment=Attachment(name, content))]
