"""From a report message to stored reports: parse, check, ask when in doubt, store, confirm.

The same steps serve a new message and an answer by button to a question about it (which
village? store it again?), so that a button press stores exactly what the message says.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta

from core.models import PendingKind, StoredReport
from core.parser import parse_report
from core.parsing import NO_HOME_VILLAGE, ErrorCode, ParseError, ParseOk, ReportItem
from core.permissions import may_report_for
from core.ports import HouseholdTaken
from core.text import slug
from core.units import VILLAGE
from core.wording import clean_text
from handlers.context import Context
from handlers.household_match import (
    ChosenHouseholds,
    ask_household,
    households_data,
    match_households,
    registry_for_text,
)
from handlers.messages import Choice, Reply
from handlers.views.report_errors import describe_error
from handlers.views.reports import chosen_data, confirmation, household_taken

__all__ = [
    "REPEAT_WINDOW",
    "ask_village",
    "home_village",
    "needing_approval",
    "once_per_household",
    "submit",
    "text_key",
]

# The same text from the same person within this time is asked about before it is stored.
REPEAT_WINDOW = timedelta(minutes=10)


def text_key(text: str) -> str:
    """A digest of what a message says, ignoring case, diacritics, spacing and punctuation.

    Only the digest is stored: the text may name households.
    """
    return hashlib.sha256(slug(clean_text(text)).encode()).hexdigest()[:16]


def home_village(ctx: Context) -> str:
    assert ctx.person is not None
    scope = ctx.units.get(ctx.person.scope)
    return ctx.person.scope if scope is not None and scope.level == VILLAGE else NO_HOME_VILLAGE


def once_per_household(ctx: Context) -> frozenset[str]:
    return frozenset(i.code for i in ctx.indicators if i.per_household)


def needing_approval(ctx: Context) -> frozenset[str]:
    return frozenset(i.code for i in ctx.indicators if i.needs_approval)


def outside_scope(ctx: Context, items: tuple[ReportItem, ...]) -> Reply | None:
    """A refusal when an item is for a village the sender does not work for."""
    person = ctx.person
    assert person is not None
    outside = sorted({i.village for i in items if not may_report_for(person, i.village, ctx.units)})
    if not outside:
        return None
    return Reply(
        ctx._(
            "Bạn chỉ báo cáo được cho địa bàn mình phụ trách; {village} không thuộc"
            " địa bàn của bạn. Báo cáo chưa được ghi."
        ).format(village=ctx.unit_label(ctx.units[outside[0]]))
    )


async def household_conflict(
    ctx: Context, items: tuple[ReportItem, ...], *, besides: int | None = None
) -> Reply | None:
    """A refusal when a household would complete housing or graduate a second time."""
    once = once_per_household(ctx)
    seen: set[tuple[str, str, str]] = set()
    for item in items:
        if not item.household or item.indicator not in once:
            continue
        if item.count != 1:
            # A named household is one household: "3 hộ Giàng Seo Chứ" would count it thrice.
            return Reply(
                ctx._(
                    "Hộ {household} chỉ tính là 1, không thể là {count}. Báo cáo chưa được"
                    " ghi. Ghi tên hộ thì bỏ số lượng (ví dụ: hộ Giàng Seo Chứ thoát nghèo);"
                    " ghi số lượng thì bỏ tên hộ (ví dụ: 3 hộ thoát nghèo)."
                ).format(household=item.household, count=item.count)
            )
        key = (item.village, item.indicator, slug(item.household))
        if key in seen:
            return Reply(
                ctx._(
                    "Hộ {household} được ghi hai lần cho cùng một việc trong tin nhắn này."
                    " Mỗi hộ chỉ được ghi một lần; báo cáo chưa được ghi."
                ).format(household=item.household)
            )
        seen.add(key)
        earlier = await ctx.store.reports.household_report(item)
        if earlier is not None and earlier.id != besides:
            return await household_taken(ctx, earlier)
    return None


async def ask_village(
    ctx: Context,
    error: ParseError,
    *,
    text: str,
    data: Mapping[str, object],
    source: str | None,
    today: date,
) -> list[Reply]:
    """Offer the candidates of an ambiguous village name as buttons.

    Only villages the sender may report for get a button: a cadre of Sà Lủng typing
    "thôn Pả Vi" is not offered a village the next step would refuse.
    """
    person = ctx.person
    assert person is not None
    # The pending answer keys on every candidate: that is how the parser recognises the name.
    candidates = [c for c in error.candidates if ctx.units.get(c)]
    mine = [i for i, code in enumerate(candidates) if may_report_for(person, code, ctx.units)]
    if not mine:
        explanation = describe_error(ctx.t, error, ctx.units, today=today, home=person.scope)
        refusal = ctx._(
            "Bạn chỉ báo cáo được cho địa bàn mình phụ trách; {village} không thuộc"
            " địa bàn của bạn. Báo cáo chưa được ghi."
        ).format(village=" / ".join(ctx.unit_label(ctx.units[c]) for c in candidates))
        return [Reply(f"{explanation}\n{refusal}")]
    key = await ctx.store.pending.put(
        person_id=person.id,
        kind=PendingKind.VILLAGE,
        text=text,
        data={**data, "candidates": candidates, "today": today.isoformat()},
        source=source,
        at=ctx.now,
    )
    choices = tuple(
        Choice(ctx.unit_label(ctx.units[candidates[index]]), f"village:{key}:{index}")
        for index in mine
    )
    message = describe_error(ctx.t, error, ctx.units, today=today, home=person.scope, buttons=True)
    return [Reply(message, choices=choices)]


async def submit(
    ctx: Context,
    text: str,
    *,
    today: date,
    source: str | None,
    chosen: Mapping[frozenset[str], str] | None = None,
    households: ChosenHouseholds | None = None,
    repeat_confirmed: bool = False,
) -> list[Reply]:
    """Store the report a message makes, or say why not, or ask what was meant (which
    village, which of two households of one name, whether to store a repeat)."""
    person = ctx.person
    assert person is not None
    chosen = dict(chosen or {})
    home = home_village(ctx)
    result = parse_report(
        text,
        home_village=home,
        today=today,
        units=ctx.units,
        indicators=ctx.indicators,
        chosen=chosen,
        households=await registry_for_text(ctx, home, text),
    )
    if isinstance(result, ParseError):
        if result.code == ErrorCode.AMBIGUOUS_VILLAGE and len(result.candidates) > 1:
            data = {"flow": "report", "chosen": chosen_data(chosen)}
            return await ask_village(ctx, result, text=text, data=data, source=source, today=today)
        return [Reply(describe_error(ctx.t, result, ctx.units, today=today, home=person.scope))]
    assert isinstance(result, ParseOk)
    if any(item.village == NO_HOME_VILLAGE for item in result.items):
        return [
            Reply(
                describe_error(
                    ctx.t, ParseError(ErrorCode.UNKNOWN_VILLAGE), ctx.units, home=person.scope
                )
            )
        ]
    # Scope first: the households of a village outside it are never offered.
    refusal = outside_scope(ctx, result.items)
    if refusal is not None:
        return [refusal]
    match = await match_households(ctx, result.items, households)
    if match.ambiguous:
        data = {"flow": "report", "chosen": chosen_data(chosen)}
        return await ask_household(
            ctx, match.ambiguous, households, text, today, data=data, source=source
        )
    items, unlisted = match.items, match.unlisted
    refusal = await household_conflict(ctx, items)
    if refusal is not None:
        return [refusal]
    digest = text_key(text)
    try:
        added = await ctx.store.reports.add(
            items,
            reporter_id=person.id,
            received_at=ctx.now,
            source=source,
            text_key=digest,
            once_per_household=once_per_household(ctx),
            needs_approval=needing_approval(ctx),
            repeat_since=None if repeat_confirmed else ctx.now - REPEAT_WINDOW,
        )
    except HouseholdTaken as taken:
        return [await household_taken(ctx, taken.report)]
    if added.repeated:
        return [
            await _ask_repeat(
                ctx,
                text,
                list(added.repeated),
                today=today,
                source=source,
                chosen=chosen,
                households=households,
            )
        ]
    reply = await confirmation(ctx, added.reports, added.totals)
    return [replace(reply, text=f"{reply.text}\n{unlisted}") if unlisted else reply]


async def _ask_repeat(
    ctx: Context,
    text: str,
    earlier: list[StoredReport],
    *,
    today: date,
    source: str | None,
    chosen: Mapping[frozenset[str], str],
    households: ChosenHouseholds | None,
) -> Reply:
    """Ask before storing a text its sender sent a few minutes ago."""
    assert ctx.person is not None
    key = await ctx.store.pending.put(
        person_id=ctx.person.id,
        kind=PendingKind.REPEAT,
        text=text,
        data={
            "today": today.isoformat(),
            "chosen": chosen_data(chosen),
            "households": households_data(households),
        },
        source=source,
        at=ctx.now,
    )
    last = max(earlier, key=lambda r: r.received_at)
    numbers = ", ".join(str(r.id) for r in earlier if r.source == last.source)
    return Reply(
        ctx._(
            "Bạn vừa gửi đúng tin này lúc {time} (báo cáo số {numbers}). Ghi thêm một lần"
            " nữa hay bỏ qua?"
        ).format(time=ctx.t.short_time(ctx.local(last.received_at)), numbers=numbers),
        choices=(
            Choice(ctx._("Ghi thêm"), f"repeat:{key}:y"),
            Choice(ctx._("Bỏ qua"), f"repeat:{key}:n"),
        ),
    )
