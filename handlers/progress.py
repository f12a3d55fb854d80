"""/tiendo: progress against targets for the leader's area, a part of it, a chart, the goals.

/tiendo [bieudo|muctieu] [xã …|thôn …] [cu] — 'cu' groups by the pre-2025 communes.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from core.permissions import may_view
from core.programme import ProgrammeGoal
from core.progress import (
    CHANGE_DAYS,
    PACE_DAYS,
    AreaProgress,
    IndicatorProgress,
    Standing,
    Status,
)
from core.render import MAX_BARS, ChartPanel
from core.units import COMMUNE, DISTRICT, NEW_COMMUNE, VILLAGE, Unit
from handlers.area import command_name, load_progress, parse_query, resolve_area
from handlers.context import Context
from handlers.messages import Attachment, Reply
from handlers.router import Router
from handlers.views.labels import area_file_name, count_label, indicator_name

__all__ = ["render_progress", "router"]

router = Router()

CHART, GOALS = "chart", "goals"
_MODES = {"bieudo": CHART, "bieu do": CHART, "muctieu": GOALS, "muc tieu": GOALS}


def _usage(ctx: Context) -> str:
    return ctx._(
        "Ví dụ: /tiendo xã Sơn Vĩ; /tiendo thôn Sà Lủng; /tiendo cu (theo xã cũ);"
        " /tiendo bieudo; /tiendo muctieu"
    )


@router.command("tiendo")
async def progress(ctx: Context) -> list[Reply]:
    query = parse_query(ctx.args, _MODES)
    if query.mode == GOALS:
        return [await _goals(ctx)]
    resolved = resolve_area(ctx, query, _usage(ctx))
    if isinstance(resolved, Reply):
        return [resolved]
    unit, merged = resolved
    data = await load_progress(
        ctx.store, ctx.units, ctx.indicators, unit, merged=merged, today=ctx.today
    )
    if query.mode == CHART:
        return [await _chart(ctx, unit, data)]
    return [Reply(render_progress(ctx, unit, data))]


def _percent(ctx: Context, ratio: float | None) -> str:
    return ctx.t.percent(ratio) if ratio is not None else "—"


def _where(ctx: Context, unit: Unit) -> str | None:
    """Where the unit sits on the other map: people use old and new names side by side."""
    units = ctx.units
    if unit.level == VILLAGE:
        now, before = units.commune_of(unit), units.commune_of(unit, merged=False)
        if now and before:
            return ctx._("Thuộc xã {now}; trước 7/2025 thuộc xã {before}.").format(
                now=now.name, before=before.name
            )
    if unit.level == COMMUNE:
        currents = {v.current for v in units.villages_in(unit.code) if v.current}
        names = [u.name for u in units.of_level(NEW_COMMUNE) if u.code in currents]
        if names:
            return ctx._("Nay thuộc xã {names}.").format(names=", ".join(names))
    if unit.level == NEW_COMMUNE:
        olds = {v.parent for v in units.villages_in(unit.code) if v.parent}
        names = [u.name for u in units.of_level(COMMUNE) if u.code in olds]
        if names:
            return ctx._("Gồm các xã cũ: {names}.").format(names=", ".join(names))
    return None


def _grouping(ctx: Context, unit: Unit, data: AreaProgress, own: bool) -> str | None:
    """What the parts are, and the command that shows the other map."""
    groups = len(data.indicators[0].groups) if data.indicators else 0
    name = "" if own else " " + command_name(unit)
    if data.group_level == NEW_COMMUNE:
        text = ctx.t.ngettext("Theo {n} xã hiện nay.", "Theo {n} xã hiện nay.", groups)
        other = ctx._("Theo xã cũ: {command}").format(command=f"/tiendo{name} cu")
    elif data.group_level == COMMUNE:
        text = ctx.t.ngettext("Theo {n} xã trước 7/2025.", "Theo {n} xã trước 7/2025.", groups)
        other = ctx._("Theo xã hiện nay: {command}").format(command=f"/tiendo{name}")
    elif data.group_level == VILLAGE:
        text = ctx.t.ngettext("Theo {n} thôn.", "Theo {n} thôn.", groups)
        other = (
            ctx._("Theo xã cũ: {command}").format(command=f"/tiendo{name} cu")
            if unit.level == NEW_COMMUNE
            else ""
        )
    else:
        return None
    return " ".join(filter(None, (text.format(n=ctx.t.number(groups)), other)))


def _headline(ctx: Context, line: IndicatorProgress) -> str:
    indicator = ctx.indicators[line.indicator]
    if line.target is None:
        return ctx._("{what}: {achieved} (chưa có chỉ tiêu)").format(
            what=indicator_name(ctx.t, indicator),
            achieved=count_label(ctx.t, indicator, line.achieved),
        )
    return ctx._("{what}: {achieved}/{target} ({percent})").format(
        what=indicator_name(ctx.t, indicator),
        achieved=ctx.t.number(line.achieved),
        target=count_label(ctx.t, indicator, line.target.value),
        percent=_percent(ctx, line.ratio),
    )


def _outlook(ctx: Context, line: IndicatorProgress) -> str | None:
    target = line.target
    if target is None:
        return None
    deadline = ctx.t.short_date(target.deadline)
    if line.status == Status.ACHIEVED:
        return ctx._("Đã đạt chỉ tiêu (hạn {deadline}).").format(deadline=deadline)
    if line.projected is not None:
        if line.status == Status.ON_TRACK:
            text = ctx._("Dự kiến đạt: {date} — đúng tiến độ (hạn {deadline}).")
        else:
            text = ctx._("Dự kiến đạt: {date} — chậm (hạn {deadline}).")
        return text.format(date=ctx.t.long_date(line.projected), deadline=deadline)
    if line.recent == 0:
        text = ctx._("Chưa có dự báo: {days} ngày qua không có báo cáo — chậm (hạn {deadline}).")
    else:
        text = ctx._("Ở nhịp {days} ngày qua cần hơn 100 năm — chậm (hạn {deadline}).")
    return text.format(days=PACE_DAYS, deadline=deadline)


def _standing(ctx: Context, standing: Standing) -> str:
    name = ctx.unit_name(standing.code)
    if standing.target is None:
        return ctx._("{name}: {achieved}").format(
            name=name, achieved=ctx.t.number(standing.achieved)
        )
    return ctx._("{name}: {achieved}/{target} ({percent})").format(
        name=name,
        achieved=ctx.t.number(standing.achieved),
        target=ctx.t.number(standing.target.value),
        percent=_percent(ctx, standing.ratio),
    )


def _block(ctx: Context, line: IndicatorProgress, data: AreaProgress) -> list[str]:
    indicator = ctx.indicators[line.indicator]
    lines = [_headline(ctx, line)]
    if line.target is not None and line.target.derived:
        lines.append(ctx._("(chỉ tiêu cộng từ các đơn vị bên trong)"))
    lines.append(
        ctx._("{week_days} ngày qua: +{week}; {days} ngày qua: +{recent}").format(
            week_days=CHANGE_DAYS,
            week=count_label(ctx.t, indicator, line.change),
            days=PACE_DAYS,
            recent=count_label(ctx.t, indicator, line.recent),
        )
    )
    if outlook := _outlook(ctx, line):
        lines.append(outlook)
    if data.villages > 1:
        behind = "; ".join(_standing(ctx, s) for s in line.behind)
        if not line.behind_by_share:
            lines.append(
                ctx._("Ít nhất (thôn chưa có chỉ tiêu): {villages}").format(villages=behind)
            )
        elif behind:
            lines.append(ctx._("Chậm nhất: {villages}").format(villages=behind))
        else:
            lines.append(ctx._("Các thôn có chỉ tiêu đều đã đạt."))
    lines.extend("• " + _standing(ctx, group) for group in line.groups)
    return lines


def render_progress(ctx: Context, unit: Unit, data: AreaProgress) -> str:
    """The /tiendo reply: short lines for a phone; the channel splits what is too long."""
    own = ctx.person is not None and ctx.person.scope == unit.code
    lines = [
        ctx._("Tiến độ {unit} đến {date}:").format(
            unit=ctx.unit_label(unit), date=ctx.t.long_date(data.today)
        )
    ]
    lines.extend(filter(None, (_where(ctx, unit), _grouping(ctx, unit, data, own))))
    for line in data.indicators:
        lines.append("")
        lines.extend(_block(ctx, line, data))
    if unit.level == DISTRICT:
        lines += [
            "",
            ctx._("Mục tiêu khác: /tiendo muctieu · biểu đồ: /tiendo bieudo · Excel: /xuat"),
        ]
    return "\n".join(lines)


async def _chart(ctx: Context, unit: Unit, data: AreaProgress) -> Reply:
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
    # Drawing takes a few hundred milliseconds: off the event loop, so other chats go on.
    png = await asyncio.to_thread(
        ctx.renderers.chart,
        title,
        panels,
        achieved_label=ctx._("Đã đạt"),
        target_label=ctx._("Chỉ tiêu"),
        number=ctx.t.number,
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
    if districts and may_view(person, districts[0].code, ctx.units):
        data = await load_progress(
            ctx.store, ctx.units, ctx.indicators, districts[0], merged=True, today=ctx.today
        )
        achieved = {line.indicator: line.achieved for line in data.indicators}
    deadline = max(g.deadline for g in goals)
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
    lines.append(ctx._("Các tỷ lệ chưa được báo cáo qua bot: chỉ có mốc và mục tiêu để đối chiếu."))
    return Reply("\n".join(lines))
