"""Free-text reports from cadres: parse, check scope, store, confirm with running totals."""

from __future__ import annotations

from bot.domain.models import StoredReport
from bot.domain.parser import parse_report
from bot.domain.parsing import ParseError
from bot.domain.permissions import may_report_for
from bot.domain.units import VILLAGE
from handlers.context import Context
from handlers.labels import count_label, indicator_name
from handlers.messages import Choice, Reply
from handlers.report_errors import describe_error
from handlers.router import Router

__all__ = ["confirmation", "router"]

router = Router()

# Stands for "the sender's own village" when the sender works for a larger area.
NO_HOME_VILLAGE = ""


def _source(ctx: Context) -> str | None:
    message = ctx.message
    if message.message_id is None:
        return None
    return f"{message.channel}:{message.sender_id}:{message.message_id}"


async def confirmation(ctx: Context, reports: list[StoredReport]) -> Reply:
    lines = [
        ctx.t.ngettext("Đã ghi nhận {n} báo cáo:", "Đã ghi nhận {n} báo cáo:", len(reports)).format(
            n=len(reports)
        )
    ]
    for report in reports:
        indicator = ctx.indicators[report.indicator]
        line = ctx._("Số {id}: {what} {count} — {village}, ngày {date}").format(
            id=report.id,
            what=indicator_name(ctx.t, indicator),
            count=count_label(ctx.t, indicator, report.count),
            village=ctx.unit_label(ctx.units[report.village]),
            date=ctx.t.short_date(report.done_on),
        )
        if report.household:
            line += ctx._(" (hộ {name})").format(name=report.household)
        lines.append("• " + line)
    villages = sorted({r.village for r in reports})
    totals = await ctx.store.reports.village_totals(villages)
    for village in villages:
        for indicator in ctx.indicators:
            if not any(r.village == village and r.indicator == indicator.code for r in reports):
                continue
            lines.append(
                ctx._("Tổng {village}: {what} {count}").format(
                    village=ctx.unit_label(ctx.units[village]),
                    what=indicator_name(ctx.t, indicator).lower(),
                    count=count_label(ctx.t, indicator, totals.get((village, indicator.code), 0)),
                )
            )
    first = reports[0].id
    lines.append(ctx._("Nhầm thì gửi /sua {id} NỘI_DUNG_MỚI hoặc /huy {id}.").format(id=first))
    return Reply("\n".join(lines))


@router.on_text("report")
async def report(ctx: Context) -> list[Reply]:
    person = ctx.person
    assert person is not None  # the router lets only registered people report
    source = _source(ctx)
    if source is not None:
        earlier = await ctx.store.reports.by_source(source)
        if earlier:
            return [await confirmation(ctx, earlier)]
    scope = ctx.units.get(person.scope)
    home = person.scope if scope is not None and scope.level == VILLAGE else NO_HOME_VILLAGE
    result = parse_report(
        ctx.message.text or "",
        home_village=home,
        today=ctx.today,
        units=ctx.units,
        indicators=ctx.indicators,
    )
    if isinstance(result, ParseError):
        choices = tuple(
            Choice(ctx.units[c].name, f"village:{c}") for c in result.candidates if ctx.units.get(c)
        )
        return [Reply(describe_error(ctx.t, result, ctx.units), choices=choices)]
    if any(item.village == NO_HOME_VILLAGE for item in result.items):
        return [Reply(ctx._("Hãy ghi rõ tên thôn, ví dụ: thôn Sà Lủng xong 2 nhà"))]
    outside = sorted(
        {i.village for i in result.items if not may_report_for(person, i.village, ctx.units)}
    )
    if outside:
        return [
            Reply(
                ctx._(
                    "Bạn chỉ báo cáo được cho địa bàn mình phụ trách; {village} không thuộc"
                    " địa bàn của bạn. Báo cáo chưa được ghi."
                ).format(village=ctx.unit_label(ctx.units[outside[0]]))
            )
        ]
    stored = await ctx.store.reports.add(
        result.items, reporter_id=person.id, received_at=ctx.now, source=source
    )
    return [await confirmation(ctx, stored)]
