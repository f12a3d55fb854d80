"""The /tiendo reply: what needs action first (who is behind, by how much, this week's change),
the full table after. Every number through Babel (the translator's number and percent)."""

from __future__ import annotations

from core.periods import Period
from core.progress import (
    CHANGE_DAYS,
    PACE_DAYS,
    AreaProgress,
    IndicatorProgress,
    Standing,
    Status,
)
from core.units import COMMUNE, DISTRICT, NEW_COMMUNE, VILLAGE, Unit
from handlers.area import command_name
from handlers.context import Context
from handlers.views.labels import count_label, indicator_name, period_label

__all__ = ["render_progress"]

# At most this many parts are named as lagging per indicator: a phone screen, not a table.
LAGGING_SHOWN = 3


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


def _standing(ctx: Context, standing: Standing, *, short: bool = False) -> str:
    name = ctx.unit_name(standing.code)
    if standing.target is None:
        return ctx._("{name}: {achieved}").format(
            name=name, achieved=ctx.t.number(standing.achieved)
        )
    if short and standing.missing:
        return ctx._("{name}: {achieved}/{target} (thiếu {missing})").format(
            name=name,
            achieved=ctx.t.number(standing.achieved),
            target=ctx.t.number(standing.target.value),
            missing=ctx.t.number(standing.missing),
        )
    return ctx._("{name}: {achieved}/{target} ({percent})").format(
        name=name,
        achieved=ctx.t.number(standing.achieved),
        target=ctx.t.number(standing.target.value),
        percent=_percent(ctx, standing.ratio),
    )


def _lagging(line: IndicatorProgress) -> list[Standing]:
    """The parts short of their target, lowest share first; else the villages furthest behind."""
    parts = [g for g in line.groups if g.target is not None and g.missing]
    parts.sort(key=lambda g: g.ratio or 0.0)
    if parts:
        return parts[:LAGGING_SHOWN]
    return list(line.behind[:LAGGING_SHOWN]) if line.behind_by_share else []


def _attention(ctx: Context, line: IndicatorProgress) -> list[str]:
    """The lines of one indicator that needs action: how far short, and who is."""
    indicator = ctx.indicators[line.indicator]
    target = line.target
    if target is None or line.status not in (Status.BEHIND, Status.MISSED):
        return []
    missing = target.value - line.achieved
    if line.status == Status.MISSED:
        text = ctx._("• {what}: không đạt — {achieved}/{target} ({percent}), thiếu {missing}.")
    else:
        text = ctx._("• {what}: chậm — {achieved}/{target} ({percent}), còn thiếu {missing}.")
    lines = [
        text.format(
            what=indicator_name(ctx.t, indicator),
            achieved=ctx.t.number(line.achieved),
            target=ctx.t.number(target.value),
            percent=_percent(ctx, line.ratio),
            missing=count_label(ctx.t, indicator, missing),
        )
    ]
    lagging = _lagging(line)
    if lagging:
        lines.append(
            "  "
            + ctx._("Thấp nhất: {parts}").format(
                parts="; ".join(_standing(ctx, s, short=True) for s in lagging)
            )
        )
    return lines


def _week(ctx: Context, data: AreaProgress) -> str:
    """What changed in the last days: per indicator, and the parts that moved it."""
    parts = []
    for line in data.indicators:
        indicator = ctx.indicators[line.indicator]
        text = "+" + count_label(ctx.t, indicator, line.change)
        movers = sorted((g for g in line.groups if g.change), key=lambda g: -g.change)
        if movers:
            text += " ({parts})".format(
                parts=", ".join(
                    f"{ctx.unit_name(g.code)} +{ctx.t.number(g.change)}" for g in movers[:3]
                )
            )
        parts.append(f"{indicator_name(ctx.t, indicator).lower()} {text}")
    return ctx._("{days} ngày qua: {changes}.").format(
        days=ctx.t.number(CHANGE_DAYS), changes="; ".join(parts)
    )


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
    if line.status == Status.MISSED:
        return ctx._("Không đạt chỉ tiêu (hạn {deadline}).").format(deadline=deadline)
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


def _block(ctx: Context, line: IndicatorProgress, data: AreaProgress) -> list[str]:
    indicator = ctx.indicators[line.indicator]
    lines = [_headline(ctx, line)]
    if line.target is not None and line.target.derived:
        lines.append(ctx._("(chỉ tiêu cộng từ các đơn vị bên trong)"))
    if not data.closed:
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
    # The villages with the least done say nothing while nothing at all was done.
    if data.villages > 1 and (line.behind_by_share or line.achieved):
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


def _summary(ctx: Context, data: AreaProgress, period: Period) -> list[str]:
    """The lines a busy leader reads first."""
    label = period_label(ctx.t, period)
    if all(line.target is None for line in data.indicators):
        return [
            ctx._(
                "{period} chưa có chỉ tiêu cho địa bàn này: dưới đây là số đã làm, chưa đánh giá"
                " tiến độ. Quản trị đặt chỉ tiêu bằng /chitieu hoặc import-targets."
            ).format(period=label[:1].upper() + label[1:])
        ]
    attention = [text for line in data.indicators for text in _attention(ctx, line)]
    if data.closed:
        head = ctx._("Chưa đạt:") if attention else ctx._("Đã đạt mọi chỉ tiêu của giai đoạn.")
        return [head, *attention]
    head = ctx._("Cần chú ý:") if attention else ctx._("Không có chỉ tiêu nào chậm.")
    return [head, *attention, _week(ctx, data)]


def render_progress(ctx: Context, unit: Unit, data: AreaProgress, period: Period) -> str:
    """The /tiendo reply: short lines for a phone; the channel splits what is too long."""
    own = ctx.person is not None and ctx.person.scope == unit.code
    if data.closed:
        title = ctx._("Kết quả cuối cùng {period}, {unit}:")
    elif period.start > ctx.today:
        title = ctx._("{unit}, {period} (chưa bắt đầu):")
    else:
        title = ctx._("Tiến độ {unit}, {period}, đến {date}:")
    lines = [
        title.format(
            unit=ctx.unit_label(unit),
            period=period_label(ctx.t, period),
            date=ctx.t.long_date(data.today),
        )
    ]
    lines.extend(filter(None, (_where(ctx, unit), _grouping(ctx, unit, data, own))))
    lines += ["", *_summary(ctx, data, period), "", ctx._("Chi tiết:")]
    for line in data.indicators:
        lines.extend(_block(ctx, line, data))
        lines.append("")
    others = [p for p in ctx.periods if p.code != period.code and p.start <= ctx.today]
    if others:
        lines.append(
            ctx._("Giai đoạn khác: {commands}").format(
                commands=", ".join(f"/tiendo {p.code}" for p in others)
            )
        )
    if unit.level == DISTRICT:
        lines.append(
            ctx._("Mục tiêu khác: /tiendo muctieu · biểu đồ: /tiendo bieudo · Excel: /xuat")
        )
    return "\n".join(lines).rstrip()
