"""The closing report of an ended period (báo cáo tổng kết): per indicator and unit, the target,
what was achieved and its share, and what was done in each year of the period."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from core.indicators import IndicatorSet
from core.periods import Period
from core.ports import Store
from core.progress import AreaProgress, Standing, area_groups
from core.render import ColumnKind, Sheet
from core.units import Unit, UnitDirectory
from handlers.views.labels import period_label, unit_label
from locales.translator import Translator

__all__ = ["closing_sheet", "closing_title"]

Totals = Mapping[tuple[str, str], int]  # (village, indicator) → count


async def _by_year(store: Store, villages: list[str], period: Period) -> dict[int, Totals]:
    """What was done in each year of the period, per village and indicator."""
    years: dict[int, Totals] = {}
    for year in period.years():
        first = max(period.start, date(year, 1, 1))
        last = min(period.end, date(year, 12, 31))
        years[year] = await store.reports.period_totals(villages, first, last)
    return years


def _status(t: Translator, standing: Standing) -> str | None:
    if standing.target is None:
        return t.gettext("chưa có chỉ tiêu")
    return t.gettext("đạt") if not standing.missing else t.gettext("không đạt")


async def closing_sheet(
    store: Store,
    units: UnitDirectory,
    indicators: IndicatorSet,
    t: Translator,
    unit: Unit,
    data: AreaProgress,
    period: Period,
) -> Sheet:
    """The closing sheet of ``data`` (the figures of an ended ``period`` for ``unit``)."""
    villages = [v.code for v in units.villages_in(unit.code)]
    members = {unit.code: villages} | {
        part.code: codes for part, codes in area_groups(units, unit, merged=data.merged)
    }
    years = await _by_year(store, villages, period)
    headers = [
        t.gettext("Nội dung"),
        t.gettext("Đơn vị"),
        t.gettext("Chỉ tiêu"),
        t.gettext("Đã đạt"),
        t.gettext("Tỷ lệ"),
        t.gettext("Trước khi báo cáo qua bot"),
        *(t.gettext("Năm {year}").format(year=year) for year in years),
        t.gettext("Kết quả"),
    ]
    rows: list[list[object]] = []
    bold: set[int] = set()
    for line in data.indicators:
        name = indicators[line.indicator].name(t.locale)
        whole = Standing(data.unit, line.achieved, line.target)
        for standing in (whole, *line.groups):
            codes = members.get(standing.code, [])
            if standing is whole:
                bold.add(len(rows))
            rows.append(
                [
                    name,
                    unit_label(t, units[standing.code]),
                    standing.target.value if standing.target else None,
                    standing.achieved,
                    standing.ratio,
                    standing.target.baseline if standing.target else None,
                    *(
                        sum(done.get((v, line.indicator), 0) for v in codes)
                        for done in years.values()
                    ),
                    _status(t, standing),
                ]
            )
    count, percent = ColumnKind.COUNT, ColumnKind.PERCENT
    return Sheet(
        title=t.gettext("Tổng kết {period}").format(period=period.code)[:31],
        headers=headers,
        rows=rows,
        kinds=(None, None, count, count, percent, count, *(count for _ in years), None),
        bold_rows=frozenset(bold),
    )


def closing_title(t: Translator, unit: Unit, period: Period) -> str:
    return t.gettext("Báo cáo tổng kết {period}, {unit}").format(
        period=period_label(t, period), unit=unit_label(t, unit)
    )
