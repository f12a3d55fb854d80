"""/tiendo: progress against the programme's targets for the leader's area."""

from __future__ import annotations

from bot.domain.progress import progress_lines
from handlers.context import Context
from handlers.labels import count_label, indicator_name
from handlers.messages import Reply
from handlers.router import Router

__all__ = ["router"]

router = Router()


@router.command("tiendo")
async def progress(ctx: Context) -> list[Reply]:
    person = ctx.person
    assert person is not None
    unit = ctx.units.get(person.scope)
    if unit is None:
        return [Reply(ctx._("Địa bàn của bạn không có trong danh mục đơn vị. Hãy báo quản trị."))]
    villages = [v.code for v in ctx.units.villages_in(unit.code)]
    totals = await ctx.store.reports.totals(villages)
    targets = await ctx.store.targets.all()
    lines = [
        ctx._("Tiến độ {unit} đến {date}:").format(
            unit=ctx.unit_label(unit), date=ctx.t.long_date(ctx.today)
        )
    ]
    for line in progress_lines(ctx.indicators, totals, targets, unit.code):
        indicator = ctx.indicators[line.indicator]
        if line.target is None or line.ratio is None:
            lines.append(
                ctx._("• {what}: {achieved} (chưa có chỉ tiêu)").format(
                    what=indicator_name(ctx.t, indicator),
                    achieved=count_label(ctx.t, indicator, line.achieved),
                )
            )
            continue
        lines.append(
            ctx._("• {what}: {achieved}/{target} ({percent})").format(
                what=indicator_name(ctx.t, indicator),
                achieved=ctx.t.number(line.achieved),
                target=count_label(ctx.t, indicator, line.target),
                percent=ctx.t.percent(line.ratio),
            )
        )
    return [Reply("\n".join(lines))]
