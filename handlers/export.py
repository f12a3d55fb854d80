"""/xuat: an Excel workbook of the leader's area — progress by commune and every report.

A channel takes files up to a size (Telegram's cloud Bot API: 50 MB). An area whose workbook
would be larger is sent as one file per commune (per village for a commune), and the leader
is told so; a part still too large is named with the command that splits it further. Nothing
is built twice for the same request, and no file over the limit is offered to the channel.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from core.periods import Period
from core.text import slug
from core.units import DISTRICT, VILLAGE, Unit
from handlers.area import command_name, parse_query, resolve_area, take_period
from handlers.area_workbook import write_area_workbook
from handlers.closing import closing_title
from handlers.context import Context
from handlers.household_export import export_households, household_export_args
from handlers.messages import Attachment, Reply
from handlers.router import Router
from handlers.views.labels import area_file_name

__all__ = ["BYTES_PER_REPORT", "router"]

router = Router()

# A report takes 40-70 bytes of a compressed workbook (names repeat and compress well; the
# bench's 1,000,000 reports: 66 MB). An area with more reports than limit ÷ 60 is split before
# anything is built; a smaller one is built whole, and split only if it still turns out too
# large (then each part is built once: never the same file twice).
BYTES_PER_REPORT = 60


def _megabytes(ctx: Context, size: int) -> str:
    """'50 MB', '62,7 MB'; a size under 1 MB in kB."""
    if size < 1_048_576:
        return f"{ctx.t.number(max(1, round(size / 1024)))} kB"
    return f"{ctx.t.number(round(size / 1_048_576, 1))} MB"


def _caption(ctx: Context, unit: Unit, count: int, period: Period) -> str:
    if period.end < ctx.today:
        return ctx.t.ngettext(
            "{title}: bảng tổng kết theo năm, bảng tổng hợp và {n} báo cáo.",
            "{title}: bảng tổng kết theo năm, bảng tổng hợp và {n} báo cáo.",
            count,
        ).format(title=closing_title(ctx.t, unit, period), n=ctx.t.number(count))
    return ctx.t.ngettext(
        "Tệp Excel tiến độ {unit} đến {date}: bảng tổng hợp và {n} báo cáo.",
        "Tệp Excel tiến độ {unit} đến {date}: bảng tổng hợp và {n} báo cáo.",
        count,
    ).format(unit=ctx.unit_label(unit), date=ctx.t.short_date(ctx.today), n=ctx.t.number(count))


def _refused(ctx: Context, name: str, size: int) -> str:
    return ctx._(
        "Ứng dụng nhắn tin không nhận tệp {name} ({size}) vì tệp quá lớn. Hãy xuất từng phần"
        " nhỏ hơn của địa bàn, ví dụ: /xuat xã Sơn Vĩ."
    ).format(name=name, size=_megabytes(ctx, size))


def _parts(ctx: Context, unit: Unit, merged: bool) -> list[Unit]:
    """What an area is split into: a district by its communes, a commune by its villages."""
    villages = ctx.units.villages_in(unit.code)
    if unit.level == VILLAGE:
        return []
    if unit.level != DISTRICT:
        return villages
    parts: dict[str, Unit] = {}
    for village in villages:
        commune = ctx.units.commune_of(village, merged=merged)
        if commune is not None:
            parts.setdefault(commune.code, commune)
    return list(parts.values())


async def _file(
    ctx: Context, unit: Unit, merged: bool, period: Period, folder: Path, limit: int | None
) -> Reply | None:
    """The area's workbook as a reply, or None when it is larger than ``limit``."""
    name = area_file_name(ctx.t, unit, merged=merged, today=ctx.today, extension="xlsx")
    if period.end < ctx.today:
        old_map = "" if merged else "-truoc-2025"
        name = f"tong-ket-{period.code}-{slug(ctx.unit_label(unit))}{old_map}.xlsx"
    path = folder / name
    count = await write_area_workbook(
        ctx.store,
        ctx.units,
        ctx.indicators,
        ctx.t,
        ctx.tz,
        unit,
        path,
        merged=merged,
        today=ctx.today,
        renderers=ctx.renderers,
        period=period,
    )
    size = path.stat().st_size
    if limit is not None and size > limit:
        path.unlink()
        return None
    content = path.read_bytes()
    path.unlink()
    return Reply(
        _caption(ctx, unit, count, period),
        attachment=Attachment(name, content, refused=_refused(ctx, name, size)),
    )


def _too_large(ctx: Context, unit: Unit, limit: int) -> Reply:
    size = _megabytes(ctx, limit)
    if unit.level == VILLAGE:
        return Reply(
            ctx._(
                "Tệp Excel của {unit} lớn hơn {size}, mức tối đa ứng dụng nhắn tin nhận được."
                " Hãy nhờ quản trị xuất tệp trên máy chủ (python -m bot export)."
            ).format(unit=ctx.unit_label(unit), size=size)
        )
    return Reply(
        ctx._(
            "Tệp Excel của {unit} lớn hơn {size}, mức tối đa ứng dụng nhắn tin nhận được."
            " Gõ /xuat {name} để nhận tệp theo từng phần nhỏ hơn."
        ).format(unit=ctx.unit_label(unit), size=size, name=command_name(unit))
    )


@router.command("xuat")
async def export(ctx: Context) -> list[Reply]:
    registry = household_export_args(ctx.args)
    if registry is not None:  # /xuat hongheo: the household registry
        return await export_households(ctx, registry)
    taken = take_period(ctx, ctx.args)
    if isinstance(taken, Reply):
        return [taken]
    period, args = taken
    query = parse_query(args)
    usage = ctx._("Ví dụ: /xuat; /xuat xã Sơn Vĩ; /xuat cu (tổng hợp theo xã cũ); /xuat 2021-2025")
    resolved = resolve_area(ctx, query, usage)
    if isinstance(resolved, Reply):
        return [resolved]
    unit, merged = resolved
    limit = ctx.max_file_bytes
    with tempfile.TemporaryDirectory(prefix="xuat-") as folder:
        if limit is not None:
            villages = [v.code for v in ctx.units.villages_in(unit.code)]
            reports = await ctx.store.reports.count(villages)
            estimated_too_large = reports * BYTES_PER_REPORT > limit
        else:
            estimated_too_large = False
        if not estimated_too_large:
            whole = await _file(ctx, unit, merged, period, Path(folder), limit)
            if whole is not None:
                return [whole]
        assert limit is not None
        parts = _parts(ctx, unit, merged)
        if not parts:
            return [_too_large(ctx, unit, limit)]
        replies = [
            Reply(
                ctx.t.ngettext(
                    "Tệp Excel của {unit} lớn hơn {size}, mức tối đa ứng dụng nhắn tin nhận"
                    " được, nên bot gửi {n} tệp, mỗi xã hoặc thôn một tệp.",
                    "Tệp Excel của {unit} lớn hơn {size}, mức tối đa ứng dụng nhắn tin nhận"
                    " được, nên bot gửi {n} tệp, mỗi xã hoặc thôn một tệp.",
                    len(parts),
                ).format(
                    unit=ctx.unit_label(unit),
                    size=_megabytes(ctx, limit),
                    n=ctx.t.number(len(parts)),
                )
            )
        ]
        for part in parts:
            reply = await _file(ctx, part, merged, period, Path(folder), limit)
            replies.append(reply if reply is not None else _too_large(ctx, part, limit))
        return replies
