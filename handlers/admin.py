"""/chitieu: admins read and set targets per indicator and unit."""

from __future__ import annotations

import re
from datetime import date

from bot.domain.indicators import Indicator
from bot.domain.indicators import find_indicator as lookup_indicator
from bot.domain.models import Target
from bot.domain.units import find_units
from handlers.context import Context
from handlers.labels import count_label, indicator_name
from handlers.messages import Reply
from handlers.router import Router

__all__ = ["find_indicator", "router"]

router = Router()

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})$")
_VALUE = re.compile(r"^\d{1,7}$")


def find_indicator(ctx: Context, word: str) -> Indicator | None:
    """An indicator by its code, a keyword or its unit word ('nha', 'thoat ngheo', 'dao tao')."""
    return lookup_indicator(ctx.indicators, word)


def _usage(ctx: Context) -> str:
    return ctx._(
        "Cách đặt chỉ tiêu: /chitieu CHỈ_TIÊU SỐ [ĐƠN_VỊ] [HẠN]\n"
        "Ví dụ: /chitieu nhà 1733 huyện Mèo Vạc 31/12/2025;"
        " /chitieu đào tạo 300 xã Sơn Vĩ 31/12/2026"
    )


async def _list_targets(ctx: Context) -> list[Reply]:
    lines = [ctx._("Chỉ tiêu hiện có:")]
    for target in await ctx.store.targets.all():
        indicator = ctx.indicators.get(target.indicator)
        unit = ctx.units.get(target.unit)
        if indicator is None or unit is None:
            continue
        lines.append(
            ctx._("• {what}, {unit}: {value}, hạn {date}").format(
                what=indicator_name(ctx.t, indicator),
                unit=ctx.unit_label(unit),
                value=count_label(ctx.t, indicator, target.value),
                date=ctx.t.short_date(target.deadline),
            )
        )
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
    position = next((i for i, w in enumerate(words) if _VALUE.match(w)), None)
    indicator = find_indicator(ctx, " ".join(words[:position])) if position else None
    if indicator is None or position is None:
        return [Reply(ctx._("Chưa hiểu chỉ tiêu nào.") + "\n" + _usage(ctx))]
    value = int(words[position])
    rest = words[position + 1 :]
    deadline = date(2025, 12, 31)
    if rest and (match := _DATE.match(rest[-1])):
        try:
            deadline = date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return [Reply(ctx._("Hạn «{value}» không phải ngày có thật.").format(value=rest[-1]))]
        rest = rest[:-1]
    unit_code = person.scope
    if rest:
        found = find_units(ctx.units, " ".join(rest))
        if len(found) != 1:
            return [
                Reply(
                    ctx._("Không tìm thấy đơn vị «{name}».").format(name=" ".join(rest))
                    + "\n"
                    + _usage(ctx)
                )
            ]
        unit_code = found[0].code
    target = Target(indicator=indicator.code, unit=unit_code, value=value, deadline=deadline)
    await ctx.store.targets.set(target, actor_id=person.id, at=ctx.now)
    return [
        Reply(
            ctx._("Đã đặt chỉ tiêu {what} cho {unit}: {value}, hạn {date}.").format(
                what=indicator_name(ctx.t, indicator).lower(),
                unit=ctx.unit_label(ctx.units[unit_code]),
                value=count_label(ctx.t, indicator, value),
                date=ctx.t.short_date(deadline),
            )
        )
    ]
