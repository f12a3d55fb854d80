"""How reports are shown in replies: one line per report, running totals, refusals."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import timedelta

from core.evidence import Review
from core.models import Pending, PendingKind, StoredReport
from handlers.context import Context
from handlers.messages import Reply
from handlers.views.labels import count_label, indicator_name
from locales.translator import N_, Translator

__all__ = [
    "PENDING_MAX_AGE",
    "REPORT_LINE",
    "chosen_data",
    "chosen_of",
    "confirmation",
    "household_taken",
    "report_ids_in",
    "report_line",
    "stale_press",
    "totals_lines",
]

# How long a question asked with buttons can be answered.
PENDING_MAX_AGE = timedelta(days=1)

# Each stored report is shown in this form; a reply to a bot message is a correction of the
# reports it shows, found by this line's beginning in whatever language it was sent.
REPORT_LINE = N_("Số {id}: {what} {count} — {village}, ngày {date}")


def report_line(ctx: Context, report: StoredReport) -> str:
    indicator = ctx.indicators[report.indicator]
    line = ctx._(REPORT_LINE).format(
        id=report.id,
        what=indicator_name(ctx.t, indicator),
        count=count_label(ctx.t, indicator, report.count),
        village=ctx.unit_label(ctx.units[report.village]),
        date=ctx.t.short_date(report.done_on),
    )
    if report.household:
        line += ctx._(" (hộ {name})").format(name=report.household)
    return line


def report_ids_in(text: str, translators: Mapping[str, Translator]) -> list[int]:
    """Numbers of the reports a bot message shows, in order, without repeats."""
    forms = set()
    for t in translators.values():
        before, _, after = t.gettext(REPORT_LINE).partition("{id}")
        forms.add(re.escape(before) + r"(\d{1,12})" + re.escape(after.split("{", 1)[0]))
    pattern = re.compile(r"^\W*(?:" + "|".join(sorted(forms)) + ")", re.MULTILINE)
    ids: list[int] = []
    for match in pattern.finditer(text):
        number = int(next(g for g in match.groups() if g))
        if number not in ids:
            ids.append(number)
    return ids


async def totals_lines(
    ctx: Context,
    pairs: Iterable[tuple[str, str]],
    totals: Mapping[tuple[str, str], int] | None = None,
) -> list[str]:
    """'Tổng thôn X: nhà ở hoàn thành 5 nhà' for each (village, indicator): from ``totals``
    when the write returned them, else the current totals."""
    wanted = sorted(set(pairs))
    if totals is None:
        totals = await ctx.store.reports.village_totals({village for village, _ in wanted})
    lines = []
    order = {indicator.code: i for i, indicator in enumerate(ctx.indicators)}
    for village, code in sorted(wanted, key=lambda p: (p[0], order.get(p[1], 0))):
        indicator = ctx.indicators[code]
        lines.append(
            ctx._("Tổng {village}: {what} {count}").format(
                village=ctx.unit_label(ctx.units[village]),
                what=indicator_name(ctx.t, indicator).lower(),
                count=count_label(ctx.t, indicator, totals.get((village, code), 0)),
            )
        )
    return lines


async def confirmation(
    ctx: Context,
    reports: list[StoredReport],
    totals: Mapping[tuple[str, str], int] | None = None,
) -> Reply:
    """'Stored': each report, the running totals they are part of, how to correct them."""
    lines = [
        ctx.t.ngettext("Đã ghi nhận {n} báo cáo:", "Đã ghi nhận {n} báo cáo:", len(reports)).format(
            n=len(reports)
        )
    ]
    lines += ["• " + report_line(ctx, report) for report in reports]
    lines += await totals_lines(ctx, ((r.village, r.indicator) for r in reports), totals)
    first = reports[0].id
    lines.append(
        ctx._(
            "Nhầm thì trả lời tin này bằng nội dung đúng, hoặc gửi /sua {id} NỘI_DUNG_MỚI;"
            " hủy thì gửi /huy {id}."
        ).format(id=first)
    )
    if any(r.review == Review.AWAITING for r in reports) and not ctx.message.photos:
        lines.append(
            ctx._(
                "Báo cáo này chờ lãnh đạo xã duyệt: hãy gửi ảnh minh chứng ngay sau tin này"
                " (hoặc trả lời tin này bằng ảnh)."
            )
        )
    return Reply("\n".join(lines))


async def household_taken(ctx: Context, earlier: StoredReport) -> Reply:
    """Why a household's housing or graduation is not recorded a second time."""
    person = ctx.person
    reporter = await ctx.store.people.by_id(earlier.reporter_id)
    when = ctx.local(earlier.received_at)
    text = ctx._(
        "Hộ {household} ở {village} đã được báo cáo {what} rồi: báo cáo số {id},"
        " do {reporter} gửi lúc {time} ngày {date}. Mỗi hộ chỉ được ghi một lần,"
        " nên lần này không ghi."
    ).format(
        household=earlier.household or "",
        village=ctx.unit_label(ctx.units[earlier.village]),
        what=indicator_name(ctx.t, ctx.indicators[earlier.indicator]).lower(),
        id=earlier.id,
        reporter=reporter.name if reporter else "?",
        time=ctx.t.short_time(when),
        date=ctx.t.short_date(when.date()),
    )
    if person is not None and earlier.reporter_id == person.id:
        text += "\n" + ctx._(
            "Nếu báo cáo cũ bị nhầm, hãy sửa bằng /sua {id} NỘI_DUNG_MỚI hoặc hủy bằng /huy {id}."
        ).format(id=earlier.id)
    return Reply(text)


async def stale_press(ctx: Context, key: str, kind: PendingKind) -> list[Reply]:
    """The answer to a button that no longer asks anything; nothing changes."""
    pending = await ctx.store.pending.get(key) if key else None
    person = ctx.person
    if pending is None or pending.kind != kind:
        text = ctx._("Nút này không còn dùng được. Không có gì thay đổi.")
    elif person is None or pending.person_id != person.id:
        text = ctx._("Nút này là câu hỏi dành cho người khác. Không có gì thay đổi.")
    elif pending.used_at is not None:
        text = ctx._("Bạn đã trả lời câu hỏi này rồi. Không có gì thay đổi thêm.")
    else:
        text = ctx._("Câu hỏi này đã quá hạn. Không có gì thay đổi; hãy gửi lại tin nhắn nếu cần.")
    return [Reply(text)]


def chosen_of(pending: Pending) -> dict[frozenset[str], str]:
    """The villages already picked for ambiguous names of the pending message."""
    chosen: dict[frozenset[str], str] = {}
    raw = pending.data.get("chosen")
    if isinstance(raw, list):
        for entry in raw:
            if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], str):
                chosen[frozenset(str(c) for c in entry[0])] = entry[1]
    return chosen


def chosen_data(chosen: Mapping[frozenset[str], str]) -> list[list[object]]:
    return [[sorted(candidates), code] for candidates, code in chosen.items()]
