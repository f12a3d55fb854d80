"""Reports name registry households: the name as typed becomes the registry's household.

"hộ Giàng Seo Chứ", "ho giang seo chu" and "gia đình GiàngSeo Chứ" are one household of the
village's registry, stored under the registry's spelling, so the once-per-household rule holds
across spellings. A name the village's registry does not have is stored as typed and the
reply says it is not on the list yet. Without a registry nothing changes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from core.household_names import HouseholdNames
from core.parsing import ReportItem
from handlers.context import Context

__all__ = ["match_households", "registry_names"]


async def registry_names(ctx: Context, villages: Collection[str]) -> HouseholdNames | None:
    """The registry households of these villages; None when they have none."""
    if not villages:
        return None
    households = await ctx.store.households.in_villages(villages)
    return HouseholdNames(households) if households else None


async def match_households(
    ctx: Context, items: tuple[ReportItem, ...]
) -> tuple[tuple[ReportItem, ...], str | None]:
    """The items with registry names, and a note on names that are not on the list."""
    named = {item.village for item in items if item.household}
    names = await registry_names(ctx, named)
    if names is None:
        return items, None
    matched: list[ReportItem] = []
    unlisted: list[str] = []
    for item in items:
        found = names.matches(item.village, item.household) if item.household else []
        if len(found) == 1:
            item = replace(item, household=found[0].name)
        elif item.household and names.in_village(item.village) and not found:
            unlisted.append(item.household)
        matched.append(item)
    if not unlisted:
        return tuple(matched), None
    note = ctx._("Hộ {households} chưa có trong danh sách hộ của thôn; xã sẽ rà soát.").format(
        households=", ".join(unlisted)
    )
    return tuple(matched), note
