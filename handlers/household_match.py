"""Reports name registry households: the name as typed becomes the registry's household.

"hộ Giàng Seo Chứ", "ho giang seo chu" and "gia đình GiàngSeo Chứ" are one household of the
village's registry, stored under the registry's spelling and its id, so the once-per-household
rule holds across spellings. When the village has two households of that name, the cadre is
asked which one, and nothing is stored before the answer. A name the village's registry does
not have is stored as typed and the reply says it is not on the list yet. Without a registry
nothing changes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date

from core.household_names import HouseholdNames
from core.households import Household, name_key
from core.models import PendingKind
from core.parsing import NO_HOME_VILLAGE, ReportItem
from handlers.context import Context
from handlers.messages import Choice, Reply
from handlers.views.households import household_label

__all__ = [
    "ChosenHouseholds",
    "HouseholdMatch",
    "ask_household",
    "chosen_households",
    "households_data",
    "match_households",
    "registry_for_text",
    "registry_names",
]

# The household picked for a name of a village: (village, name key) → household id.
ChosenHouseholds = Mapping[tuple[str, str], int]


@dataclass(frozen=True, slots=True)
class HouseholdMatch:
    items: tuple[ReportItem, ...]
    unlisted: str | None  # the note on names that are not on the list
    # The households one name of the message matches and no answer picked yet: ask first.
    ambiguous: tuple[Household, ...] = ()


async def registry_names(ctx: Context, villages: Collection[str]) -> HouseholdNames | None:
    """The registry households of these villages; None when they have none."""
    if not villages:
        return None
    households = await ctx.store.households.in_villages(villages)
    return HouseholdNames(households) if households else None


async def registry_for_text(ctx: Context, home: str, text: str) -> HouseholdNames | None:
    """The registry the parser reads lower-case household names with: the sender's own
    village's; for a sender without one (a leader), that of the villages of their area whose
    name the message holds ("thôn Sà Lủng ho giang seo chu thoat ngheo")."""
    if home != NO_HOME_VILLAGE:
        return await registry_names(ctx, [home])
    assert ctx.person is not None
    compact = name_key(text)
    named = [
        village.code
        for village in ctx.units.villages_in(ctx.person.scope)
        # Folded names already: only their spaces go, as in name_key.
        if any(name.replace(" ", "") in compact for name in ctx.units.folded_names(village))
    ]
    return await registry_names(ctx, named)


async def match_households(
    ctx: Context, items: tuple[ReportItem, ...], chosen: ChosenHouseholds | None = None
) -> HouseholdMatch:
    """The items with registry households (``chosen`` settles names the village has twice)."""
    named = {item.village for item in items if item.household}
    names = await registry_names(ctx, named)
    if names is None:
        return HouseholdMatch(items, None)
    matched: list[ReportItem] = []
    unlisted: list[str] = []
    for item in items:
        found = names.matches(item.village, item.household) if item.household else []
        if len(found) > 1:
            assert item.household is not None
            pick = (chosen or {}).get((item.village, name_key(item.household)))
            found = [h for h in found if h.id == pick] or found
            if len(found) > 1:
                return HouseholdMatch(items, None, tuple(found))
        if len(found) == 1:
            item = replace(item, household=found[0].name, household_id=found[0].id)
        elif item.household and names.in_village(item.village):
            unlisted.append(item.household)
        matched.append(item)
    if not unlisted:
        return HouseholdMatch(tuple(matched), None)
    note = ctx._("Hộ {households} chưa có trong danh sách hộ của thôn; xã sẽ rà soát.").format(
        households=", ".join(unlisted)
    )
    return HouseholdMatch(tuple(matched), note)


def chosen_households(data: Mapping[str, object]) -> dict[tuple[str, str], int]:
    """The households already picked, from a pending question's data."""
    chosen: dict[tuple[str, str], int] = {}
    raw = data.get("households")
    if isinstance(raw, list):
        for entry in raw:
            if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[2], int):
                chosen[str(entry[0]), str(entry[1])] = entry[2]
    return chosen


def households_data(chosen: ChosenHouseholds | None) -> list[list[object]]:
    return [[village, key, household] for (village, key), household in (chosen or {}).items()]


async def ask_household(
    ctx: Context,
    households: tuple[Household, ...],
    chosen: ChosenHouseholds | None,
    text: str,
    today: date,
    *,
    data: Mapping[str, object],
    source: str | None,
) -> list[Reply]:
    """Which of the village's households of this name the report is about: one button each
    (numbered answers where a channel has none). The message waits on the server."""
    assert ctx.person is not None
    first = households[0]
    key = await ctx.store.pending.put(
        person_id=ctx.person.id,
        kind=PendingKind.HOUSEHOLD,
        text=text,
        data={
            **data,
            "households": households_data(chosen),
            "name": [first.village, first.key],
            "candidates": [h.id for h in households],
            "today": today.isoformat(),
        },
        source=source,
        at=ctx.now,
    )
    question = ctx.t.ngettext(
        "Ở {village} có {n} hộ tên {name}. Báo cáo này là của hộ nào? Chọn bên dưới; báo cáo"
        " chưa được ghi cho đến khi bạn chọn.",
        "Ở {village} có {n} hộ tên {name}. Báo cáo này là của hộ nào? Chọn bên dưới; báo cáo"
        " chưa được ghi cho đến khi bạn chọn.",
        len(households),
    ).format(village=ctx.unit_label(ctx.units[first.village]), n=len(households), name=first.name)
    choices = tuple(
        Choice(household_label(ctx, h), f"household:{key}:{index}")
        for index, h in enumerate(households)
    )
    return [Reply(question, choices=choices)]
