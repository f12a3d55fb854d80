"""/giao: leaders give a village a task; /nhiemvu: cadres (and leaders) see how tasks stand."""

from __future__ import annotations

from datetime import date

from core.indicators import IndicatorSet
from core.permissions import may_view
from core.tasks import (
    MAX_TASK_COUNT,
    AssignmentError,
    NewTask,
    TaskProgress,
    parse_assignment,
)
from core.units import VILLAGE, UnitDirectory
from handlers.context import Context
from handlers.messages import Reply
from handlers.router import Router
from handlers.views.labels import count_label, indicator_name, unit_label
from locales.translator import Translator

__all__ = ["router", "task_line", "time_left", "visible"]

router = Router()


def time_left(t: Translator, progress: TaskProgress, today: date) -> str:
    """'còn 31 ngày', 'hạn hôm nay', '⚠️ quá hạn 3 ngày' or 'đã hoàn thành'."""
    if progress.complete:
        return t.gettext("✓ đã hoàn thành")
    days = progress.days_left(today)
    if days == 0:
        return t.gettext("hạn hôm nay")
    if days < 0:
        return t.ngettext("⚠️ quá hạn {n} ngày", "⚠️ quá hạn {n} ngày", -days).format(n=-days)
    return t.ngettext("còn {n} ngày", "còn {n} ngày", days).format(n=days)


def task_line(
    t: Translator,
    indicators: IndicatorSet,
    progress: TaskProgress,
    today: date,
    units: UnitDirectory | None = None,
) -> str:
    """One task as a bullet: done/target, due date and time left; with its village if given."""
    task = progress.task
    indicator = indicators[task.indicator]
    line = t.gettext("{what}: {done}/{target} — hạn {date}, {left}").format(
        what=indicator_name(t, indicator),
        done=t.number(progress.done),
        target=count_label(t, indicator, task.target),
        date=t.short_date(task.due_on),
        left=time_left(t, progress, today),
    )
    village = units.get(task.village) if units is not None else None
    if village is not None:
        line = f"{unit_label(t, village)} — {line}"
    return "• " + line


def visible(progress: TaskProgress, today: date) -> bool:
    """Unfinished tasks, and finished ones until their due date has passed."""
    return not progress.complete or progress.task.due_on >= today


def _usage(ctx: Context) -> str:
    return ctx._(
        "Cách giao nhiệm vụ: /giao THÔN CHỈ_TIÊU SỐ HẠN\n"
        "Ví dụ: /giao Sà Lủng nhà 5 31/12; /giao Xà Phìn đào tạo nghề 20 30/6/2027"
    )


def _explain(ctx: Context, error: AssignmentError) -> str:
    value = error.fragment
    if error.code == "invalid_count":
        return ctx._("Số lượng «{value}» không hợp lệ: từ 1 đến {max}.").format(
            value=value, max=ctx.t.number(MAX_TASK_COUNT)
        )
    if error.code == "invalid_date":
        return ctx._("Hạn «{value}» không phải ngày có thật. Ví dụ: 31/12 hoặc 31/12/2026.").format(
            value=value
        )
    if error.code == "past_date":
        return ctx._("Hạn «{value}» đã qua. Hãy chọn một ngày từ hôm nay trở đi.").format(
            value=value
        )
    if error.code == "unknown_indicator":
        return (
            ctx._("Chưa hiểu chỉ tiêu nào. Hãy dùng: nhà, thoát nghèo hoặc đào tạo nghề.")
            + "\n"
            + _usage(ctx)
        )
    if error.code == "unknown_village":
        return ctx._("Không tìm thấy thôn «{name}».").format(name=value) + "\n" + _usage(ctx)
    if error.code == "ambiguous_village":
        names = ", ".join(ctx.units[c].name for c in error.candidates if ctx.units.get(c))
        return ctx._("Tên «{name}» khớp với nhiều thôn: {candidates}. Hãy ghi rõ hơn.").format(
            name=value, candidates=names
        )
    if error.code == "not_a_village":
        return ctx._("«{name}» không phải là thôn: nhiệm vụ được giao cho từng thôn.").format(
            name=value
        )
    return _usage(ctx)


@router.command("giao")
async def assign(ctx: Context) -> list[Reply]:
    person = ctx.person
    assert person is not None
    parsed = parse_assignment(ctx.args, today=ctx.today, units=ctx.units, indicators=ctx.indicators)
    if isinstance(parsed, AssignmentError):
        return [Reply(_explain(ctx, parsed))]
    village = ctx.units[parsed.village]
    if not may_view(person, village.code, ctx.units):
        return [
            Reply(
                ctx._("{village} không thuộc địa bàn của bạn. Nhiệm vụ chưa được giao.").format(
                    village=ctx.unit_label(village)
                )
            )
        ]
    existing = [
        t
        for t in await ctx.store.tasks.open([village.code])
        if t.indicator == parsed.indicator and t.due_on == parsed.due_on
    ]
    (task,) = await ctx.store.tasks.add(
        [
            NewTask(
                village=village.code,
                indicator=parsed.indicator,
                target=parsed.target,
                start_on=ctx.today,
                due_on=parsed.due_on,
            )
        ],
        actor_id=person.id,
        at=ctx.now,
    )
    (progress,) = await ctx.store.tasks.progress([task])
    indicator = ctx.indicators[task.indicator]
    facts = {
        "village": ctx.unit_label(village),
        "what": indicator_name(ctx.t, indicator).lower(),
        "count": count_label(ctx.t, indicator, task.target),
        "date": ctx.t.short_date(task.due_on),
        "left": time_left(ctx.t, progress, ctx.today),
    }
    if existing:
        text = ctx._("Đã đổi nhiệm vụ của {village}: {what} {count}, hạn {date} ({left}).")
    else:
        text = ctx._("Đã giao cho {village}: {what} {count}, hạn {date} ({left}).")
    return [
        Reply(
            text.format(**facts)
            + "\n"
            + ctx._("Cán bộ thôn xem bằng /nhiemvu và được nhắc mỗi tuần.")
        )
    ]


@router.command("nhiemvu")
async def my_tasks(ctx: Context) -> list[Reply]:
    person = ctx.person
    assert person is not None
    scope = ctx.units.get(person.scope)
    if scope is None:
        return [Reply(ctx._("Địa bàn của bạn không có trong danh mục đơn vị. Hãy báo quản trị."))]
    villages = [v.code for v in ctx.units.villages_in(scope.code)]
    tasks = await ctx.store.tasks.open(villages)
    shown = [p for p in await ctx.store.tasks.progress(tasks) if visible(p, ctx.today)]
    if not shown:
        return [
            Reply(
                ctx._("Chưa có nhiệm vụ nào đang mở cho {unit}.").format(unit=ctx.unit_label(scope))
            )
        ]
    lines = [
        ctx._("Nhiệm vụ của {unit} ({date}):").format(
            unit=ctx.unit_label(scope), date=ctx.t.long_date(ctx.today)
        )
    ]
    # Beyond a single village, each line says which village it is for.
    named = ctx.units if scope.level != VILLAGE else None
    lines += [task_line(ctx.t, ctx.indicators, p, ctx.today, named) for p in shown]
    return [Reply("\n".join(lines))]
