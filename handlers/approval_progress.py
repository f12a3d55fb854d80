"""What /tiendo adds about approval: of the achieved count, how much a leader approved, and
how many reports of the area still wait (achieved counts approved and awaiting reports)."""

from __future__ import annotations

from core.area_cells import plan_cells
from core.periods import Period
from core.progress import AreaProgress
from core.units import Unit
from handlers.context import Context
from handlers.views.labels import count_label, indicator_name

__all__ = ["approval_lines"]


async def approval_lines(ctx: Context, unit: Unit, data: AreaProgress, period: Period) -> list[str]:
    """'Đã duyệt: nhà ở hoàn thành 3/5 nhà' per indicator that needs approval, and the
    number waiting; nothing when no indicator of the area needs approval or has reports."""
    needing = {i.code for i in ctx.indicators if i.needs_approval}
    lines = [line for line in data.indicators if line.indicator in needing and line.achieved]
    if not lines:
        return []
    last = min(ctx.today, period.end)
    # A large area is read by its communes (one trip), not by a list of its villages.
    plan = plan_cells(ctx.units, unit, merged=False)
    if plan is not None:
        approved, waiting, since = await ctx.store.reviews.area_approval(
            plan.parents, plan.currents, period.start, last
        )
    else:
        villages = [v.code for v in ctx.units.villages_in(unit.code)]
        approved = await ctx.store.reviews.approved_totals(villages, period.start, last)
        waiting, since = await ctx.store.reviews.summary(villages)
    text = [
        ctx._("Đã duyệt: {what} {approved}/{achieved}").format(
            what=indicator_name(ctx.t, ctx.indicators[line.indicator]).lower(),
            approved=ctx.t.number(approved.get(line.indicator, 0)),
            achieved=count_label(ctx.t, ctx.indicators[line.indicator], line.achieved),
        )
        for line in lines
    ]
    if waiting:
        text.append(
            ctx.t.ngettext(
                "{n} báo cáo chờ duyệt, lâu nhất từ {date} (/duyet)",
                "{n} báo cáo chờ duyệt, lâu nhất từ {date} (/duyet)",
                waiting,
            ).format(
                n=ctx.t.number(waiting),
                date=ctx.t.short_date(ctx.local(since).date()) if since else "?",
            )
        )
    return text
