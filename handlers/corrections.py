"""/huy and /sua, and the same by replying to the bot's confirmation or editing the message.

Nothing is deleted: a cancelled report keeps its row with status 'cancelled', a corrected
one its id with new values, and every change is an event with before and after. Who may
change which report: core.permissions.may_change_report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from core.evidence import Review
from core.household_names import HouseholdNames
from core.models import PendingKind, ReportStatus, StoredReport
from core.parser import parse_report
from core.parsing import ErrorCode, ParseError, ParseOk, ParseResult
from core.permissions import may_change_report, may_report_for
from core.ports import HouseholdTaken
from core.text import fold
from handlers.context import Context
from handlers.household_match import (
    ChosenHouseholds,
    ask_household,
    match_households,
    registry_names,
)
from handlers.messages import Choice, Reply
from handlers.report_flow import (
    ask_village,
    household_conflict,
    needing_approval,
    once_per_household,
)
from handlers.router import Router
from handlers.views.labels import count_label, indicator_name
from handlers.views.report_errors import describe_error
from handlers.views.reports import (
    PENDING_MAX_AGE,
    chosen_data,
    household_taken,
    report_ids_in,
    report_line,
    stale_press,
    totals_lines,
)

__all__ = ["cancel_report", "correct_by_edit", "correct_by_reply", "fix_report", "router"]

router = Router()

# "12", "#12", "số 12", "so12" and what follows.
_NUMBER = re.compile(r"\s*(?:s[oố]\s*)?#?\s*(\d{1,12})(?!\d)\s*(.*)", re.IGNORECASE | re.DOTALL)
# A reply that only says "cancel it".
_CANCEL_WORDS = frozenset({"huy", "huy bo", "huy bao cao", "xoa", "xoa bo", "bo", "cancel"})


def _number(args: str) -> tuple[int, str] | None:
    match = _NUMBER.fullmatch(args)
    return (int(match[1]), match[2].strip()) if match else None


async def _changeable(ctx: Context, report_id: int) -> tuple[StoredReport | None, list[Reply]]:
    """The report if this person may change it now, or None and the reply saying why not."""
    person = ctx.person
    assert person is not None
    report = await ctx.store.reports.get(report_id)
    if report is None or not may_change_report(person, report, ctx.units):
        # Another cadre's report is "not found" too: numbers are not a way to look around.
        return None, [
            Reply(
                ctx._(
                    "Không tìm thấy báo cáo số {id} của bạn. Số báo cáo có trong tin xác nhận"
                    " của bot."
                ).format(id=report_id)
            )
        ]
    if report.status == ReportStatus.CANCELLED:
        return None, [
            Reply(
                ctx._(
                    "Báo cáo số {id} đã hủy trước đó, không sửa được nữa. Hãy gửi báo cáo mới."
                ).format(id=report_id)
            )
        ]
    return report, []


@router.command("huy")
async def cancel_command(ctx: Context) -> list[Reply]:
    found = _number(ctx.args)
    if found is None:
        return [
            Reply(
                ctx._(
                    "Cách hủy: /huy SỐ_BÁO_CÁO, ví dụ: /huy 12. Số báo cáo có trong tin"
                    " xác nhận của bot."
                )
            )
        ]
    return await cancel_report(ctx, found[0])


@router.command("sua")
async def fix_command(ctx: Context) -> list[Reply]:
    found = _number(ctx.args)
    if found is None or not found[1]:
        return [
            Reply(
                ctx._(
                    "Cách sửa: /sua SỐ_BÁO_CÁO NỘI_DUNG_MỚI, ví dụ: /sua 12 xong 3 nhà."
                    " Số báo cáo có trong tin xác nhận của bot."
                )
            )
        ]
    return await fix_report(ctx, found[0], found[1], today=ctx.today)


async def cancel_report(ctx: Context, report_id: int) -> list[Reply]:
    assert ctx.person is not None
    report, refusal = await _changeable(ctx, report_id)
    if report is None:
        return refusal
    cancelled = await ctx.store.reports.cancel(report.id, actor_id=ctx.person.id, at=ctx.now)
    if cancelled is None:  # cancelled meanwhile, by another message
        return (await _changeable(ctx, report_id))[1]
    lines = [
        ctx._("Đã hủy báo cáo:") + " " + report_line(ctx, report),
        *await totals_lines(ctx, [(report.village, report.indicator)]),
        ctx._("Báo cáo đã hủy vẫn được lưu trong lịch sử nhưng không tính vào tổng."),
    ]
    return [Reply("\n".join(lines))]


def _parse_fix(
    ctx: Context,
    text: str,
    report: StoredReport,
    today: date,
    chosen: Mapping[frozenset[str], str],
    households: HouseholdNames | None,
) -> ParseResult:
    """Read the new text of a report; what it leaves out keeps its old value.

    '/sua 12 3' keeps the indicator, '/sua 12 hôm qua' the indicator and the count.
    """

    def parse(message: str) -> ParseResult:
        return parse_report(
            message,
            home_village=report.village,
            today=today,
            units=ctx.units,
            indicators=ctx.indicators,
            chosen=chosen,
            households=households,
        )

    result = parse(text)
    if isinstance(result, ParseError) and result.code == ErrorCode.UNKNOWN_INDICATOR:
        keyword = min(ctx.indicators[report.indicator].keywords, key=len)
        text = f"{text} {keyword}"
        result = parse(text)
        if isinstance(result, ParseError) and result.code == ErrorCode.MISSING_COUNT:
            result = parse(f"{text} {report.count}")
    return result


async def fix_report(
    ctx: Context,
    report_id: int,
    text: str,
    *,
    today: date,
    chosen: Mapping[frozenset[str], str] | None = None,
    households: ChosenHouseholds | None = None,
) -> list[Reply]:
    person = ctx.person
    assert person is not None
    chosen = dict(chosen or {})
    report, refusal = await _changeable(ctx, report_id)
    if report is None:
        return refusal
    registry = await registry_names(ctx, [report.village])
    result = _parse_fix(ctx, text, report, today, chosen, registry)
    if isinstance(result, ParseError):
        if result.code == ErrorCode.AMBIGUOUS_VILLAGE and len(result.candidates) > 1:
            data = {"flow": "fix", "report_id": report.id, "chosen": chosen_data(chosen)}
            return await ask_village(ctx, result, text=text, data=data, source=None, today=today)
        return [Reply(describe_error(ctx.t, result, ctx.units, today=today, home=person.scope))]
    assert isinstance(result, ParseOk)
    if len(result.items) != 1:
        return [
            Reply(
                ctx._(
                    "Nội dung mới có {n} việc, nhưng mỗi lần chỉ sửa được một báo cáo thành một"
                    " việc. Hãy sửa báo cáo số {id} bằng một việc, rồi gửi báo cáo mới cho việc"
                    " còn lại."
                ).format(n=len(result.items), id=report.id)
            )
        ]
    item = result.items[0]
    if not result.dated:
        item = replace(item, date=report.done_on)
    if item.household is None and item.indicator == report.indicator:
        kept = report.household_id if item.village == report.village else None
        item = replace(item, household=report.household, household_id=kept)
    if not may_report_for(person, item.village, ctx.units):
        return [
            Reply(
                ctx._(
                    "Bạn chỉ báo cáo được cho địa bàn mình phụ trách; {village} không thuộc"
                    " địa bàn của bạn. Báo cáo số {id} chưa được sửa."
                ).format(village=ctx.unit_label(ctx.units[item.village]), id=report.id)
            )
        ]
    unlisted = None
    if item.household_id is None:
        match = await match_households(ctx, (item,), households)
        if match.ambiguous:
            data = {"flow": "fix", "report_id": report.id, "chosen": chosen_data(chosen)}
            return await ask_household(
                ctx, match.ambiguous, households, text, today, data=data, source=None
            )
        (item,), unlisted = match.items, match.unlisted
    conflict = await household_conflict(ctx, (item,), besides=report.id)
    if conflict is not None:
        return [conflict]
    try:
        changed = await ctx.store.reports.correct(
            report.id,
            item,
            actor_id=person.id,
            at=ctx.now,
            once_per_household=once_per_household(ctx),
            needs_approval=needing_approval(ctx),
        )
    except HouseholdTaken as taken:
        return [await household_taken(ctx, taken.report)]
    if changed is None:  # cancelled meanwhile
        return (await _changeable(ctx, report.id))[1]
    before, after = changed
    if before == after:
        return [
            Reply(
                ctx._("Báo cáo số {id} đã đúng như vậy, không có gì thay đổi.").format(id=after.id)
                + "\n• "
                + report_line(ctx, after)
            )
        ]
    lines = [ctx._("Đã sửa báo cáo số {id}:").format(id=after.id), *_changes(ctx, before, after)]
    lines.append(ctx._("Bây giờ:") + "\n• " + report_line(ctx, after))
    if after.review == Review.AWAITING and before.review != Review.AWAITING:
        lines.append(ctx._("Báo cáo đã được gửi lại để lãnh đạo xã duyệt."))
    lines += await totals_lines(
        ctx, [(before.village, before.indicator), (after.village, after.indicator)]
    )
    return [Reply("\n".join([*lines, unlisted] if unlisted else lines))]


def _changes(ctx: Context, before: StoredReport, after: StoredReport) -> list[str]:
    """One 'what: before → after' line for each value that changed."""
    lines = []

    def change(label: str, old: str, new: str) -> None:
        if old != new:
            lines.append(
                ctx._("• {what}: {before} → {after}").format(what=label, before=old, after=new)
            )

    old_indicator = ctx.indicators[before.indicator]
    new_indicator = ctx.indicators[after.indicator]
    change(
        ctx._("Việc"),
        indicator_name(ctx.t, old_indicator),
        indicator_name(ctx.t, new_indicator),
    )
    change(
        ctx._("Số lượng"),
        count_label(ctx.t, old_indicator, before.count),
        count_label(ctx.t, new_indicator, after.count),
    )
    change(
        ctx._("Thôn"),
        ctx.unit_label(ctx.units[before.village]),
        ctx.unit_label(ctx.units[after.village]),
    )
    change(ctx._("Ngày"), ctx.t.short_date(before.done_on), ctx.t.short_date(after.done_on))
    nobody = ctx._("(không ghi)")
    change(ctx._("Hộ"), before.household or nobody, after.household or nobody)
    return lines


def _is_cancel(text: str) -> bool:
    return fold(text).strip(" .!") in _CANCEL_WORDS


async def correct_by_reply(ctx: Context) -> list[Reply] | None:
    """A reply to a bot message that shows reports: cancel or correct one of them.

    None when the replied-to message shows no report (the text is then a new report).
    """
    assert ctx.person is not None
    ids = report_ids_in(ctx.message.reply_to_text or "", ctx.translators)
    if not ids:
        return None
    text = (ctx.message.text or "").strip()
    if len(ids) == 1:
        if _is_cancel(text):
            return await cancel_report(ctx, ids[0])
        return await fix_report(ctx, ids[0], text, today=ctx.today)
    reports = [r for r in [await ctx.store.reports.get(i) for i in ids] if r is not None]
    reports = [
        r
        for r in reports
        if r.status == ReportStatus.ACTIVE and may_change_report(ctx.person, r, ctx.units)
    ]
    if not reports:
        return (await _changeable(ctx, ids[0]))[1]
    if len(reports) == 1:
        if _is_cancel(text):
            return await cancel_report(ctx, reports[0].id)
        return await fix_report(ctx, reports[0].id, text, today=ctx.today)
    action = "cancel" if _is_cancel(text) else "fix"
    key = await ctx.store.pending.put(
        person_id=ctx.person.id,
        kind=PendingKind.PICK,
        text=text,
        data={"ids": [r.id for r in reports], "action": action, "today": ctx.today.isoformat()},
        source=None,
        at=ctx.now,
    )
    question = (
        ctx._("Tin đó có nhiều báo cáo. Bạn muốn hủy báo cáo nào?")
        if action == "cancel"
        else ctx._("Tin đó có nhiều báo cáo. Bạn muốn sửa báo cáo nào thành «{text}»?").format(
            text=text
        )
    )
    choices = tuple(
        Choice(_short_line(ctx, r), f"pick:{key}:{index}") for index, r in enumerate(reports)
    )
    return [Reply(question, choices=choices)]


def _short_line(ctx: Context, report: StoredReport) -> str:
    """A report as a button label: short enough for a phone's width."""
    indicator = ctx.indicators[report.indicator]
    return ctx._("Số {id}: {what} {count}").format(
        id=report.id,
        what=indicator_name(ctx.t, indicator),
        count=count_label(ctx.t, indicator, report.count),
    )


@router.choice("pick", permission="sua")
async def picked(ctx: Context) -> list[Reply]:
    assert ctx.person is not None
    key, _, index = ctx.args.partition(":")
    pending = await ctx.store.pending.take(
        key, person_id=ctx.person.id, kind=PendingKind.PICK, at=ctx.now, max_age=PENDING_MAX_AGE
    )
    ids = pending.data.get("ids") if pending is not None else None
    if pending is None or not isinstance(ids, list) or not index.isdigit():
        return await stale_press(ctx, key, PendingKind.PICK)
    if int(index) >= len(ids):
        return await stale_press(ctx, "", PendingKind.PICK)
    report_id = int(ids[int(index)])
    if pending.data.get("action") == "cancel":
        return await cancel_report(ctx, report_id)
    today = date.fromisoformat(str(pending.data.get("today") or ctx.today.isoformat()))
    return await fix_report(ctx, report_id, pending.text, today=today)


async def correct_by_edit(ctx: Context, earlier: list[StoredReport]) -> list[Reply]:
    """A message edited after its reports were stored: the edit corrects them."""
    text = ctx.message.text or ""
    if len(earlier) == 1:
        if _is_cancel(text):
            return await cancel_report(ctx, earlier[0].id)
        return await fix_report(
            ctx, earlier[0].id, text, today=ctx.local(earlier[0].received_at).date()
        )
    return [
        Reply(
            ctx._(
                "Bạn vừa sửa một tin nhắn đã ghi thành nhiều báo cáo ({numbers}); bot không đổi"
                " gì. Hãy sửa từng báo cáo bằng /sua SỐ NỘI_DUNG_MỚI."
            ).format(numbers=", ".join(str(r.id) for r in earlier))
        )
    ]
