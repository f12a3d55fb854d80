"""Free-text reports from cadres, and the buttons that answer questions about them.

A message is a new report (handlers.report_flow), unless it replies to a bot message that
shows reports or edits an already stored message: then it corrects them
(handlers.corrections). A channel message delivered twice is stored once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from core.models import Pending, PendingKind
from core.text import fold
from handlers.context import Context
from handlers.corrections import correct_by_edit, correct_by_reply, fix_report
from handlers.household_match import ChosenHouseholds, chosen_households
from handlers.messages import Reply
from handlers.report_flow import submit
from handlers.router import Router
from handlers.views.reports import PENDING_MAX_AGE, chosen_of, confirmation, stale_press

__all__ = ["router"]

router = Router()


@router.on_text("report")
async def report(ctx: Context) -> list[Reply]:
    assert ctx.person is not None  # the router lets only registered people report
    source = ctx.source
    if source is not None:
        earlier = await ctx.store.reports.by_source(source)
        if earlier:
            if ctx.message.edited:
                return await correct_by_edit(ctx, earlier)
            # A redelivery: answer as the first time, store nothing.
            return [await confirmation(ctx, earlier)]
    if ctx.message.reply_to_text:
        replies = await correct_by_reply(ctx)
        if replies is not None:
            return replies
    return await submit(ctx, ctx.message.text or "", today=ctx.today, source=source)


async def _submit_again(
    ctx: Context,
    pending: Pending,
    today: date,
    *,
    chosen: Mapping[frozenset[str], str] | None = None,
    households: ChosenHouseholds | None = None,
    repeat_confirmed: bool = False,
) -> list[Reply]:
    """The pending message read again with what its answers settled."""
    return await submit(
        ctx,
        pending.text,
        today=today,
        # The original message's key, so that a redelivery of it is not stored again.
        source=pending.source or f"pending:{pending.key}",
        chosen=chosen_of(pending) if chosen is None else chosen,
        households=chosen_households(pending.data) if households is None else households,
        repeat_confirmed=repeat_confirmed,
    )


def _pending_day(value: object, fallback: date) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return fallback


@router.choice("village", permission="report")
async def village_chosen(ctx: Context) -> list[Reply]:
    """A village picked for an ambiguous name: the message is read again with it."""
    assert ctx.person is not None
    key, _, index = ctx.args.partition(":")
    pending = await ctx.store.pending.take(
        key, person_id=ctx.person.id, kind=PendingKind.VILLAGE, at=ctx.now, max_age=PENDING_MAX_AGE
    )
    if pending is None:
        return await stale_press(ctx, key, PendingKind.VILLAGE)
    candidates = pending.data.get("candidates")
    if not isinstance(candidates, list) or not index.isdigit() or int(index) >= len(candidates):
        return await stale_press(ctx, "", PendingKind.VILLAGE)
    chosen = chosen_of(pending)
    chosen[frozenset(str(c) for c in candidates)] = str(candidates[int(index)])
    today = _pending_day(pending.data.get("today"), ctx.today)
    if pending.data.get("flow") == "fix":
        report_id = pending.data.get("report_id")
        if not isinstance(report_id, int):
            return await stale_press(ctx, "", PendingKind.VILLAGE)
        return await fix_report(ctx, report_id, pending.text, today=today, chosen=chosen)
    return await _submit_again(ctx, pending, today, chosen=chosen)


@router.choice("repeat", permission="report")
async def repeat_answered(ctx: Context) -> list[Reply]:
    """'Ghi thêm' stores the repeated text once; 'Bỏ qua' stores nothing."""
    assert ctx.person is not None
    key, _, answer = ctx.args.partition(":")
    pending = await ctx.store.pending.take(
        key, person_id=ctx.person.id, kind=PendingKind.REPEAT, at=ctx.now, max_age=PENDING_MAX_AGE
    )
    if pending is None:
        return await stale_press(ctx, key, PendingKind.REPEAT)
    if fold(answer) != "y":
        return [Reply(ctx._("Đã bỏ qua, không ghi thêm."))]
    today = _pending_day(pending.data.get("today"), ctx.today)
    return await _submit_again(ctx, pending, today, repeat_confirmed=True)


@router.choice("household", permission="report")
async def household_chosen(ctx: Context) -> list[Reply]:
    """One of the village's households of a name picked: the message is read again with it
    (and its duplicate rule applies to that household)."""
    assert ctx.person is not None
    key, _, index = ctx.args.partition(":")
    pending = await ctx.store.pending.take(
        key,
        person_id=ctx.person.id,
        kind=PendingKind.HOUSEHOLD,
        at=ctx.now,
        max_age=PENDING_MAX_AGE,
    )
    if pending is None:
        return await stale_press(ctx, key, PendingKind.HOUSEHOLD)
    candidates = pending.data.get("candidates")
    name = pending.data.get("name")
    if (
        not isinstance(candidates, list)
        or not isinstance(name, list)
        or len(name) != 2
        or not index.isdigit()
        or int(index) >= len(candidates)
    ):
        return await stale_press(ctx, "", PendingKind.HOUSEHOLD)
    households = chosen_households(pending.data)
    households[str(name[0]), str(name[1])] = int(candidates[int(index)])
    today = _pending_day(pending.data.get("today"), ctx.today)
    if pending.data.get("flow") == "fix":
        report_id = pending.data.get("report_id")
        if not isinstance(report_id, int):
            return await stale_press(ctx, "", PendingKind.HOUSEHOLD)
        return await fix_report(
            ctx,
            report_id,
            pending.text,
            today=today,
            chosen=chosen_of(pending),
            households=households,
        )
    return await _submit_again(ctx, pending, today, households=households)
