"""Photos and locations as evidence of reports.

A photo whose caption is a report is that report with its evidence. A photo without one
goes to the reports of the bot message it replies to, else to the sender's latest report
message of the last ATTACH_WINDOW; a shared location likewise. Photos sent together (an
album) get one answer: the first photo of the album decides, the others follow it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from core.evidence import (
    ATTACH_WINDOW,
    PhotoIntake,
    PhotoProblem,
    PhotoRejected,
    PreparedPhoto,
    Review,
)
from core.models import ReportStatus, Role
from core.outbox import OutboxMessage
from core.parsing import ReportItem
from core.permissions import may_change_report
from core.ports import HouseholdTaken
from handlers.context import Context
from handlers.messages import Photo, Reply
from handlers.report_flow import needing_approval, once_per_household, submit
from handlers.router import Router
from handlers.views.reports import report_ids_in

__all__ = ["router"]

logger = logging.getLogger(__name__)

router = Router()


def _prepare(intake: PhotoIntake, photos: Sequence[Photo]) -> list[PreparedPhoto | PhotoProblem]:
    prepared: list[PreparedPhoto | PhotoProblem] = []
    for photo in photos:
        if photo.problem is not None:
            prepared.append(photo.problem)
        elif len(photo.content) > intake.max_bytes:
            prepared.append(PhotoProblem.TOO_LARGE)
        else:
            try:
                prepared.append(intake.prepare(photo.content))
            except PhotoRejected as rejected:
                prepared.append(rejected.problem)
    return prepared


def _problem_line(ctx: Context, problem: PhotoProblem, intake: PhotoIntake | None) -> str:
    if problem == PhotoProblem.TOO_LARGE:
        limit = (intake.max_bytes if intake else 0) // (1024 * 1024)
        return ctx._(
            "Ảnh quá lớn (tối đa {limit} MB) nên chưa được ghi. Hãy gửi ảnh dạng ảnh thường,"
            " không gửi dạng tệp gốc, hoặc chụp lại với độ phân giải thấp hơn."
        ).format(limit=limit)
    if problem == PhotoProblem.DOWNLOAD_FAILED:
        return ctx._("Bot không tải được ảnh về nên ảnh chưa được ghi. Vui lòng gửi lại ảnh.")
    return ctx._(
        "Tệp gửi kèm không phải ảnh bot đọc được (nhận ảnh JPG, PNG, WEBP) nên chưa được ghi."
    )


async def _targets(ctx: Context) -> list[int] | None:
    """The reports the photos or the location of this message are for: those of the bot
    message it replies to, else the sender's latest within ATTACH_WINDOW; None: none."""
    person = ctx.person
    assert person is not None
    ids = report_ids_in(ctx.message.reply_to_text or "", ctx.translators)
    if not ids:
        ids = await ctx.store.evidence.latest_reports(person.id, ctx.now - ATTACH_WINDOW)
    reports = [await ctx.store.reports.get(i) for i in ids]
    found = [
        r.id
        for r in reports
        if r is not None
        and r.status == ReportStatus.ACTIVE
        and may_change_report(person, r, ctx.units)
    ]
    return found or None


def _numbers(ids: Sequence[int]) -> str:
    return ", ".join(str(i) for i in ids)


async def _tell_admins_full(ctx: Context) -> None:
    """The photo store reached its cap: each admin is told once a day."""
    logger.warning("photo storage is full: new photos are refused")
    admins = [p for p in await ctx.store.people.all() if p.role == Role.ADMIN]
    addresses = await ctx.store.people.addresses([p.id for p in admins])
    messages = []
    for admin in admins:
        t = ctx.translators.get(admin.language or "", ctx.t)
        text = t.gettext(
            "Kho ảnh minh chứng đã đầy (giới hạn PHOTO_STORAGE_MB): ảnh cán bộ gửi đang bị từ"
            " chối, báo cáo vẫn được ghi. Hãy tăng giới hạn hoặc dọn dung lượng máy chủ."
        )
        messages.append(
            OutboxMessage(
                admin.id, "photo_storage_full", ctx.today.isoformat(), text, addresses.get(admin.id)
            )
        )
    if messages:
        await ctx.store.outbox.enqueue(messages, at=ctx.now)


async def _attach(
    ctx: Context, ids: list[int], prepared: Sequence[PreparedPhoto], *, album: bool = False
) -> tuple[str | None, list[str]]:
    """Store the photos on the reports: the line that says so, and the lines of trouble."""
    intake = ctx.photos
    assert ctx.person is not None
    assert intake is not None
    if not prepared:
        return None, []
    result = await ctx.store.evidence.attach(
        ids,
        prepared,
        actor_id=ctx.person.id,
        at=ctx.now,
        per_report=intake.per_report,
        total_cap=intake.total_cap,
    )
    if result.storage_full:
        await _tell_admins_full(ctx)
        return None, [
            ctx._(
                "Kho lưu ảnh của bot đã đầy nên ảnh chưa được ghi; báo cáo vẫn được giữ."
                " Quản trị viên đã được báo."
            )
        ]
    located = [p.location for p in prepared if p.location is not None]
    if located:
        await ctx.store.evidence.set_location(
            ids, located[0], source="exif", actor_id=ctx.person.id, at=ctx.now, replace=False
        )
    done = None
    resent = await _resubmit(ctx, ids) if result.added else []
    if result.added or result.known:
        done = (
            ctx._("Đã gắn các ảnh vào báo cáo số {numbers}.")
            if album
            else ctx.t.ngettext(
                "Đã gắn {n} ảnh vào báo cáo số {numbers}.",
                "Đã gắn {n} ảnh vào báo cáo số {numbers}.",
                len(prepared),
            )
        ).format(n=len(prepared), numbers=_numbers(ids))
    if done is not None and resent:
        done += "\n" + ctx._("Báo cáo số {numbers} đã được gửi lại để lãnh đạo xã duyệt.").format(
            numbers=_numbers(resent)
        )
    trouble = []
    if result.over_limit:
        trouble.append(
            ctx._("Mỗi báo cáo giữ tối đa {limit} ảnh; ảnh gửi thêm không được ghi.").format(
                limit=intake.per_report
            )
        )
    return done, trouble


async def _resubmit(ctx: Context, ids: Sequence[int]) -> list[int]:
    """New evidence sends a rejected report back for approval, unchanged."""
    assert ctx.person is not None
    resent = []
    for report_id in ids:
        report = await ctx.store.reports.get(report_id)
        if report is None or report.review != Review.REJECTED:
            continue
        item = ReportItem(
            report.indicator, report.count, report.village, report.household, report.done_on
        )
        try:
            changed = await ctx.store.reports.correct(
                report.id,
                item,
                actor_id=ctx.person.id,
                at=ctx.now,
                once_per_household=once_per_household(ctx),
                needs_approval=needing_approval(ctx),
            )
        except HouseholdTaken:
            continue  # another report of the household counts now: /sua says so
        if changed is not None:
            resent.append(report_id)
    return resent


@router.on_media("report")
async def media(ctx: Context) -> list[Reply]:
    person = ctx.person
    assert person is not None
    message = ctx.message
    if not message.photos:
        return await _location(ctx)
    intake = ctx.photos
    album = f"{message.channel}:{message.sender_id}:{message.album}" if message.album else None
    followed = await ctx.store.evidence.known_group(album) if album else None
    prepared: list[PreparedPhoto | PhotoProblem] = (
        await asyncio.to_thread(_prepare, intake, message.photos)
        if intake is not None
        else [PhotoProblem.UNSUPPORTED for _ in message.photos]
    )
    good = [p for p in prepared if isinstance(p, PreparedPhoto)]
    problems = [_problem_line(ctx, p, intake) for p in prepared if isinstance(p, PhotoProblem)]
    if followed is not None:
        # A later photo of an album: the first one answered for all; only trouble is told.
        _, trouble = await _attach(ctx, followed, good, album=True) if followed else (None, [])
        return [Reply("\n".join(problems + trouble))] if problems or trouble else []
    replies: list[Reply] = []
    caption = (message.text or "").strip()
    ids = None
    if message.reply_to_text:
        ids = await _targets(ctx)
    if ids is None and caption:
        replies = await submit(ctx, caption, today=ctx.today, source=ctx.source)
        stored = await ctx.store.reports.by_source(ctx.source) if ctx.source else []
        ids = [r.id for r in stored] or None
        if ids is None:
            if good:
                replies.append(
                    Reply(
                        ctx._(
                            "Ảnh chưa được ghi vì báo cáo chưa được ghi. Khi báo cáo đã ghi xong,"
                            " hãy gửi lại ảnh trả lời tin xác nhận của bot."
                        )
                    )
                )
            return replies
    elif ids is None:
        ids = await _targets(ctx)
    if album:
        ids = await ctx.store.evidence.group(album, ids or [], ctx.now) or None
    if ids is None:
        return [
            Reply(
                "\n".join(
                    [
                        *problems,
                        ctx._(
                            "Ảnh chưa được ghi: không có báo cáo nào của bạn trong {minutes} phút"
                            " vừa qua. Hãy gửi ảnh kèm chú thích là báo cáo (ví dụ: xong nhà hộ"
                            " Giàng Seo Chứ), hoặc trả lời tin xác nhận của bot bằng ảnh."
                        ).format(minutes=int(ATTACH_WINDOW.total_seconds() // 60)),
                    ]
                )
            )
        ]
    done, trouble = await _attach(ctx, ids, good, album=album is not None)
    text = "\n".join(([done] if done else []) + trouble + problems)
    if replies:
        # The report's confirmation carries what became of its photos.
        last = replies[-1]
        replies[-1] = Reply(f"{last.text}\n{text}" if text else last.text, choices=last.choices)
        return replies
    return [Reply(text)] if text else []


async def _location(ctx: Context) -> list[Reply]:
    location = ctx.message.location
    assert location is not None
    assert ctx.person is not None
    ids = await _targets(ctx) if location.valid() else None
    if ids is None:
        return [
            Reply(
                ctx._(
                    "Vị trí chưa được ghi: không có báo cáo nào của bạn trong {minutes} phút vừa"
                    " qua. Hãy gửi vị trí ngay sau báo cáo, hoặc trả lời tin xác nhận của bot."
                ).format(minutes=int(ATTACH_WINDOW.total_seconds() // 60))
            )
        ]
    await ctx.store.evidence.set_location(
        ids, location, source="message", actor_id=ctx.person.id, at=ctx.now, replace=True
    )
    return [Reply(ctx._("Đã ghi vị trí cho báo cáo số {numbers}.").format(numbers=_numbers(ids)))]
