"""/duyet: commune leaders (and those above) approve or reject the reports that need it.

Reports of the indicators that need approval (core.indicators, ``needs_approval``) wait,
counted in the totals, until a leader whose area holds their village approves them, or
rejects them with a reason: then they leave the totals and their reporter is told, and a
correction (/sua, or a reply to that message) sends them back for approval. Nobody approves
their own report. Buttons on Telegram; numbered answers wherever a channel has no buttons.
"""

from __future__ import annotations

from dataclasses import replace

from core.evidence import Review
from core.models import Person, StoredReport
from core.outbox import OutboxMessage
from handlers.context import Context
from handlers.messages import Attachment, Choice, Reply
from handlers.router import Router
from handlers.views.reports import report_line
from locales.translator import N_

__all__ = ["REASONS", "router"]

router = Router()

# Reasons offered as buttons; any other is typed: /tuchoi SỐ LÝ_DO.
REASONS = (
    N_("Chưa có ảnh minh chứng"),
    N_("Ảnh không rõ hoặc không đúng công trình"),
    N_("Số liệu chưa đúng"),
    N_("Công trình chưa hoàn thành"),
)
MAX_REASON = 300


def _area(person: Person, ctx: Context) -> list[str]:
    return [v.code for v in ctx.units.villages_in(person.scope)]


async def _queue(ctx: Context) -> list[StoredReport]:
    """What this leader may decide: awaiting reports of their area, not their own."""
    person = ctx.person
    assert person is not None
    waiting = await ctx.store.reviews.awaiting(_area(person, ctx))
    return [r for r in waiting if r.reporter_id != person.id]


async def _show(ctx: Context, *, after: int | None = None) -> list[Reply]:
    """The next report awaiting approval, with its photos, and the buttons to decide."""
    queue = await _queue(ctx)
    if after is not None:
        ids = [r.id for r in queue]
        queue = queue[ids.index(after) + 1 :] if after in ids else queue
    if not queue:
        return [Reply(ctx._("Không còn báo cáo nào chờ duyệt trong địa bàn của bạn."))]
    report = queue[0]
    photos = await ctx.store.evidence.photos(report.id)
    reporter = await ctx.store.people.by_id(report.reporter_id)
    received = ctx.local(report.received_at)
    lines = [
        ctx.t.ngettext(
            "Báo cáo chờ duyệt ({n} báo cáo đang chờ):",
            "Báo cáo chờ duyệt ({n} báo cáo đang chờ):",
            len(queue),
        ).format(n=len(queue)),
        "• " + report_line(ctx, report),
        ctx._("Người báo cáo: {name}, gửi lúc {time} ngày {date}").format(
            name=reporter.name if reporter else "?",
            time=ctx.t.short_time(received),
            date=ctx.t.short_date(received.date()),
        ),
        ctx.t.ngettext("Ảnh minh chứng: {n} ảnh", "Ảnh minh chứng: {n} ảnh", len(photos)).format(
            n=len(photos)
        )
        if photos
        else ctx._("Chưa có ảnh minh chứng."),
    ]
    location = (await ctx.store.evidence.locations([report.id])).get(report.id)
    if location is not None:
        lines.append(
            ctx._("Vị trí: {lat}, {lon}").format(
                lat=f"{location.latitude:.5f}", lon=f"{location.longitude:.5f}"
            )
        )
    replies = [
        Reply(
            ctx._("Ảnh {i}/{n} của báo cáo số {id}").format(i=i, n=len(photos), id=report.id),
            attachment=Attachment(f"bao-cao-{report.id}-{i}.jpg", photo.content, is_image=True),
        )
        for i, photo in enumerate(photos, start=1)
    ]
    choices = (
        Choice(ctx._("Duyệt"), f"duyet:{report.id}:a"),
        Choice(ctx._("Từ chối"), f"duyet:{report.id}:r"),
        Choice(ctx._("Để sau"), f"duyet:{report.id}:s"),
    )
    return [*replies, Reply("\n".join(lines), choices=choices)]


async def _decidable(ctx: Context, report_id: int) -> StoredReport | Reply:
    """The report if this leader may decide it now, else the answer saying why not."""
    person = ctx.person
    assert person is not None
    report = await ctx.store.reports.get(report_id)
    if report is None or not ctx.units.contains(person.scope, report.village):
        return Reply(
            ctx._("Báo cáo số {id} không thuộc địa bàn của bạn; bạn không duyệt được.").format(
                id=report_id
            )
        )
    if report.reporter_id == person.id:
        return Reply(ctx._("Bạn không thể tự duyệt báo cáo của chính mình."))
    if report.review != Review.AWAITING:
        return Reply(
            ctx._("Báo cáo số {id} không còn chờ duyệt. Không có gì thay đổi.").format(id=report_id)
        )
    return report


@router.command("duyet")
async def review(ctx: Context) -> list[Reply]:
    return await _show(ctx)


@router.choice("duyet", permission="duyet")
async def decided(ctx: Context) -> list[Reply]:
    person = ctx.person
    assert person is not None
    number, _, action = ctx.args.partition(":")
    if not number.isdecimal():
        return [Reply(ctx._("Nút này không còn dùng được. Không có gì thay đổi."))]
    report_id = int(number)
    if action == "s":
        return await _show(ctx, after=report_id)
    found = await _decidable(ctx, report_id)
    if isinstance(found, Reply):
        return [found, *await _show(ctx)]
    if action == "r":
        choices = tuple(
            Choice(ctx._(reason), f"tuchoi:{report_id}:{index}")
            for index, reason in enumerate(REASONS)
        )
        return [
            Reply(
                ctx._(
                    "Chọn lý do từ chối báo cáo số {id}, hoặc gửi lý do khác: /tuchoi {id} LÝ_DO"
                ).format(id=report_id),
                choices=choices,
            )
        ]
    approved = await ctx.store.reviews.decide(
        report_id, Review.APPROVED, reviewer_id=person.id, at=ctx.now
    )
    if approved is None:  # decided meanwhile by someone else
        return [Reply(ctx._("Báo cáo số {id} không còn chờ duyệt.").format(id=report_id))]
    return [Reply(ctx._("Đã duyệt báo cáo số {id}.").format(id=report_id)), *await _show(ctx)]


@router.choice("tuchoi", permission="duyet")
async def reason_chosen(ctx: Context) -> list[Reply]:
    number, _, index = ctx.args.partition(":")
    if not number.isdecimal() or not index.isdecimal() or int(index) >= len(REASONS):
        return [Reply(ctx._("Nút này không còn dùng được. Không có gì thay đổi."))]
    return await _reject(ctx, int(number), ctx._(REASONS[int(index)]))


@router.command("tuchoi", permission="duyet")
async def reject_command(ctx: Context) -> list[Reply]:
    number, _, reason = ctx.args.strip().lstrip("#").partition(" ")
    reason = " ".join(reason.split())
    if not number.isdecimal() or not reason:
        return [
            Reply(
                ctx._(
                    "Cách từ chối: /tuchoi SỐ_BÁO_CÁO LÝ_DO, ví dụ: /tuchoi 12 ảnh chưa rõ"
                    " mái nhà. Gửi /duyet để xem các báo cáo chờ duyệt."
                )
            )
        ]
    return await _reject(ctx, int(number), reason[:MAX_REASON])


async def _reject(ctx: Context, report_id: int, reason: str) -> list[Reply]:
    person = ctx.person
    assert person is not None
    found = await _decidable(ctx, report_id)
    if isinstance(found, Reply):
        return [found]
    rejected = await ctx.store.reviews.decide(
        report_id, Review.REJECTED, reviewer_id=person.id, at=ctx.now, reason=reason
    )
    if rejected is None:
        return [Reply(ctx._("Báo cáo số {id} không còn chờ duyệt.").format(id=report_id))]
    await _tell_reporter(ctx, rejected, reason)
    answer = ctx._(
        "Đã từ chối báo cáo số {id} (lý do: {reason}). Báo cáo không còn tính vào tổng;"
        " người báo cáo đã được báo để sửa."
    ).format(id=report_id, reason=reason)
    return [Reply(answer), *await _show(ctx)]


async def _tell_reporter(ctx: Context, report: StoredReport, reason: str) -> None:
    """The rejection goes to the reporter, in their language, through the outbox."""
    person = ctx.person
    assert person is not None
    reporter = await ctx.store.people.by_id(report.reporter_id)
    if reporter is None:
        return
    t = ctx.translators.get(reporter.language or "", ctx.t)
    theirs = replace(ctx, person=reporter, t=t)  # the report as its reporter reads it
    text = "\n".join(
        [
            t.gettext("Báo cáo của bạn bị từ chối:"),
            "• " + report_line(theirs, report),
            t.gettext("Người từ chối: {name}. Lý do: {reason}").format(
                name=person.name, reason=reason
            ),
            t.gettext(
                "Hãy sửa bằng /sua {id} NỘI_DUNG_ĐÚNG, hoặc trả lời tin này bằng nội dung đúng"
                " hay bằng ảnh minh chứng. Báo cáo sửa xong được gửi duyệt lại."
            ).format(id=report.id),
        ]
    )
    addresses = await ctx.store.people.addresses([reporter.id])
    message = OutboxMessage(
        reporter.id,
        "rejection",
        f"report-{report.id}-{ctx.now.isoformat()}",
        text,
        addresses.get(reporter.id),
    )
    await ctx.store.outbox.enqueue([message], at=ctx.now)
