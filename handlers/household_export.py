"""The household registry of an area as a workbook a commune officer can file.

``/xuat hongheo [xã …|thôn …]`` (leaders, their own area only) and ``python -m bot
export-households``: the households with their current category, every step of their
category history (from, to, year, decision number and date, import or chat, who recorded
it), and the graduations reported that still wait for a decision. Vietnamese headers, a
frozen header row and sized columns (bot/exports/workbook.py); the file is written on a
worker thread. Names and categories are personal data: never logged.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from core.decisions import DecisionStep
from core.households import Household
from core.ports import Store
from core.render import ColumnKind, Renderers, Sheet
from core.text import fold, slug
from core.units import Unit, UnitDirectory
from handlers.area import parse_query, resolve_area
from handlers.context import Context
from handlers.messages import Attachment, Reply
from handlers.views.decisions import category_label, movement_label, source_label
from handlers.views.labels import unit_label
from locales.translator import Translator

__all__ = ["export_households", "household_export_args", "write_household_workbook"]

# What follows /xuat to ask for the registry: "/xuat hongheo", "/xuat hộ nghèo xã Sơn Vĩ".
_WORDS = ("hongheo", "ho ngheo", "danhsachho", "danh sach ho")


def household_export_args(args: str) -> str | None:
    """The rest of ``/xuat hongheo REST`` (the area), or None when /xuat asks for progress."""
    words = args.split()
    for word in sorted(_WORDS, key=lambda w: -len(w.split())):
        size = len(word.split())
        if fold(" ".join(words[:size])) == word:
            return " ".join(words[size:])
    return None


def file_name(t: Translator, unit: Unit, today: date) -> str:
    return f"danh-sach-ho-{slug(unit_label(t, unit))}-{today.isoformat()}.xlsx"


def _places(units: UnitDirectory, village: str) -> tuple[str, str]:
    """(current commune, village) as a list names them."""
    unit = units.get(village)
    if unit is None:
        return "", village
    commune = units.commune_of(unit)
    return (commune.name if commune else ""), unit.name


def _household_rows(
    t: Translator,
    units: UnitDirectory,
    households: Sequence[Household],
    latest: dict[int, DecisionStep],
) -> list[list[object]]:
    rows: list[list[object]] = []
    for h in households:
        step = latest.get(h.id)
        rows.append(
            [
                h.code or None,
                *_places(units, h.village),
                h.name,
                h.birth_year,
                h.ethnicity or None,
                h.members,
                category_label(t, h.category),
                h.year,
                h.decision or None,
                step.decided_on if step else None,
            ]
        )
    return rows


def _history_rows(
    t: Translator,
    units: UnitDirectory,
    tz: ZoneInfo,
    households: dict[int, Household],
    steps: Sequence[DecisionStep],
    people: dict[int, str],
) -> list[list[object]]:
    rows: list[list[object]] = []
    for s in steps:
        h = households.get(s.household_id)
        if h is None:
            continue
        rows.append(
            [
                h.code or None,
                *_places(units, h.village),
                h.name,
                h.birth_year,
                category_label(t, s.before) if s.before else None,
                category_label(t, s.category),
                movement_label(t, s.movement),
                s.year,
                s.decision or None,
                s.decided_on,
                source_label(t, s.source),
                people.get(s.actor_id) if s.actor_id is not None else None,
                s.recorded_at.astimezone(tz).replace(tzinfo=None),
                t.gettext("đã hủy") if s.cancelled else None,
            ]
        )
    return rows


async def write_household_workbook(
    store: Store,
    units: UnitDirectory,
    t: Translator,
    tz: ZoneInfo,
    unit: Unit,
    out: Path,
    *,
    today: date,
    renderers: Renderers,
) -> tuple[int, int]:
    """Write the area's registry to ``out``; returns (households, reported graduations
    waiting for a decision)."""
    villages = [v.code for v in units.villages_in(unit.code)]
    households = await store.households.in_villages(villages)
    steps = await store.decisions.steps(villages)
    awaiting = [r for r in await store.decisions.reported_graduations(villages) if not r.decided]
    people = {p.id: p.name for p in await store.people.all()}
    latest = {s.household_id: s for s in steps if not s.cancelled}
    by_id = {h.id: h for h in households}
    day, stamp, count = ColumnKind.DATE, ColumnKind.DATETIME, ColumnKind.COUNT
    place = [t.gettext("Xã"), t.gettext("Thôn")]
    head = [t.gettext("Mã hộ"), *place, t.gettext("Chủ hộ"), t.gettext("Năm sinh")]
    sheets = [
        Sheet(
            title=t.gettext("Danh sách hộ"),
            headers=[
                *head,
                t.gettext("Dân tộc"),
                t.gettext("Số nhân khẩu"),
                t.gettext("Phân loại"),
                t.gettext("Năm"),
                t.gettext("Số quyết định"),
                t.gettext("Ngày quyết định"),
            ],
            rows=_household_rows(t, units, households, latest),
            kinds=(None, None, None, None, None, None, count, None, None, None, day),
        ),
        Sheet(
            title=t.gettext("Lịch sử phân loại"),
            headers=[
                *head,
                t.gettext("Từ"),
                t.gettext("Sang"),
                t.gettext("Biến động"),
                t.gettext("Năm"),
                t.gettext("Số quyết định"),
                t.gettext("Ngày quyết định"),
                t.gettext("Nguồn"),
                t.gettext("Người ghi"),
                t.gettext("Thời điểm ghi"),
                t.gettext("Ghi chú"),
            ],
            rows=_history_rows(t, units, tz, by_id, steps, people),
            kinds=(*[None] * 10, day, None, None, stamp, None),
        ),
        Sheet(
            title=t.gettext("Chờ quyết định"),
            headers=[
                t.gettext("Số báo cáo"),
                *place,
                t.gettext("Hộ"),
                t.gettext("Số hộ"),
                t.gettext("Ngày"),
                t.gettext("Người báo cáo"),
                t.gettext("Ghi chú"),
            ],
            rows=[
                [
                    r.report_id,
                    *_places(units, r.village),
                    r.household,
                    r.count,
                    r.done_on,
                    people.get(r.reporter_id),
                    None if r.listed else t.gettext("chưa có trong danh sách hộ"),
                ]
                for r in awaiting
            ],
            kinds=(None, None, None, None, count, day, None, None),
        ),
    ]
    title = t.gettext("Danh sách hộ {unit} đến {date}").format(
        unit=unit_label(t, unit), date=t.short_date(today)
    )
    await asyncio.to_thread(renderers.workbook, sheets, out, title=title)
    return len(households), len(awaiting)


async def export_households(ctx: Context, args: str) -> list[Reply]:
    """``/xuat hongheo [area]``: the registry of the leader's area (or a part of it)."""
    usage = ctx._("Ví dụ: /xuat hongheo; /xuat hongheo xã Sơn Vĩ; /xuat hongheo thôn Sà Lủng")
    resolved = resolve_area(ctx, parse_query(args), usage)
    if isinstance(resolved, Reply):
        return [resolved]
    unit, _ = resolved
    name = file_name(ctx.t, unit, ctx.today)
    with tempfile.TemporaryDirectory(prefix="xuat-ho-") as folder:
        path = Path(folder) / name
        households, awaiting = await write_household_workbook(
            ctx.store,
            ctx.units,
            ctx.t,
            ctx.tz,
            unit,
            path,
            today=ctx.today,
            renderers=ctx.renderers,
        )
        if not households:
            return [
                Reply(
                    ctx._(
                        "{unit} chưa có danh sách hộ. Quản trị nạp danh sách bằng lệnh"
                        " python -m bot import-households."
                    ).format(unit=ctx.unit_label(unit))
                )
            ]
        content = path.read_bytes()
    caption = ctx.t.ngettext(
        "Danh sách hộ {unit} đến {date}: {n} hộ, lịch sử phân loại và {waiting} báo cáo thoát"
        " nghèo chờ quyết định.",
        "Danh sách hộ {unit} đến {date}: {n} hộ, lịch sử phân loại và {waiting} báo cáo thoát"
        " nghèo chờ quyết định.",
        households,
    ).format(
        unit=ctx.unit_label(unit),
        date=ctx.t.short_date(ctx.today),
        n=ctx.t.number(households),
        waiting=ctx.t.number(awaiting),
    )
    refused = ctx._(
        "Ứng dụng nhắn tin không nhận tệp {name} vì tệp quá lớn. Hãy xuất từng xã hoặc thôn,"
        " ví dụ: /xuat hongheo thôn Sà Lủng."
    ).format(name=name)
    return [Reply(caption, attachment=Attachment(name, content, refused=refused))]
