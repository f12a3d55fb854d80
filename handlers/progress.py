"""/tiendo: progress against targets for the leader's area, a part of it, a chart, the goals.

/tiendo [bieudo|muctieu] [xã …|thôn …] [cu] — 'cu' groups by the pre-2025 communes.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from core.decisions import GRADUATION
from core.periods import Period
from core.permissions import may_view
from core.programme import ProgrammeGoal
from core.progress import (
    AreaProgress,
    Standing,
)
from core.render import MAX_BARS, ChartPanel
from core.units import DISTRICT, Unit
from handlers.approval_progress import approval_lines
from handlers.area import load_progress, parse_query, resolve_area, take_period
from handlers.context import Context
from handlers.decisions import graduation_line
from handlers.messages import Attachment, Reply
from handlers.poverty import load_poverty
from handlers.router import Router
from handlers.views.labels import area_file_name, indicator_name
from handlers.views.poverty import poverty_lines, rate_panel
from handlers.views.progress import render_progress

__all__ = ["render_progress", "router"]

router = Router()

CHART, GOALS = "chart", "goals"
_MODES = {"bieudo": CHART, "bieu do": CHART, "muctieu": GOALS, "muc tieu": GOALS}


def _usage(ctx: Context) -> str:
    return ctx._(
        "Ví dụ: /tiendo xã Sơn Vĩ; /tiendo thôn Sà Lủng; /tiendo cu (theo xã cũ);"
        " /tiendo bieudo; /tiendo muctieu; /tiendo 2021-2025 (kết quả giai đoạn trước)"
    )


@router.command("tiendo")
async def progress(ctx: Context) -> list[Reply]:
    taken = take_period(ctx, ctx.args)
    if isinstance(taken, Reply):
        return [taken]
    period, args = taken
    query = parse_query(args, _MODES)
    if query.mode == GOALS:
        return [await _goals(ctx)]
    resolved = resolve_area(ctx, query, _usage(ctx))
    if isinstance(resolved, Reply):
        return [resolved]
    unit, merged = resolved
    data = await load_progress(
        ctx.store, ctx.units, ctx.indicators, unit, merged=merged, today=ctx.today, period=period
    )
    if query.mode == CHART:
        return [await _chart(ctx, unit, data, period)]
    text = render_progress(ctx, unit, data, period)
    review = await approval_lines(ctx, unit, data, period)
    # The area's figures already count the reported graduations: no second read of them.
    graduated = next((i.reported for i in data.indicators if i.indicator == GRADUATION), None)
    decided = await graduation_line(ctx, unit, period, reported=graduated)
    review += [decided] if decided else []
    rate = await poverty_lines(ctx, unit, merged=merged, period=period)
    return [Reply("\n".join([text, *review, *rate]))]


async def _chart(ctx: Context, unit: Unit, data: AreaProgress, period: Period) -> Reply:
    panels = []
    for line in data.indicators:
        # The area itself first, against its own target; then each of its parts.
        parts = (Standing(unit.code, line.achieved, line.target), *line.groups)
        if len(parts) > MAX_BARS:
            return Reply(
                ctx._(
                    "{unit} có quá nhiều thôn để vẽ một biểu đồ dễ đọc. Hãy chọn một xã,"
                    " ví dụ: /tiendo bieudo xã Sơn Vĩ"
                ).format(unit=ctx.unit_label(unit))
            )
        panels.append(
            ChartPanel(
                title=indicator_name(ctx.t, ctx.indicators[line.indicator]),
                labels=[ctx.unit_label(unit)] + [ctx.unit_name(p.code) for p in parts[1:]],
                achieved=[p.achieved for p in parts],
                targets=[p.target.value if p.target else None for p in parts],
            )
        )
    title = ctx._("Tiến độ {unit} đến {date}").format(
        unit=ctx.unit_label(unit), date=ctx.t.short_date(data.today)
    )
    section = await load_poverty(
        ctx.store, ctx.units, unit, merged=data.merged, today=ctx.today, period=period
    )
    # Drawing takes a few hundred milliseconds: off the event loop, so other chats go on.
    png = await asyncio.to_thread(
        ctx.renderers.chart,
        title,
        panels,
        achieved_label=ctx._("Đã đạt"),
        target_label=ctx._("Chỉ tiêu"),
        number=ctx.t.number,
        rate=rate_panel(ctx, section) if section else None,
        percent=ctx.t.percent,
    )
    filename = area_file_name(ctx.t, unit, merged=data.merged, today=data.today, extension="png")
    return Reply(title, attachment=Attachment(filename, png, is_image=True))


def _amount(ctx: Context, goal: ProgrammeGoal, value: Decimal) -> str:
    # Babel rounds a float through its shortest repr: 29.99 / 100 shows as 29,99%.
    if goal.kind == "percent":
        return ctx.t.percent(float(value) / 100)
    return ctx.t.number(float(value))


async def _goals(ctx: Context) -> Reply:
    """The programme's goals with baseline and target; achieved only where reports measure it."""
    goals = ctx.programme
    if not goals:
        return Reply(ctx._("Chưa có mục tiêu chương trình."))
    person = ctx.person
    assert person is not None
    districts = ctx.units.of_level(DISTRICT)
    achieved: dict[str, int] = {}
    # A district figure sums every commune: shown only to those who may see them all.
    deadline = max(g.deadline for g in goals)
    period = ctx.periods.holding(deadline) or ctx.period
    if districts and may_view(person, districts[0].code, ctx.units):
        data = await load_progress(
            ctx.store,
            ctx.units,
            ctx.indicators,
            districts[0],
            merged=True,
            today=ctx.today,
            period=period,
        )
        achieved = {line.indicator: line.achieved for line in data.indicators}
    lines = [
        ctx._("Mục tiêu của Chương trình giảm nghèo bền vững đến {date}:").format(
            date=ctx.t.short_date(deadline)
        )
    ]
    for goal in goals:
        text = ctx._("• {name}: {comparison} {target}").format(
            name=goal.name(ctx.t.locale),
            comparison=goal.symbol,
            target=_amount(ctx, goal, goal.target),
        )
        if goal.baseline is not None:
            text += ctx._("; mốc {baseline} năm {year}").format(
                baseline=_amount(ctx, goal, goal.baseline), year=goal.baseline_year or "—"
            )
            if goal.baseline_count is not None:
                text += ctx._(" ({count} hộ)").format(count=ctx.t.number(goal.baseline_count))
        if goal.indicator in achieved:
            count = achieved[goal.indicator]
            text += ctx._("; đã báo cáo {count} ({percent})").format(
                count=ctx.t.number(count), percent=ctx.t.percent(count / float(goal.target))
            )
        lines.append(text)
    lines.append(
        ctx._(
            "Tỷ lệ hộ nghèo tính từ danh sách hộ: xem /tiendo. Các tỷ lệ khác chưa được báo cáo"
            " qua bot: chỉ có mốc và mục tiêu để đối chiếu."
        )
    )
    return Reply("\n".join(lines))
