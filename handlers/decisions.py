"""/quyetdinh: the commune's decision on a household's category, recorded in chat.

A cadre's "thoát nghèo" is a report; the household's category changes only when a leader
of its commune (or above) records the decision: ``/quyetdinh HỘ PHÂN_LOẠI SỐ NGÀY``. The
household is found within the leader's area by name or code (namesakes: a choice); the
decision becomes a step of its history and an event. ``/quyetdinh huy N`` undoes a mistake
(the step stays, marked cancelled). ``/quyetdinh`` alone lists the graduations reported and
still waiting for a decision, and the latest decisions. Names are never logged.
"""

from __future__ import annotations

from datetime import date

from core.decisions import (
    GRADUATION,
    Decision,
    DecisionProblem,
    DecisionRequest,
    Movement,
    may_decide,
    parse_decision,
)
from core.households import Category, Household
from core.models import PendingKind
from core.periods import Period
from core.text import fold
from core.units import Unit
from handlers.context import Context
from handlers.messages import Choice, Reply
from handlers.router import Router
from handlers.views.decisions import (
    USAGE,
    category_label,
    decision_of,
    graduation_count,
    movement_label,
    problem_text,
    source_label,
)
from handlers.views.households import household_label
from handlers.views.labels import period_label
from handlers.views.reports import PENDING_MAX_AGE, stale_press

__all__ = ["graduation_line", "router"]

router = Router()

_SHOWN = 10  # lines of each list in /quyetdinh; the rest are counted
_CANCEL_WORDS = frozenset({"huy", "huy bo"})


async def graduation_line(
    ctx: Context, unit: Unit, period: Period, reported: int | None = None
) -> str | None:
    """'Thoát nghèo: N hộ báo cáo, M đã có quyết định.' for /tiendo: households reported out of
    poverty in the period (``reported`` when the caller has the area's figures, else from the
    daily aggregates, never the reports) and households the commune decided out of poverty in
    the period's years; None when both are 0."""
    villages = [v.code for v in ctx.units.villages_in(unit.code)]
    last = min(ctx.today, period.end)
    if reported is None:
        totals = await ctx.store.reports.period_totals(villages, period.start, last)
        reported = sum(n for (_, indicator), n in totals.items() if indicator == GRADUATION)
    decided = await ctx.store.decisions.households_out_of_poverty(
        villages, period.start.year, last.year
    )
    return graduation_count(ctx.t, reported, decided) if reported or decided else None


def _area(ctx: Context) -> tuple[Unit | None, list[str]]:
    """The leader's area and the villages whose households they may decide on."""
    person = ctx.person
    assert person is not None  # the router lets only leaders and admins here
    scope = ctx.units.get(person.scope)
    if scope is None:
        return None, []
    villages = [v.code for v in ctx.units.villages_in(scope.code)]
    return scope, [v for v in villages if may_decide(person, v, ctx.units)]


def _no_right(ctx: Context) -> Reply:
    return Reply(
        ctx._(
            "Chỉ lãnh đạo xã (hoặc cấp trên) ghi được quyết định về hộ của xã mình."
            " Không có gì thay đổi."
        )
    )


@router.command("quyetdinh")
async def decide(ctx: Context) -> list[Reply]:
    args = ctx.args.strip()
    if not args:
        return [await _overview(ctx)]
    scope, villages = _area(ctx)
    if scope is None or not villages:
        return [_no_right(ctx)]
    first, _, rest = args.partition(" ")
    if fold(first) in _CANCEL_WORDS:
        return [await _cancel(ctx, rest.strip(), villages)]
    request = parse_decision(args, ctx.today)
    if isinstance(request, DecisionProblem):
        return [Reply(problem_text(ctx.t, request))]
    found = await ctx.store.households.find(request.household, villages)
    if not found:
        return [
            Reply(
                ctx._(
                    "Không tìm thấy hộ «{name}» trong danh sách hộ của {area}. Ghi đúng tên chủ"
                    " hộ hoặc mã hộ. Không có gì thay đổi."
                ).format(name=request.household, area=ctx.unit_label(scope))
            )
        ]
    if len(found) == 1:
        return [await _record(ctx, found[0], request)]
    return [await _ask(ctx, found, request)]


def _village(ctx: Context, code: str) -> str:
    unit = ctx.units.get(code)
    return ctx.unit_label(unit) if unit is not None else code


def _label(ctx: Context, household: Household) -> str:
    return household_label(ctx, household, village=True)


async def _ask(ctx: Context, found: list[Household], request: DecisionRequest) -> Reply:
    assert ctx.person is not None
    decision = request.decision
    key = await ctx.store.pending.put(
        person_id=ctx.person.id,
        kind=PendingKind.DECISION,
        text="",
        data={
            "ids": [h.id for h in found],
            "category": str(decision.category),
            "number": decision.number,
            "decided_on": decision.decided_on.isoformat(),
            "leaving": str(request.leaving) if request.leaving else None,
            "household": request.household,
        },
        source=None,
        at=ctx.now,
    )
    choices = tuple(
        Choice(_label(ctx, h), f"decide:{key}:{index}") for index, h in enumerate(found)
    )
    return Reply(
        ctx._("Có {n} hộ tên «{name}» trong địa bàn. Quyết định này là của hộ nào?").format(
            n=ctx.t.number(len(found)), name=request.household
        ),
        choices=choices,
    )


@router.choice("decide", permission="quyetdinh")
async def chosen(ctx: Context) -> list[Reply]:
    assert ctx.person is not None
    key, _, index = ctx.args.partition(":")
    pending = await ctx.store.pending.take(
        key, person_id=ctx.person.id, kind=PendingKind.DECISION, at=ctx.now, max_age=PENDING_MAX_AGE
    )
    data = pending.data if pending is not None else {}
    ids = data.get("ids")
    if (
        pending is None
        or not isinstance(ids, list)
        or not index.isdigit()
        or int(index) >= len(ids)
    ):
        return await stale_press(ctx, key, PendingKind.DECISION)
    _, villages = _area(ctx)
    household = await ctx.store.households.get(int(ids[int(index)]))
    if household is None or household.village not in villages:  # the area changed meanwhile
        return [_no_right(ctx)]
    leaving = data.get("leaving")
    request = DecisionRequest(
        household=str(data["household"]),
        decision=Decision(
            Category(str(data["category"])),
            str(data["number"]),
            date.fromisoformat(str(data["decided_on"])),
        ),
        leaving=Category(str(leaving)) if leaving else None,
    )
    return [await _record(ctx, household, request)]


async def _record(ctx: Context, household: Household, request: DecisionRequest) -> Reply:
    assert ctx.person is not None
    decision = request.decision
    name = _label(ctx, household)
    current = category_label(ctx.t, household.category)
    unchanged = ctx._("Không có gì thay đổi.")
    if request.leaving is not None and household.category != request.leaving:
        return Reply(
            ctx._("Hộ {household} hiện là {current}, không phải {leaving}.").format(
                household=name, current=current, leaving=category_label(ctx.t, request.leaving)
            )
            + " "
            + unchanged
        )
    if decision.category == household.category:
        return Reply(
            ctx._("Hộ {household} đã là {current} (năm {year}).").format(
                household=name, current=current, year=household.year
            )
            + " "
            + unchanged
        )
    if decision.year < household.year:
        return Reply(
            ctx._(
                "Quyết định ngày {date} cũ hơn phân loại hiện nay của hộ {household} ({current},"
                " năm {year})."
            ).format(
                date=ctx.t.short_date(decision.decided_on),
                household=name,
                current=current,
                year=household.year,
            )
            + " "
            + unchanged
        )
    step = await ctx.store.decisions.record(
        household.id, decision, expected=household.category, actor_id=ctx.person.id, at=ctx.now
    )
    if step is None:
        return Reply(
            ctx._("Phân loại của hộ {household} vừa được thay đổi; hãy xem lại.").format(
                household=name
            )
            + " "
            + unchanged
        )
    return Reply(
        ctx._(
            "Đã ghi quyết định số {id}: hộ {household} — {movement}, từ {before} thành {after}"
            " theo {decision}. Người ghi: {person}, lúc {time}. Ghi nhầm thì gõ /quyetdinh huy"
            " {id}."
        ).format(
            id=step.id,
            household=name,
            movement=movement_label(ctx.t, step.movement),
            before=current,
            after=category_label(ctx.t, step.category),
            decision=decision_of(ctx.t, step),
            person=ctx.person.name,
            time=ctx.t.short_time(ctx.now.astimezone(ctx.tz)),
        )
    )


async def _cancel(ctx: Context, args: str, villages: list[str]) -> Reply:
    assert ctx.person is not None
    number = args.removeprefix("#").strip()
    if not number.isdigit():
        return Reply(ctx._("Cách hủy: /quyetdinh huy SỐ, ví dụ: /quyetdinh huy 12."))
    steps = await ctx.store.decisions.steps(villages)
    step = next((s for s in steps if s.id == int(number)), None)
    if step is None:
        return Reply(
            ctx._("Không tìm thấy quyết định số {id} trong địa bàn của bạn.").format(id=number)
        )
    if step.source != "chat":
        return Reply(
            ctx._(
                "Quyết định số {id} được nhập từ danh sách hộ; hãy sửa danh sách rồi nhập lại."
            ).format(id=number)
        )
    if step.cancelled:
        return Reply(ctx._("Quyết định số {id} đã hủy trước đó.").format(id=number))
    back = await ctx.store.decisions.cancel(step.id, actor_id=ctx.person.id, at=ctx.now)
    if back is None:
        return Reply(
            ctx._(
                "Chỉ hủy được quyết định mới nhất của hộ; quyết định số {id} đã có quyết định"
                " khác sau nó. Không có gì thay đổi."
            ).format(id=number)
        )
    household = await ctx.store.households.get(step.household_id)
    assert household is not None  # households are never removed
    return Reply(
        ctx._(
            "Đã hủy quyết định số {id}: hộ {household} trở lại là {category} (năm {year})."
            " Ghi lại quyết định đúng: {usage}"
        ).format(
            id=number,
            household=_label(ctx, household),
            category=category_label(ctx.t, back.category),
            year=back.year,
            usage=ctx._(USAGE),
        )
    )


async def _overview(ctx: Context) -> Reply:
    """Graduations reported and awaiting a decision, and the latest decisions, in the area."""
    person = ctx.person
    assert person is not None
    scope = ctx.units.get(person.scope)
    if scope is None:
        return Reply(ctx._("Địa bàn của bạn không có trong danh mục đơn vị. Hãy báo quản trị."))
    villages = [v.code for v in ctx.units.villages_in(scope.code)]
    reported = await ctx.store.decisions.reported_graduations(villages)
    households = {h.id: h for h in await ctx.store.households.in_villages(villages)}
    changes = [
        s
        for s in await ctx.store.decisions.steps(villages)
        if not s.cancelled and s.movement not in (Movement.LISTED, Movement.OTHER)
    ]
    changes.sort(key=lambda s: (s.decided_on or date(s.year, 12, 31), s.id), reverse=True)
    lines = [
        ctx._("Quyết định về phân loại hộ, {area}, {period}:").format(
            area=ctx.unit_label(scope), period=period_label(ctx.t, ctx.period)
        ),
        await graduation_line(ctx, scope, ctx.period) or graduation_count(ctx.t, 0, 0),
    ]
    awaiting = [r for r in reported if not r.decided]
    lines.append(
        ctx._("Báo cáo thoát nghèo chưa có quyết định ({n}):").format(n=ctx.t.number(len(awaiting)))
        if awaiting
        else ctx._("Không có báo cáo thoát nghèo nào chờ quyết định.")
    )
    for r in awaiting[:_SHOWN]:
        if r.household and r.listed:
            what = ctx._("hộ {name}").format(name=r.household)
        elif r.household:
            what = ctx._("hộ {name} (chưa có trong danh sách hộ)").format(name=r.household)
        else:
            what = ctx.t.ngettext(
                "{n} hộ (không ghi tên)", "{n} hộ (không ghi tên)", r.count
            ).format(n=ctx.t.number(r.count))
        lines.append(
            ctx._("• Báo cáo số {id}: {what}, {village}, ngày {date}").format(
                id=r.report_id,
                what=what,
                village=_village(ctx, r.village),
                date=ctx.t.short_date(r.done_on),
            )
        )
    if len(awaiting) > _SHOWN:
        lines.append(ctx._("… và {n} báo cáo khác").format(n=ctx.t.number(len(awaiting) - _SHOWN)))
    if changes:
        lines.append(ctx._("Quyết định gần đây:"))
    for s in changes[:_SHOWN]:
        household = households.get(s.household_id)
        lines.append(
            ctx._(
                "• Số {id}: {household} — {movement} ({before} → {after}), {decision}, {source}"
            ).format(
                id=s.id,
                household=_label(ctx, household) if household else "—",
                movement=movement_label(ctx.t, s.movement),
                before=category_label(ctx.t, s.before),
                after=category_label(ctx.t, s.category),
                decision=decision_of(ctx.t, s),
                source=source_label(ctx.t, s.source),
            )
        )
    lines.append(ctx._("Ghi quyết định: {usage}").format(usage=ctx._(USAGE)))
    return Reply("\n".join(lines))
