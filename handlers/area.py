"""Which area a leader asks about (/tiendo, /xuat), whether they may see it, and its figures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.area_cells import CellQuery, cells_progress, plan_cells, rankings
from core.indicators import IndicatorSet
from core.periods import Period
from core.permissions import may_view
from core.ports import Store
from core.progress import BEHIND_COUNT, CHANGE_DAYS, PACE_DAYS, AreaProgress, area_progress
from core.text import fold
from core.units import (
    COMMUNE,
    DISTRICT,
    NEW_COMMUNE,
    VILLAGE,
    Unit,
    UnitDirectory,
    find_units,
)
from handlers.context import Context
from handlers.messages import Reply

__all__ = [
    "AreaQuery",
    "command_name",
    "load_progress",
    "parse_query",
    "resolve_area",
    "take_period",
]

# The word that asks for the pre-2025 communes: "/tiendo cu", "/tiendo xã Sơn Vĩ cu".
OLD_MAP_WORD = "cu"


@dataclass(frozen=True, slots=True)
class AreaQuery:
    mode: str  # a value of the ``modes`` given to parse_query, or "" for the plain view
    names: tuple[str, ...]  # readings of the unit asked about, most likely first; () = own area
    merged: tuple[bool, ...]  # for each reading: grouped by the post-2025 communes


def parse_query(args: str, modes: dict[str, str] | None = None) -> AreaQuery:
    """'bieudo xã Sơn Vĩ cu' → mode 'chart', unit 'xã Sơn Vĩ', old map.

    ``modes`` maps a folded leading word ('bieudo', 'bieu do') to a mode. A leading or trailing
    'cu' asks for the old map, unless the whole text is the name (a village called '… Cũ').
    """
    words = args.split()
    mode = ""
    for word, value in sorted((modes or {}).items(), key=lambda kv: -len(kv[0].split())):
        size = len(word.split())
        if fold(" ".join(words[:size])) == word:
            mode, words = value, words[size:]
            break
    folded = [fold(w) for w in words]
    if not words:
        return AreaQuery(mode, (), (True,))
    if folded in ([OLD_MAP_WORD], ["xa", OLD_MAP_WORD]):
        return AreaQuery(mode, (), (False,))  # the own area on the old map
    readings: list[tuple[list[str], bool]] = []
    if folded[0] == OLD_MAP_WORD:
        readings.append((words[1:], False))
    elif folded[-1] == OLD_MAP_WORD:
        readings.append((words[:-1], False))
    readings.append((words, True))
    return AreaQuery(mode, tuple(" ".join(r[0]) for r in readings), tuple(r[1] for r in readings))


_PERIOD_WORD = re.compile(r"^\d{4}\s*[-–—]\s*\d{4}$")
_PERIOD_PREFIX = ("giai doan", "gd")


def take_period(ctx: Context, args: str) -> tuple[Period, str] | Reply:
    """The period named in a command ('/tiendo 2021-2025 xã Sơn Vĩ') and the rest of it;
    the current period when none is named."""
    words = args.split()
    for i, word in enumerate(words):
        if not _PERIOD_WORD.match(word):
            continue
        period = ctx.periods.find(word)
        if period is None:
            return Reply(
                ctx._("Không có giai đoạn «{name}». Các giai đoạn: {periods}.").format(
                    name=word, periods=", ".join(p.code for p in ctx.periods)
                )
            )
        before = words[:i]
        for prefix in _PERIOD_PREFIX:
            size = len(prefix.split())
            if fold(" ".join(before[-size:])) == prefix:
                before = before[:-size]
                break
        return period, " ".join(before + words[i + 1 :])
    return ctx.period, args


def command_name(unit: Unit) -> str:
    """How to name the unit after a command so that it is found again ('xã cũ Sơn Vĩ')."""
    if unit.level == VILLAGE:
        return f"thôn {unit.name}"
    if unit.level == NEW_COMMUNE:
        return f"xã {unit.name}"
    if unit.level == COMMUNE:
        return f"xã cũ {unit.name}"
    if unit.level == DISTRICT:
        return f"huyện {unit.name}"
    return unit.name


def _described(ctx: Context, unit: Unit) -> str:
    label = ctx.unit_label(unit)
    commune = ctx.units.commune_of(unit) if unit.level == VILLAGE else None
    return f"{label} ({ctx.unit_label(commune)})" if commune else label


def resolve_area(ctx: Context, query: AreaQuery, usage: str) -> tuple[Unit, bool] | Reply:
    """The unit asked about and the map to group it by, or the reply that explains why not."""
    person = ctx.person
    assert person is not None  # the router lets only leaders and admins here
    scope = ctx.units.get(person.scope)
    if scope is None:
        return Reply(ctx._("Địa bàn của bạn không có trong danh mục đơn vị. Hãy báo quản trị."))
    if not query.names:
        return scope, query.merged[0]
    found: list[Unit] = []
    asked, merged = "", True
    for name, grouping in zip(query.names, query.merged, strict=True):
        found, asked, merged = find_units(ctx.units, name), name, grouping
        if found:
            break
    if not found:
        return Reply(
            ctx._("Không tìm thấy xã hoặc thôn «{name}».").format(name=query.names[-1])
            + "\n"
            + usage
        )
    visible = [u for u in found if may_view(person, u.code, ctx.units)]
    if len(visible) == 1:
        return visible[0], merged
    if not visible:
        return Reply(
            ctx._(
                "Bạn chỉ xem được số liệu trong địa bàn của mình ({scope}); {unit} không thuộc"
                " địa bàn này."
            ).format(scope=ctx.unit_label(scope), unit=_described(ctx, found[0]))
        )
    return Reply(
        ctx._("«{name}» có thể là: {units}. Hãy ghi rõ hơn, ví dụ thêm «thôn» hoặc «xã».").format(
            name=asked,
            units="; ".join(_described(ctx, u) for u in visible),
        )
    )


async def load_progress(
    store: Store,
    units: UnitDirectory,
    indicators: IndicatorSet,
    unit: Unit,
    *,
    merged: bool,
    today: date,
    period: Period,
) -> AreaProgress:
    """The area's figures in one period, from the aggregates: never a scan of the reports.

    An ended period is shown as it stood on its last day.
    """
    closed = period.end < today
    as_of = min(today, period.end)
    since = max(period.start, as_of - timedelta(days=PACE_DAYS - 1))
    week_start = max(period.start, as_of - timedelta(days=CHANGE_DAYS - 1))
    plan = plan_cells(units, unit, merged=merged)
    if plan is not None:
        # An area made of communes: sums per cell from the database (core.area_cells).
        query = CellQuery(
            plan.parents,
            plan.currents,
            tuple(i.code for i in indicators),
            period.code,
            first=period.start,
            last=as_of,
            week_first=week_start,
            daily_first=since,
        )
        figures = await store.reports.area_figures(
            query, lambda cells: rankings(units, plan, cells, indicators), BEHIND_COUNT
        )
        if figures is not None:
            daily = figures.cells.daily
            if daily is None:
                codes = [v.code for v in units.villages_in(unit.code)]
                daily = await store.reports.daily_totals(codes, since, as_of)
            return cells_progress(
                units,
                indicators,
                plan,
                figures.cells,
                figures.ranked,
                figures.by_share,
                daily=daily,
                today=as_of,
                period=period.code,
                closed=closed,
            )
    villages = [v.code for v in units.villages_in(unit.code)]
    totals = await store.reports.period_totals(villages, period.start, as_of)
    daily = await store.reports.daily_totals(villages, since, as_of) if since <= as_of else {}
    week = await store.reports.period_totals(villages, week_start, as_of)
    # Only a target whose villages all lie in the area can count for it or a part of it: a
    # commune does not index the province's thousands of village targets.
    inside = set(villages)
    targets = [
        t
        for t in await store.targets.all(period.code)
        if t.unit in inside or all(v.code in inside for v in units.villages_in(t.unit))
    ]
    return area_progress(
        units,
        indicators,
        targets,
        unit,
        merged=merged,
        totals=totals,
        daily=daily,
        today=as_of,
        period=period.code,
        closed=closed,
        week=week,
    )
