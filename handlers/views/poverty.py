"""The poverty-rate lines of /tiendo: the target path, the rate at each year's end and now
(against the target, with phát sinh and tái nghèo), and each part of the area."""

from __future__ import annotations

from fractions import Fraction

from core.periods import Period
from core.progress import Status
from core.render import RatePanel
from core.units import VILLAGE, Unit
from handlers.context import Context
from handlers.poverty import PovertySection, RateRow, load_poverty
from locales.translator import Translator

__all__ = ["poverty_lines", "rate_panel", "rate_status", "render_poverty"]


def rate_status(t: Translator, status: Status | None) -> str:
    """The verdict in /tiendo's words; '' without one."""
    if status is None:
        return ""
    return {
        Status.ACHIEVED: t.gettext("đạt"),
        Status.MISSED: t.gettext("không đạt"),
        Status.ON_TRACK: t.gettext("đúng tiến độ"),
        Status.BEHIND: t.gettext("chậm"),
        Status.NO_TARGET: "",
    }[status]


def _pct(ctx: Context, value: Fraction) -> str:
    return ctx.t.percent(float(value))


def _path(ctx: Context, section: PovertySection) -> str | None:
    if not section.path or section.fall is None:
        return None
    steps = []
    for year, target in sorted(section.path.items()):
        if target.is_baseline:
            text = ctx._("{year}: {rate} (mốc)").format(year=year, rate=_pct(ctx, target.rate))
        else:
            text = ctx._("{year}: ≤ {rate}").format(year=year, rate=_pct(ctx, target.rate))
        steps.append(text)
    return ctx._("Lộ trình (giảm {points} điểm %/năm từ mốc): {steps}.").format(
        points=ctx.t.number(float(section.fall * 100)), steps="; ".join(steps)
    )


def _figures(ctx: Context, row: RateRow) -> str:
    """'25,42% (30/118 hộ), cận nghèo 15,25%' or 'chưa có số liệu'."""
    rate = row.rate
    poor, near = rate.poor_rate, rate.near_poor_rate
    if poor is None or near is None:
        return ctx._("chưa có số liệu (cần tổng số hộ và danh sách hộ của các thôn)")
    text = ctx._("{rate} ({poor}/{total} hộ), cận nghèo {near}").format(
        rate=_pct(ctx, poor),
        poor=ctx.t.number(rate.poor),
        total=ctx.t.number(rate.total),
        near=_pct(ctx, near),
    )
    if not rate.complete:
        text += ctx._("; tính trên {counted}/{villages} thôn").format(
            counted=ctx.t.number(rate.counted), villages=ctx.t.number(rate.villages)
        )
    return text


def _judged(ctx: Context, row: RateRow) -> str:
    """' — không đạt (mục tiêu ≤ 11,99%)', or nothing without a verdict."""
    target = row.target
    if target is None or row.verdict is None:
        return ""
    return ctx._(" — {verdict} (mục tiêu cuối năm {year} ≤ {target})").format(
        verdict=rate_status(ctx.t, row.verdict), year=row.year, target=_pct(ctx, target.rate)
    )


def _row(ctx: Context, row: RateRow) -> str:
    head = ctx._("Hiện nay") if row.now else ctx._("Cuối năm {year}").format(year=row.year)
    text = f"• {head}: {_figures(ctx, row)}{_judged(ctx, row)}"
    moved = row.movements
    if not row.now and (moved.newly_poor or moved.poor_again):
        text += ctx._("; phát sinh {newly}, tái nghèo {again}").format(
            newly=ctx.t.number(moved.newly_poor), again=ctx.t.number(moved.poor_again)
        )
    return text


def render_poverty(ctx: Context, section: PovertySection) -> list[str]:
    """The section's lines, beginning with an empty line."""
    lines = ["", ctx._("Tỷ lệ hộ nghèo (hộ nghèo ÷ tổng số hộ cuối năm):")]
    path = _path(ctx, section)
    if path:
        lines.append(path)
    elif section.rows:
        lines.append(ctx._("Giai đoạn này chưa có lộ trình giảm tỷ lệ hộ nghèo: chưa đánh giá."))
    lines.extend(_row(ctx, row) for row in section.rows)
    latest = section.latest
    parts = [p for p in section.parts if p.row.rate.poor_rate is not None]
    if parts and latest is not None:
        when = ctx._("hiện nay") if latest.now else str(latest.year)
        level = ctx.units[parts[0].code].level
        text = ctx._("Theo thôn ({when}):") if level == VILLAGE else ctx._("Theo xã ({when}):")
        lines.append(text.format(when=when))
        for part in parts:
            text = f"  {ctx.unit_name(part.code)}: {_figures(ctx, part.row)}"
            lines.append(text + _judged(ctx, part.row))
    if any(not r.rate.complete and r.target for r in (*section.rows, *(p.row for p in parts))):
        lines.append(
            ctx._(
                "Chỉ đánh giá tỷ lệ tính trên mọi thôn: cần tổng số hộ cuối năm và danh sách hộ"
                " của từng thôn (import-households)."
            )
        )
    return lines


async def poverty_lines(ctx: Context, unit: Unit, *, merged: bool, period: Period) -> list[str]:
    """What /tiendo adds about the poverty rate; nothing for an area without figures or path."""
    section = await load_poverty(
        ctx.store, ctx.units, unit, merged=merged, today=ctx.today, period=period
    )
    return render_poverty(ctx, section) if section is not None else []


def rate_panel(ctx: Context, section: PovertySection) -> RatePanel | None:
    """The chart's poverty-rate panel: each year's rate (this year's: now) beside the path."""
    rates = {row.year: row.rate.poor_rate for row in section.rows}
    years = sorted(set(rates) | set(section.path))
    if not any(v is not None for v in rates.values()) and not section.path:
        return None

    def share(value: Fraction | None) -> float | None:
        return None if value is None else float(value)

    return RatePanel(
        title=ctx._("Tỷ lệ hộ nghèo cuối mỗi năm (năm nay: hiện nay)")
        if any(r.now for r in section.rows)
        else ctx._("Tỷ lệ hộ nghèo cuối mỗi năm"),
        years=years,
        rates=[share(rates.get(y)) for y in years],
        targets=[share(section.path[y].rate) if y in section.path else None for y in years],
        rate_label=ctx._("Tỷ lệ hộ nghèo"),
        target_label=ctx._("Lộ trình mục tiêu"),
    )
