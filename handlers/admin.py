"""/chitieu: admins read and set targets per indicator and unit."""

from __future__ import annotations

from datetime import date

from core.dates import looks_like_date, read_deadline
from core.indicators import Indicator
from core.indicators import find_indicator as lookup_indicator
from core.models import Target
from core.targets import parse_count
from core.units import Unit, find_units
from handlers.context import Context
from handlers.messages import Reply
from handlers.router import Router
from handlers.views.labels import count_label, indicator_name, period_label

__all__ = ["find_indicator", "router"]

router = Router()

# The programme's end, for a new target set without a deadline.


def find_indicator(ctx: Context, word: str) -> Indicator | None:
    """An indicator by its code, a keyword or its unit word ('nha', 'thoat ngheo', 'dao tao')."""
    return lookup_indicator(ctx.indicators, word)


def _usage(ctx: Context) -> str:
    return ctx._(
        "Cách đặt chỉ tiêu: /chitieu CHỈ_TIÊU SỐ [ĐƠN_VỊ] [HẠN]\n"
        "Ví dụ: /chitieu nhà 1733 huyện Mèo Vạc 31/12/2025;"
        " /chitieu đào tạo 300 xã Sơn Vĩ 31/12/2026"
    )


def _unit_problem(ctx: Context, name: str, found: list[Unit]) -> Reply:
    if found:
        text = ctx._("«{name}» có thể là: {units}. Hãy ghi rõ hơn.").format(
            name=name, units="; ".join(ctx.unit_label(u) for u in found)
        )
    else:
        text = ctx._("Không tìm thấy đơn vị «{name}».").format(name=name)
    return Reply(text + "\n" + _usage(ctx))


async def _list_targets(ctx: Context, area: Unit | None = None) -> list[Reply]:
    inside = {v.code for v in ctx.units.villages_in(area.code)} if area else None
    period = period_label(ctx.t, ctx.period)
    lines = [
        ctx._("Chỉ tiêu trong {unit}, {period}:").format(unit=ctx.unit_label(area), period=period)
        if area
        else ctx._("Chỉ tiêu hiện có, {period}:").format(period=period)
    ]
    for target in await ctx.store.targets.all(ctx.period.code):
        indicator = ctx.indicators.get(target.indicator)
        unit = ctx.units.get(target.unit)
        if indicator is None or unit is None:
            continue
        if inside is not None and not {v.code for v in ctx.units.villages_in(unit.code)} <= inside:
            continue
        line = ctx._("• {what}, {unit}: {value}, hạn {date}").format(
            what=indicator_name(ctx.t, indicator),
            unit=ctx.unit_label(unit),
            value=count_label(ctx.t, indicator, target.value),
            date=ctx.t.short_date(target.deadline),
        )
        if target.baseline:
            line += ctx._(" (đã có {count} trước khi báo cáo qua bot)").format(
                count=ctx.t.number(target.baseline)
            )
        lines.append(line)
    lines.append(_usage(ctx))
    return [Reply("\n".join(lines))]


@router.command("chitieu")
async def set_target(ctx: Context) -> list[Reply]:
    person = ctx.person
    assert person is not None
    words = ctx.args.split()
    if not words:
        return await _list_targets(ctx)
    # The indicator is every word before the number: "nhà", "thoát nghèo", "đào tạo nghề".
    position = next((i for i, w in enumerate(words) if parse_count(w) is not None), None)
    indicator = find_indicator(ctx, " ".join(words[:position])) if position else None
    area = find_units(ctx.units, " ".join(words)) if position is None else []
    if len(area) == 1:
        return await _list_targets(ctx, area[0])  # "/chitieu xã Sơn Vĩ": what is set there
    if indicator is None or position is None:
        return [Reply(ctx._("Chưa hiểu chỉ tiêu nào.") + "\n" + _usage(ctx))]
    value = parse_count(words[position])
    assert value is not None
    if value == 0:
        # A target of 0 would read as "reached" for ever and zero the sums above it.
        return [Reply(ctx._("Chỉ tiêu phải từ 1 trở lên.") + "\n" + _usage(ctx))]
    rest = words[position + 1 :]
    deadline: date | None = None
    # A deadline: "31/12/2026", "2026-12-31", or "31/12" (the next 31 December).
    if rest and looks_like_date(rest[-1]):
        deadline = read_deadline(rest[-1], ctx.today)
        if deadline is None:
            return [Reply(ctx._("Hạn «{value}» không phải ngày có thật.").format(value=rest[-1]))]
        rest = rest[:-1]
    unit_code = person.scope
    if rest:
        found = find_units(ctx.units, " ".join(rest))
        if len(found) != 1:
            return [_unit_problem(ctx, " ".join(rest), found)]
        unit_code = found[0].code
    # A target belongs to the period holding its deadline; without one, to the current period.
    period = (ctx.periods.holding(deadline) if deadline else None) or ctx.period
    existing = next(
        (
            t
            for t in await ctx.store.targets.all(period.code)
            if t.indicator == indicator.code and t.unit == unit_code
        ),
        None,
    )
    # A new value keeps what is already known: the deadline unless given, and the baseline.
    target = Target(
        indicator=indicator.code,
        unit=unit_code,
        value=value,
        deadline=deadline or (existing.deadline if existing else period.end),
        baseline=existing.baseline if existing else 0,
        period=period.code,
    )
    await ctx.store.targets.set(target, actor_id=person.id, at=ctx.now)
    return [
        Reply(
            ctx._("Đã đặt chỉ tiêu {what} cho {unit}: {value}, hạn {date}.").format(
                what=indicator_name(ctx.t, indicator).lower(),
                unit=ctx.unit_label(ctx.units[unit_code]),
                value=count_label(ctx.t, indicator, value),
                date=ctx.t.short_date(target.deadline),
            )
        )
    ]
